// The README's driver example, run exactly as written (importing 'psnotify',
// which resolves to this package's built dist/ by self-reference).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('the README example runs and reports notepad, ntdll, kernel32, KernelBase in that order', (t) => {
  if (!existsSync(join(root, 'dist', 'index.js'))) return t.skip('dist/ not built: npm test builds it first');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a ts code block');
  assert.match(block[1]!, /from 'psnotify'/);
  const folder = join(root, '.cache');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'readme-example.ts');
  writeFileSync(file, block[1]!);
  const output = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
  const names = output.trim().split('\n').map((line) => line.split(' ')[1]!.split('\\').pop());
  assert.deepEqual(names.slice(0, 4), ['notepad.exe', 'ntdll.dll', 'kernel32.dll', 'KernelBase.dll']);
  assert.match(output.split('\n')[0]!, /^\d+ \\Device\\HarddiskVolume3\\Windows\\System32\\notepad\.exe 403$/);
});

test('the README own-driver example and its scenario run with psnotify run', (t) => {
  const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
  if (!existsSync(bin)) return t.skip('dist/ not built: npm test builds it first');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const driver = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)][1]?.[1];
  const scenario = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(driver && scenario, 'README has the driver and its scenario');
  const folder = mkdtempSync(join(tmpdir(), 'psnotify-readme-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'my-driver.ts'), driver);
  writeFileSync(join(folder, 'my-driver.yaml'), scenario);
  const output = execFileSync(process.execPath, [bin, 'run', 'my-driver.yaml'], { cwd: folder, encoding: 'utf8' });
  assert.match(output, /my-driver: unsigned \\Device\\HarddiskVolume3\\Users\\Public\\plugin\.dll in pid \d+/);
  assert.match(output, /my-driver: images per process: \[\[\d+,\d+\]\]/);
});
