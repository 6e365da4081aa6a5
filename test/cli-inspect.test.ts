// `psnotify inspect`: what parsePe and code integrity see, and the IMAGE_INFO
// a whole-image map would carry, field by field.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { explainProperties, propertyBits } from '../src/cli/properties.js';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_I386, Kernel } from '../src/index.js';
import { cli, scratch } from './helpers/cli.js';

const inspect = (file: string) => cli('inspect', file);

test('an x64 DLL: kind, machine, sections, imports, exports, version, IMAGE_INFO 0x1403', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'lib.dll');
  const bytes = buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, imports: { 'KERNEL32.dll': ['Sleep', 'ExitProcess'] }, exports: ['Go'], versionInfo: { FileDescription: 'Library', CompanyName: 'Contoso', FileVersion: '1.0', OriginalFilename: 'lib.dll' } });
  writeFileSync(file, bytes);
  const { code, stdout } = await inspect(file);
  assert.equal(code, 0);
  assert.match(stdout, new RegExp(`file size +${bytes.length} bytes`));
  assert.match(stdout, /kind +DLL\n/);
  assert.match(stdout, /machine +AMD64 \(0x8664\), PE32\+/);
  assert.match(stdout, /\n {4}\.text +rva +0x[0-9a-f]+ size +0x[0-9a-f]+ raw +0x[0-9a-f]+ R-X code\n/);
  assert.match(stdout, /imports +1 DLLs, 2 functions; IMPHASH [0-9a-f]{32}/);
  assert.match(stdout, /KERNEL32\.dll: Sleep, ExitProcess\n/);
  assert.match(stdout, /exports +1\n {4}Go\n/);
  assert.match(stdout, /version +Library\n +1\.0\n +Contoso, original name lib\.dll/);
  assert.match(stdout, /signatures +none/);
  assert.match(stdout, /code integrity SE_SIGNING_LEVEL_UNSIGNED, SeImageSignatureNone/);
  assert.match(stdout, /Properties 0x1403 \(usr 1\/0\)/);
  assert.match(stdout, /MachineTypeMismatch +0 +same architecture/);
  assert.ok(stdout.split('\n').slice(1).every((l) => [...l].length <= 80), 'fits 80 columns');
});

test('an x86 DLL would be a mismatch in a native process, not in a WoW64 one', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'x86.dll');
  writeFileSync(file, buildPe({ machine: IMAGE_FILE_MACHINE_I386, dll: true }));
  const { stdout } = await inspect(file);
  assert.match(stdout, /machine +I386 \(0x14c\), PE32\n/);
  assert.match(stdout, /Properties 0x1c03 \(usr 1\/0 mismatch\)/);
  assert.match(stdout, /MachineTypeMismatch +1 +only routines with CONFLICTING_ARCHITECTURE see it/);
  assert.match(stdout, /in a WoW64 x86 process: Properties 0x1403 \(usr 1\/0\)/);
});

test('a driver is shown as its load would be reported: SystemModeImage 1', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'x.sys');
  writeFileSync(file, buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, driver: true, imports: { 'ntoskrnl.exe': ['PsSetLoadImageNotifyRoutine'] } }));
  const { stdout } = await inspect(file);
  assert.match(stdout, /kind +driver \(native subsystem\)/);
  assert.match(stdout, /IMAGE_INFO +its load as a driver, Windows 11 23H2:\n +Properties 0x1503 \(sys 1\/0\)/);
  assert.match(stdout, /SystemModeImage +1 +a kernel-mode image/);
});

test('a builtin system DLL copied to the host: API-set imports; unsigned there (Windows-signed is a label of the volume)', async (t) => {
  const dir = scratch(t);
  const kernel = new Kernel({ seed: 1 });
  const file = join(dir, 'kernel32.dll');
  writeFileSync(file, kernel.fs.readFile('C:\\Windows\\System32\\kernel32.dll'));
  const { code, stdout } = await inspect(file);
  assert.equal(code, 0);
  assert.match(stdout, /kind +DLL/);
  assert.match(stdout, /exports +\d+ as kernel32\.dll/i);
  assert.match(stdout, /\n {4}api-ms-win-core-[a-z0-9-]+\.dll: /);
  assert.match(stdout, /version +Windows NT BASE API Client DLL\n/);
  assert.match(stdout, /Properties 0x1403 \(usr 1\/0\)/);
  assert.ok(stdout.split('\n').slice(1).every((l) => [...l].length <= 80), 'fits 80 columns');
});

test('explainProperties decodes every field of Properties', () => {
  const lines = explainProperties(0x000c3c03 | 0x80000);
  assert.equal(lines.length, 8);
  assert.match(lines[0]!, /^ImageAddressingMode +3 /);
  assert.match(lines[3]!, /^ExtendedInfoPresent +1 /);
  assert.match(lines[4]!, /^MachineTypeMismatch +1 /);
  assert.match(lines[5]!, /^ImageSignatureLevel +0x3 +SE_SIGNING_LEVEL_CUSTOM_1\/DEVELOPER$/);
  assert.match(lines[6]!, /^ImageSignatureType +4 +SeImageSignatureCatalogNotCached$/);
  assert.match(lines[7]!, /^ImagePartialMap +1 /);
  assert.equal(propertyBits(0xcc3c03 & 0xfffff), 'usr 3/4 mismatch partial');
  assert.equal(propertyBits(0x3c503), 'sys C/3');
});
