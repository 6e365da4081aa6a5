// Cross-process maps (SEMANTICS.md §4, §5A, §5B): a map made from another
// process's context is reported attached to the target.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PsGetCurrentProcessId, type LoadImageNotifyRoutine } from '../src/index.js';
import { shortName, testKernel, writeDll } from './helpers/system.js';

const INJECT = 'C:\\Tools\\inject.dll';

test('a routine that maps inject.dll into P when P loads kernel32: the report names P and runs attached to P', () => {
  const kernel = testKernel();
  writeDll(kernel, INJECT, kernel.nativeMachine, ['Hook']);
  const seen: { name: string; pid: number; current: number }[] = [];
  const routine: LoadImageNotifyRoutine = (name, pid) => {
    seen.push({ name: shortName(name), pid, current: PsGetCurrentProcessId() });
    if (name?.toLowerCase().endsWith('\\kernel32.dll')) kernel.process(pid)!.mapImage(INJECT);
  };
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(routine);
  const p = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  const inject = seen.find((s) => s.name === 'Tools\\inject.dll');
  assert.ok(inject, seen.map((s) => s.name).join(', '));
  assert.equal(inject.pid, p.pid);
  assert.equal(inject.current, p.pid);
  // Nested inside kernel32's dispatch: reported right after kernel32, before KernelBase.
  const names = seen.map((s) => s.name);
  assert.equal(names.indexOf('Tools\\inject.dll'), names.indexOf('System32\\kernel32.dll') + 1);
  assert.ok(p.modules.some((m) => m.path === INJECT));
});

test('a routine running for process Q maps into P: the report says P, and PsGetCurrentProcessId() is P (attached)', () => {
  const kernel = testKernel();
  writeDll(kernel, INJECT, kernel.nativeMachine, ['Hook']);
  const target = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  const seen: { name: string; pid: number; current: number }[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid) => {
    seen.push({ name: shortName(name), pid, current: PsGetCurrentProcessId() });
    if (pid !== target.pid && name?.toLowerCase().endsWith('\\user32.dll')) target.mapImage(INJECT);
  });
  const q = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  const inject = seen.find((s) => s.name === 'Tools\\inject.dll')!;
  assert.equal(inject.pid, target.pid);
  assert.equal(inject.current, target.pid);
  const user32 = seen.find((s) => s.name === 'System32\\user32.dll' && s.pid === q.pid)!;
  assert.equal(user32.current, q.pid);
});

test('images mapped into a suspended process are reported before its EXE and ntdll, which come at resume', () => {
  const kernel = testKernel();
  writeDll(kernel, INJECT, kernel.nativeMachine, ['Hook']);
  const seen: { name: string; pid: number }[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid) => seen.push({ name: shortName(name), pid }));
  const p = kernel.createProcess('C:\\Windows\\System32\\app.exe', { suspended: true });
  p.mapImage(INJECT); // e.g. an injector between CreateProcess(CREATE_SUSPENDED) and ResumeThread
  assert.deepEqual(seen, [{ name: 'Tools\\inject.dll', pid: p.pid }]);
  p.resume();
  assert.deepEqual(seen.map((s) => s.name).slice(0, 4), ['Tools\\inject.dll', 'System32\\app.exe', 'System32\\ntdll.dll', 'System32\\kernel32.dll']);
  assert.ok(seen.every((s) => s.pid === p.pid));
});
