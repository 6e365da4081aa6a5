// Loader failures (docs/loader.md, "Errors"): status and message, and what a
// failed load leaves behind (its maps undone, its reports kept).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildPe,
  NtStatusError,
  STATUS_DLL_NOT_FOUND,
  STATUS_ENTRYPOINT_NOT_FOUND,
  STATUS_ORDINAL_NOT_FOUND,
  type Kernel,
} from '../src/index.js';
import { recorder, shortName, testKernel, writeDll, type Seen } from './helpers/system.js';

const S32 = 'C:\\Windows\\System32';

function expectStatus(body: () => unknown, status: number, ...words: RegExp[]): void {
  assert.throws(body, (error: unknown) => {
    assert.ok(error instanceof NtStatusError, `expected NtStatusError, got ${String(error)}`);
    assert.equal(error.status, status, error.message);
    for (const word of words) assert.match(error.message, word);
    return true;
  });
}

function started(): { kernel: Kernel; seen: Seen[]; process: ReturnType<Kernel['createProcess']> } {
  const kernel = testKernel();
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(recorder(kernel, seen));
  const process = kernel.createProcess(`${S32}\\app.exe`);
  return { kernel, seen, process };
}

test('a missing DLL: STATUS_DLL_NOT_FOUND naming the DLL and its importer; what was mapped is unmapped', () => {
  const { kernel, seen, process } = started();
  const native = kernel.nativeMachine;
  writeDll(kernel, 'C:\\Plugins\\plugin.dll', native, ['Go'], { 'helper.dll': ['Help'] });
  // Dependencies are searched from the EXE's folder, not the plugin's (standard search order).
  writeDll(kernel, `${S32}\\helper.dll`, native, ['Help'], { 'absent.dll': ['Nope'] });
  const views = process.modules.length;
  const reports = seen.length;
  expectStatus(() => process.loadLibrary('C:\\Plugins\\plugin.dll'), STATUS_DLL_NOT_FOUND, /absent\.dll/, /helper\.dll/);
  assert.equal(process.modules.length, views, 'plugin.dll and helper.dll are unmapped again');
  assert.deepEqual(seen.slice(reports).map((s) => shortName(s.name)), ['Plugins\\plugin.dll', 'System32\\helper.dll'], 'the reports stay made');
  // Nothing is left in the loader's table: a retry maps (and reports) again.
  writeDll(kernel, `${S32}\\absent.dll`, native, ['Nope']);
  const result = process.loadLibrary('C:\\Plugins\\plugin.dll');
  assert.equal(result.status, 0);
  assert.deepEqual(seen.slice(reports + 2).map((s) => shortName(s.name)), ['Plugins\\plugin.dll', 'System32\\helper.dll', 'System32\\absent.dll']);
});

test('a missing name: STATUS_ENTRYPOINT_NOT_FOUND (0xC0000139) naming function, DLL and importer', () => {
  const { kernel, process } = started();
  writeDll(kernel, 'C:\\Plugins\\p.dll', kernel.nativeMachine, ['Go'], { 'user32.dll': ['MessageBoxW', 'NoSuchFunction'] });
  const views = process.modules.length;
  expectStatus(() => process.loadLibrary('C:\\Plugins\\p.dll'), STATUS_ENTRYPOINT_NOT_FOUND, /NoSuchFunction/, /user32\.dll/, /p\.dll/);
  assert.equal(STATUS_ENTRYPOINT_NOT_FOUND, 0xc0000139);
  assert.equal(process.modules.length, views);
});

test('a missing ordinal: STATUS_ORDINAL_NOT_FOUND (0xC0000138); an existing ordinal resolves', () => {
  const { kernel, process } = started();
  const native = kernel.nativeMachine;
  writeDll(kernel, 'C:\\Plugins\\byord.dll', native, ['Go'], { 'user32.dll': [1] }); // MessageBoxW is ordinal 1 (ordinal base 1)
  assert.equal(process.loadLibrary('C:\\Plugins\\byord.dll').status, 0);
  writeDll(kernel, 'C:\\Plugins\\badord.dll', native, ['Go'], { 'user32.dll': [77] });
  expectStatus(() => process.loadLibrary('C:\\Plugins\\badord.dll'), STATUS_ORDINAL_NOT_FOUND, /ordinal 77/, /user32\.dll/, /badord\.dll/);
  assert.equal(STATUS_ORDINAL_NOT_FOUND, 0xc0000138);
});

test('process start fails when the EXE imports a missing DLL: createProcess throws and the process is terminated', () => {
  const kernel = testKernel();
  kernel.fs.writeFile('C:\\Tools\\broken.exe', buildPe({ machine: kernel.nativeMachine, imports: { 'user32.dll': ['MessageBoxW'], 'missing.dll': ['F'] } }));
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(recorder(kernel, seen));
  const before = kernel.processes.length;
  expectStatus(() => kernel.createProcess('C:\\Tools\\broken.exe'), STATUS_DLL_NOT_FOUND, /missing\.dll/, /broken\.exe/);
  assert.equal(kernel.processes.length, before);
  assert.ok(seen.some((s) => shortName(s.name) === 'System32\\user32.dll'), 'DLLs mapped before the failure were reported');
});

test('a suspended process whose imports fail: resume() throws and the process is terminated', () => {
  const kernel = testKernel();
  kernel.fs.writeFile('C:\\Tools\\broken.exe', buildPe({ machine: kernel.nativeMachine, imports: { 'kernel32.dll': ['NotInKernel32'] } }));
  const process = kernel.createProcess('C:\\Tools\\broken.exe', { suspended: true });
  expectStatus(() => process.resume(), STATUS_ENTRYPOINT_NOT_FOUND, /NotInKernel32/, /kernel32\.dll/, /broken\.exe/);
  assert.equal(process.state, 'terminated');
  assert.equal(kernel.process(process.pid), undefined);
});

test('LoadLibrary of a name found nowhere and of a missing path: STATUS_DLL_NOT_FOUND saying where it looked', () => {
  const { process } = started();
  expectStatus(() => process.loadLibrary('nowhere.dll'), STATUS_DLL_NOT_FOUND, /nowhere\.dll/, /System32/, /C:\\Windows\b/);
  expectStatus(() => process.loadLibrary('C:\\Nope\\x.dll'), STATUS_DLL_NOT_FOUND, /C:\\Nope\\x\.dll/);
});
