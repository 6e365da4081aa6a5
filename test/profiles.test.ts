// Build profiles (SEMANTICS.md §9, docs/profiles.md): every row of the table,
// through the public API, on the builtin system plus a few images built here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildPe,
  Deadlock,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_I386,
  Kernel,
  NT_SUCCESS,
  PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE,
  PsSetLoadImageNotifyRoutine,
  PsSetLoadImageNotifyRoutineEx,
  STATUS_IMAGE_MACHINE_TYPE_MISMATCH,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_PROCEDURE_NOT_FOUND,
  STATUS_SUCCESS,
  type ImageInfo,
  type LoadImageNotifyRoutine,
} from '../src/index.js';

const BUILDS = [7601, 9600, 16299, 22631] as const;
const OLD = [7601, 9600] as const;
const NEW = [16299, 22631] as const;
const noop: LoadImageNotifyRoutine = () => {};
const DRIVERS = 'C:\\Windows\\System32\\drivers';

function kernelOf(build: number): Kernel {
  return new Kernel({ build, seed: 11 });
}

interface Report {
  name: string | null;
  pid: number;
  info: ImageInfo;
}

/** Registers a routine (with the conflicting-architecture flag where the build has SetEx) that records reports. */
function record(kernel: Kernel, flagged = true): Report[] {
  const reports: Report[] = [];
  const routine: LoadImageNotifyRoutine = (name, pid, info) => void reports.push({ name, pid, info });
  const status = flagged && kernel.profile.hasSetEx
    ? kernel.ntoskrnl.PsSetLoadImageNotifyRoutineEx(routine, PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE)
    : kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(routine);
  assert.equal(status, STATUS_SUCCESS);
  return reports;
}

function writeDll(kernel: Kernel, path: string, machine: number, code = true): void {
  kernel.fs.writeFile(path, buildPe({ machine, dll: true, exports: ['Probe'], code }));
}

// ---- slots --------------------------------------------------------------------

for (const build of BUILDS) {
  const slots = build === 7601 ? 8 : 64;
  test(`slots: build ${build} has ${slots}; registration ${slots + 1} fails with STATUS_INSUFFICIENT_RESOURCES`, () => {
    const nt = kernelOf(build).ntoskrnl;
    for (let i = 0; i < slots; i++) assert.equal(nt.PsSetLoadImageNotifyRoutine(noop), STATUS_SUCCESS, `registration ${i + 1}`);
    assert.equal(nt.PsSetLoadImageNotifyRoutine(noop), STATUS_INSUFFICIENT_RESOURCES);
    assert.equal(nt.PsRemoveLoadImageNotifyRoutine(noop), STATUS_SUCCESS);
    assert.equal(nt.PsSetLoadImageNotifyRoutine(noop), STATUS_SUCCESS, 'a freed slot is usable again');
  });
}

// ---- PsSetLoadImageNotifyRoutineEx -------------------------------------------------

for (const build of OLD) {
  test(`SetEx: absent on ${build}: MmGetSystemRoutineAddress returns null, Set is still there`, () => {
    const nt = kernelOf(build).ntoskrnl;
    assert.equal(nt.MmGetSystemRoutineAddress('PsSetLoadImageNotifyRoutineEx'), null);
    assert.equal(typeof nt.MmGetSystemRoutineAddress('PsSetLoadImageNotifyRoutine'), 'function');
    assert.equal(typeof nt.MmGetSystemRoutineAddress('PsRemoveLoadImageNotifyRoutine'), 'function');
  });

  test(`SetEx: on ${build} a driver calling it from DriverEntry fails to load and leaves nothing registered`, () => {
    const kernel = kernelOf(build);
    const status = kernel.loadDriver(`${DRIVERS}\\fltmgr.sys`, {
      DriverEntry() {
        assert.equal(PsSetLoadImageNotifyRoutine(noop), STATUS_SUCCESS);
        return PsSetLoadImageNotifyRoutineEx(noop, PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE);
      },
    });
    assert.equal(status, STATUS_PROCEDURE_NOT_FOUND);
    assert.deepEqual(kernel.notifyRoutines, []);
    assert.deepEqual(kernel.loadedDrivers, []);
    assert.equal(kernel.bugCheck, null);
  });

  test(`SetEx: on ${build} a .sys importing it fails with STATUS_PROCEDURE_NOT_FOUND before anything is reported`, () => {
    const kernel = kernelOf(build);
    const reports = record(kernel);
    const path = `${DRIVERS}\\usesex.sys`;
    kernel.fs.writeFile(path, buildPe({ machine: kernel.nativeMachine, driver: true, imports: { 'ntoskrnl.exe': ['PsSetLoadImageNotifyRoutineEx'] } }));
    assert.equal(kernel.loadDriver(path), STATUS_PROCEDURE_NOT_FOUND);
    assert.deepEqual(reports, []);
    assert.deepEqual(kernel.loadedDrivers, []);
  });
}

for (const build of NEW) {
  test(`SetEx: present on ${build}: routine address, DriverEntry use and import all work`, () => {
    const kernel = kernelOf(build);
    assert.equal(typeof kernel.ntoskrnl.MmGetSystemRoutineAddress('PsSetLoadImageNotifyRoutineEx'), 'function');
    const status = kernel.loadDriver(`${DRIVERS}\\fltmgr.sys`, {
      DriverEntry: () => PsSetLoadImageNotifyRoutineEx(noop, PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE),
    });
    assert.equal(status, STATUS_SUCCESS);
    assert.equal(kernel.notifyRoutines.length, 1);
    assert.equal(kernel.notifyRoutines[0]!.flags, PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE);
    const path = `${DRIVERS}\\usesex.sys`;
    kernel.fs.writeFile(path, buildPe({ machine: kernel.nativeMachine, driver: true, imports: { 'ntoskrnl.exe': ['PsSetLoadImageNotifyRoutineEx'] } }));
    assert.equal(kernel.loadDriver(path), STATUS_SUCCESS);
  });
}

// ---- MachineTypeMismatch rule (x64 machine) ----------------------------------------------

type Target = 'native' | 'wow64';
/** [image machine, process, expected mismatch per build]. */
const MISMATCH_ROWS: readonly [string, number, Target, Record<(typeof BUILDS)[number], boolean>][] = [
  ['ARM64 DLL', IMAGE_FILE_MACHINE_ARM64, 'native', { 7601: false, 9600: false, 16299: true, 22631: true }],
  ['x86 DLL (SEC_IMAGE)', IMAGE_FILE_MACHINE_I386, 'native', { 7601: false, 9600: false, 16299: true, 22631: true }],
  ['x86 DLL', IMAGE_FILE_MACHINE_I386, 'wow64', { 7601: false, 9600: false, 16299: false, 22631: false }],
  // 1709: a WoW64 process is exempt; 20H1+: AMD64 images are never a mismatch in a WoW64 process.
  ['x64 DLL', IMAGE_FILE_MACHINE_AMD64, 'wow64', { 7601: false, 9600: false, 16299: false, 22631: false }],
  // The row that tells the two rules apart: exempt WoW64 process (1709) vs differs from the guest (20H1+).
  ['ARM64 DLL', IMAGE_FILE_MACHINE_ARM64, 'wow64', { 7601: false, 9600: false, 16299: false, 22631: true }],
];

for (const build of BUILDS) {
  for (const [label, machine, target, expected] of MISMATCH_ROWS) {
    const want = expected[build];
    test(`mismatch rule: ${label} into a ${target} process on ${build} → ${want ? 'mismatch' : 'no mismatch'}`, () => {
      const kernel = kernelOf(build);
      const process = kernel.createProcess(target === 'native' ? 'C:\\Windows\\System32\\cmd.exe' : 'C:\\Windows\\SysWOW64\\cmd.exe');
      assert.equal(process.wow64, target === 'wow64');
      const flagged = record(kernel, true);
      const plain = record(kernel, false);
      const path = 'C:\\probe\\probe.dll';
      writeDll(kernel, path, machine);
      const { status } = process.mapImage(path);
      assert.ok(NT_SUCCESS(status));
      assert.equal(status === STATUS_IMAGE_MACHINE_TYPE_MISMATCH, want);
      assert.equal(flagged.length, 1);
      assert.equal(flagged[0]!.info.MachineTypeMismatch, want ? 1 : 0);
      // A mismatch image reaches only flagged registrations (§6).
      assert.equal(plain.length, want ? 0 : 1);
    });
  }

  test(`mismatch rule: a resource-only ARM64 image is never a mismatch on ${build}`, () => {
    const kernel = kernelOf(build);
    const process = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
    const reports = record(kernel, false);
    writeDll(kernel, 'C:\\probe\\res.dll', IMAGE_FILE_MACHINE_ARM64, false);
    assert.notEqual(process.mapImage('C:\\probe\\res.dll').status, STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.info.MachineTypeMismatch, 0);
  });
}

// ---- driver names -------------------------------------------------------------------------

for (const build of BUILDS) {
  const ntPath = build >= 10000;
  test(`driver names: build ${build} reports ${ntPath ? 'the resolved NT path' : 'the registry ImagePath'}, kernel DLL imports too`, () => {
    const kernel = kernelOf(build);
    const reports = record(kernel);
    assert.equal(kernel.loadDriver(`${DRIVERS}\\ksecdd.sys`), STATUS_SUCCESS);
    const prefix = ntPath ? '\\Device\\HarddiskVolume3\\Windows' : '\\SystemRoot';
    assert.deepEqual(
      reports.map((r) => r.name),
      ['msrpc.sys', 'cng.sys', 'ksecdd.sys'].map((n) => `${prefix}\\System32\\drivers\\${n}`),
    );
    assert.ok(reports.every((r) => r.pid === 0));
  });
}

// ---- signature bits -------------------------------------------------------------------------

for (const build of BUILDS) {
  const bits = build !== 7601;
  test(`signature bits: build ${build} ${bits ? 'reports' : 'has no'} ImageSignatureLevel/Type`, () => {
    const kernel = kernelOf(build);
    const reports = record(kernel);
    assert.equal(kernel.loadDriver(`${DRIVERS}\\fltmgr.sys`), STATUS_SUCCESS);
    const process = kernel.createProcess('C:\\Windows\\System32\\sc.exe');
    const driver = reports[0]!.info;
    assert.equal(driver.Properties, bits ? 0x3c503 : 0x503);
    assert.equal(driver.ImageSignatureLevel, bits ? 0xc : 0);
    assert.equal(driver.ImageSignatureType, bits ? 3 : 0);
    const user = reports.filter((r) => r.pid === process.pid);
    // EXE and ntdll at process start carry no signature bits on any build (§1); loader maps do from 8.1 on.
    assert.deepEqual(user.slice(0, 2).map((r) => r.info.Properties), [0x403, 0x403]);
    assert.ok(user.length > 2);
    for (const r of user.slice(2)) assert.equal(r.info.Properties, bits ? 0x3c403 : 0x403, r.name ?? '');
  });
}

// ---- partial-map bit ---------------------------------------------------------------------------

for (const build of BUILDS) {
  const bit = build >= 10000;
  test(`partial-map bit: a partial view on ${build} ${bit ? 'sets' : 'does not set'} ImagePartialMap, size is the view's`, () => {
    const kernel = kernelOf(build);
    const process = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
    const reports = record(kernel);
    const { viewSize } = process.mapImage('C:\\Windows\\System32\\shell32.dll', { viewSize: 0x2000 });
    assert.equal(viewSize, 0x2000);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.info.ImageSize, 0x2000);
    assert.equal(reports[0]!.info.ImagePartialMap, bit ? 1 : 0);
    assert.equal((reports[0]!.info.Properties & 0x80000) !== 0, bit);
    process.mapImage('C:\\Windows\\System32\\version.dll');
    assert.equal(reports[1]!.info.ImagePartialMap, 0, 'a whole view never sets it');
  });
}

// ---- Windows 7 address-space lock -------------------------------------------------------------

for (const build of BUILDS) {
  const locked = build === 7601;
  test(`address-space lock: mapping into the process from its user-image callback ${locked ? 'deadlocks' : 'works'} on ${build}`, () => {
    const kernel = kernelOf(build);
    const process = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
    const seen: string[] = [];
    let nested = false;
    kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid) => {
      seen.push(name ?? '');
      if (nested || pid !== process.pid) return;
      nested = true;
      kernel.process(pid)!.mapImage('C:\\Windows\\System32\\version.dll');
    });
    const load = () => process.loadLibrary('C:\\Windows\\System32\\ws2_32.dll');
    if (locked) {
      assert.throws(load, Deadlock);
    } else {
      assert.ok(NT_SUCCESS(load().status));
      assert.ok(seen.some((n) => n.endsWith('\\version.dll')), 'the nested map is reported');
    }
    assert.ok(seen[0]!.endsWith('\\ws2_32.dll'));
  });

  test(`address-space lock: a driver-image callback mapping into a user process works on ${build}`, () => {
    const kernel = kernelOf(build);
    const process = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
    let status = -1;
    kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((_name, pid) => {
      if (pid === 0 && status === -1) status = process.mapImage('C:\\Windows\\System32\\version.dll').status;
    });
    assert.equal(kernel.loadDriver(`${DRIVERS}\\fltmgr.sys`), STATUS_SUCCESS);
    assert.ok(NT_SUCCESS(status));
  });
}

test('any build from 7601 on selects the profile that covers it, under its own number and release name', () => {
  const cases: [number, number, string, Partial<Record<'hasSetEx' | 'partialMapBit' | 'signatureBits', boolean>> & { mismatchRule?: string; driverNames?: string }][] = [
    [7601, 8, 'Windows 7 SP1', { hasSetEx: false }],
    [9200, 64, 'Windows 8', { hasSetEx: false, partialMapBit: false, driverNames: 'registry-image-path' }],
    [14393, 64, 'Windows 10 1607 / Server 2016', { hasSetEx: false, partialMapBit: true, driverNames: 'nt-path', mismatchRule: 'none' }],
    [17763, 64, 'Windows 10 1809 / Server 2019', { hasSetEx: true, mismatchRule: 'os-native' }],
    [18362, 64, 'Windows 10 1903', { hasSetEx: true, mismatchRule: 'os-native' }],
    [19041, 64, 'Windows 10 2004', { mismatchRule: 'process' }],
    [20348, 64, 'Windows Server 2022', { mismatchRule: 'process' }],
    [26100, 64, 'Windows 11 24H2 / Server 2025', { mismatchRule: 'process' }],
  ];
  for (const [build, slots, name, fields] of cases) {
    const kernel = new Kernel({ build, system: 'none' });
    assert.equal(kernel.profile.build, build);
    assert.equal(kernel.profile.name, name);
    assert.equal(kernel.profile.slots, slots);
    for (const [field, value] of Object.entries(fields)) assert.equal((kernel.profile as unknown as Record<string, unknown>)[field], value, `${build} ${field}`);
  }
  assert.throws(() => new Kernel({ build: 7600 }), /older than the oldest/);
  assert.throws(() => new Kernel({ build: 19041.5 }), TypeError);
});
