// bench/against.ts reads the tables every benchmark prints (bench/report.ts):
// names with single spaces, right-aligned cells, several tables per run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTables } from '../bench/against.js';
import { printTable } from '../bench/report.js';

function captured(print: () => void): string {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    print();
  } finally {
    console.log = original;
  }
  return lines.join('\n');
}

test('parseTables reads back what printTable printed, table by table', () => {
  const output = captured(() => {
    console.log('2026-11-30 · Node v20 · some CPU × 2 · 24 GiB');
    printTable('one image, 8 routines (ns per image)', [
      { path: 'bare dispatch', ns: 127.4, 'images/s': 7849293, 'x bare': 1 },
      { path: 'map + notify + unmap', ns: 584.5, 'images/s': 1710863, 'x bare': 4.59 },
    ]);
    printTable('second', [{ start: 'native', 'starts/s': 1035, note: 'not a number' }]);
  });
  const figures = parseTables(output);
  assert.equal(figures.get('one image, 8 routines (ns per image)\0bare dispatch\0ns'), 127);
  assert.equal(figures.get('one image, 8 routines (ns per image)\0map + notify + unmap\0x bare'), 4.59);
  assert.equal(figures.get('one image, 8 routines (ns per image)\0map + notify + unmap\0images/s'), 1710863);
  assert.equal(figures.get('second\0native\0starts/s'), 1035);
  assert.equal(figures.has('second\0native\0note'), false, 'a cell that is not a number is no figure');
  assert.equal(figures.size, 7);
});
