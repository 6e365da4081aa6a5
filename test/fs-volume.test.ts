// The system volume: DOS and NT names, case-insensitive lookups, host mounts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kernel, NtStatusError, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND } from '../src/index.js';
import { SystemVolume } from '../src/fs/volume.js';

test('DOS, NT, \\??, \\SystemRoot and volume-relative paths name the same file, case-insensitively', () => {
  const volume = new SystemVolume();
  volume.writeFile('C:\\Windows\\System32\\KernelBase.dll', new Uint8Array([1]));
  for (const path of [
    'c:\\windows\\system32\\kernelbase.dll',
    'C:/Windows/System32/KERNELBASE.DLL',
    '\\??\\C:\\Windows\\System32\\KernelBase.dll',
    '\\SystemRoot\\System32\\KernelBase.dll',
    '\\Device\\HarddiskVolume3\\Windows\\System32\\KernelBase.dll',
    '\\Windows\\System32\\.\\drivers\\..\\KernelBase.dll',
  ]) {
    const file = volume.open(path);
    assert.equal(file.ntPath, '\\Device\\HarddiskVolume3\\Windows\\System32\\KernelBase.dll', path);
    assert.equal(file.dosPath, 'C:\\Windows\\System32\\KernelBase.dll');
    assert.equal(file.volumePath, '\\Windows\\System32\\KernelBase.dll');
  }
  assert.deepEqual([...volume.readFile('c:\\WINDOWS\\system32\\kernelbase.DLL')], [1]);
});

test('the volume number is an option and other volumes or drives are not found', () => {
  const volume = new SystemVolume({ volumeNumber: 2 });
  volume.writeFile('C:\\x.dll', new Uint8Array(2));
  assert.equal(volume.open('C:\\x.dll').ntPath, '\\Device\\HarddiskVolume2\\x.dll');
  assert.throws(() => volume.open('\\Device\\HarddiskVolume3\\x.dll'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_OBJECT_PATH_NOT_FOUND);
  assert.throws(() => volume.open('D:\\x.dll'), /drive D: does not exist/);
  assert.throws(() => volume.open('x.dll'), /not an absolute path/);
  assert.throws(() => volume.open('C:\\nothing.dll'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_OBJECT_NAME_NOT_FOUND);
  assert.equal(volume.exists('C:\\x.dll'), true);
  assert.equal(volume.exists('C:\\y.dll'), false);
  assert.equal(volume.exists('Q:\\y.dll'), false);
  assert.equal(new Kernel({ system: 'none', volumeNumber: 5 }).fs.volumeNumber, 5);
});

test('overwriting keeps the stored spelling and makes a new file', () => {
  const volume = new SystemVolume();
  volume.writeFile('C:\\Dir\\Name.DLL', new Uint8Array([1]));
  const first = volume.open('C:\\dir\\name.dll');
  volume.writeFile('C:\\DIR\\NAME.dll', new Uint8Array([2]));
  const second = volume.open('C:\\dir\\name.dll');
  assert.notEqual(first, second);
  assert.equal(second.dosPath, 'C:\\Dir\\Name.DLL');
  assert.deepEqual([...second.bytes], [2]);
  assert.throws(() => volume.writeFile('C:\\x', 'text' as unknown as Uint8Array), /Uint8Array/);
});

test('a host folder mounts read-only as C:, symlinks followed, writes kept in memory', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'psnotify-root-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'psnotify-other-'));
  t.after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });
  mkdirSync(join(root, 'Windows', 'System32'), { recursive: true });
  writeFileSync(join(root, 'Windows', 'System32', 'ntdll.dll'), Buffer.from([7, 7]));
  writeFileSync(join(elsewhere, 'real.dll'), Buffer.from([9]));
  symlinkSync(join(elsewhere, 'real.dll'), join(root, 'Windows', 'System32', 'linked.dll'));
  symlinkSync(join(elsewhere, 'missing.dll'), join(root, 'Windows', 'System32', 'dangling.dll'));
  const volume = new SystemVolume({ root });
  assert.deepEqual([...volume.readFile('C:\\WINDOWS\\system32\\NTDLL.dll')], [7, 7]);
  assert.equal(volume.open('c:\\windows\\system32\\ntdll.dll').dosPath, 'C:\\Windows\\System32\\ntdll.dll');
  assert.deepEqual([...volume.readFile('C:\\Windows\\System32\\linked.dll')], [9]);
  assert.equal(volume.exists('C:\\Windows\\System32\\dangling.dll'), false);
  assert.equal(volume.exists('C:\\Windows\\System32'), false, 'a directory is not a file');
  volume.writeFile('C:\\Windows\\System32\\ntdll.dll', new Uint8Array([1]));
  assert.deepEqual([...volume.readFile('C:\\Windows\\System32\\ntdll.dll')], [1]);
  volume.writeFile('C:\\new.dll', new Uint8Array([3]));
  assert.deepEqual(readdirSync(root).sort(), ['Windows'], 'nothing was written to the host');
  assert.throws(() => new SystemVolume({ root: join(root, 'nope') }), /not a directory/);
  assert.throws(() => new Kernel({ system: { root: join(root, 'nope') } }), NtStatusError);
});

test('bad system choices are rejected with what was wrong', () => {
  assert.throws(() => new Kernel({ system: 'windows' as 'none' }), /system must be 'builtin', 'none' or \{ root: string \}/);
  assert.throws(() => new Kernel({ build: 7000 }), /build 7000 is older than the oldest the model covers \(7601/);
  assert.throws(() => new Kernel({ machine: 'mips' as 'x86' }), /machine must be/);
  assert.throws(() => new Kernel({ seed: 1.5 }), /seed must be an integer/);
});

test('kernels share no file bytes: writes and reads are copies', () => {
  const one = new Kernel();
  const two = new Kernel();
  const bytes = one.fs.readFile('C:\\Windows\\System32\\kernel32.dll');
  bytes[0] = 0;
  assert.equal(one.fs.readFile('C:\\Windows\\System32\\kernel32.dll')[0], 0x4d);
  assert.equal(two.fs.readFile('C:\\Windows\\System32\\kernel32.dll')[0], 0x4d);
  const mine = new Uint8Array([1, 2, 3]);
  one.fs.writeFile('C:\\mine.bin', mine);
  mine[0] = 9;
  assert.deepEqual([...one.fs.readFile('C:\\mine.bin')], [1, 2, 3]);
  assert.equal(two.fs.exists('C:\\mine.bin'), false);
});
