// The user-mode loader (ntdll's Ldr*): LdrInitializeThunk's process
// initialisation and LdrLoadDll. Each DLL it maps is notified through path A
// (SEMANTICS.md §5A); the order is the one of §5B. See docs/loader.md.
import type { SystemVolume } from '../fs/volume.js';
import type { MemoryManager } from '../mm/memory.js';
import { NtStatusError, STATUS_DLL_NOT_FOUND } from '../nt/status.js';
import type { ProcessObject, UserModeLoader } from '../ps/process/process.js';
import { ApiSetResolver } from './api-sets.js';
import { isPath } from './dll-name.js';
import { LoadOperation, type LoaderHost } from './load-operation.js';
import { ModuleList } from './module-list.js';
import { SYSTEM32, systemDirectory, type LoaderWorld } from './search-path.js';
import { wow64Dlls } from './wow64.js';

export interface LoaderOptions {
  volume: SystemVolume;
  mm: MemoryManager;
}

export class Loader implements UserModeLoader {
  readonly apiSets: ApiSetResolver;
  readonly #host: LoaderHost;

  constructor(options: LoaderOptions) {
    this.apiSets = new ApiSetResolver(options.volume, options.mm.sections);
    this.#host = { volume: options.volume, mm: options.mm, apiSets: this.apiSets };
  }

  /** The process's module list; it starts with the ntdll(s) mapped at creation, as LdrpInitializeProcess finds them. */
  modulesOf(process: ProcessObject): ModuleList {
    // PEB->Ldr holds nothing else: what is there is this loader's list.
    let list = process.ldr as ModuleList | null;
    if (list === null) {
      list = new ModuleList((view) => (process.wow64 && !view.section.is64Bit ? 'guest' : 'native'));
      for (const view of process.startViews.slice(1)) list.add(view.section.file.key, view);
      process.ldr = list;
    }
    return list;
  }

  /**
   * LdrInitializeThunk, after the process-start reports (§5B): for WoW64 the
   * native wow64 DLLs, then kernel32 (which brings KernelBase), then the EXE's
   * imports depth-first. A failure terminates the process and is thrown.
   */
  initializeProcess(process: ProcessObject): void {
    const exe = process.startViews[0];
    if (exe === undefined || process.image === null) return;
    const operations: LoadOperation[] = [];
    const begin = (world: LoaderWorld) => {
      const operation = new LoadOperation(this.#host, process, this.modulesOf(process), world);
      operations.push(operation);
      return operation;
    };
    try {
      if (process.wow64) {
        const native = begin('native');
        for (const dll of wow64Dlls(this.#host.mm.nativeMachine, process.machine)) {
          const file = this.#host.volume.tryOpen(`${SYSTEM32}\\${dll.name}`);
          if (file === null) {
            if (dll.optional) continue;
            throw new NtStatusError(STATUS_DLL_NOT_FOUND, `${SYSTEM32}\\${dll.name} is missing: cannot start WoW64 process ${process.image.dosPath}`);
          }
          native.loadFile(file);
        }
      }
      const main = begin(this.#worldOf(process));
      const initialisation = { path: `${process.image.dosPath} (process initialisation)`, baseName: null };
      // A managed (.NET) EXE starts through mscoree.dll, mapped before kernel32 (whose import
      // walk then brings kernel32): the order Sysmon records for them (docs/loader.md).
      const mscoree = `${systemDirectory(process, this.#worldOf(process))}\\mscoree.dll`;
      if (exe.section.image.isClr && this.#host.volume.tryOpen(mscoree) !== null) main.loadByName('mscoree.dll', initialisation);
      main.loadByName('kernel32.dll', initialisation);
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
  loadLibrary(process: ProcessObject, path: string): { status: number; base: bigint } {
    const operation = new LoadOperation(this.#host, process, this.modulesOf(process), this.#worldOf(process));
    try {
      let view;
      if (isPath(path)) {
        const file = this.#host.volume.tryOpen(path);
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
  #worldOf(process: ProcessObject): LoaderWorld {
    return process.wow64 ? 'guest' : 'native';
  }
}
