// The command line, in process (main(argv, io)) and once as the built binary.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { scenarioJsonSchema } from '../src/scenario/json-schema.js';
import { buildPe, IMAGE_FILE_MACHINE_AMD64 } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'psnotify-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('demo: an 80-column table, the §5B heads, the inventory, exit 0', async () => {
  const { code, stdout } = await cli('demo');
  assert.equal(code, 0);
  const lines = stdout.split('\n');
  assert.ok(lines.every((l) => [...l].length <= 80), lines.find((l) => [...l].length > 80));
  assert.match(stdout, /explorer\.exe +\d+ explorer\.exe +usr 0\/0/);
  assert.match(stdout, /notepad\.exe +\d+ wow64\.dll +usr C\/3/);
  assert.match(stdout, /svchost\.exe \(pid \d+\): \d+ modules/);
  assert.match(stdout, /System +0 tcpip\.sys +sys C\/3/);
});

test('--json: one parseable object per notification with the documented fields', async () => {
  const { code, stdout } = await cli('demo', '--json');
  assert.equal(code, 0);
  const records = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(records.length > 50);
  assert.deepEqual(Object.keys(records[0]!), ['seq', 'timeMs', 'step', 'processId', 'process', 'fullImageName', 'imageBase', 'imageSize', 'properties', 'imageInfo', 'routines']);
  assert.deepEqual(records.map((r) => r.seq), records.map((_, i) => i + 1));
});

test('--sysmon: event 7 and 6 JSON lines only', async () => {
  const { code, stdout } = await cli('demo', '--sysmon');
  assert.equal(code, 0);
  const records = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(records.some((r) => r.EventID === 7 && String(r.ImageLoaded).endsWith('notepad.exe')));
  assert.ok(records.some((r) => r.EventID === 6 && String(r.ImageLoaded).endsWith('tcpip.sys')));
  assert.ok(records.every((r) => r.EventID === 6 || r.EventID === 7));
});

test('what drivers print stays off standard output with --json and --sysmon', async () => {
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
  assert.match(lines[row + 1]!, /^ {2}my-driver: unsigned/, 'the driver line comes right after the row that caused it');
});

test('every docs/examples scenario runs with exit 0', async () => {
  for (const name of ['process-start.yaml', 'mismatch.yaml', 'leaky.yaml', 'my-driver.yaml']) {
    const { code, stderr } = await cli('run', join(root, 'docs', 'examples', name));
    assert.equal(code, 0, `${name}: ${stderr}`);
  }
});

test('a failed expectation exits 1 and says which and why', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'fail.yaml');
  writeFileSync(file, "steps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: cmd }\n  - expect: { process: cmd, image: user32.dll, count: 5 }\n");
  const { code, stderr } = await cli('run', file);
  assert.equal(code, 1);
  assert.match(stderr, /FAILED steps\[1\]\.expect: expected 5 notification\(s\) of image user32\.dll in process cmd, saw [01]/);
});

test('an unexpected bug check exits 3 with an !analyze header naming the driver', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'crash.yaml');
  writeFileSync(file, "drivers: [leaky]\nsteps:\n  - unloadDriver: { driver: leaky }\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }\n");
  const { code, stdout } = await cli('run', file);
  assert.equal(code, 3);
  assert.match(stdout, /DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS \(ce\)/);
  assert.match(stdout, /Arg2: 0000000000000008, access type \(8 = execute\)/);
  assert.match(stdout, /Probably caused by : leaky\.sys/);
});

test('a driver whose DriverEntry throws at boot: exit 3, 0x7E naming it', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'boom.ts'), "export function DriverEntry(): number { throw new Error('boom at boot'); }\n");
  writeFileSync(join(dir, 'boom.yaml'), 'drivers: [{ module: ./boom.ts }]\nsteps: []\n');
  const { code, stdout } = await cli('run', join(dir, 'boom.yaml'));
  assert.equal(code, 3);
  assert.match(stdout, /SYSTEM_THREAD_EXCEPTION_NOT_HANDLED \(7e\)/);
  assert.match(stdout, /Probably caused by : boom\.sys/);
  assert.match(stdout, /boom at boot/);
});

test('bad input exits 2 with what was wrong and where', async (t) => {
  const dir = scratch(t);
  const cases: [string[], RegExp][] = [
    [['--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run'], /missing required argument 'scenario'/],
    [['run', join(dir, 'missing.yaml')], /missing\.yaml: 1 problem:\n {2}cannot read the file: ENOENT/],
    [['demo', '--json', '--sysmon'], /choose one of --json and --sysmon/],
    [['inspect', join(dir, 'nothing.dll')], /cannot read .*nothing\.dll: ENOENT/],
  ];
  writeFileSync(join(dir, 'syntax.yaml'), 'steps:\n  - createProcess: { path: [unclosed\n');
  cases.push([['run', join(dir, 'syntax.yaml')], /line \d+, column \d+/]);
  writeFileSync(join(dir, 'schema.yaml'), [
    'build: 10240',
    'drivers: [sysmon, nosuchdriver]',
    'colour: blue',
    'steps:',
    "  - mapImage: { process: p, path: 'C:\\x.dll', viewSize: -4 }",
    '  - launch: { path: x }',
    "  - createProcess: { path: 'C:\\x.exe', suspend: true }",
    '  - expect: {}',
  ].join('\n'));
  cases.push([['run', join(dir, 'schema.yaml')], /build: [\s\S]*drivers\[1\][\s\S]*colour: unknown key[\s\S]*steps\[0\]\.mapImage\.viewSize: expected a positive integer[\s\S]*steps\[1\]: expected exactly one of[\s\S]*steps\[2\]\.createProcess\.suspend: unknown key[\s\S]*steps\[3\]\.expect: expect needs at least one/]);
  writeFileSync(join(dir, 'missing-files.yaml'), "drivers: [{ module: ./nope.ts }]\nsteps:\n  - writeFile: { path: 'C:\\x.dll', from: ./absent.dll }\n");
  cases.push([['run', join(dir, 'missing-files.yaml')], /2 problems:\n {2}drivers\[0\]\.module: \.\/nope\.ts does not exist[\s\S]*steps\[0\]\.writeFile\.from: \.\/absent\.dll does not exist/]);
  writeFileSync(join(dir, 'not-a-driver.ts'), 'export const nothing = 1;\n');
  writeFileSync(join(dir, 'no-entry.yaml'), 'drivers: [{ module: ./not-a-driver.ts }]\nsteps: []\n');
  cases.push([['run', join(dir, 'no-entry.yaml')], /not-a-driver\.ts exports no driver: export DriverEntry/]);
  writeFileSync(join(dir, 'junk.dll'), 'MZ not a real image');
  cases.push([['inspect', join(dir, 'junk.dll')], /STATUS_INVALID_IMAGE_FORMAT .*IMAGE_DOS_HEADER/]);
  for (const [argv, message] of cases) {
    const { code, stderr } = await cli(...argv);
    assert.equal(code, 2, `${argv.join(' ')}: exit ${code}: ${stderr}`);
    assert.match(stderr, message, argv.join(' '));
  }
});

test('a bad scenario runs nothing: every error is reported first', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'half.yaml'), "steps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }\n  - resume: {}\n");
  const { code, stdout, stderr } = await cli('run', join(dir, 'half.yaml'));
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /steps\[1\]\.resume\.process/);
});

test('inspect shows machine, imports, exports and the IMAGE_INFO', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'lib.dll');
  writeFileSync(file, buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, imports: { 'KERNEL32.dll': ['Sleep'] }, exports: ['Go'], versionInfo: { FileDescription: 'Library', CompanyName: 'Contoso', FileVersion: '1.0' } }));
  const { code, stdout } = await cli('inspect', file);
  assert.equal(code, 0);
  assert.match(stdout, /machine +AMD64 \(0x8664\), PE32\+, DLL/);
  assert.match(stdout, /KERNEL32\.dll: Sleep/);
  assert.match(stdout, /exports +1/);
  assert.match(stdout, /version +Library 1\.0 \(Contoso\)/);
  assert.match(stdout, /Properties 0x1403 \(usr 1\/0\)/);
});

test('--help and --version', async () => {
  const help = await cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /run \[options\] <scenario>/);
  const version = await cli('--version');
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
});

test('the published JSON Schema is current (npm run schema regenerates it)', () => {
  assert.equal(readFileSync(join(root, 'docs', 'scenario.schema.json'), 'utf8'), scenarioJsonSchema());
});

test('the built binary runs the demo, and a user driver outside the project imports psnotify', (t) => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'bin.js'))) return t.skip('dist/ not built: npm test builds it first');
  const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
  const demo = spawnSync(process.execPath, [bin, 'demo', '--json'], { encoding: 'utf8' });
  assert.equal(demo.status, 0, demo.stderr);
  assert.ok(demo.stdout.trim().split('\n').every((l) => typeof JSON.parse(l).seq === 'number'));
  const dir = scratch(t);
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
