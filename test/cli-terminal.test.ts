// Strings from files and drivers never reach a terminal raw: ESC, BEL, CR and
// the rest are escaped in the table, in inspect and in errors; JSON stays valid
// and keeps the raw value.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPe, IMAGE_FILE_MACHINE_AMD64 } from '../src/index.js';
import { terminalSafe } from '../src/cli/terminal.js';
import { cli, scratch } from './helpers/cli.js';

// Everything a terminal would act on, including C1 (CSI U+009B) and bidi overrides.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const EVIL = 'evil\u001b[31mRED\u0007\rFAKE LINE\u009b2J\u202eexe.txt';

test('terminalSafe escapes terminal controls as \\uXXXX and keeps line feeds', () => {
  assert.equal(terminalSafe('a\u001b[1mb\nc'), 'a\\u001b[1mb\nc');
  assert.equal(terminalSafe('\u009b\u202e\u007f'), '\\u009b\\u202e\\u007f');
  assert.equal(terminalSafe('plain text'), 'plain text');
  assert.doesNotMatch(terminalSafe(EVIL), RAW_CONTROL);
});

test('table, driver messages, inspect and errors carry no raw control character from a file', async (t) => {
  const dir = scratch(t);
  // NTFS refuses C0 controls in names (so does the volume); C1 and bidi controls it takes.
  const evilName = 'evil\u009b2J\u202eexe.txt';
  // A driver module that prints what the file says, a PE whose strings are hostile.
  writeFileSync(join(dir, 'talker.mjs'), [
    "import { PsSetLoadImageNotifyRoutine } from 'psnotify';",
    'export function DriverEntry(d) { d.DriverUnload = () => {}; return PsSetLoadImageNotifyRoutine((name) => console.log(`saw ${name}\\u001b]0;title\\u0007`)); }',
  ].join('\n'));
  writeFileSync(join(dir, 'evil.yaml'), [
    'drivers: [{ module: ./talker.mjs }]',
    'steps:',
    `  - writeFile: { path: ${JSON.stringify(`C:\\Tools\\${evilName}.dll`)}, pe: { machine: amd64, dll: true, versionInfo: { FileDescription: ${JSON.stringify(EVIL)} } } }`,
    "  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: cmd }",
    `  - loadLibrary: { process: cmd, path: ${JSON.stringify(`C:\\Tools\\${evilName}.dll`)} }`,
  ].join('\n'));
  const table = await cli('run', join(dir, 'evil.yaml'));
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /evil\\u009b2J\\u202eexe/);
  assert.match(table.stdout, /title\\u0007/, 'the driver message, escaped');
  assert.doesNotMatch(table.stdout + table.stderr, RAW_CONTROL);
  const json = await cli('run', join(dir, 'evil.yaml'), '--json');
  const records = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { fullImageName: string });
  assert.ok(records.some((r) => r.fullImageName.includes(`${evilName}.dll`)), 'JSON keeps the raw value');
  assert.doesNotMatch(json.stdout, RAW_CONTROL);
  const sysmon = await cli('run', join(dir, 'evil.yaml'), '--sysmon');
  assert.ok(sysmon.stdout.split('\n').filter(Boolean).every((l) => JSON.parse(l)), 'valid JSON lines');
  assert.doesNotMatch(sysmon.stdout + sysmon.stderr, RAW_CONTROL);
  // inspect: section, export and version strings from the file.
  // buildPe writes printable export names only: patch an ESC into one afterwards.
  const bytes = buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['ExpZ[2J'], versionInfo: { CompanyName: EVIL } });
  bytes[Buffer.from(bytes).indexOf('ExpZ[2J') + 3] = 0x1b;
  writeFileSync(join(dir, 'x.dll'), bytes);
  const inspect = await cli('inspect', join(dir, 'x.dll'));
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.match(inspect.stdout, /\\u001b/);
  assert.doesNotMatch(inspect.stdout, RAW_CONTROL);
  // An error message naming a hostile path.
  const missing = await cli('run', join(dir, `${evilName}.yaml`));
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.stderr, RAW_CONTROL);
});
