// The watchdog: driver code that never returns (a synchronous loop in
// DriverEntry or in a routine), never settles (a top-level await), or calls
// process.exit is stopped and named, what was printed stays printed, exit 4;
// timers a driver leaves running do not keep the program alive. Runs the built
// command, as users do (the supervisor and its worker thread).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scratch } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

const DRIVERS: Record<string, string> = {
  'loop-entry': 'export function DriverEntry() { for (;;) {} }',
  'loop-routine': [
    "import { PsSetLoadImageNotifyRoutine } from 'psnotify';",
    'export function DriverEntry(d) { d.DriverUnload = () => {}; return PsSetLoadImageNotifyRoutine((name) => { if (/kernel32/i.test(name)) for (;;) {} }); }',
  ].join('\n'),
  'never-settles': 'await new Promise(() => {});\nexport function DriverEntry() { return 0; }',
  'exits': 'export function DriverEntry() { process.exit(3); }',
  'leaves-timers': 'export function DriverEntry(d) { setInterval(() => {}, 1000); d.DriverUnload = () => {}; return 0; }',
};

function run(t: { after(fn: () => void): void; skip(message: string): void }, driver: string, ...extra: string[]) {
  const dir = scratch(t, 'psnotify-watchdog-');
  writeFileSync(join(dir, `${driver}.mjs`), DRIVERS[driver]!);
  writeFileSync(join(dir, 'run.yaml'), `drivers: [sysmon, { module: ./${driver}.mjs }]\nsteps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }\n`);
  return spawnSync(process.execPath, [bin, 'run', join(dir, 'run.yaml'), '--timeout', '1', ...extra], { encoding: 'utf8', timeout: 60_000 });
}

const built = () => existsSync(bin);

test('a DriverEntry that never returns is stopped and named: exit 4', (t) => {
  if (!built()) return t.skip('dist/ not built: npm test builds it first');
  const r = run(t, 'loop-entry');
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /stopped by the watchdog: loop-entry\.sys: DriverEntry did not return within 1 s/);
});

test('a routine that never returns: the rows before it are printed, the report names the routine and the image', (t) => {
  if (!built()) return t.skip('dist/ not built: npm test builds it first');
  const table = run(t, 'loop-routine');
  assert.equal(table.status, 4, table.stderr);
  assert.match(table.stdout, /cmd\.exe +\d+ ntdll\.dll/);
  assert.match(table.stderr, /loop-routine\.sys: its load-image routine for \\Device\\HarddiskVolume3\\Windows\\System32\\kernel32\.dll \(pid \d+\) did not return/);
  const json = run(t, 'loop-routine', '--json');
  assert.equal(json.status, 4);
  const lines = json.stdout.trim().split('\n');
  assert.ok(lines.length >= 2 && lines.every((l) => typeof JSON.parse(l).seq === 'number'), 'complete JSON lines');
});

test('a module whose top-level await never settles, and driver code calling process.exit, are reported: exit 4', (t) => {
  if (!built()) return t.skip('dist/ not built: npm test builds it first');
  const pending = run(t, 'never-settles');
  assert.equal(pending.status, 4, pending.stderr);
  assert.match(pending.stderr, /never-settles\.mjs .* never settled/);
  const exits = run(t, 'exits');
  assert.equal(exits.status, 4, exits.stderr);
  assert.match(exits.stderr, /exits\.sys: DriverEntry called process\.exit\(3\)/);
});

test('timers a driver leaves running do not keep the run alive; --timeout must be a number', (t) => {
  if (!built()) return t.skip('dist/ not built: npm test builds it first');
  const r = run(t, 'leaves-timers');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /notifications; 1 processes, 2 drivers loaded/);
  const bad = run(t, 'leaves-timers', '--timeout', 'soon');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--timeout: expected a number of seconds/);
});
