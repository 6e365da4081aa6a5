// Every way the command line can be given bad input: exit code 2, nothing run,
// and a message that names what was wrong and where.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT_BAD_INPUT } from '../src/cli/main.js';
import { cli, scratch } from './helpers/cli.js';

async function expectBadInput(argv: string[], message: RegExp): Promise<void> {
  const { code, stdout, stderr } = await cli(...argv);
  assert.equal(code, EXIT_BAD_INPUT, `${argv.join(' ')}: exit ${code}: ${stderr}`);
  assert.match(stderr, message, argv.join(' '));
  assert.doesNotMatch(stdout, /notifications;/, 'nothing ran');
}

test('flags and commands: unknown option, unknown command, missing argument, conflicting modes', async () => {
  assert.equal(EXIT_BAD_INPUT, 2);
  await expectBadInput(['--bogus'], /unknown option '--bogus'/);
  await expectBadInput(['demo', '--colour'], /unknown option '--colour'/);
  await expectBadInput(['frobnicate'], /unknown command 'frobnicate'/);
  await expectBadInput(['run'], /missing required argument 'scenario'/);
  await expectBadInput(['inspect'], /missing required argument 'pe-file'/);
  await expectBadInput(['demo', '--json', '--sysmon'], /choose one of --json and --sysmon/);
});

test('a missing scenario file', async (t) => {
  const dir = scratch(t);
  await expectBadInput(['run', join(dir, 'missing.yaml')], /missing\.yaml: 1 problem:\n {2}cannot read the file: .*ENOENT/);
  await expectBadInput(['run', dir], /cannot read the file: STATUS_FILE_IS_A_DIRECTORY/);
});

test('YAML and JSON syntax errors give line and column', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'syntax.yaml'), 'steps:\n  - createProcess: { path: [unclosed\n');
  await expectBadInput(['run', join(dir, 'syntax.yaml')], /syntax\.yaml: \d problems?:\n {2}line 3, column 1: Flow/);
  writeFileSync(join(dir, 'twice.yaml'), 'steps: []\nsteps: []\n');
  await expectBadInput(['run', join(dir, 'twice.yaml')], /line 2, column 1: Map keys must be unique/);
  writeFileSync(join(dir, 'cut.json'), '{"steps": [');
  await expectBadInput(['run', join(dir, 'cut.json')], /cut\.json: 1 problem:\n {2}line 1, column \d+: JSON syntax: Unexpected end of JSON input/);
});

test('schema errors: every one at once, each with its path', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'schema.yaml'), [
    'build: 7000',
    'colour: blue',
    'steps:',
    "  - mapImage: { process: p, path: 'C:\\x.dll', viewSize: -4 }",
    '  - launch: { path: x }',
    "  - createProcess: { path: 'C:\\x.exe', suspend: true }",
    '  - expect: {}',
    '  - resume: {}',
    "  - writeFile: { path: 'C:\\a.dll', pe: { machine: mips } }",
    '  - loadDriver: 7',
  ].join('\n'));
  const { code, stderr } = await cli('run', join(dir, 'schema.yaml'));
  assert.equal(code, 2);
  const problems = stderr.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
  assert.match(stderr, /schema\.yaml: 9 problems:/);
  assert.deepEqual(problems.map((p) => p.slice(0, p.indexOf(':'))), [
    'build', 'colour', 'steps[0].mapImage.viewSize', 'steps[1]', 'steps[2].createProcess.suspend', 'steps[3].expect',
    'steps[4].resume.process', 'steps[5].writeFile.pe.machine', 'steps[6].loadDriver',
  ]);
  assert.ok(problems.includes('steps[0].mapImage.viewSize: expected a positive integer'));
  assert.ok(problems.includes('colour: unknown key'));
  assert.ok(problems.includes('steps[4].resume.process: missing (expected string)'));
  assert.match(stderr, /steps\[1\]: expected exactly one of createProcess, resume, .* got launch/);
  assert.match(stderr, /steps\[3\]\.expect: expect needs at least one of count, order, fields, bugCheck, status/);
});

test('an unknown driver name, at boot or in a step, lists the known ones', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'drivers.yaml'), 'drivers: [sysmon, nosuchdriver, { modul: x.ts }]\nsteps:\n  - loadDriver: { driver: bogus }\n  - unloadDriver: { driver: 12 }\n');
  const { code, stderr } = await cli('run', join(dir, 'drivers.yaml'));
  assert.equal(code, 2);
  const known = 'the example drivers are sysmon, inventory, injector, policy, leaky; your own is \\{ module: \\./file\\.ts \\}';
  assert.match(stderr, new RegExp(`drivers\\[1\\]: unknown driver "nosuchdriver": ${known}`));
  assert.match(stderr, /drivers\[2\]\.module: missing \(expected string\)\n {2}drivers\[2\]\.modul: unknown key/);
  assert.match(stderr, new RegExp(`steps\\[0\\]\\.loadDriver\\.driver: unknown driver "bogus": ${known}`));
  assert.match(stderr, /steps\[1\]\.unloadDriver\.driver: unknown driver 12:/);
});

test('host files a scenario names must exist before anything runs', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'missing-files.yaml'), "drivers: [{ module: ./nope.ts }]\nsteps:\n  - writeFile: { path: 'C:\\x.dll', from: ./absent.dll }\n  - loadDriver: { driver: { module: ./gone.js } }\n");
  await expectBadInput(['run', join(dir, 'missing-files.yaml')], /3 problems:\n {2}drivers\[0\]\.module: \.\/nope\.ts does not exist[^\n]*\n {2}steps\[0\]\.writeFile\.from: \.\/absent\.dll does not exist[^\n]*\n {2}steps\[1\]\.loadDriver\.driver\.module: \.\/gone\.js does not exist/);
});

test('a driver module that exports no driver, or is not a module', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'not-a-driver.ts'), 'export const nothing = 1;\n');
  writeFileSync(join(dir, 'no-entry.yaml'), 'drivers: [{ module: ./not-a-driver.ts }]\nsteps: []\n');
  await expectBadInput(['run', join(dir, 'no-entry.yaml')], /not-a-driver\.ts exports no driver: export DriverEntry/);
  writeFileSync(join(dir, 'driver.txt'), 'hello');
  writeFileSync(join(dir, 'txt.yaml'), 'drivers: [{ module: ./driver.txt }]\nsteps: []\n');
  await expectBadInput(['run', join(dir, 'txt.yaml')], /driver\.txt: a driver module must be a \.ts, \.mts, \.js or \.mjs file/);
});

test('a bad scenario runs nothing', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'half.yaml'), "steps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }\n  - resume: {}\n");
  const { code, stdout, stderr } = await cli('run', join(dir, 'half.yaml'));
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /steps\[1\]\.resume\.process/);
});

test('inspect: a missing file, a folder, a malformed PE', async (t) => {
  const dir = scratch(t);
  await expectBadInput(['inspect', join(dir, 'nothing.dll')], /PE file .*nothing\.dll: ENOENT/);
  await expectBadInput(['inspect', dir], /STATUS_FILE_IS_A_DIRECTORY/);
  writeFileSync(join(dir, 'junk.dll'), 'MZ not a real image');
  await expectBadInput(['inspect', join(dir, 'junk.dll')], /STATUS_INVALID_IMAGE_FORMAT .*IMAGE_DOS_HEADER/);
  const truncated = Buffer.alloc(0x200);
  truncated.write('MZ');
  truncated.writeUInt32LE(0x80, 0x3c);
  truncated.write('PE\0\0', 0x80, 'latin1');
  writeFileSync(join(dir, 'headless.exe'), truncated);
  const { code, stderr } = await cli('inspect', join(dir, 'headless.exe'));
  assert.equal(code, 2);
  assert.match(stderr, /^psnotify: .*STATUS_INVALID_IMAGE_FORMAT/);
});
