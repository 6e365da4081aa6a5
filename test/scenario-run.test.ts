// The scenario runner: each notification records exactly the routines the
// dispatcher called, in slot order, and steps act on named processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';

const quiet = { event: () => {}, log: () => {} };

async function run(document: unknown) {
  return runScenario(validateScenario(document, 'test.yaml'), { baseDirectory: process.cwd(), output: quiet });
}

test('routines per notification: slot order, only flagged ones for a mismatch, none after removal', async () => {
  const result = await run({
    drivers: ['sysmon', 'injector', 'policy'],
    steps: [
      { writeFile: { path: 'C:\\Tools\\x86.dll', pe: { machine: 'x86', dll: true } } },
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: 'cmd' } },
      { mapImage: { process: 'cmd', path: 'C:\\Tools\\x86.dll' } },
      { unloadDriver: { driver: 'sysmon' } },
      { mapImage: { process: 'cmd', path: 'C:\\Windows\\System32\\user32.dll' } },
    ],
  });
  assert.deepEqual(result.failures, []);
  const owners = (name: string) => result.notifications.filter((n) => n.fullImageName?.endsWith(`\\${name}`)).map((n) => n.routines.map((r) => r.owner?.fileName));
  assert.deepEqual(owners('cmd.exe'), [['sysmon.sys', 'injector.sys', 'policy.sys']]);
  // injector registered without PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE (§6).
  assert.deepEqual(owners('x86.dll'), [['sysmon.sys', 'policy.sys']]);
  // user32 was loaded once by cmd's start (all three) and mapped again after sysmon left.
  assert.deepEqual(owners('user32.dll').at(-1), ['injector.sys', 'policy.sys']);
  assert.equal(result.notifications.find((n) => n.fullImageName?.endsWith('\\x86.dll'))!.imageInfo.MachineTypeMismatch, 1);
});

test('a nested map from a routine is recorded after the outer image, in the target process', async () => {
  const result = await run({ drivers: ['injector'], steps: [{ createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: 'cmd' } }] });
  const names = result.notifications.map((n) => n.fullImageName?.split('\\').pop());
  assert.deepEqual(names.slice(names.indexOf('cmd.exe'), names.indexOf('cmd.exe') + 5), ['cmd.exe', 'ntdll.dll', 'kernel32.dll', 'inject64.dll', 'KernelBase.dll']);
  const inject = result.notifications.find((n) => n.fullImageName?.endsWith('inject64.dll'))!;
  assert.equal(inject.process, 'cmd.exe');
  assert.equal(inject.step, 0);
});

test('a step failure stops the run unless the next step expects its status', async () => {
  const tolerated = await run({
    steps: [
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: 'cmd' } },
      { loadDriver: { path: 'C:\\Windows\\System32\\drivers\\tcpip.sys' } },
      { loadDriver: { path: 'C:\\Windows\\System32\\drivers\\tcpip.sys' } },
      { expect: { status: 'STATUS_IMAGE_ALREADY_LOADED' } },
      { terminate: { process: 'cmd' } },
    ],
  });
  assert.deepEqual(tolerated.failures, []);
  const stopped = await run({
    steps: [
      { loadDriver: { path: 'C:\\Windows\\System32\\drivers\\tcpip.sys' } },
      { loadDriver: { path: 'C:\\Windows\\System32\\drivers\\tcpip.sys' } },
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' } },
    ],
  });
  assert.equal(stopped.failures.length, 1);
  assert.match(stopped.failures[0]!, /^steps\[1\]\.loadDriver returned STATUS_IMAGE_ALREADY_LOADED/);
  assert.equal(stopped.kernel.processes.filter((p) => p.image?.name === 'cmd.exe').length, 0, 'later steps did not run');
});

test('a process named twice gets #2; an unknown process name is a failure that lists the known ones', async () => {
  const result = await run({
    steps: [
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' } },
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' } },
      { terminate: { process: 'cmd.exe#2' } },
      { resume: { process: 'nobody' } },
    ],
  });
  assert.equal(result.failures.length, 1);
  assert.match(result.failures[0]!, /steps\[3\]\.resume failed: no process named "nobody" \(known: cmd\.exe, cmd\.exe#2\)/);
});
