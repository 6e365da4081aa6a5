// The user-mode loader (ntdll's Ldr*): LdrInitializeThunk's process
// initialisation and LdrLoadDll. Each DLL it maps is notified through path A
// (SEMANTICS.md §5A); the order is the one of §5B. See docs/loader.md.
import type { Kernel } from '../ke/kernel.js';
import { NtStatusError, STATUS_DLL_NOT_FOUND } from '../nt/status.js';
import type { Process } from '../ps/process.js';
import { ApiSetResolver } from './api-sets.js';
import { isPath } from './dll-name.js';
import { LoadOperation } from './load-operation.js';
import { SYSTEM32, type LoaderWorld } from './search-path.js';
import { wow64Dlls } from './wow64.js';

export class Loader {
  readonly #kernel: Kernel;
  /** @internal */ readonly apiSets: ApiSetResolver;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.apiSets = new ApiSetResolver(kernel);
  }

  /**
   * LdrInitializeThunk, after the process-start reports (§5B): for WoW64 the
   * native wow64 DLLs, then kernel32 (which brings KernelBase), then the EXE's
   * imports depth-first. A failure terminates the process and is thrown.
   */
  initializeProcess(process: Process): void {
    const exe = process.startViews[0];
    if (exe === undefined || process.image === null) return;
    const operations: LoadOperation[] = [];
    const begin = (world: LoaderWorld) => {
      const operation = new LoadOperation(this.#kernel, process, world, this.apiSets);
      operations.push(operation);
      return operation;
    };
    try {
      if (process.wow64) {
        const native = begin('native');
        for (const dll of wow64Dlls(this.#kernel.nativeMachine, process.machine)) {
          const file = this.#kernel.fs.tryOpen(`${SYSTEM32}\\${dll.name}`);
          if (file === null) {
            if (dll.optional) continue;
            throw new NtStatusError(STATUS_DLL_NOT_FOUND, `${SYSTEM32}\\${dll.name} is missing: cannot start WoW64 process ${process.image.dosPath}`);
          }
          native.loadFile(file);
        }
      }
      const main = begin(this.worldOf(process));
      main.loadByName('kernel32.dll', { path: `${process.image.dosPath} (process initialisation)`, baseName: null });
      main.walk(exe);
    } catch (error) {
      if (error instanceof NtStatusError && !process.terminating) {
        for (const operation of operations.reverse()) operation.rollback();
        process.terminate();
      }
      throw error;
    }
  }

  /**
   * LdrLoadDll: a bare name is searched (API sets, KnownDLLs, search path), a
   * path is loaded as is; imports follow depth-first. An already-loaded DLL
   * returns its base and is not reported again. A failure unmaps what this
   * call mapped and throws.
   */
  loadLibrary(process: Process, path: string): { status: number; base: bigint } {
    const operation = new LoadOperation(this.#kernel, process, this.worldOf(process), this.apiSets);
    try {
      let view;
      if (isPath(path)) {
        const file = this.#kernel.fs.tryOpen(path);
        if (file === null) throw new NtStatusError(STATUS_DLL_NOT_FOUND, `LoadLibrary(${path}) in process ${process.pid}: no such file`);
        view = operation.loadFile(file);
      } else {
        view = operation.loadByName(path, { path: `LoadLibrary in process ${process.pid}`, baseName: null });
        if (view === null) throw new NtStatusError(STATUS_DLL_NOT_FOUND, `LoadLibrary(${path}) in process ${process.pid}: extension API set with no host`);
      }
      return { status: view.status, base: view.base };
    } catch (error) {
      if (error instanceof NtStatusError) operation.rollback();
      throw error;
    }
  }

  /** The side of the process a LoadLibrary call runs on: the guest side of a WoW64 process. */
  private worldOf(process: Process): LoaderWorld {
    return process.wow64 ? 'guest' : 'native';
  }
}
