// EPROCESS, as far as image loading needs it: an id, a machine, an address
// space with its image views, and a life cycle (SEMANTICS.md §5). The public
// `Process` interface is what users hold; `ProcessObject` is the kernel's.
import type { SystemVolume, VolumeFile } from '../../fs/volume.js';
import type { MachineState } from '../../ke/machine-state.js';
import { NONE, type AddressSpace } from '../../mm/address-space.js';
import { checkMapOptions, mapImageView, type MapImageOptions, type MapTarget } from '../../mm/map-image.js';
import type { MemoryManager } from '../../mm/memory.js';
import { ViewList, type ImageView } from '../../mm/view.js';
import { NtStatusError, STATUS_INVALID_PARAMETER, STATUS_PROCESS_IS_TERMINATING, STATUS_SUCCESS } from '../../nt/status.js';

export type ProcessState = 'created' | 'suspended' | 'running' | 'terminated';

/** What `process.modules` lists. */
export interface ModuleEntry {
  path: string;
  base: bigint;
  size: number;
}

/** The EXE a process runs (its ImageFileName), in the forms Windows shows it. */
export interface ProcessImage {
  /** `C:\Windows\System32\cmd.exe`. */
  readonly dosPath: string;
  /** `\Device\HarddiskVolume3\Windows\System32\cmd.exe`. */
  readonly ntPath: string;
  /** `cmd.exe`. */
  readonly name: string;
}

/** A process of the simulated machine (API.md "Processes"; docs/api.md). */
export interface Process {
  /** A multiple of 4, unique among live processes. */
  readonly pid: number;
  /** IMAGE_FILE_MACHINE_*: the guest machine for a WoW64 process. */
  readonly machine: number;
  readonly wow64: boolean;
  /** The creating process's id (0 when none was given). */
  readonly parentPid: number;
  /** The EXE; null for the System process. */
  readonly image: ProcessImage | null;
  /** The command line it was started with (`"C:\…\x.exe" ` when none was given). */
  readonly commandLine: string;
  readonly state: ProcessState;
  /** Mapped images, in map order. */
  readonly modules: ModuleEntry[];
  /** Starts the first thread of a suspended process: the process-start reports, then the loader. */
  resume(): void;
  /** LoadLibrary: maps the DLL and, depth-first, the imports not yet loaded. */
  loadLibrary(path: string): { status: number; base: bigint };
  /** NtCreateSection(SEC_IMAGE[_NO_EXECUTE]) + NtMapViewOfSection into this process. */
  mapImage(path: string, options?: MapImageOptions): { status: number; base: bigint; viewSize: number };
  /** NtUnmapViewOfSection: never notifies. */
  unmapView(base: bigint): number;
  /**
   * Replays the process-start report (§5B) of one start image — the EXE or an
   * ntdll mapped at creation — when a recording says it happened; each is
   * reported once. The process runs from then on. For replay: see createProcess's `loader: false`.
   */
  reportStartImage(path: string): { base: bigint };
  /** Tears the process down; later maps, and a second terminate, fail with STATUS_PROCESS_IS_TERMINATING. */
  terminate(): void;
}

/** The user-mode loader, as a process needs it (src/ldr implements it; passed down by the kernel). */
export interface UserModeLoader {
  /** LdrInitializeThunk after the start reports (§5B). */
  initializeProcess(process: ProcessObject): void;
  /** LdrLoadDll. */
  loadLibrary(process: ProcessObject, path: string): { status: number; base: bigint };
}

/**
 * What the loader keeps in a process (PEB->Ldr, its PEB_LDR_DATA): set when
 * the loader first runs there, dropped with the process. An unmap tells it
 * through here, with no lookup of the process.
 */
export interface LoaderData {
  /** A view went away: forgotten if it was one of the loaded modules. */
  viewUnmapped(view: ImageView): void;
}

/** What a process needs from its kernel. */
export interface ProcessServices {
  readonly machine: MachineState;
  readonly mm: MemoryManager;
  readonly volume: SystemVolume;
  readonly loader: UserModeLoader;
  /** The first thread's start (§5B): reports, then the loader. */
  startFirstThread(process: ProcessObject): void;
  /** One process-start report of one of its start images (§5B). */
  reportStartImage(process: ProcessObject, view: ImageView): void;
  /** The process has ended: it leaves the process table. */
  exited(process: ProcessObject): void;
}

export interface ProcessInit {
  pid: number;
  machine: number;
  wow64: boolean;
  system: boolean;
  addressSpace: AddressSpace;
  image: VolumeFile | null;
  parentPid: number;
  commandLine: string;
}

export class ProcessObject implements Process, MapTarget {
  readonly #services: ProcessServices;
  /** Multiple of 4; 0 while the process is being created (it has no id yet). */
  pid: number;
  readonly machine: number;
  readonly wow64: boolean;
  readonly isSystem: boolean;
  readonly parentPid: number;
  readonly image: VolumeFile | null;
  readonly commandLine: string;
  readonly addressSpace: AddressSpace;
  /** Image views in map order. */
  readonly views = new ViewList();
  /** The EXE and ntdll(s) mapped at creation: what the first thread reports (§5B). */
  readonly startViews: ImageView[] = [];
  state: ProcessState = 'created';
  terminating = false;
  /** Set once the first thread has made the process-start reports. */
  started = false;
  /** The start images already reported (each is reported once, §5B). */
  readonly startReported = new Set<ImageView>();
  /** false: no loader runs in this process (replay); its loads come from outside. */
  runsLoader = true;
  /** Whether the program's run-time loads follow the loader (createProcess's `runtimeLoads`). */
  runsProgram = true;
  /** PEB->Ldr: the loader's module list, null until the loader first runs here. */
  ldr: LoaderData | null = null;

  constructor(services: ProcessServices, init: ProcessInit) {
    this.#services = services;
    this.pid = init.pid;
    this.machine = init.machine;
    this.wow64 = init.wow64;
    this.isSystem = init.system;
    this.parentPid = init.parentPid;
    this.image = init.image;
    this.commandLine = init.commandLine;
    this.addressSpace = init.addressSpace;
  }

  get modules(): ModuleEntry[] {
    const list: ModuleEntry[] = [];
    for (const v of this.views) list.push({ path: v.section.file.dosPath, base: v.base, size: v.viewSize });
    return list;
  }

  resume(): void {
    this.#services.machine.assertRunning();
    if (this.state === 'terminated' || this.terminating) {
      throw new NtStatusError(STATUS_PROCESS_IS_TERMINATING, `process ${this.pid} has terminated`);
    }
    if (this.state !== 'suspended') return; // NtResumeThread on a running thread: nothing to do
    this.state = 'running';
    this.#services.startFirstThread(this);
  }

  loadLibrary(path: string): { status: number; base: bigint } {
    this.#services.machine.assertRunning();
    if (typeof path !== 'string') throw new TypeError(`loadLibrary: path must be a string, got ${typeof path}`);
    this.#checkAlive(path);
    return this.#services.loader.loadLibrary(this, path);
  }

  mapImage(path: string, options?: MapImageOptions): { status: number; base: bigint; viewSize: number } {
    this.#services.machine.assertRunning();
    if (typeof path !== 'string') throw new TypeError(`mapImage: path must be a string, got ${typeof path}`);
    const checked = checkMapOptions(options);
    this.#checkAlive(path);
    const file = this.#services.volume.open(path);
    const view = mapImageView(this.#services.mm, this, file, checked, this.pid !== 0);
    return { status: view.status, base: view.base, viewSize: view.viewSize };
  }

  reportStartImage(path: string): { base: bigint } {
    this.#services.machine.assertRunning();
    if (typeof path !== 'string') throw new TypeError(`reportStartImage: path must be a string, got ${typeof path}`);
    this.#checkAlive(path);
    const file = this.#services.volume.tryOpen(path);
    const view = file === null ? undefined : this.startViews.find((v) => v.section.file === file);
    if (view === undefined) {
      throw new NtStatusError(STATUS_INVALID_PARAMETER, `reportStartImage(${path}): not one of the start images of process ${this.pid} (its EXE and ntdll)`);
    }
    this.state = 'running';
    this.started = true;
    this.#services.reportStartImage(this, view);
    return { base: view.base };
  }

  unmapView(base: bigint): number {
    this.#services.machine.assertRunning();
    if (typeof base !== 'bigint') throw new TypeError(`unmapView: base must be a bigint address, got ${typeof base}`);
    // The VAD at `base` holds the view; any other reservation there is no image view.
    const item = this.addressSpace.release(base);
    if (item === NONE || item === null || typeof item !== 'object') {
      throw new NtStatusError(STATUS_INVALID_PARAMETER, `process ${this.pid} has no image view at 0x${base.toString(16)}`);
    }
    const view = item as ImageView;
    this.views.remove(view);
    view.section.file.mappedImageViews--;
    if (this.ldr !== null) this.ldr.viewUnmapped(view);
    return STATUS_SUCCESS;
  }

  terminate(): void {
    this.#services.machine.assertRunning();
    // NtTerminateProcess on a process that has already exited.
    if (this.state === 'terminated') throw new NtStatusError(STATUS_PROCESS_IS_TERMINATING, `process ${this.pid} has already terminated`);
    this.terminating = true;
    for (const view of this.views) view.section.file.mappedImageViews--;
    this.views.clear();
    this.addressSpace.clear();
    this.state = 'terminated';
    this.ldr = null;
    this.#services.exited(this);
  }

  #checkAlive(path: string): void {
    if (this.terminating) {
      throw new NtStatusError(STATUS_PROCESS_IS_TERMINATING, `process ${this.pid} is terminating: cannot map ${path}`);
    }
  }
}
