// Replay input on hostile or odd inputs: devices and FIFOs are refused (a FIFO is read only when
// allowed), compression bombs stop at the caps, overlapping or nested zips are refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { FileError } from '../src/replay/input/index.js';
import { buildZip, readAll, tempDir } from './helpers/replay-input.js';

const LINE = `${JSON.stringify({ EventID: 1, Channel: 'Security', Hostname: 'h', Data: 'x' })}\n`;

function fileErrors(items: Array<{ kind: string }>): FileError[] {
  return items.filter((i): i is FileError => i.kind === 'file-error');
}

test('a character device is refused, not read without end', async (t) => {
  if (!existsSync('/dev/zero')) return t.skip('/dev/zero not found: no character device to try');
  const items = await readAll(['/dev/zero', '/dev/null']);
  assert.deepEqual(
    items.map((i) => [i.file, i.kind === 'file-error' ? i.code : i.kind]),
    [
      ['/dev/zero', 'not-regular'],
      ['/dev/null', 'not-regular'],
    ],
  );
  assert.match((items[0] as FileError).message, /is a character device: only regular files are read/);
});

test('a FIFO is refused unless pipes are allowed; allowed, it is read to its end', async (t) => {
  const dir = tempDir(t);
  const fifo = join(dir, 'events.pipe');
  try {
    execFileSync('mkfifo', [fifo]);
  } catch {
    return t.skip('mkfifo not found: FIFO behaviour not tested');
  }
  // No writer ever opens it: a reader that opened it blocking would hang here.
  const refused = await readAll([fifo]);
  assert.deepEqual(
    refused.map((i) => [i.kind, i.kind === 'file-error' ? i.code : null]),
    [['file-error', 'not-regular']],
  );
  assert.match((refused[0] as FileError).message, /FIFO.*allowPipes/);
  const writer = createWriteStream(fifo);
  writer.end(LINE + LINE);
  const allowed = await readAll([fifo], { allowPipes: true });
  assert.deepEqual(
    allowed.map((i) => i.kind),
    ['record', 'record'],
  );
});

test('gzip bomb: output past the ratio cap stops with a too-large error', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'bomb.jsonl.gz');
  writeFileSync(path, gzipSync(Buffer.from(LINE.repeat(200_000)), { level: 9 }));
  const items = await readAll([path], { limits: { maxInflateRatio: 50, inflateRatioGrace: 1024 * 1024 } });
  const [error] = fileErrors(items);
  assert.equal(error?.code, 'too-large');
  assert.match(error!.message, /more than 50:1.*zip bomb/);
  assert.equal(error!.recordsBefore, items.length - 1, 'records before the cap were yielded');
  assert.ok(items.length - 1 < 200_000);
  const capped = await readAll([path], { limits: { maxInflatedBytes: 100_000 } });
  assert.equal(fileErrors(capped)[0]?.code, 'too-large');
  assert.match(fileErrors(capped)[0]!.message, /more than 100000 bytes/);
});

test('zip bomb: a member declaring a huge ratio is refused before it is read; one lying about its size stops', async (t) => {
  const dir = tempDir(t);
  const data = Buffer.from(LINE.repeat(100_000));
  const declared = join(dir, 'declared.zip');
  writeFileSync(declared, buildZip([{ name: 'a.jsonl', data }]));
  const items = await readAll([declared], { limits: { maxInflateRatio: 20, inflateRatioGrace: 1024 } });
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'file-error' ? i.code : null, i.member]),
    [['file-error', 'too-large', 'a.jsonl']],
  );
  const lying = join(dir, 'lying.zip');
  writeFileSync(lying, buildZip([{ name: 'a.jsonl', data, declaredSize: 1000 }]));
  const lied = await readAll([lying]);
  const [error] = fileErrors(lied);
  assert.equal(error?.code, 'corrupt-zip');
  assert.match(error!.message, /more than its declared 1000 bytes/);
  assert.ok(lied.length - 1 <= 1000 / LINE.length);
});

test('zip: overlapping members (a non-recursive zip bomb) are refused', async (t) => {
  const dir = tempDir(t);
  const zip = buildZip([
    { name: 'a.jsonl', data: Buffer.from(LINE) },
    { name: 'b.jsonl', data: Buffer.from(LINE) },
  ]);
  // Point the second central-directory entry at the first member's local header.
  const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  const second = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), cd + 4);
  zip.writeUInt32LE(0, second + 42);
  const path = join(dir, 'overlap.zip');
  writeFileSync(path, zip);
  const items = await readAll([path]);
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'file-error' ? i.code : null]),
    [['file-error', 'corrupt-zip']],
  );
  assert.match((items[0] as FileError).message, /overlaps/);
});

test('a zip inside a zip is refused (it would need seeking); gzip nesting is capped', async (t) => {
  const dir = tempDir(t);
  const inner = buildZip([{ name: 'x.jsonl', data: Buffer.from(LINE) }]);
  const path = join(dir, 'outer.zip');
  writeFileSync(path, buildZip([{ name: 'inner.zip', data: inner }, { name: 'y.jsonl', data: Buffer.from(LINE) }]));
  const items = await readAll([path]);
  assert.deepEqual(
    items.map((i) => [i.member, i.kind, i.kind === 'file-error' ? i.code : null]),
    [
      ['inner.zip', 'file-error', 'unsupported'],
      ['y.jsonl', 'record', null],
    ],
  );
  let nested = Buffer.from(LINE);
  for (let i = 0; i < 5; i++) nested = gzipSync(nested);
  const deep = join(dir, 'deep.gz');
  writeFileSync(deep, nested);
  const deepItems = await readAll([deep]);
  assert.equal(fileErrors(deepItems)[0]?.code, 'too-large');
  assert.match(fileErrors(deepItems)[0]!.message, /nested deeper than 3/);
  const ok = await readAll([deep], { limits: { maxContainerDepth: 5 } });
  assert.deepEqual(
    ok.map((i) => i.kind),
    ['record'],
  );
});

test('zip: a central directory over its cap, or absent, is a located file error', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'many.zip');
  writeFileSync(path, buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `m${i}.jsonl`, data: Buffer.from(LINE) }))));
  const capped = await readAll([path], { limits: { maxZipEntries: 10 } });
  assert.equal(fileErrors(capped)[0]?.code, 'too-large');
  assert.match(fileErrors(capped)[0]!.message, /20 zip entries exceed limits.maxZipEntries/);
  const cut = join(dir, 'cut.zip');
  writeFileSync(cut, buildZip([{ name: 'a.jsonl', data: Buffer.from(LINE.repeat(100)) }]).subarray(0, 200));
  const broken = await readAll([cut]);
  assert.equal(fileErrors(broken)[0]?.code, 'corrupt-zip');
  assert.match(fileErrors(broken)[0]!.message, /no end-of-central-directory record/);
});
