// Driver images (SEMANTICS.md §5C): real .sys files from the volume, their
// kernel-mode imports first, then the driver, then DriverEntry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildPe,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  PsSetLoadImageNotifyRoutine,
  STATUS_DLL_NOT_FOUND,
  STATUS_IMAGE_ALREADY_LOADED,
  STATUS_INVALID_IMAGE_FORMAT,
  STATUS_INVALID_IMAGE_PROTECT,
  STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_PROCEDURE_NOT_FOUND,
  STATUS_SUCCESS,
} from '../src/index.js';
import { testKernel } from './helpers/system.js';

const drivers = 'C:\\Windows\\System32\\drivers';

function kernelWithImports() {
  const kernel = testKernel();
  const sys = (imports: Record<string, string[]>, exports?: string[]) =>
    buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, driver: true, dll: exports !== undefined, imports, ...(exports ? { exports } : {}) });
  kernel.fs.writeFile(`${drivers}\\netio.sys`, sys({ 'ntoskrnl.exe': ['KeBugCheckEx'], 'msrpc.sys': ['MesEncodeX'] }, ['NetioAllocateMdl']));
  kernel.fs.writeFile(`${drivers}\\msrpc.sys`, sys({ 'ntoskrnl.exe': ['KeBugCheckEx'] }, ['MesEncodeX']));
  kernel.fs.writeFile('C:\\Windows\\System32\\ci.dll', sys({ 'ntoskrnl.exe': ['KeBugCheckEx'] }, ['CiValidateImageHeader']));
  kernel.fs.writeFile(`${drivers}\\net.sys`, sys({ 'ntoskrnl.exe': ['IoCreateDevice'], 'HAL.dll': ['KeStallExecutionProcessor'], 'NETIO.SYS': ['NetioAllocateMdl'], 'CI.dll': ['CiValidateImageHeader'] }));
  kernel.fs.writeFile(`${drivers}\\twin.sys`, sys({ 'NETIO.SYS': ['NetioAllocateMdl'] }));
  const names: (string | null)[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid) => {
    assert.equal(pid, 0);
    names.push(name);
  });
  return { kernel, names };
}

test('kernel-mode imports load and are reported first, depth-first; ntoskrnl and hal never', () => {
  const { kernel, names } = kernelWithImports();
  let enteredAfter = 0;
  assert.equal(kernel.loadDriver(`${drivers}\\net.sys`, { DriverEntry: (d) => { enteredAfter = names.length; d.DriverUnload = () => {}; return STATUS_SUCCESS; } }), STATUS_SUCCESS);
  const v = '\\Device\\HarddiskVolume3\\Windows\\System32';
  assert.deepEqual(names, [`${v}\\drivers\\msrpc.sys`, `${v}\\drivers\\netio.sys`, `${v}\\ci.dll`, `${v}\\drivers\\net.sys`]);
  assert.equal(enteredAfter, 4, 'DriverEntry runs after the driver is reported');
  // A second driver importing an already-loaded module reports only itself.
  kernel.loadDriver(`${drivers}\\twin.sys`);
  assert.equal(names.at(-1), `${v}\\drivers\\twin.sys`);
  assert.equal(names.length, 5);
});

test('a reload reports nothing; after unload a load reports again', () => {
  const { kernel, names } = kernelWithImports();
  kernel.loadDriver(`${drivers}\\msrpc.sys`);
  assert.equal(kernel.loadDriver(`${drivers}\\MSRPC.SYS`), STATUS_IMAGE_ALREADY_LOADED);
  assert.equal(names.length, 1);
  assert.equal(kernel.unloadDriver(`${drivers}\\msrpc.sys`), STATUS_SUCCESS);
  assert.equal(names.length, 1);
  assert.equal(kernel.unloadDriver(`${drivers}\\msrpc.sys`), STATUS_OBJECT_NAME_NOT_FOUND);
  kernel.loadDriver(`${drivers}\\msrpc.sys`);
  assert.equal(names.length, 2);
});

test('missing file, malformed file, wrong machine', () => {
  const { kernel, names } = kernelWithImports();
  assert.equal(kernel.loadDriver(`${drivers}\\absent.sys`), STATUS_OBJECT_NAME_NOT_FOUND);
  assert.match(kernel.lastError!.message, /absent\.sys/);
  kernel.fs.writeFile(`${drivers}\\junk.sys`, new TextEncoder().encode('MZ this is not a driver at all, just text padding it out to length'));
  // MZ and then text: no PE header where e_lfanew points (STATUS_INVALID_IMAGE_PROTECT, as MiCreateImageFileMap says).
  assert.equal(kernel.loadDriver(`${drivers}\\junk.sys`), STATUS_INVALID_IMAGE_PROTECT);
  assert.match(kernel.lastError!.message, /junk\.sys/);
  kernel.fs.writeFile(`${drivers}\\arm.sys`, buildPe({ machine: IMAGE_FILE_MACHINE_ARM64, driver: true }));
  assert.equal(kernel.loadDriver(`${drivers}\\arm.sys`), STATUS_INVALID_IMAGE_FORMAT);
  assert.match(kernel.lastError!.message, /ARM64 image cannot load into a AMD64 kernel/);
  assert.equal(names.length, 0);
});

test('an unresolved import: the driver does not start; modules loaded for it are released', () => {
  const { kernel, names } = kernelWithImports();
  kernel.fs.writeFile(`${drivers}\\needy.sys`, buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, driver: true, imports: { 'msrpc.sys': ['MesEncodeX'], 'gone.sys': ['X'] } }));
  let entered = false;
  assert.equal(kernel.loadDriver(`${drivers}\\needy.sys`, { DriverEntry: () => { entered = true; return STATUS_SUCCESS; } }), STATUS_DLL_NOT_FOUND);
  assert.match(kernel.lastError!.message, /needy\.sys imports gone\.sys/);
  assert.equal(entered, false);
  assert.equal(names.length, 1, 'msrpc.sys was loaded (and reported) before the failure');
  // msrpc.sys was released: loading it as a driver now is a fresh load.
  assert.equal(kernel.loadDriver(`${drivers}\\msrpc.sys`), STATUS_SUCCESS);
  assert.equal(names.length, 2);
  kernel.fs.writeFile(`${drivers}\\wrongname.sys`, buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, driver: true, imports: { 'netio.sys': ['NoSuchExport'] } }));
  assert.equal(kernel.loadDriver(`${drivers}\\wrongname.sys`), STATUS_PROCEDURE_NOT_FOUND);
  assert.match(kernel.lastError!.message, /NoSuchExport/);
});

test('the driver notification carries the image base and size, inside system space', () => {
  const kernel = testKernel();
  let base = 0n;
  let size = 0;
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((_n, _p, info) => {
    base = info.ImageBase;
    size = info.ImageSize;
  });
  kernel.loadDriver(`${drivers}\\test.sys`, { DriverEntry: (d) => { d.DriverUnload = () => {}; return PsSetLoadImageNotifyRoutine(() => {}); } });
  const loaded = kernel.loadedDrivers[0]!;
  assert.equal(base, loaded.base);
  assert.equal(size, loaded.size);
  assert.ok(base >= 0xfffff80000000000n);
  assert.equal(loaded.DriverName, '\\Driver\\test');
});
