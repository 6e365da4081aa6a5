// What replaying a recording needs from the kernel: a process with the
// recorded id and no loader of its own, start reports one image at a time,
// and file facts as the recording gave them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel, NtStatusError, STATUS_OBJECT_NAME_COLLISION } from '../src/index.js';

function watched(): { kernel: Kernel; seen: string[] } {
  const kernel = new Kernel({ seed: 3 });
  const seen: string[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid, info) => void seen.push(`${pid} ${name?.replace(/.*\\/, '')} ${info.Properties.toString(16)}`));
  return { kernel, seen };
}

test('createProcess({ pid, loader: false, suspended }): the recorded id, nothing reported until the recording says so', () => {
  const { kernel, seen } = watched();
  const p = kernel.createProcess('C:\\Windows\\System32\\cmd.exe', { pid: 2164, loader: false, suspended: true, commandLine: 'cmd /c dir' });
  assert.equal(p.pid, 2164);
  assert.equal(p.commandLine, 'cmd /c dir');
  assert.deepEqual(seen, []);
  // The recording wrote ntdll's event first, then the EXE's: each start report when replayed, once.
  p.reportStartImage('C:\\Windows\\System32\\ntdll.dll');
  p.mapImage('C:\\Windows\\System32\\kernel32.dll');
  p.reportStartImage('c:\\windows\\system32\\CMD.EXE');
  p.reportStartImage('C:\\Windows\\System32\\cmd.exe');
  assert.deepEqual(seen, ['2164 ntdll.dll 403', '2164 kernel32.dll 3c403', '2164 cmd.exe 403']);
  assert.throws(() => p.reportStartImage('C:\\Windows\\System32\\user32.dll'), /not one of the start images/);
  assert.throws(
    () => kernel.createProcess('C:\\Windows\\System32\\cmd.exe', { pid: 2164 }),
    (e: unknown) => e instanceof NtStatusError && e.status === STATUS_OBJECT_NAME_COLLISION,
  );
  assert.throws(() => kernel.createProcess('C:\\Windows\\System32\\cmd.exe', { pid: 7 }), RangeError);
});

test('loader: false — the first thread reports the EXE and ntdll and loads nothing', () => {
  const { kernel, seen } = watched();
  const p = kernel.createProcess('C:\\Windows\\System32\\cmd.exe', { loader: false });
  assert.equal(seen.length, 2);
  assert.equal(p.modules.length, 2);
});

test('setFileFacts: a recording\'s facts win over what the bytes say; null forgets them', () => {
  const kernel = new Kernel({ seed: 3 });
  const path = 'C:\\Windows\\System32\\kernel32.dll';
  const computed = kernel.fileFacts(path)!;
  assert.equal(computed.Signed, 'true');
  kernel.setFileFacts(path, { Signed: 'false', Signature: '-', Hashes: 'SHA256=AB' });
  assert.deepEqual({ ...kernel.fileFacts(path)! }, { ...computed, Signed: 'false', Signature: '-', Hashes: 'SHA256=AB' });
  kernel.setFileFacts(path, null);
  assert.deepEqual(kernel.fileFacts(path), computed);
  assert.throws(() => kernel.setFileFacts('C:\\nothing.dll', {}), NtStatusError);
});
