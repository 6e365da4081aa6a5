// The built command (dist/, what `npm start` and the "bin" entry run), spawned
// once: the demo, --version, and a user driver outside the project importing
// 'psnotify'.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const mainJs = join(root, 'dist', 'src', 'cli', 'main.js');

test('the built binary runs the demo; main.js runs as a program too', (t) => {
  if (!existsSync(bin)) return t.skip('dist/ not built: npm test builds it first');
  assert.match(readFileSync(mainJs, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const demo = spawnSync(process.execPath, [bin, 'demo', '--json'], { encoding: 'utf8' });
  assert.equal(demo.status, 0, demo.stderr);
  assert.ok(demo.stdout.trim().split('\n').every((l) => typeof JSON.parse(l).seq === 'number'));
  const version = spawnSync(process.execPath, [mainJs, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  const bad = spawnSync(process.execPath, [bin, 'run', join(root, 'no-such-scenario.yaml')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no-such-scenario\.yaml: 1 problem:\n {2}cannot read the file: .*ENOENT/);
});

test('a user driver outside the project imports psnotify and runs with no build step', (t) => {
  if (!existsSync(bin)) return t.skip('dist/ not built: npm test builds it first');
  const dir = mkdtempSync(join(tmpdir(), 'psnotify-built-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'outside.ts'), [
    "import { PsSetLoadImageNotifyRoutine, type DriverObject } from 'psnotify';",
    'export function DriverEntry(d: DriverObject): number {',
    '  d.DriverUnload = () => {};',
    "  return PsSetLoadImageNotifyRoutine((name) => console.log('outside saw', name?.split('\\\\').pop()));",
    '}',
  ].join('\n'));
  writeFileSync(join(dir, 'outside.yaml'), "drivers: [{ module: ./outside.ts }]\nsteps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }\n");
  const output = execFileSync(process.execPath, [bin, 'run', join(dir, 'outside.yaml')], { encoding: 'utf8', cwd: dir });
  assert.match(output, / cmd\.exe +usr 0\/0 +a\n {2}outside saw cmd\.exe\n.* ntdll\.dll +usr 0\/0 +a\n {2}outside saw ntdll\.dll\n/);
});
