// What `run` and `demo` print: the 80-column table, --json, --sysmon, and the
// exit codes for a failed expectation (1) and a bug check (3).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoScenario } from '../src/cli/demo.js';
import { runScenario } from '../src/scenario/run.js';
import { imphash } from '../src/pe/imphash.js';
import { parsePe } from '../src/pe/parse.js';
import { cli, scratch } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataset = join(root, '..', 'shared', 'data', 'sysmon', 'otrf-aptsimulator-cobaltstrike.jsonl');

const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('demo: an 80-column table with the §5B heads, the injection, the driver load, then the inventory', async () => {
  // (How fast the demo runs is a benchmark's question, never a test's.)
  const { code, stdout } = await cli('demo');
  assert.equal(code, 0);
  const lines = stdout.split('\n');
  assert.ok(lines.every((l) => [...l].length <= 80), lines.find((l) => [...l].length > 80));
  assert.match(lines[0]!, /^psnotify: demo — build 22631 \(Windows 11 23H2\), amd64, seed 1$/);
  assert.deepEqual(lines.slice(2, 5), ['  a = sysmon.sys', '  b = inventory.sys', '  c = injector.sys']);
  assert.match(stdout, /explorer\.exe +\d+ explorer\.exe +usr 0\/0 +abc\n/);
  assert.match(stdout, /notepad\.exe +\d+ wow64\.dll +usr C\/3 +abc\n/);
  // The harness's map into the suspended svchost is reported before its EXE (§5B).
  assert.match(stdout, /svchost\.exe +(\d+) hook\.dll +usr 1\/0 +abc\n.*svchost\.exe +\1 svchost\.exe +usr 0\/0/);
  assert.match(stdout, /\n {2}injector: inject64\.dll mapped into cmd\.exe/);
  assert.match(stdout, /System +0 tcpip\.sys +sys C\/3 +abc\n/);
  // Boot: sysmon hears inventory's load, then sysmon and inventory hear injector's (slot order).
  assert.match(stdout, /System +0 inventory\.sys +sys 1\/0 +a\n.*System +0 injector\.sys +sys 1\/0 +ab\n/);
  const inventory = stdout.slice(stdout.indexOf('notifications;'));
  assert.match(inventory, /\nsvchost\.exe \(pid \d+\): 20 modules\n {2}0x[0-9a-f]{16} +3000 hook\.dll\n/);
  // svchost's own run-time loads (docs/loader.md) end the inventory: the last is msvcp_win.
  assert.ok(lines.at(-2)!.endsWith('msvcp_win.dll'), 'the inventory ends the output');
});

test('--wide shows full NT names; the rare bits are spelled out', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'bits.yaml'), [
    'drivers: [sysmon]',
    'steps:',
    "  - writeFile: { path: 'C:\\Tools\\x86.dll', pe: { machine: x86, dll: true, sizeOfImage: 0x8000 } }",
    "  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: cmd }",
    "  - mapImage: { process: cmd, path: 'C:\\Tools\\x86.dll', viewSize: 4096 }",
  ].join('\n'));
  const { code, stdout } = await cli('run', join(dir, 'bits.yaml'), '--wide');
  assert.equal(code, 0);
  assert.match(stdout, / \\Device\\HarddiskVolume3\\Tools\\x86\.dll usr 1\/0 mismatch partial +a\n/);
  assert.match(stdout, / \\Device\\HarddiskVolume3\\Windows\\System32\\cmd\.exe +usr 0\/0 +a\n/);
});

test('--json: one object per notification with the documented fields, routines as called', async () => {
  const { code, stdout } = await cli('demo', '--json');
  assert.equal(code, 0);
  const records = jsonLines(stdout);
  assert.ok(records.length > 50);
  assert.deepEqual(Object.keys(records[0]!), ['seq', 'timeMs', 'step', 'processId', 'process', 'fullImageName', 'imageBase', 'imageSize', 'properties', 'imageInfo', 'routines']);
  assert.deepEqual(records.map((r) => r.seq), records.map((_, i) => i + 1));
  const times = records.map((r) => r.timeMs as number);
  assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]!), 'time is monotonic');
  const tcpip = records.find((r) => String(r.fullImageName).endsWith('\\tcpip.sys'))!;
  assert.equal(tcpip.processId, 0);
  assert.equal(tcpip.process, 'System');
  assert.equal((tcpip.imageInfo as Record<string, unknown>).SystemModeImage, 1);
  assert.deepEqual((tcpip.routines as { driver: string }[]).map((r) => r.driver), ['sysmon.sys', 'inventory.sys', 'injector.sys']);
  assert.match(String(tcpip.imageBase), /^0x[0-9a-f]+$/);
  assert.equal((records[0]!.routines as { flags: number }[])[0]!.flags, 1, 'sysmon registers for every architecture');
});

test('--json routines: a mismatch image reaches only the routines registered with the flag', async () => {
  const { code, stdout } = await cli('run', join(root, 'docs', 'examples', 'mismatch.yaml'), '--json');
  assert.equal(code, 0);
  const x86 = jsonLines(stdout).filter((r) => String(r.fullImageName).endsWith('\\x86.dll'));
  assert.equal(x86.length, 2);
  for (const record of x86) {
    assert.equal((record.imageInfo as Record<string, unknown>).MachineTypeMismatch, 1);
    assert.deepEqual((record.routines as { driver: string }[]).map((r) => r.driver), ['sysmon.sys']);
  }
});

function datasetFields(eventId: number): string[] | null {
  if (!existsSync(dataset)) return null;
  const record = jsonLines(readFileSync(dataset, 'utf8')).find((r) => r.EventID === eventId);
  return record ? Object.keys(record).sort() : null;
}

test('--sysmon: JSON lines with the real records\' field sets; Hashes are the volume bytes\' digests', async (t) => {
  const { code, stdout, stderr } = await cli('demo', '--sysmon');
  assert.equal(code, 0);
  const records = jsonLines(stdout);
  assert.match(stderr, /injector: inject64\.dll mapped into/, 'driver messages go to standard error');
  assert.deepEqual([...new Set(records.map((r) => r.EventID))].sort(), [1, 6, 7]);
  const sevens = records.filter((r) => r.EventID === 7);
  const ones = records.filter((r) => r.EventID === 1);
  assert.deepEqual(ones.map((r) => String(r.Image).split('\\').pop()), ['explorer.exe', 'cmd.exe', 'notepad.exe', 'svchost.exe']);
  for (const [id, sample] of [[7, sevens[0]!], [1, ones[0]!]] as const) {
    const real = datasetFields(id);
    if (real === null) {
      t.diagnostic('shared Sysmon dataset not found: field sets not compared');
      continue;
    }
    // Event 7 has User in Sysmon 13+; the dataset's older records lack it.
    assert.deepEqual(Object.keys(sample).filter((k) => id !== 7 || k !== 'User').sort(), real, `event ${id}`);
  }
  for (const r of records) {
    assert.equal(r.Channel, 'Microsoft-Windows-Sysmon/Operational');
    assert.match(String(r.UtcTime), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    if (r.EventID !== 6) {
      assert.match(String(r.ProcessGuid), /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/);
      assert.match(String(r.ProcessId), /^\d+$/);
      assert.match(String(r.Image), /^C:\\Windows\\(System32|SysWOW64)?\\?[^\\]+\.exe$/);
    }
    if (r.EventID !== 1) assert.ok(r.Signed === 'true' || r.Signed === 'false');
  }
  // A second run of the same seed has the same volume: hash every record's file.
  const replay = await runScenario(demoScenario, { baseDirectory: root, output: { event: () => {}, log: () => {} } });
  for (const r of records) {
    const file = String(r.EventID === 1 ? r.Image : r.ImageLoaded);
    const bytes = replay.kernel.fs.readFile(file);
    const h = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex').toUpperCase();
    const imp = imphash(parsePe(bytes)).toUpperCase() || '0'.repeat(32);
    assert.equal(r.Hashes, `SHA1=${h('sha1')},MD5=${h('md5')},SHA256=${h('sha256')},IMPHASH=${imp}`, file);
  }
  // notepad's ProcessGuid is the same in its event 1 and its event 7s; ParentProcessId is a string.
  const notepad = ones.find((r) => String(r.Image).endsWith('SysWOW64\\notepad.exe'))!;
  assert.ok(sevens.filter((r) => r.ProcessId === notepad.ProcessId).every((r) => r.ProcessGuid === notepad.ProcessGuid));
  assert.equal(typeof notepad.ParentProcessId, 'string');
});

test('driver messages appear right after the row that caused them; off standard output with --json/--sysmon', async () => {
  const file = join(root, 'docs', 'examples', 'my-driver.yaml');
  for (const mode of ['--json', '--sysmon']) {
    const { code, stdout, stderr } = await cli('run', file, mode);
    assert.equal(code, 0);
    assert.ok(stdout.trim().split('\n').every((line) => JSON.parse(line)), `${mode}: stdout is JSON lines`);
    assert.match(stderr, /my-driver: unsigned .*plugin\.dll/);
  }
  const table = await cli('run', file);
  const lines = table.stdout.split('\n');
  const row = lines.findIndex((l) => / plugin\.dll +usr 1\/0/.test(l));
  assert.ok(row > 0);
  assert.match(lines[row + 1]!, /^ {2}my-driver: unsigned/);
});

test('a failed expectation exits 1 and says which and why', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'fail.yaml');
  writeFileSync(file, "drivers: [inventory]\nsteps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: cmd }\n  - expect: { process: cmd, image: user32.dll, count: 5 }\n  - expect: { process: cmd, order: [cmd.exe, kernel32.dll] }\n");
  const { code, stderr } = await cli('run', file);
  assert.equal(code, 1);
  assert.match(stderr, /FAILED steps\[1\]\.expect: expected 5 notification\(s\) of image user32\.dll in process cmd, saw 0/);
  assert.match(stderr, /FAILED steps\[2\]\.expect: expected the first notifications of process cmd to be \[cmd\.exe, kernel32\.dll\], saw \[cmd\.exe, ntdll\.dll\]/);
});

test('a failing step exits 1 naming the step and the status', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'step.yaml'), "steps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: cmd }\n  - loadLibrary: { process: cmd, path: 'C:\\nowhere\\x.dll' }\n  - terminate: { process: nobody }\n");
  const { code, stderr } = await cli('run', join(dir, 'step.yaml'));
  assert.equal(code, 1);
  assert.match(stderr, /FAILED steps\[1\]\.loadLibrary failed: .*STATUS_/);
});

test('an unexpected bug check exits 3 with an !analyze header naming the driver', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'crash.yaml'), "drivers: [leaky]\nsteps:\n  - unloadDriver: { driver: leaky }\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }\n");
  const { code, stdout } = await cli('run', join(dir, 'crash.yaml'));
  assert.equal(code, 3);
  assert.match(stdout, /DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS \(ce\)/);
  assert.match(stdout, /Arg1: (f{4}[0-9a-f]{12}), memory referenced[^\n]*\nArg2: 0000000000000008, access type \(8 = execute\)\nArg3: \1/);
  assert.match(stdout, /Probably caused by : leaky\.sys/);
});

test('a DriverEntry that throws at boot: exit 3, 0x7E naming the driver', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'boom.ts'), "export function DriverEntry(): number { throw new Error('boom at boot'); }\n");
  writeFileSync(join(dir, 'boom.yaml'), 'drivers: [{ module: ./boom.ts }]\nsteps: []\n');
  const { code, stdout } = await cli('run', join(dir, 'boom.yaml'));
  assert.equal(code, 3);
  assert.match(stdout, /SYSTEM_THREAD_EXCEPTION_NOT_HANDLED \(7e\)/);
  assert.match(stdout, /Probably caused by : boom\.sys/);
  assert.match(stdout, /boom at boot/);
});

test('--help lists the commands; --version is package.json\'s', async () => {
  const help = await cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /run \[options\] <scenario>/);
  assert.match(help.stdout, /inspect <pe-file>/);
  const runHelp = await cli('run', '--help');
  assert.match(runHelp.stdout, /--sysmon/);
  const version = await cli('--version');
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
});

test('--sysmon is an output mode only: pids and slot order are those of the run without it; a scenario that loads sysmon gets its records once', async (t) => {
  const dir = scratch(t);
  const policyOnly = ['drivers: [policy]', 'steps:', "  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: cmd }", "  - createProcess: { path: 'C:\\Windows\\SysWOW64\\notepad.exe' }"].join('\n');
  writeFileSync(join(dir, 'policy.yaml'), policyOnly);
  const plain = jsonLines((await cli('run', join(dir, 'policy.yaml'), '--json')).stdout);
  const sysmon = await cli('run', join(dir, 'policy.yaml'), '--sysmon');
  assert.equal(sysmon.code, 0, sysmon.stderr);
  const records = jsonLines(sysmon.stdout);
  const loads = records.filter((r) => r.EventID === 7);
  // One event 7 per notification of a user image, with the same pids: the machine did not change.
  const userImages = plain.filter((n) => n.processId !== 0);
  assert.equal(loads.length, userImages.length);
  assert.deepEqual(loads.map((r) => Number(r.ProcessId)), userImages.map((n) => n.processId));
  assert.deepEqual(plain.map((n) => (n.routines as { driver: string }[]).map((r) => r.driver).join()), plain.map(() => 'policy.sys'), 'no sysmon slot');
  // The scenario's own sysmon driver: its records, not a second copy.
  writeFileSync(join(dir, 'own.yaml'), policyOnly.replace('drivers: [policy]', 'drivers: [sysmon, policy]'));
  const own = jsonLines((await cli('run', join(dir, 'own.yaml'), '--sysmon')).stdout).filter((r) => r.EventID === 7);
  assert.equal(own.length, loads.length);
});
