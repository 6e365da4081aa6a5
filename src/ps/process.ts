// EPROCESS, as far as image loading needs it: an id, a machine, an address
// space with its image views, and a life cycle (SEMANTICS.md §5).
import type { VolumeFile } from '../fs/volume.js';
import type { Kernel } from '../ke/kernel.js';
import type { AddressSpace } from '../mm/address-space.js';
import { checkMapOptions, mapImageView, type MapImageOptions } from '../mm/map-image.js';
import type { ImageView } from '../mm/view.js';
import { NtStatusError, STATUS_INVALID_PARAMETER, STATUS_PROCESS_IS_TERMINATING, STATUS_SUCCESS } from '../nt/status.js';

export type ProcessState = 'created' | 'suspended' | 'running' | 'terminated';

export interface ProcessInit {
  pid: number;
  machine: number;
  wow64: boolean;
  system: boolean;
  addressSpace: AddressSpace;
  image: VolumeFile | null;
  parentPid: number;
}

/** What `process.modules` lists. */
export interface ModuleEntry {
  path: string;
  base: bigint;
  size: number;
}

export class Process {
  readonly #kernel: Kernel;
  /** Multiple of 4; 0 while the process is being created (it has no id yet). */
  pid: number;
  /** IMAGE_FILE_MACHINE_*: the guest machine for a WoW64 process. */
  readonly machine: number;
  readonly wow64: boolean;
  readonly isSystem: boolean;
  readonly parentPid: number;
  readonly image: VolumeFile | null;
  readonly addressSpace: AddressSpace;
  /** Image views in map order. */
  readonly views: ImageView[] = [];
  /** The EXE and ntdll(s) mapped at creation: what the first thread reports (§5B). */
  readonly startViews: ImageView[] = [];
  state: ProcessState = 'created';
  terminating = false;
  /** Set once the first thread has made the process-start reports. */
  started = false;
  /** Loader state (src/ldr): DLLs loaded by this process's loader, by folded path. */
  readonly loaderModules = new Map<string, ImageView>();

  constructor(kernel: Kernel, init: ProcessInit) {
    this.#kernel = kernel;
    this.pid = init.pid;
    this.machine = init.machine;
    this.wow64 = init.wow64;
    this.isSystem = init.system;
    this.parentPid = init.parentPid;
    this.image = init.image;
    this.addressSpace = init.addressSpace;
  }

  get kernel(): Kernel {
    return this.#kernel;
  }

  /** Mapped images, in map order. */
  get modules(): ModuleEntry[] {
    return this.views.map((v) => ({ path: v.section.file.dosPath, base: v.base, size: v.viewSize }));
  }

  /** Starts the first thread of a suspended process: the process-start reports, then the loader. */
  resume(): void {
    this.#kernel.assertRunning();
    if (this.state === 'terminated' || this.terminating) {
      throw new NtStatusError(STATUS_PROCESS_IS_TERMINATING, `process ${this.pid} has terminated`);
    }
    if (this.state !== 'suspended') return; // NtResumeThread on a running thread: nothing to do
    this.state = 'running';
    this.#kernel.startFirstThread(this);
  }

  /** LoadLibrary: maps the DLL and, depth-first, the imports not yet loaded. */
  loadLibrary(path: string): { status: number; base: bigint } {
    this.#kernel.assertRunning();
    this.checkAlive(path);
    return this.#kernel.loader.loadLibrary(this, path);
  }

  /** NtCreateSection(SEC_IMAGE[_NO_EXECUTE]) + NtMapViewOfSection into this process, from whichever process calls it. */
  mapImage(path: string, options?: MapImageOptions): { status: number; base: bigint; viewSize: number } {
    this.#kernel.assertRunning();
    const checked = checkMapOptions(options);
    this.checkAlive(path);
    const file = this.#kernel.fs.open(path);
    const view = mapImageView(this.#kernel, this, file, checked, this.pid !== 0);
    return { status: view.status, base: view.base, viewSize: view.viewSize };
  }

  /** NtUnmapViewOfSection: never notifies (§5A). */
  unmapView(base: bigint): number {
    this.#kernel.assertRunning();
    let at = this.views.length - 1;
    while (at >= 0 && this.views[at]!.base !== base) at--;
    if (at < 0) {
      throw new NtStatusError(STATUS_INVALID_PARAMETER, `process ${this.pid} has no image view at 0x${base.toString(16)}`);
    }
    const view = this.views[at];
    if (at === this.views.length - 1) this.views.pop();
    else this.views.splice(at, 1);
    this.addressSpace.release(view!.base);
    const key = view!.section.file.key;
    if (this.loaderModules.get(key) === view) this.loaderModules.delete(key);
    return STATUS_SUCCESS;
  }

  /** Tears the address space down; later maps fail with STATUS_PROCESS_IS_TERMINATING. */
  terminate(): void {
    this.#kernel.assertRunning();
    if (this.state === 'terminated') return;
    this.terminating = true;
    this.views.length = 0;
    this.loaderModules.clear();
    this.addressSpace.clear();
    this.state = 'terminated';
    this.#kernel.processTerminated(this);
  }

  private checkAlive(path: string): void {
    if (this.terminating) {
      throw new NtStatusError(STATUS_PROCESS_IS_TERMINATING, `process ${this.pid} is terminating: cannot map ${path}`);
    }
  }
}
