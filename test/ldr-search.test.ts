// Search order, KnownDLLs, forwarders and LoadLibrary (docs/loader.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPe, IMAGE_FILE_MACHINE_I386, NtStatusError, STATUS_INVALID_IMAGE_FORMAT, type Kernel } from '../src/index.js';
import { recorder, shortName, testKernel, writeDll, type Seen } from './helpers/system.js';

const S32 = 'C:\\Windows\\System32';

function watched(kernel: Kernel): Seen[] {
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(recorder(kernel, seen));
  return seen;
}

test('the EXE folder comes before System32, which comes before the Windows folder', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, 'C:\\App\\helper.dll', native, ['H']);
  writeDll(kernel, `${S32}\\helper.dll`, native, ['H']);
  writeDll(kernel, `${S32}\\sys.dll`, native, ['S']);
  writeDll(kernel, 'C:\\Windows\\sys.dll', native, ['S']);
  writeDll(kernel, 'C:\\Windows\\winonly.dll', native, ['W']);
  kernel.fs.writeFile('C:\\App\\app.exe', buildPe({ machine: native, imports: { 'helper.dll': ['H'], 'sys.dll': ['S'], 'winonly.dll': ['W'] } }));
  const seen = watched(kernel);
  kernel.createProcess('C:\\App\\app.exe');
  assert.deepEqual(seen.slice(4).map((s) => shortName(s.name)), ['App\\helper.dll', 'System32\\sys.dll', 'Windows\\winonly.dll']);
});

test('KnownDLLs (and what they import) come from System32 even when the EXE folder has a copy', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, `${S32}\\gdi32.dll`, native, ['TextOutW'], { 'gdi32full.dll': ['Full'] });
  writeDll(kernel, `${S32}\\gdi32full.dll`, native, ['Full']);
  for (const name of ['user32.dll', 'gdi32.dll', 'gdi32full.dll', 'other.dll']) writeDll(kernel, `C:\\App\\${name}`, native, ['MessageBoxW', 'TextOutW', 'Full', 'O']);
  kernel.fs.writeFile('C:\\App\\app.exe', buildPe({ machine: native, imports: { 'user32.dll': ['MessageBoxW'], 'gdi32full.dll': ['Full'], 'other.dll': ['O'] } }));
  const seen = watched(kernel);
  kernel.createProcess('C:\\App\\app.exe');
  // user32 is on the registry list; gdi32full is known as an import of gdi32 (\KnownDlls closure); other.dll is not known.
  assert.deepEqual(seen.slice(4).map((s) => shortName(s.name)), ['System32\\user32.dll', 'System32\\gdi32full.dll', 'App\\other.dll']);
});

test('forwarded exports load their target DLL once, by name or API set, following chains', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, `${S32}\\front.dll`, native, [
    { name: 'Alloc', forwarder: 'BACK.RealAlloc' },
    { name: 'Free', forwarder: 'back.RealFree' },
    { name: 'Chain', forwarder: 'middle.Chain' },
    { name: 'ViaSet', forwarder: 'api-ms-win-crt-heap-l1-1-0.malloc' },
  ]);
  writeDll(kernel, `${S32}\\back.dll`, native, ['RealAlloc', 'RealFree']);
  writeDll(kernel, `${S32}\\middle.dll`, native, [{ name: 'Chain', forwarder: 'last.Chain' }]);
  writeDll(kernel, `${S32}\\last.dll`, native, ['Chain']);
  writeDll(kernel, `${S32}\\ucrtbase.dll`, native, ['malloc']);
  kernel.fs.writeFile('C:\\App\\fw.exe', buildPe({ machine: native, imports: { 'front.dll': ['Alloc', 'Free', 'Chain', 'ViaSet'] } }));
  const seen = watched(kernel);
  kernel.createProcess('C:\\App\\fw.exe');
  assert.deepEqual(seen.slice(4).map((s) => shortName(s.name)), [
    'System32\\front.dll', 'System32\\back.dll', 'System32\\middle.dll', 'System32\\last.dll', 'System32\\ucrtbase.dll',
  ]);
});

test('a forwarder to a name its target lacks is STATUS_ENTRYPOINT_NOT_FOUND naming both DLLs', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, `${S32}\\front.dll`, native, [{ name: 'Alloc', forwarder: 'back.Missing' }]);
  writeDll(kernel, `${S32}\\back.dll`, native, ['RealAlloc']);
  const process = kernel.createProcess(`${S32}\\app.exe`);
  writeDll(kernel, 'C:\\App\\p.dll', native, ['P'], { 'front.dll': ['Alloc'] });
  assert.throws(() => process.loadLibrary('C:\\App\\p.dll'), (e: unknown) =>
    e instanceof NtStatusError && e.status === 0xc0000139 && /Missing/.test(e.message) && /back\.dll/.test(e.message) && /front\.dll/.test(e.message));
});

test('loadLibrary twice: the same base, one report; a bare name finds the DLL already loaded by path', () => {
  const kernel = testKernel();
  writeDll(kernel, 'C:\\Plugins\\plug.dll', kernel.nativeMachine, ['P'], { 'user32.dll': ['MessageBoxW'] });
  const seen = watched(kernel);
  const process = kernel.createProcess(`${S32}\\app.exe`);
  const count = seen.length;
  const first = process.loadLibrary('C:\\Plugins\\plug.dll');
  const second = process.loadLibrary('C:\\Plugins\\plug.dll');
  const byName = process.loadLibrary('PLUG'); // no extension: .dll implied; case-insensitive
  assert.equal(first.status, 0);
  assert.equal(second.base, first.base);
  assert.equal(byName.base, first.base);
  assert.equal(seen.length, count + 1);
  const user32 = process.loadLibrary('user32.dll');
  assert.equal(user32.base, process.modules.find((m) => m.path.endsWith('user32.dll'))!.base);
  assert.equal(seen.length, count + 1);
});

test('a DLL of the wrong machine on the search path is mapped (reported to flagged routines), dropped, and the search goes on', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, 'C:\\App\\dual.dll', IMAGE_FILE_MACHINE_I386, ['D']);
  writeDll(kernel, `${S32}\\dual.dll`, native, ['D']);
  writeDll(kernel, 'C:\\App\\only32.dll', IMAGE_FILE_MACHINE_I386, ['O']);
  kernel.fs.writeFile('C:\\App\\app.exe', buildPe({ machine: native, imports: { 'dual.dll': ['D'] } }));
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutineEx(recorder(kernel, seen), 1);
  const process = kernel.createProcess('C:\\App\\app.exe');
  assert.deepEqual(seen.slice(4).map((s) => [shortName(s.name), (s.properties & 0x800) !== 0]), [['App\\dual.dll', true], ['System32\\dual.dll', false]]);
  assert.ok(!process.modules.some((m) => m.path === 'C:\\App\\dual.dll'), 'the x86 copy is unmapped');
  assert.throws(() => process.loadLibrary('only32.dll'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_INVALID_IMAGE_FORMAT && /only32\.dll/.test(e.message));
});
