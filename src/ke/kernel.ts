// One simulated Windows machine: its build profile, system volume, notify
// table, memory manager, drivers and processes. Several Kernel instances in one
// Node process share nothing.
import { randomInt } from 'node:crypto';
import { CallbackBlock } from '../ex/callback-block.js';
import { SystemVolume } from '../fs/volume.js';
import { installSystem, type SystemChoice } from '../fs/system.js';
import { DriverLoader } from '../io/driver-loader.js';
import type { Driver, DriverRecord } from '../io/driver-record.js';
import { Loader } from '../ldr/loader.js';
import { MemoryManager } from '../mm/memory.js';
import { SectionCache } from '../mm/section.js';
import { SystemImages, type SystemModule } from '../mm/system-image.js';
import type { ImageView } from '../mm/view.js';
import {
  DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_I386,
  PASSIVE_LEVEL,
  SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
} from '../nt/constants.js';
import type { PointerWidth } from '../nt/image-info-codec.js';
import type { ImageInfo } from '../nt/image-info.js';
import { NtStatusError, STATUS_INVALID_PARAMETER } from '../nt/status.js';
import { createProcess, checkCreateOptions, startFirstThread, type CreateProcessOptions } from '../ps/create-process.js';
import { buildImageInfo } from '../ps/image-notify.js';
import { LoadImageNotifyTable, type DispatchFailureSink } from '../ps/notify-table.js';
import { Process } from '../ps/process.js';
import type { LoadImageNotifyRoutine } from '../ps/routine.js';
import { BugCheck } from './bugcheck.js';
import { currentFrame, enterFrame, runInFrame, type ExecutionFrame } from './context.js';
import { createNtoskrnl, profileExports, type Ntoskrnl } from './ntoskrnl.js';
import { buildProfile, type BuildProfile } from './profile.js';
import { Random } from '../rtl/random.js';
import { isKernelStop } from './stops.js';
import { singleThreadWaiter, type Waiter } from './wait.js';
import { imageLabel } from '../ci/code-integrity.js';

export type MachineName = 'amd64' | 'arm64' | 'x86';

/** What a dispatch tracer learns of each routine called: its block (slot owner and address). */
export interface DispatchedRoutine {
  readonly address: bigint;
  readonly flags: number;
  readonly owner: { readonly fileName: string } | null;
}

export interface KernelOptions {
  /** Windows build profile (SEMANTICS.md §9): 7601, 9600, 16299 or 22631 (default). */
  build?: number;
  /** Native machine; default 'amd64'. */
  machine?: MachineName;
  /** The system volume: 'builtin' (default), 'none' (empty), or a host folder mounted as C:\. */
  system?: SystemChoice;
  /** Makes address and process-id choices reproducible. */
  seed?: number;
  /** Driver Verifier-style check: an unload that leaves routines registered bug-checks at once. */
  verifier?: boolean;
  /** N of \Device\HarddiskVolumeN; default 3. */
  volumeNumber?: number;
  /** Fault injection: return true to fail the allocation named (registration then fails). */
  failAllocation?: ((what: string) => boolean) | null;
}

const machines: Readonly<Record<MachineName, number>> = {
  amd64: IMAGE_FILE_MACHINE_AMD64,
  arm64: IMAGE_FILE_MACHINE_ARM64,
  x86: IMAGE_FILE_MACHINE_I386,
};

const SYSTEM_PID = 4;

export class Kernel {
  readonly profile: BuildProfile;
  readonly machine: MachineName;
  /** IMAGE_FILE_MACHINE_* of the OS. */
  readonly nativeMachine: number;
  /** IMAGE_INFO_EX layout of this kernel. */
  readonly pointerWidth: PointerWidth;
  readonly seed: number;
  readonly fs: SystemVolume;
  readonly ntoskrnl: Ntoskrnl;
  verifier: boolean;
  /** The NtStatusError behind the last failed NTSTATUS-returning harness call. */
  lastError: NtStatusError | null = null;

  /** @internal */ readonly notifyTable: LoadImageNotifyTable;
  /** @internal */ readonly memory: MemoryManager;
  /** @internal */ readonly sections: SectionCache;
  /** @internal */ readonly systemImages: SystemImages;
  /** @internal */ readonly drivers: DriverLoader;
  /** @internal */ readonly loader: Loader;
  /** @internal */ readonly systemProcess: Process;
  /** @internal */ waiter: Waiter = singleThreadWaiter;
  /**
   * Observes every dispatch (for tools such as the CLI): called when an image's
   * dispatch begins; the routines called are appended to the returned array as
   * they run. Null (the default) costs the dispatcher nothing.
   */
  dispatchTracer: ((fullImageName: string | null, processId: number, imageInfo: ImageInfo) => DispatchedRoutine[]) | null = null;

  readonly #processes = new Map<number, Process>();
  readonly #random: Random;
  #nextPid = 0x100;
  #bugCheck: BugCheck | null = null;
  readonly #dispatchFrames: ExecutionFrame[] = [];
  #dispatchDepth = 0;
  readonly #harnessRoutineAddresses = new Map<unknown, bigint>();
  readonly #failureSink: DispatchFailureSink;

  constructor(options: KernelOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('Kernel options must be an object');
    this.profile = buildProfile(options.build ?? 22631);
    const machine = options.machine ?? 'amd64';
    if (!(machine in machines)) {
      throw new NtStatusError(STATUS_INVALID_PARAMETER, `machine must be 'amd64', 'arm64' or 'x86', got ${JSON.stringify(machine)}`);
    }
    this.machine = machine;
    this.nativeMachine = machines[machine];
    this.pointerWidth = machine === 'x86' ? 'x86' : 'x64';
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new NtStatusError(STATUS_INVALID_PARAMETER, `seed must be an integer, got ${JSON.stringify(options.seed)}`);
    }
    this.seed = options.seed ?? randomInt(0x7fffffff);
    this.#random = new Random(this.seed);
    this.verifier = options.verifier ?? false;
    this.fs = new SystemVolume({
      volumeNumber: options.volumeNumber ?? 3,
      ...(typeof options.system === 'object' && options.system !== null ? { root: options.system.root } : {}),
    });
    this.notifyTable = new LoadImageNotifyTable(this.profile.slots);
    this.notifyTable.allocationFailure = options.failAllocation ?? null;
    this.memory = new MemoryManager(this.#random, this.pointerWidth === 'x64');
    const fileObjectBase = this.pointerWidth === 'x64' ? 0xffffa000_00000000n : 0x8a00_0000n;
    this.sections = new SectionCache(imageLabel, fileObjectBase);
    this.systemImages = new SystemImages(this);
    this.drivers = new DriverLoader(this);
    this.loader = new Loader(this);
    this.ntoskrnl = createNtoskrnl(this);
    this.systemProcess = new Process(this, {
      pid: SYSTEM_PID,
      machine: this.nativeMachine,
      wow64: false,
      system: true,
      addressSpace: this.memory.systemSpace,
      image: null,
      parentPid: 0,
    });
    this.systemProcess.state = 'running';
    this.#processes.set(SYSTEM_PID, this.systemProcess);
    this.#failureSink = {
      staleRoutine: (block) => this.raiseBugCheck(this.staleRoutineBugCheck(block, 8n, 'called at the next image notification')),
      routineFailed: (block, error) => {
        if (isKernelStop(error)) throw error;
        this.raiseBugCheck(this.exceptionBugCheck(block.owner, block.address, error, 'load-image notify routine'));
      },
    };
    installSystem(this, options.system ?? 'builtin');
  }

  /** The bug check that stopped this machine, or null while it runs. */
  get bugCheck(): BugCheck | null {
    return this.#bugCheck;
  }

  /** Fault injection for the callback-block allocation (off by default). */
  get failAllocation(): ((what: string) => boolean) | null {
    return this.notifyTable.allocationFailure;
  }
  set failAllocation(hook: ((what: string) => boolean) | null) {
    this.notifyTable.allocationFailure = hook;
  }

  // ---- the harness API (API.md) -------------------------------------------

  createProcess(path: string, options?: CreateProcessOptions): Process {
    this.assertRunning();
    return createProcess(this, path, checkCreateOptions(options));
  }

  /** ZwLoadDriver: returns the NTSTATUS; the reason for a failure is in `lastError`. */
  loadDriver(path: string, driver?: Driver): number {
    this.assertRunning();
    return this.ntCall(() => this.drivers.load(path, driver));
  }

  /** ZwUnloadDriver: returns the NTSTATUS; the reason for a failure is in `lastError`. */
  unloadDriver(path: string): number {
    this.assertRunning();
    return this.ntCall(() => this.drivers.unload(path));
  }

  process(pid: number): Process | undefined {
    this.assertRunning();
    return this.#processes.get(pid);
  }

  /** Live processes, the System process first. */
  get processes(): Process[] {
    return [...this.#processes.values()];
  }

  /** Loaded drivers, in load order. */
  get loadedDrivers(): { name: string; DriverName: string; base: bigint; size: number }[] {
    return this.drivers.loaded.map((r) => ({ name: r.fileName, DriverName: r.object.DriverName, base: r.imageBase, size: r.imageSize }));
  }

  /** Registered notify routines in slot order (a debugger's view of the table). */
  get notifyRoutines(): { slot: number; address: bigint; flags: number; driver: string | null; routine: LoadImageNotifyRoutine | null }[] {
    const rows = [];
    for (let slot = 0; slot < this.notifyTable.slots.length; slot++) {
      const block = this.notifyTable.slots[slot];
      if (block) rows.push({ slot, address: block.address, flags: block.flags, driver: block.owner?.fileName ?? null, routine: block.routine });
    }
    return rows;
  }

  // ---- services for the components (internal) ------------------------------

  /** @internal Throws the bug check if the machine has stopped. */
  assertRunning(): void {
    if (this.#bugCheck !== null) throw this.#bugCheck;
  }

  /** @internal */
  raiseBugCheck(bugCheck: BugCheck): never {
    this.#bugCheck ??= bugCheck;
    throw this.#bugCheck;
  }

  /** @internal 0x7E for an exception that escaped driver code. */
  exceptionBugCheck(owner: DriverRecord | null, address: bigint, error: unknown, where: string): BugCheck {
    const code = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 0xe06d7363;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new BugCheck(
      SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
      [BigInt(code >>> 0), address, 0n, 0n],
      owner?.fileName ?? null,
      `unhandled exception in ${where} at 0x${address.toString(16)}: ${text}`,
      { cause: error },
    );
  }

  /** @internal 0xCE for a routine left behind by an unloaded driver (§7). */
  staleRoutineBugCheck(block: CallbackBlock, accessType: bigint, when: string): BugCheck {
    return new BugCheck(
      DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
      [block.address, accessType, block.address, 0n],
      block.owner?.fileName ?? null,
      `load-image notify routine 0x${block.address.toString(16)} of unloaded driver ${block.owner?.fileName ?? '?'} ${when}`,
    );
  }

  /** @internal NTSTATUS-returning harness calls: failures become the status, with the reason kept. */
  ntCall(body: () => number): number {
    try {
      const status = body();
      this.lastError = null;
      return status;
    } catch (error) {
      if (!(error instanceof NtStatusError)) throw error;
      this.lastError = error;
      return error.status;
    }
  }

  /** @internal The frame now running in this kernel, if any. */
  frame(): ExecutionFrame | null {
    const frame = currentFrame();
    return frame !== null && frame.kernel === this ? frame : null;
  }

  /** @internal */
  currentDriver(): DriverRecord | null {
    return this.frame()?.driver ?? null;
  }

  /** @internal The process the current thread is in: the System process for harness code. */
  currentProcess(): { pid: number } {
    return this.frame()?.process ?? this.systemProcess;
  }

  /** @internal */
  currentIrql(): number {
    return this.frame()?.irql ?? PASSIVE_LEVEL;
  }

  /** @internal */
  apcsDisabled(): boolean {
    return (this.frame()?.criticalRegion ?? 0) > 0;
  }

  /** @internal Runs driver code (DriverEntry, DriverUnload) in the System process at PASSIVE_LEVEL. */
  runAsDriver<T>(record: DriverRecord, body: () => T): T {
    const frame: ExecutionFrame = {
      kernel: this,
      driver: record,
      process: this.systemProcess,
      irql: PASSIVE_LEVEL,
      criticalRegion: 0,
      addressSpaceLockHeld: false,
    };
    return runInFrame(frame, body);
  }

  /** @internal Registration, attributed to the driver whose code runs. */
  registerImageNotify(routine: LoadImageNotifyRoutine | null, flags: number | bigint): number {
    const owner = this.currentDriver();
    return this.notifyTable.register(routine, flags, owner, (r) => this.routineAddress(r, owner));
  }

  /** @internal */
  removeImageNotify(routine: LoadImageNotifyRoutine | null): number {
    return this.notifyTable.remove(routine, this.waiter, (block) => {
      const name = routine?.name ? `${routine.name} ` : '';
      return (
        `PsRemoveLoadImageNotifyRoutine(${name}0x${block.address.toString(16)}` +
        `${block.owner ? ` of ${block.owner.fileName}` : ''}) waits for an invocation of that routine ` +
        `that is still running on this thread: the real kernel would wait forever`
      );
    });
  }

  /** @internal Synthetic, stable code address of a routine. */
  routineAddress(routine: LoadImageNotifyRoutine | null, owner: DriverRecord | null): bigint {
    if (routine === null) return 0n;
    if (owner !== null) return owner.addressOf(routine);
    let address = this.#harnessRoutineAddresses.get(routine);
    if (address === undefined) {
      const base = this.pointerWidth === 'x64' ? 0xfffff806_10001000n : 0x8100_1000n;
      address = base + BigInt(this.#harnessRoutineAddresses.size * 0x10);
      this.#harnessRoutineAddresses.set(routine, address);
    }
    return address;
  }

  /** @internal Drops the registrations a failed DriverEntry made (an import the build lacks). */
  forgetRegistrationsOf(record: DriverRecord): void {
    const slots = this.notifyTable.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i]?.owner === record) this.notifyTable.clear(i);
  }

  /** @internal Driver Verifier: routines left registered at unload stop the machine now. */
  verifyNoRoutinesLeft(record: DriverRecord): void {
    const left = this.notifyTable.registered().find((b) => b.owner === record && b.routine !== null);
    if (left) this.raiseBugCheck(this.staleRoutineBugCheck(left, 0n, 'still registered when the driver unloaded (Driver Verifier)'));
  }

  /** @internal Does this build's ntoskrnl export `name`? */
  ntoskrnlExports(name: string): boolean {
    return profileExports(name, this.profile.hasSetEx);
  }

  /** @internal SysWOW64 (x86 guests) or SysArm32 (ARM32 guests). */
  wow64SystemDirectory(guestMachine: number): string {
    return guestMachine === IMAGE_FILE_MACHINE_ARMNT ? 'C:\\Windows\\SysArm32' : 'C:\\Windows\\SysWOW64';
  }

  /** @internal */
  registerProcess(process: Process): void {
    // Ids are multiples of 4, never reused while the process lives.
    do this.#nextPid += 4 * (1 + this.#random.below(32));
    while (this.#processes.has(this.#nextPid));
    process.pid = this.#nextPid;
    this.#processes.set(process.pid, process);
  }

  /** @internal */
  processTerminated(process: Process): void {
    this.#processes.delete(process.pid);
  }

  /** @internal */
  startFirstThread(process: Process): void {
    startFirstThread(this, process);
  }

  /** @internal Path A (§5A): a user-mode image view. */
  notifyUserImage(process: Process, view: ImageView, mismatch: boolean): void {
    if (!this.notifyTable.enabled) return;
    const section = view.section;
    const info = buildImageInfo(this.profile, this.pointerWidth, {
      base: view.base,
      size: view.viewSize,
      systemMode: false,
      label: section.label,
      mismatch,
      partial: view.viewSize !== section.imageSize,
      fileObject: section.fileObject,
    });
    this.dispatchImage(section.file.ntPath, process.pid, info, process, this.profile.lockHeldDuringUserCallbacks);
  }

  /** @internal Path B (§5B): the first thread reports the EXE and ntdll(s) with Properties 0x403. */
  notifyProcessStartImage(process: Process, view: ImageView): void {
    if (!this.notifyTable.enabled) return;
    const section = view.section;
    const info = buildImageInfo(this.profile, this.pointerWidth, {
      base: view.base,
      size: view.viewSize,
      systemMode: false,
      label: null,
      mismatch: false,
      partial: false,
      fileObject: section.fileObject,
    });
    this.dispatchImage(section.file.ntPath, process.pid, info, process, false);
  }

  /** @internal Path C (§5C): a driver or kernel DLL, reported in the System process with ProcessId 0. */
  notifySystemImage(module: SystemModule): void {
    if (!this.notifyTable.enabled) return;
    const section = module.section;
    const info = buildImageInfo(this.profile, this.pointerWidth, {
      base: module.base,
      size: module.size,
      systemMode: true,
      label: section.label,
      mismatch: false,
      partial: false,
      fileObject: section.fileObject,
    });
    this.dispatchImage(this.systemImageName(module), 0, info, this.systemProcess, false);
  }

  /** Registry ImagePath form before Win10, resolved NT path after (§5C, §9). */
  private systemImageName(module: SystemModule): string {
    if (this.profile.driverNames === 'nt-path') return module.file.ntPath;
    const path = module.file.volumePath;
    return /^\\windows\\/i.test(path) ? `\\SystemRoot${path.slice('\\Windows'.length)}` : `\\??\\C:${path}`;
  }

  /** @internal One image to every registered routine, in `process`'s context (§4). */
  dispatchImage(name: string | null, pid: number, info: ImageInfo, process: Process, lockHeld: boolean): void {
    // Routines run at PASSIVE_LEVEL in a critical region, in the target process (§4).
    // Frames are reused by nesting depth: a dispatch inside a routine takes the next one.
    const depth = this.#dispatchDepth++;
    let frame = this.#dispatchFrames[depth];
    if (frame === undefined) {
      frame = { kernel: this, driver: null, process, irql: PASSIVE_LEVEL, criticalRegion: 1, addressSpaceLockHeld: lockHeld };
      this.#dispatchFrames[depth] = frame;
    } else {
      frame.driver = null;
      frame.process = process;
      frame.addressSpaceLockHeld = lockHeld;
    }
    const called = this.dispatchTracer === null ? undefined : (this.dispatchTracer(name, pid, info) as CallbackBlock[]);
    const previous = enterFrame(frame);
    try {
      this.notifyTable.dispatch(name, pid, info, frame, this.#failureSink, called);
    } finally {
      enterFrame(previous);
      this.#dispatchDepth--;
    }
  }
}
