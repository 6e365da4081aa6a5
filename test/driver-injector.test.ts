import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INJECT32, INJECT64 } from '../drivers/injector.js';
import { installExampleDriver } from '../drivers/install.js';
import { Kernel } from '../src/index.js';
import { collect } from './helpers/output.js';

function watch(kernel: Kernel) {
  const seen: { name: string; pid: number; current: number }[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid) => void seen.push({ name: name!.split('\\').pop()!, pid, current: kernel.ntoskrnl.PsGetCurrentProcessId() }));
  return seen;
}

test('injector maps its DLL right after kernel32, attached to the target', () => {
  const kernel = new Kernel({ seed: 2 });
  const out = collect();
  installExampleDriver(kernel, 'injector', out);
  const seen = watch(kernel);
  const cmd = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
  const names = seen.map((s) => s.name);
  const k32 = names.indexOf('kernel32.dll');
  // The injector's slot is below the watcher's: its nested map is reported before the watcher hears kernel32.
  assert.equal(names[k32 - 1], 'inject64.dll');
  const injected = seen[k32 - 1]!;
  assert.equal(injected.pid, cmd.pid);
  assert.equal(injected.current, cmd.pid);
  assert.ok(cmd.modules.some((m) => m.path === INJECT64));
  assert.match(out.lines[0]!, /inject64\.dll mapped into cmd\.exe/);
});

test('WoW64 processes get the 32-bit DLL, once per process', () => {
  const kernel = new Kernel({ seed: 3 });
  installExampleDriver(kernel, 'injector', collect());
  const notepad = kernel.createProcess('C:\\Windows\\SysWOW64\\notepad.exe');
  assert.equal(notepad.modules.filter((m) => m.path === INJECT32).length, 1);
  assert.equal(notepad.modules.some((m) => m.path === INJECT64), false);
});
