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

test('what Windows refuses, the run reports: a second terminate, a map into a terminated process, unloading what is not loaded', async () => {
  const twice = await run({
    steps: [
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: 'cmd' } },
      { terminate: { process: 'cmd' } },
      { terminate: { process: 'cmd' } },
      { expect: { status: 'STATUS_PROCESS_IS_TERMINATING' } },
      { mapImage: { process: 'CMD', path: 'C:\\Windows\\System32\\user32.dll' } },
      { expect: { status: 'STATUS_PROCESS_IS_TERMINATING' } },
      { unloadDriver: { path: 'C:\\Windows\\System32\\drivers\\tcpip.sys' } },
      { expect: { status: 'STATUS_OBJECT_NAME_NOT_FOUND' } },
    ],
  });
  assert.deepEqual(twice.failures, []);
  const silent = await run({ steps: [{ createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: 'cmd' } }, { terminate: { process: 'cmd' } }, { terminate: { process: 'cmd' } }] });
  assert.match(silent.failures.join('\n'), /steps\[2\]\.terminate failed: .*already terminated/);
});

test('writing over an image that is mapped fails with STATUS_SHARING_VIOLATION; after the last view goes it succeeds', async () => {
  const result = await run({
    steps: [
      { writeFile: { path: 'C:\\Tools\\x.dll', pe: { machine: 'amd64', dll: true } } },
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: 'cmd' } },
      { mapImage: { process: 'cmd', path: 'C:\\Tools\\x.dll' } },
      { writeFile: { path: 'C:\\Tools\\x.dll', pe: { machine: 'amd64', dll: true, exports: ['New'] } } },
      { expect: { status: 'STATUS_SHARING_VIOLATION' } },
      { unmapImage: { process: 'cmd', path: 'C:\\Tools\\x.dll' } },
      { writeFile: { path: 'C:\\Tools\\x.dll', pe: { machine: 'amd64', dll: true, exports: ['New'] } } },
    ],
  });
  assert.deepEqual(result.failures, []);
});

test('steps after a bug check do not run: the run names them and fails', async () => {
  const result = await run({
    drivers: ['leaky'],
    steps: [
      { unloadDriver: { driver: 'leaky' } },
      { createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' } },
      { expect: { bugCheck: 0xce } },
      { createProcess: { path: 'C:\\Windows\\System32\\notepad.exe' } },
      { terminate: { process: 'cmd.exe' } },
    ],
  });
  assert.equal(result.bugCheck?.code, 0xce);
  assert.equal(result.failures.length, 1);
  assert.match(result.failures[0]!, /bug check 0xCE; 2 step\(s\) did not run: steps\[3\]\.createProcess, steps\[4\]\.terminate/);
});

test('process names match without regard to case; an `as` name bound twice is bad input before anything runs', async () => {
  const result = await run({
    steps: [{ createProcess: { path: 'C:\\Windows\\System32\\cmd.exe', as: 'Shell' } }, { terminate: { process: 'SHELL' } }, { createProcess: { path: 'C:\\Windows\\System32\\CMD.EXE' } }, { terminate: { process: 'Cmd.Exe' } }],
  });
  assert.deepEqual(result.failures, []);
  assert.throws(
    () => validateScenario({ steps: [{ createProcess: { path: 'C:\\a.exe', as: 'x' } }, { createProcess: { path: 'C:\\b.exe', as: 'X' } }] }, 'twice.yaml'),
    /steps\[1\]\.createProcess\.as: "X" already names the process of steps\[0\]/,
  );
});

test('every pe spec and fixed-width value is checked before anything runs', () => {
  assert.throws(
    () => validateScenario({ steps: [{ writeFile: { path: 'C:\\a.dll', pe: { machine: 'amd64', sizeOfImage: 16 } } }] }, 'pe.yaml'),
    /steps\[0\]\.writeFile\.pe: /,
  );
  assert.throws(() => validateScenario({ steps: [{ expect: { status: 0x1_0000_0000 } }] }, 's.yaml'), /steps\[0\]\.expect\.status/);
  assert.throws(() => validateScenario({ steps: [{ expect: { bugCheck: 2 ** 40 } }] }, 'b.yaml'), /steps\[0\]\.expect\.bugCheck: expected a 32-bit bug-check code/);
  assert.throws(() => validateScenario({ steps: [{ writeFile: { path: 'C:\\a.dll', pe: { machine: 0x10000 } } }] }, 'm.yaml'), /steps\[0\]\.writeFile\.pe\.machine/);
});

test('default names stay cheap: 2,000 processes of one EXE are named host.exe … host.exe#2000', async () => {
  const steps: unknown[] = [];
  for (let i = 0; i < 2000; i++) steps.push({ createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' } });
  steps.push({ terminate: { process: 'cmd.exe#2000' } }, { terminate: { process: 'cmd.exe' } });
  const result = await run({ steps });
  assert.deepEqual(result.failures, []);
});

test('createProcess takes a command line: the process and its Sysmon event 1 carry it', async () => {
  const events: Record<string, unknown>[] = [];
  const result = await runScenario(validateScenario({
    drivers: ['sysmon'],
    steps: [{ createProcess: { path: 'C:\\Windows\\System32\\svchost.exe', as: 'svc', commandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p' } }],
  }, 'cmdline.yaml'), { baseDirectory: process.cwd(), output: { event: (e) => void events.push(e), log: () => {} } });
  assert.deepEqual(result.failures, []);
  const created = events.find((e) => e.EventID === 1)!;
  assert.equal(created.CommandLine, 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p');
  assert.equal(result.kernel.processes.find((p) => p.image?.name === 'svchost.exe')!.commandLine, 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p');
});
