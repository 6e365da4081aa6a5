// NtCreateUserProcess and the first thread's process-start reports (SEMANTICS.md §5B).
import type { Kernel } from '../ke/kernel.js';
import { mapImageView } from '../mm/map-image.js';
import {
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_I386,
  machineName,
} from '../nt/constants.js';
import { NtStatusError, STATUS_DLL_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, STATUS_INVALID_PARAMETER } from '../nt/status.js';
import { Process } from './process.js';

export interface CreateProcessOptions {
  /** Create the first thread suspended: nothing is reported until resume(). */
  suspended?: boolean;
  parentPid?: number;
}

/** How an EXE of `exeMachine` runs on a `native` machine: natively, under WoW64, or not at all. */
function processKind(native: number, exeMachine: number): { machine: number; wow64: boolean } | null {
  if (exeMachine === native) return { machine: native, wow64: false };
  const is64 = native === IMAGE_FILE_MACHINE_AMD64 || native === IMAGE_FILE_MACHINE_ARM64;
  if (is64 && exeMachine === IMAGE_FILE_MACHINE_I386) return { machine: IMAGE_FILE_MACHINE_I386, wow64: true };
  if (native === IMAGE_FILE_MACHINE_ARM64 && exeMachine === IMAGE_FILE_MACHINE_ARMNT) {
    return { machine: IMAGE_FILE_MACHINE_ARMNT, wow64: true };
  }
  return null;
}

export function checkCreateOptions(options: unknown): CreateProcessOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new NtStatusError(STATUS_INVALID_PARAMETER, `createProcess options must be an object, got ${String(options)}`);
  }
  const { suspended, parentPid } = options as Record<string, unknown>;
  if (suspended !== undefined && typeof suspended !== 'boolean') {
    throw new NtStatusError(STATUS_INVALID_PARAMETER, `createProcess options.suspended: expected a boolean, got ${JSON.stringify(suspended)}`);
  }
  if (parentPid !== undefined && !(Number.isInteger(parentPid) && (parentPid as number) >= 0)) {
    throw new NtStatusError(STATUS_INVALID_PARAMETER, `createProcess options.parentPid: expected a process id, got ${JSON.stringify(parentPid)}`);
  }
  return options as CreateProcessOptions;
}

/**
 * Creates the process: maps the EXE and ntdll (both ntdlls for WoW64) before
 * the process has an id, so nothing is reported; then gives it an id.
 */
export function createProcess(kernel: Kernel, path: string, options: CreateProcessOptions): Process {
  const exe = kernel.fs.open(path);
  const section = kernel.sections.sectionFor(exe);
  if (section.isDll || section.image.subsystem === 1) {
    throw new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `${exe.dosPath}: not an executable (it is a ${section.isDll ? 'DLL' : 'native driver image'})`);
  }
  const kind = processKind(kernel.nativeMachine, section.machine);
  if (kind === null) {
    throw new NtStatusError(
      STATUS_INVALID_IMAGE_FORMAT,
      `${exe.dosPath}: a ${machineName(section.machine)} program cannot run on ${machineName(kernel.nativeMachine)}`,
    );
  }
  const process = new Process(kernel, {
    pid: 0,
    machine: kind.machine,
    wow64: kind.wow64,
    system: false,
    // A 64-bit OS gives every process, WoW64 ones included, a 64-bit address space;
    // 32-bit images are kept below 2 GiB by the view placement.
    addressSpace: kernel.memory.newUserAddressSpace(kernel.pointerWidth === 'x64'),
    image: exe,
    parentPid: options.parentPid ?? 0,
  });
  const ntdll = kernel.fs.tryOpen('C:\\Windows\\System32\\ntdll.dll');
  if (ntdll === null) throw new NtStatusError(STATUS_DLL_NOT_FOUND, `cannot start ${exe.name}: C:\\Windows\\System32\\ntdll.dll is missing`);
  const systemDlls = [ntdll];
  if (kind.wow64) {
    const ntdll32 = kernel.fs.tryOpen(`${kernel.wow64SystemDirectory(kind.machine)}\\ntdll.dll`);
    if (ntdll32 === null) {
      throw new NtStatusError(STATUS_DLL_NOT_FOUND, `cannot start ${exe.name} under WoW64: ${kernel.wow64SystemDirectory(kind.machine)}\\ntdll.dll is missing`);
    }
    systemDlls.push(ntdll32);
  }
  // Maps made while the process has no id notify nothing (§5B).
  process.startViews.push(mapImageView(kernel, process, exe, {}, false));
  for (const dll of systemDlls) {
    const view = mapImageView(kernel, process, dll, {}, false);
    process.startViews.push(view);
    process.loaderModules.set(dll.key, view);
  }
  process.state = options.suspended ? 'suspended' : 'running';
  kernel.registerProcess(process);
  if (!options.suspended) kernel.startFirstThread(process);
  return process;
}

/** The first thread, before user code: report the EXE, ntdll(s), then run the loader. */
export function startFirstThread(kernel: Kernel, process: Process): void {
  if (process.started) return;
  process.started = true;
  for (const view of process.startViews) kernel.notifyProcessStartImage(process, view);
  kernel.loader.initializeProcess(process);
}
