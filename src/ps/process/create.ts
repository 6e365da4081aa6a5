// NtCreateUserProcess and the first thread's process-start reports
// (SEMANTICS.md §5B), and the table of live processes (PspCidTable's job:
// ids, lookup by id). The System process is created here too.
import type { SystemVolume } from '../../fs/volume.js';
import type { MachineState } from '../../ke/machine-state.js';
import { mapImageView } from '../../mm/map-image.js';
import type { MemoryManager } from '../../mm/memory.js';
import {
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_I386,
  machineName,
} from '../../nt/constants.js';
import { NtStatusError, STATUS_DLL_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, STATUS_OBJECT_NAME_COLLISION } from '../../nt/status.js';
import type { ImageView } from '../../mm/view.js';
import type { Random } from '../../rtl/random.js';
import { type Process, ProcessObject, type ProcessServices, type UserModeLoader } from './process.js';

export interface CreateProcessOptions {
  /** Create the first thread suspended: nothing is reported until resume(). */
  suspended?: boolean;
  parentPid?: number;
  /** The command line; default `"<dos path>" `. */
  commandLine?: string;
  /** This process id (a multiple of 4 no live process has), as a recording names it; default: the next one. */
  pid?: number;
  /**
   * false: the first thread makes the process-start reports and nothing more —
   * no loader runs (for replaying a recording, whose own loads are replayed).
   */
  loader?: boolean;
  /**
   * false: only the static closure — the EXE's imports, depth-first — and not the DLLs the program
   * loads with LoadLibrary once its first thread runs (a builtin program's run-time loads,
   * docs/loader.md). Default true.
   */
  runtimeLoads?: boolean;
}

/** What programs load once their first thread runs (the kernel gives the builtin system's). */
export interface ProgramBehaviour {
  /** Paths to LoadLibrary, in order, for `process` (its EXE and command line; `managed`: a .NET EXE): none for most. */
  runtimeLoads(process: Process, managed: boolean): readonly string[];
}

export const SYSTEM_PID = 4;

/** SysWOW64 (x86 guests) or SysArm32 (ARM32 guests): the guest side's system directory. */
export function wow64SystemDirectory(guestMachine: number): string {
  return guestMachine === IMAGE_FILE_MACHINE_ARMNT ? 'C:\\Windows\\SysArm32' : 'C:\\Windows\\SysWOW64';
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

/** Checks a caller's createProcess options: wrong types are TypeErrors, bad values RangeErrors, each naming the option. */
export function checkCreateOptions(options: unknown): CreateProcessOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`createProcess options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const { suspended, parentPid, commandLine, pid, loader, runtimeLoads } = options as Record<string, unknown>;
  if (loader !== undefined && typeof loader !== 'boolean') {
    throw new TypeError(`createProcess options.loader: expected a boolean, got ${JSON.stringify(loader)}`);
  }
  if (runtimeLoads !== undefined && typeof runtimeLoads !== 'boolean') {
    throw new TypeError(`createProcess options.runtimeLoads: expected a boolean, got ${JSON.stringify(runtimeLoads)}`);
  }
  if (pid !== undefined && typeof pid !== 'number') throw new TypeError(`createProcess options.pid: expected a number, got ${typeof pid}`);
  if (pid !== undefined && !(Number.isSafeInteger(pid) && (pid as number) > 4 && (pid as number) % 4 === 0)) {
    throw new RangeError(`createProcess options.pid: expected a multiple of 4 above 4, got ${JSON.stringify(pid)}`);
  }
  if (suspended !== undefined && typeof suspended !== 'boolean') {
    throw new TypeError(`createProcess options.suspended: expected a boolean, got ${JSON.stringify(suspended)}`);
  }
  if (parentPid !== undefined && typeof parentPid !== 'number') {
    throw new TypeError(`createProcess options.parentPid: expected a process id number, got ${typeof parentPid}`);
  }
  if (parentPid !== undefined && !(Number.isInteger(parentPid) && (parentPid as number) >= 0)) {
    throw new RangeError(`createProcess options.parentPid: expected a non-negative integer, got ${JSON.stringify(parentPid)}`);
  }
  if (commandLine !== undefined && typeof commandLine !== 'string') {
    throw new TypeError(`createProcess options.commandLine: expected a string, got ${typeof commandLine}`);
  }
  return options as CreateProcessOptions;
}

export interface ProcessManagerOptions {
  machine: MachineState;
  mm: MemoryManager;
  volume: SystemVolume;
  loader: UserModeLoader;
  /** Process ids are drawn from the kernel's seeded generator. */
  random: Random;
  /** Run-time loads of the programs of the system volume; none when absent. */
  programs?: ProgramBehaviour;
}

export class ProcessManager implements ProcessServices {
  readonly machine: MachineState;
  readonly mm: MemoryManager;
  readonly volume: SystemVolume;
  readonly loader: UserModeLoader;
  readonly systemProcess: ProcessObject;
  readonly #random: Random;
  readonly #programs: ProgramBehaviour | null;
  readonly #live = new Map<number, ProcessObject>();
  #nextPid = 0x100;

  constructor(options: ProcessManagerOptions) {
    this.machine = options.machine;
    this.mm = options.mm;
    this.volume = options.volume;
    this.loader = options.loader;
    this.#random = options.random;
    this.#programs = options.programs ?? null;
    this.systemProcess = new ProcessObject(this, {
      pid: SYSTEM_PID,
      machine: options.mm.nativeMachine,
      wow64: false,
      system: true,
      addressSpace: options.mm.systemSpace,
      image: null,
      parentPid: 0,
      commandLine: '',
    });
    this.systemProcess.state = 'running';
    this.#live.set(SYSTEM_PID, this.systemProcess);
  }

  get(pid: number): ProcessObject | undefined {
    return this.#live.get(pid);
  }

  /** Live processes, the System process first, then in creation order. */
  live(): IterableIterator<ProcessObject> {
    return this.#live.values();
  }

  get count(): number {
    return this.#live.size;
  }

  /**
   * Creates the process: maps the EXE and ntdll (both ntdlls for WoW64) before
   * the process has an id, so nothing is reported; then gives it an id.
   */
  create(path: string, options: CreateProcessOptions): ProcessObject {
    const { mm, volume } = this;
    const exe = volume.open(path);
    const section = mm.sections.sectionFor(exe);
    if (section.isDll || section.image.subsystem === 1) {
      throw new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `${exe.dosPath}: not an executable (it is a ${section.isDll ? 'DLL' : 'native driver image'})`);
    }
    const kind = processKind(mm.nativeMachine, section.machine);
    if (kind === null) {
      throw new NtStatusError(
        STATUS_INVALID_IMAGE_FORMAT,
        `${exe.dosPath}: a ${machineName(section.machine)} program cannot run on ${machineName(mm.nativeMachine)}`,
      );
    }
    const ntdll = volume.tryOpen('C:\\Windows\\System32\\ntdll.dll');
    if (ntdll === null) throw new NtStatusError(STATUS_DLL_NOT_FOUND, `cannot start ${exe.name}: C:\\Windows\\System32\\ntdll.dll is missing`);
    const systemDlls = [ntdll];
    if (kind.wow64) {
      const folder = wow64SystemDirectory(kind.machine);
      const ntdll32 = volume.tryOpen(`${folder}\\ntdll.dll`);
      if (ntdll32 === null) throw new NtStatusError(STATUS_DLL_NOT_FOUND, `cannot start ${exe.name} under WoW64: ${folder}\\ntdll.dll is missing`);
      systemDlls.push(ntdll32);
    }
    const process = new ProcessObject(this, {
      pid: 0,
      machine: kind.machine,
      wow64: kind.wow64,
      system: false,
      // A 64-bit OS gives every process, WoW64 ones included, a 64-bit address space;
      // 32-bit images are kept below 2 GiB by the view placement.
      addressSpace: mm.addresses.newUserAddressSpace(mm.pointerWidth === 'x64'),
      image: exe,
      parentPid: options.parentPid ?? 0,
      commandLine: options.commandLine ?? `"${exe.dosPath}" `,
    });
    process.runsLoader = options.loader ?? true;
    process.runsProgram = process.runsLoader && (options.runtimeLoads ?? true);
    if (options.pid !== undefined && this.#live.has(options.pid)) {
      throw new NtStatusError(STATUS_OBJECT_NAME_COLLISION, `createProcess(${exe.dosPath}): process id ${options.pid} belongs to a live process`);
    }
    // Maps made while the process has no id notify nothing (§5B).
    process.startViews.push(mapImageView(mm, process, exe, {}, false));
    for (const dll of systemDlls) process.startViews.push(mapImageView(mm, process, dll, {}, false));
    process.state = options.suspended ? 'suspended' : 'running';
    this.#assignId(process, options.pid);
    if (!options.suspended) this.startFirstThread(process);
    return process;
  }

  /** The first thread, before user code: report the EXE, ntdll(s), then run the loader (§5B). */
  startFirstThread(process: ProcessObject): void {
    if (process.started) return;
    process.started = true;
    for (const view of process.startViews) this.reportStartImage(process, view);
    if (process.runsLoader) this.loader.initializeProcess(process);
    if (process.runsProgram && this.#programs !== null) this.#runProgram(process, this.#programs);
  }

  /**
   * The program's own LoadLibrary calls once its first thread runs (docs/loader.md, "Run-time
   * loads"). A DLL that is missing or fails to load is skipped, as a program that checks
   * LoadLibrary's result goes on without it; a process that ends meanwhile loads no more.
   */
  #runProgram(process: ProcessObject, programs: ProgramBehaviour): void {
    const managed = process.startViews[0]?.section.image.isClr === true;
    for (const path of programs.runtimeLoads(process, managed)) {
      if (process.state !== 'running' || this.machine.bugCheck !== null) return;
      try {
        this.loader.loadLibrary(process, path);
      } catch (error) {
        if (!(error instanceof NtStatusError)) throw error;
      }
    }
  }

  /** One process-start report (§5B): no signature bits, never partial or a mismatch (§1). Each start image once. */
  reportStartImage(process: ProcessObject, view: ImageView): void {
    if (process.startReported.has(view)) return;
    process.startReported.add(view);
    const notifier = this.mm.notifier;
    if (!notifier.enabled) return;
    notifier.callImageNotifyRoutines(
      view.section.file.ntPath,
      process.pid,
      { base: view.base, size: view.viewSize, systemMode: false, label: null, mismatch: false, partial: false, fileObject: view.section.fileObject },
      process,
      false,
    );
  }

  exited(process: ProcessObject): void {
    this.#live.delete(process.pid);
  }

  /** Ids are multiples of 4, never reused while the process lives; `wanted` (checked free) is taken as given. */
  #assignId(process: ProcessObject, wanted: number | undefined): void {
    if (wanted !== undefined) process.pid = wanted;
    else {
      do this.#nextPid += 4 * (1 + this.#random.below(32));
      while (this.#live.has(this.#nextPid));
      process.pid = this.#nextPid;
    }
    this.#live.set(process.pid, process);
  }
}
