// One simulated Windows machine: the composition root. It builds the
// components bottom-up (volume, notify dispatcher, memory manager, loader,
// processes, system images, drivers), hands each only what it declares it
// needs, and offers the harness API of API.md. Nothing below imports it; an
// image's way from a map to the routines never passes through here
// (docs/architecture.md). Several Kernel instances in one Node process share
// nothing but the running-code slot (src/ke/context.ts).
import { randomInt } from 'node:crypto';
import { checkSystemChoice, installSystem, type SystemChoice } from '../catalog/install.js';
import { releaseCatalog, releaseForBuild } from '../catalog/releases.js';
import { imageLabel } from '../ci/code-integrity.js';
import { SystemVolume, type Volume } from '../fs/volume.js';
import { DriverLoader } from '../io/driver-loader.js';
import type { Driver } from '../io/driver-record.js';
import type { BugCheck } from '../ke/bugcheck.js';
import { KernelContext } from '../ke/context.js';
import { MachineState } from '../ke/machine-state.js';
import { buildProfile, type BuildProfile } from '../ke/profile.js';
import { singleThreadWaiter } from '../ke/wait.js';
import { Loader } from '../ldr/loader.js';
import { MemoryManager } from '../mm/memory.js';
import { SystemImages } from '../mm/system-image.js';
import { IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_I386 } from '../nt/constants.js';
import type { PointerWidth } from '../nt/image-info-codec.js';
import { NtStatusError } from '../nt/status.js';
import { ImageNotifier, type DispatchedRoutine, type DispatchTracer } from '../ps/notify/dispatcher.js';
import type { LoadImageNotifyRoutine } from '../ps/notify/routine.js';
import { checkCreateOptions, ProcessManager, type CreateProcessOptions } from '../ps/process/create.js';
import type { Process } from '../ps/process/process.js';
import { Random } from '../rtl/random.js';
import { fileFacts, type ImageFileFacts } from './file-facts.js';
import { createNtoskrnl, type Ntoskrnl } from './ntoskrnl.js';
import { builtinProgramBehaviour } from './program-behaviour.js';

export type MachineName = 'amd64' | 'arm64' | 'x86';

export interface KernelOptions {
  /** Any Windows build number from 7601 on: it selects the profile covering it (docs/profiles.md); default 22631. */
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

/** The Windows release whose builtin system a kernel's build selects (docs/profiles.md, "Catalogs"). */
export interface BuiltinRelease {
  /** `ws2016`, `ws2019`, `win10-1903`, `win10-2004`, `ws2022` or `win11`. */
  readonly id: string;
  readonly name: string;
  readonly firstBuild: number;
  readonly lastBuild: number;
  /** The recordings its load orders follow, or why it has none. */
  readonly evidence: string;
}

/** A registered routine as a debugger shows the table. */
export interface NotifyRoutineEntry {
  slot: number;
  address: bigint;
  flags: number;
  driver: string | null;
  routine: LoadImageNotifyRoutine | null;
}

/** A loaded driver. */
export interface LoadedDriver {
  name: string;
  DriverName: string;
  base: bigint;
  size: number;
}

const machines: Readonly<Record<MachineName, number>> = {
  amd64: IMAGE_FILE_MACHINE_AMD64,
  arm64: IMAGE_FILE_MACHINE_ARM64,
  x86: IMAGE_FILE_MACHINE_I386,
};

function checkOptions(options: unknown): KernelOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`Kernel options must be an object, got ${options === null ? 'null' : typeof options}`);
  const o = options as KernelOptions;
  if (o.machine !== undefined && !Object.hasOwn(machines, o.machine)) {
    throw new RangeError(`Kernel options.machine must be 'amd64', 'arm64' or 'x86', got ${JSON.stringify(o.machine)}`);
  }
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new TypeError(`Kernel options.seed must be an integer, got ${JSON.stringify(o.seed)}`);
  if (o.verifier !== undefined && typeof o.verifier !== 'boolean') throw new TypeError(`Kernel options.verifier must be a boolean, got ${typeof o.verifier}`);
  if (o.failAllocation !== undefined && o.failAllocation !== null && typeof o.failAllocation !== 'function') {
    throw new TypeError(`Kernel options.failAllocation must be a function or null, got ${typeof o.failAllocation}`);
  }
  return o;
}

const FACT_FIELDS = ['path', 'FileVersion', 'Description', 'Product', 'Company', 'OriginalFileName', 'Hashes', 'Signed', 'Signature', 'SignatureStatus'] as const;

function isComplete(facts: Partial<ImageFileFacts>): facts is ImageFileFacts {
  return FACT_FIELDS.every((field) => typeof facts[field] === 'string');
}

export class Kernel {
  readonly profile: BuildProfile;
  /** The release of the builtin system this build selects (also when the volume is not the builtin one). */
  readonly release: BuiltinRelease;
  readonly machine: MachineName;
  /** IMAGE_FILE_MACHINE_* of the OS. */
  readonly nativeMachine: number;
  /** IMAGE_INFO_EX layout of this kernel. */
  readonly pointerWidth: PointerWidth;
  readonly seed: number;
  /** The system volume, C:. */
  readonly fs: Volume;
  /** The NT exports, called as the harness (attributed to no driver). */
  readonly ntoskrnl: Ntoskrnl;
  /** Driver Verifier: an unload that leaves routines registered bug-checks at once. */
  verifier: boolean;
  /** The NtStatusError behind the last failed NTSTATUS-returning harness call. */
  lastError: NtStatusError | null = null;

  readonly #machineState = new MachineState();
  readonly #volume: SystemVolume;
  readonly #notifier: ImageNotifier;
  readonly #mm: MemoryManager;
  readonly #processes: ProcessManager;
  readonly #drivers: DriverLoader;
  readonly #facts = new WeakMap<object, ImageFileFacts>();
  /** Facts a recording gave for a file (replay): they win over what the bytes say. */
  readonly #recordedFacts = new WeakMap<object, Partial<ImageFileFacts>>();

  constructor(options: KernelOptions = {}) {
    const o = checkOptions(options);
    const system = checkSystemChoice(o.system ?? 'builtin');
    const build = o.build ?? 22631;
    this.profile = buildProfile(build);
    const release = releaseForBuild(build);
    this.release = Object.freeze({ id: release.id, name: release.name, firstBuild: release.firstBuild, lastBuild: release.lastBuild, evidence: release.evidence });
    const catalog = releaseCatalog(release.id);
    this.machine = o.machine ?? 'amd64';
    this.nativeMachine = machines[this.machine];
    this.pointerWidth = this.machine === 'x86' ? 'x86' : 'x64';
    this.seed = o.seed ?? randomInt(0x7fffffff);
    this.verifier = o.verifier ?? false;
    const random = new Random(this.seed);
    this.#volume = new SystemVolume({ volumeNumber: o.volumeNumber ?? 3, ...(typeof system === 'object' ? { root: system.root } : {}) });
    this.fs = this.#volume;
    // Leaves first; each component gets only what it declares. Frames name
    // their kernel by this token, which learns its export table once built.
    const token: { ntoskrnl: Ntoskrnl | null } = { ntoskrnl: null };
    const context = new KernelContext(token);
    this.#notifier = new ImageNotifier({ profile: this.profile, pointerWidth: this.pointerWidth, context, machine: this.#machineState, waiter: singleThreadWaiter });
    this.#notifier.table.allocationFailure = o.failAllocation ?? null;
    this.#mm = new MemoryManager({
      profile: this.profile,
      nativeMachine: this.nativeMachine,
      pointerWidth: this.pointerWidth,
      random,
      notifier: this.#notifier,
      labelSource: imageLabel,
    });
    const loader = new Loader({ volume: this.#volume, mm: this.#mm });
    this.#processes = new ProcessManager({
      machine: this.#machineState,
      mm: this.#mm,
      volume: this.#volume,
      loader,
      random,
      ...(system === 'builtin' ? { programs: builtinProgramBehaviour(catalog) } : {}),
    });
    const systemProcess = this.#processes.systemProcess;
    const systemImages = new SystemImages({ mm: this.#mm, volume: this.#volume, systemProcess });
    this.#drivers = new DriverLoader({
      profile: this.profile,
      volume: this.#volume,
      machine: this.#machineState,
      context,
      systemImages,
      notifier: this.#notifier,
      systemProcess,
      verifier: () => this.verifier,
    });
    this.ntoskrnl = createNtoskrnl({ profile: this.profile, machine: this.#machineState, context, notifier: this.#notifier, systemProcessId: systemProcess.pid });
    token.ntoskrnl = this.ntoskrnl;
    installSystem(this.#volume, this.nativeMachine, system, release.id);
  }

  /** The bug check that stopped this machine, or null while it runs. */
  get bugCheck(): BugCheck | null {
    return this.#machineState.bugCheck;
  }

  /** Fault injection for the callback-block allocation (off by default). */
  get failAllocation(): ((what: string) => boolean) | null {
    return this.#notifier.table.allocationFailure;
  }
  set failAllocation(hook: ((what: string) => boolean) | null) {
    if (hook !== null && typeof hook !== 'function') throw new TypeError(`failAllocation must be a function or null, got ${typeof hook}`);
    this.#notifier.table.allocationFailure = hook;
  }

  /**
   * Observes every dispatch (for tools such as the CLI): called as an image's
   * dispatch begins; the routines called are appended to the returned array as
   * they run. Null (the default) costs the dispatcher nothing.
   */
  get dispatchTracer(): DispatchTracer | null {
    return this.#notifier.tracer;
  }
  set dispatchTracer(tracer: DispatchTracer | null) {
    if (tracer !== null && typeof tracer !== 'function') throw new TypeError(`dispatchTracer must be a function or null, got ${typeof tracer}`);
    this.#notifier.tracer = tracer;
  }

  /**
   * Called when a traced dispatch returns (or the machine stops inside it),
   * with the array the tracer returned for it: a tool knows then that the
   * routines list is complete. Only dispatches the tracer saw are reported.
   */
  get dispatchCompleted(): ((routines: DispatchedRoutine[]) => void) | null {
    return this.#notifier.completed;
  }
  set dispatchCompleted(hook: ((routines: DispatchedRoutine[]) => void) | null) {
    if (hook !== null && typeof hook !== 'function') throw new TypeError(`dispatchCompleted must be a function or null, got ${typeof hook}`);
    this.#notifier.completed = hook;
  }

  // ---- the harness API (API.md) -------------------------------------------

  createProcess(path: string, options?: CreateProcessOptions): Process {
    this.#machineState.assertRunning();
    if (typeof path !== 'string') throw new TypeError(`createProcess: path must be a string, got ${typeof path}`);
    return this.#processes.create(path, checkCreateOptions(options));
  }

  /** ZwLoadDriver: returns the NTSTATUS; the reason for a failure is in `lastError`. */
  loadDriver(path: string, driver?: Driver): number {
    this.#machineState.assertRunning();
    if (typeof path !== 'string') throw new TypeError(`loadDriver: path must be a string, got ${typeof path}`);
    return this.#ntCall(() => this.#drivers.load(path, driver));
  }

  /** ZwUnloadDriver: returns the NTSTATUS; the reason for a failure is in `lastError`. */
  unloadDriver(path: string): number {
    this.#machineState.assertRunning();
    if (typeof path !== 'string') throw new TypeError(`unloadDriver: path must be a string, got ${typeof path}`);
    return this.#ntCall(() => this.#drivers.unload(path));
  }

  process(pid: number): Process | undefined {
    this.#machineState.assertRunning();
    return this.#processes.get(pid);
  }

  /** Live processes, the System process first. */
  get processes(): Process[] {
    return [...this.#processes.live()];
  }

  /** Loaded drivers, in load order. */
  get loadedDrivers(): LoadedDriver[] {
    return this.#drivers.loaded.map((r) => ({ name: r.fileName, DriverName: r.object.DriverName, base: r.imageBase, size: r.imageSize }));
  }

  /** Registered notify routines in slot order (a debugger's view of the table). */
  get notifyRoutines(): NotifyRoutineEntry[] {
    const rows: NotifyRoutineEntry[] = [];
    const slots = this.#notifier.table.slots;
    for (let slot = 0; slot < slots.length; slot++) {
      const block = slots[slot];
      if (block) rows.push({ slot, address: block.address, flags: block.flags, driver: block.owner?.fileName ?? null, routine: block.routine });
    }
    return rows;
  }

  /** The global "image notify enabled" bit: set by the first registration, never cleared (§2). */
  get imageNotifyEnabled(): boolean {
    return this.#notifier.enabled;
  }

  /**
   * What a sensor learns by opening an image file: version strings, hashes and
   * signature, as Sysmon prints them; null when there is no such file. Computed
   * once per file.
   */
  fileFacts(path: string): ImageFileFacts | null {
    const file = this.#volume.tryOpen(path);
    if (file === null) return null;
    const recorded = this.#recordedFacts.get(file);
    if (recorded !== undefined && isComplete(recorded)) return recorded;
    let facts = this.#facts.get(file);
    if (facts === undefined) {
      facts = fileFacts(file, this.#mm.sections);
      this.#facts.set(file, facts);
    }
    return recorded === undefined ? facts : { ...facts, ...recorded };
  }

  /**
   * Keeps facts a recording gave for a file (FileVersion, Hashes, Signed, …,
   * even `path` as the recording spells it): `fileFacts` returns them instead
   * of what the bytes say. Null forgets them. For replaying recordings.
   */
  setFileFacts(path: string, facts: Partial<ImageFileFacts> | null): void {
    if (facts !== null && (typeof facts !== 'object' || Array.isArray(facts))) throw new TypeError(`setFileFacts(${path}): facts must be an object or null`);
    const file = this.#volume.open(path);
    if (facts === null) this.#recordedFacts.delete(file);
    else this.#recordedFacts.set(file, { ...facts });
  }

  /** NTSTATUS-returning harness calls: failures become the status, with the reason kept. */
  #ntCall(body: () => number): number {
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
}
