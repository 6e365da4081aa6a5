// Process start image by image (SEMANTICS.md §5B, docs/loader.md): native and
// WoW64 (x64 and ARM64 hosts), on small volumes built here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildPe,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_I386,
  Kernel,
  PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE,
  type KernelOptions,
} from '../src/index.js';
import { recorder, shortName, testKernel, writeDll, type Seen } from './helpers/system.js';

const S32 = 'C:\\Windows\\System32';
const WOW = 'C:\\Windows\\SysWOW64';

function watch(kernel: Kernel, flags = PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE): Seen[] {
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutineEx(recorder(kernel, seen), flags);
  return seen;
}

/** A WoW64-capable volume: x64 System32 with the WoW64 DLLs, x86 SysWOW64, an x86 app in C:\App. */
function wow64Kernel(options: KernelOptions = {}, extra: string[] = []): Kernel {
  const kernel = new Kernel({ system: 'none', seed: 3, ...options });
  const native = kernel.nativeMachine;
  writeDll(kernel, `${S32}\\ntdll.dll`, native, ['NtClose']);
  writeDll(kernel, `${S32}\\win32u.dll`, native, ['NtUserCall'], { 'ntdll.dll': ['NtClose'] });
  const wow64Imports: Record<string, string[]> = { 'ntdll.dll': ['NtClose'] };
  if (extra.includes('wow64base.dll')) wow64Imports['wow64base.dll'] = ['Wow64Base'];
  writeDll(kernel, `${S32}\\wow64.dll`, native, ['Wow64Init'], wow64Imports);
  writeDll(kernel, `${S32}\\wow64win.dll`, native, ['Thunks'], { 'win32u.dll': ['NtUserCall'], 'wow64.dll': ['Wow64Init'] });
  for (const name of ['wow64cpu.dll', 'xtajit.dll', ...extra.filter((n) => n !== 'wow64base.dll')]) {
    writeDll(kernel, `${S32}\\${name}`, native, ['Cpu'], { 'ntdll.dll': ['NtClose'] });
  }
  if (extra.includes('wow64base.dll')) writeDll(kernel, `${S32}\\wow64base.dll`, native, ['Wow64Base'], { 'ntdll.dll': ['NtClose'] });
  const x86 = IMAGE_FILE_MACHINE_I386;
  writeDll(kernel, `${WOW}\\ntdll.dll`, x86, ['NtClose']);
  writeDll(kernel, `${WOW}\\KernelBase.dll`, x86, ['CreateFileW'], { 'ntdll.dll': ['NtClose'] });
  writeDll(kernel, `${WOW}\\kernel32.dll`, x86, ['ExitProcess'], { 'KernelBase.dll': ['CreateFileW'], 'ntdll.dll': ['NtClose'] });
  writeDll(kernel, `${WOW}\\win32u.dll`, x86, ['NtUserCall'], { 'ntdll.dll': ['NtClose'] });
  writeDll(kernel, `${WOW}\\user32.dll`, x86, ['MessageBoxW'], { 'win32u.dll': ['NtUserCall'], 'kernel32.dll': ['ExitProcess'] });
  kernel.fs.writeFile('C:\\App\\app32.exe', buildPe({ machine: x86, imports: { 'user32.dll': ['MessageBoxW'], 'kernel32.dll': ['ExitProcess'] } }));
  return kernel;
}

test('native start: EXE, ntdll, kernel32, KernelBase, then the imports depth-first, each once', () => {
  const kernel = testKernel();
  const seen = watch(kernel);
  const process = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  assert.deepEqual(seen.map((s) => shortName(s.name)), [
    'System32\\app.exe', 'System32\\ntdll.dll', 'System32\\kernel32.dll', 'System32\\KernelBase.dll', 'System32\\user32.dll',
  ]);
  assert.ok(seen.every((s) => s.pid === process.pid && s.currentPid === process.pid));
  // Start reports carry 0x403; loader maps are path A (0x403 | signature bits), no mismatch.
  assert.equal(seen[0]!.properties, 0x403);
  assert.equal(seen[1]!.properties, 0x403);
  assert.ok(seen.slice(2).every((s) => (s.properties & 0xfff) === 0x403));
  assert.deepEqual(process.modules.map((m) => m.path.split('\\').pop()), ['app.exe', 'ntdll.dll', 'kernel32.dll', 'KernelBase.dll', 'user32.dll']);
});

test('imports come in import-table order, depth-first (a DLL before the next entry of its importer)', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, `${S32}\\a.dll`, native, ['A'], { 'a1.dll': ['A1'], 'kernel32.dll': ['ExitProcess'] });
  writeDll(kernel, `${S32}\\a1.dll`, native, ['A1'], { 'a2.dll': ['A2'] });
  writeDll(kernel, `${S32}\\a2.dll`, native, ['A2'], { 'a.dll': ['A'] }); // a cycle back to a.dll: loaded once
  writeDll(kernel, `${S32}\\b.dll`, native, ['B'], { 'a2.dll': ['A2'] });
  kernel.fs.writeFile('C:\\Tools\\tool.exe', buildPe({ machine: native, imports: { 'b.dll': ['B'], 'a.dll': ['A'] } }));
  const seen = watch(kernel);
  kernel.createProcess('C:\\Tools\\tool.exe');
  assert.deepEqual(seen.map((s) => shortName(s.name)), [
    'Tools\\tool.exe', 'System32\\ntdll.dll', 'System32\\kernel32.dll', 'System32\\KernelBase.dll',
    'System32\\b.dll', 'System32\\a2.dll', 'System32\\a.dll', 'System32\\a1.dll',
  ]);
});

test('WoW64 on x64: EXE, both ntdlls, wow64/wow64win(+its imports)/wow64cpu, then the 32-bit kernel32, KernelBase and imports', () => {
  const kernel = wow64Kernel();
  const seen = watch(kernel);
  const process = kernel.createProcess('C:\\App\\app32.exe');
  assert.equal(process.wow64, true);
  assert.equal(process.machine, IMAGE_FILE_MACHINE_I386);
  assert.deepEqual(seen.map((s) => shortName(s.name)), [
    'App\\app32.exe', 'System32\\ntdll.dll', 'SysWOW64\\ntdll.dll',
    'System32\\wow64.dll', 'System32\\wow64win.dll', 'System32\\win32u.dll', 'System32\\wow64cpu.dll',
    'SysWOW64\\kernel32.dll', 'SysWOW64\\KernelBase.dll', 'SysWOW64\\user32.dll', 'SysWOW64\\win32u.dll',
  ]);
  // §6: none of these is a mismatch (x86 in a WoW64 x86 process, AMD64 wow64 DLLs never are).
  assert.ok(seen.every((s) => (s.properties & 0x800) === 0));
  // A routine without the conflicting-architecture flag sees exactly the same images.
  const plain = wow64Kernel();
  const plainSeen = watch(plain, 0);
  plain.createProcess('C:\\App\\app32.exe');
  assert.equal(plainSeen.length, seen.length);
});

test('WoW64 on Windows 11 volumes: wow64base.dll (imported by wow64.dll) and wow64con.dll load in their places', () => {
  const kernel = wow64Kernel({}, ['wow64base.dll', 'wow64con.dll']);
  const seen = watch(kernel);
  kernel.createProcess('C:\\App\\app32.exe');
  const wow64Side = seen.map((s) => shortName(s.name)).filter((n) => n.startsWith('System32\\wow64'));
  assert.deepEqual(wow64Side, ['System32\\wow64.dll', 'System32\\wow64base.dll', 'System32\\wow64win.dll', 'System32\\wow64con.dll', 'System32\\wow64cpu.dll']);
});

test('WoW64 on ARM64: the x86 CPU DLL is xtajit.dll, not wow64cpu.dll', () => {
  const kernel = wow64Kernel({ machine: 'arm64' });
  assert.equal(kernel.nativeMachine, IMAGE_FILE_MACHINE_ARM64);
  const seen = watch(kernel);
  kernel.createProcess('C:\\App\\app32.exe');
  const names = seen.map((s) => shortName(s.name));
  assert.ok(names.includes('System32\\xtajit.dll'), names.join(', '));
  assert.ok(!names.includes('System32\\wow64cpu.dll'));
  assert.ok(names.indexOf('System32\\xtajit.dll') < names.indexOf('SysWOW64\\kernel32.dll'));
});

test('a WoW64 process without wow64cpu.dll fails to start with STATUS_DLL_NOT_FOUND and is terminated', () => {
  const kernel = new Kernel({ system: 'none', seed: 1 });
  writeDll(kernel, `${S32}\\ntdll.dll`, kernel.nativeMachine, ['NtClose']);
  for (const name of ['wow64.dll', 'wow64win.dll']) writeDll(kernel, `${S32}\\${name}`, kernel.nativeMachine, ['W'], { 'ntdll.dll': ['NtClose'] });
  writeDll(kernel, `${WOW}\\ntdll.dll`, IMAGE_FILE_MACHINE_I386, ['NtClose']);
  kernel.fs.writeFile('C:\\App\\app32.exe', buildPe({ machine: IMAGE_FILE_MACHINE_I386, imports: {} }));
  const seen = watch(kernel);
  const before = kernel.processes.length;
  assert.throws(() => kernel.createProcess('C:\\App\\app32.exe'), (error: unknown) => {
    const e = error as { status: number; message: string };
    return e.status === 0xc0000135 && /wow64cpu\.dll/.test(e.message) && /app32\.exe/.test(e.message);
  });
  assert.equal(kernel.processes.length, before, 'the failed process is gone');
  // The reports already made stay made: start reports, wow64.dll, wow64win.dll.
  assert.deepEqual(seen.map((s) => shortName(s.name)), ['App\\app32.exe', 'System32\\ntdll.dll', 'SysWOW64\\ntdll.dll', 'System32\\wow64.dll', 'System32\\wow64win.dll']);
});

test('a suspended process reports nothing until resume; then the same sequence as a running start', () => {
  const kernel = testKernel();
  const seen = watch(kernel);
  const process = kernel.createProcess('C:\\Windows\\System32\\app.exe', { suspended: true });
  assert.equal(seen.length, 0);
  assert.equal(process.modules.length, 2, 'EXE and ntdll are mapped already');
  process.resume();
  assert.deepEqual(seen.map((s) => shortName(s.name)).slice(0, 4), [
    'System32\\app.exe', 'System32\\ntdll.dll', 'System32\\kernel32.dll', 'System32\\KernelBase.dll',
  ]);
  process.resume(); // a second resume does nothing
  assert.equal(seen.length, 5);
});

test('x86 DLL loaded by path into a native x64 process: mismatch status, reported only to flagged routines, imports not walked', () => {
  const kernel = testKernel();
  writeDll(kernel, 'C:\\Plugins\\x86.dll', IMAGE_FILE_MACHINE_I386, ['P'], { 'nothere.dll': ['X'] });
  const flagged = watch(kernel);
  const plain = watch(kernel, 0);
  const process = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  const before = [flagged.length, plain.length];
  const result = process.loadLibrary('C:\\Plugins\\x86.dll');
  assert.equal(result.status, 0x4000000e);
  assert.equal(flagged.length, before[0]! + 1);
  assert.equal((flagged.at(-1)!.properties & 0x800), 0x800);
  assert.equal(plain.length, before[1], 'not delivered to a routine without PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE');
  assert.equal(kernel.nativeMachine, IMAGE_FILE_MACHINE_AMD64);
});
