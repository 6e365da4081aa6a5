// MmLoadSystemImage: drivers and the kernel-mode DLLs they import, mapped into
// system space (SEMANTICS.md §5C), each reported to PsCallImageNotifyRoutines
// in the System process with ProcessId 0. ntoskrnl and hal are resident from
// boot and never reported; every other module a driver imports is loaded (and
// reported) before the driver itself.
import { baseName } from '../fs/path.js';
import type { SystemVolume, VolumeFile } from '../fs/volume.js';
import type { ContextProcess } from '../ke/context.js';
import { exportsRoutine } from '../ke/profile.js';
import {
  NtStatusError,
  STATUS_DLL_NOT_FOUND,
  STATUS_INVALID_IMAGE_FORMAT,
  STATUS_NO_MEMORY,
  STATUS_PROCEDURE_NOT_FOUND,
} from '../nt/status.js';
import { machineName } from '../nt/constants.js';
import type { MemoryManager } from './memory.js';
import type { ImageSection } from './section.js';

export interface SystemImagesOptions {
  mm: MemoryManager;
  /** Where imported kernel DLLs are looked for (System32\drivers, System32). */
  volume: SystemVolume;
  /** The System process: the context driver-load reports run in. */
  systemProcess: ContextProcess;
}

/** Modules loaded at boot: imports from them always resolve (except routines the build lacks). */
export const RESIDENT_MODULES: ReadonlySet<string> = new Set([
  'ntoskrnl.exe', 'ntkrnlpa.exe', 'ntkrnlmp.exe', 'ntkrpamp.exe', 'hal.dll', 'halmacpi.dll', 'halacpi.dll',
]);

/** One image loaded into system space. */
export class SystemModule {
  readonly file: VolumeFile;
  readonly section: ImageSection;
  readonly base: bigint;
  readonly size: number;
  /** Drivers and modules that import it, plus one for a driver loaded as such. */
  references = 1;
  readonly imports: SystemModule[] = [];
  constructor(file: VolumeFile, section: ImageSection, base: bigint) {
    this.file = file;
    this.section = section;
    this.base = base;
    this.size = section.imageSize;
  }
}

/** One module being loaded: its imports are walked in order, each taking a reference. */
interface LoadFrame {
  readonly file: VolumeFile;
  readonly section: ImageSection;
  /** The import being resolved. */
  index: number;
  /** References taken so far (given back if the load fails). */
  readonly imports: SystemModule[];
}

export class SystemImages {
  readonly #mm: MemoryManager;
  readonly #volume: SystemVolume;
  readonly #systemProcess: ContextProcess;
  /** Loaded modules by folded volume path. */
  readonly modules = new Map<string, SystemModule>();

  constructor(options: SystemImagesOptions) {
    this.#mm = options.mm;
    this.#volume = options.volume;
    this.#systemProcess = options.systemProcess;
  }

  find(file: VolumeFile): SystemModule | undefined {
    return this.modules.get(file.key);
  }

  /**
   * Loads `file` with its imports, notifying each newly loaded image (imports
   * first). On failure, what this call loaded is unloaded again (the reports
   * already made stay made) and the error is thrown.
   */
  load(file: VolumeFile): SystemModule {
    // Depth-first over the import graph with an explicit stack (a chain of
    // thousands of kernel DLLs costs memory, never the JS stack). Each frame
    // holds the references its imports took; a failure gives back every
    // frame's references, top first, as unwinding a recursive loader would.
    const loading = new Set<string>();
    const stack: LoadFrame[] = [this.#begin(file, loading)];
    let loaded: SystemModule | null = null;
    try {
      for (;;) {
        const frame = stack[stack.length - 1]!;
        if (loaded !== null) {
          // A dependency of this frame's current import has just loaded.
          const entry = frame.section.image.imports[frame.index++]!;
          frame.imports.push(loaded);
          checkExports(frame.file, entry.dll, entry.functions, loaded.section);
          loaded = null;
        }
        const dependency = this.#nextImport(frame, loading);
        if (dependency !== null) {
          stack.push(this.#begin(dependency, loading));
          continue;
        }
        if (frame.index < frame.section.image.imports.length) continue;
        loaded = this.#finish(frame);
        stack.pop();
        loading.delete(frame.file.key);
        if (stack.length === 0) return loaded;
      }
    } catch (error) {
      for (let i = stack.length - 1; i >= 0; i--) {
        for (const dependency of stack[i]!.imports) this.dereference(dependency);
        loading.delete(stack[i]!.file.key);
      }
      throw error;
    }
  }

  /** Drops one reference; at zero the image is freed (no notification) and its imports dereferenced. */
  dereference(module: SystemModule): void {
    const pending = [module];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (--next.references > 0) continue;
      this.modules.delete(next.file.key);
      next.file.mappedImageViews--;
      this.#mm.systemSpace.release(next.base);
      pending.push(...next.imports);
    }
  }

  /** Opens the section of a module about to load, and marks it as loading (an import cycle stops there). */
  #begin(file: VolumeFile, loading: Set<string>): LoadFrame {
    const mm = this.#mm;
    const section = mm.sections.sectionFor(file);
    if (section.machine !== mm.nativeMachine) {
      throw new NtStatusError(
        STATUS_INVALID_IMAGE_FORMAT,
        `${file.dosPath}: a ${machineName(section.machine)} image cannot load into a ${machineName(mm.nativeMachine)} kernel`,
      );
    }
    loading.add(file.key);
    return { file, section, index: 0, imports: [] };
  }

  /**
   * Advances over the frame's imports that need no load (resident modules,
   * loaded ones, cycles); returns the file of the next one that must load
   * first, or null when none is left.
   */
  #nextImport(frame: LoadFrame, loading: Set<string>): VolumeFile | null {
    const mm = this.#mm;
    const imports = frame.section.image.imports;
    for (; frame.index < imports.length; frame.index++) {
      const entry = imports[frame.index]!;
      if (RESIDENT_MODULES.has(entry.dll.toLowerCase())) {
        for (const fn of entry.functions) {
          if (typeof fn === 'string' && !exportsRoutine(mm.profile, fn)) {
            throw new NtStatusError(
              STATUS_PROCEDURE_NOT_FOUND,
              `${frame.file.name} imports ${fn} from ${entry.dll}, which build ${mm.profile.build} does not export`,
            );
          }
        }
        continue;
      }
      const file = this.#importFile(frame.file, entry.dll);
      const existing = this.find(file);
      if (existing) {
        existing.references++;
        frame.imports.push(existing);
        checkExports(frame.file, entry.dll, entry.functions, existing.section);
        continue;
      }
      if (loading.has(file.key)) continue; // an import cycle: already being loaded further down the stack
      return file;
    }
    return null;
  }

  /** Maps a module whose imports are all loaded, and reports it (§5C). */
  #finish(frame: LoadFrame): SystemModule {
    const mm = this.#mm;
    const { file, section } = frame;
    const base = mm.systemSpace.reserve(section.imageSize, null);
    if (base === null) throw new NtStatusError(STATUS_NO_MEMORY, `${file.dosPath}: system space is full`);
    const module = new SystemModule(file, section, base);
    module.imports.push(...frame.imports);
    frame.imports.length = 0; // the module holds them now
    this.modules.set(file.key, module);
    file.mappedImageViews++;
    if (mm.notifier.enabled) {
      mm.notifier.callImageNotifyRoutines(
        this.#reportedName(file),
        0,
        { base, size: module.size, systemMode: true, label: section.label, mismatch: false, partial: false, fileObject: section.fileObject },
        this.#systemProcess,
        false,
      );
    }
    return module;
  }

  /** Registry ImagePath form before Win10, resolved NT path after (§5C, §9). */
  #reportedName(file: VolumeFile): string {
    if (this.#mm.profile.driverNames === 'nt-path') return file.ntPath;
    const path = file.volumePath;
    return /^\\windows\\/i.test(path) ? `\\SystemRoot${path.slice('\\Windows'.length)}` : `\\??\\C:${path}`;
  }

  /** The file an imported kernel DLL is loaded from: System32\\drivers, then System32. */
  #importFile(importer: VolumeFile, dll: string): VolumeFile {
    const fs = this.#volume;
    const file = fs.tryOpen(`C:\\Windows\\System32\\drivers\\${baseName(dll)}`) ?? fs.tryOpen(`C:\\Windows\\System32\\${baseName(dll)}`);
    if (file === null) {
      throw new NtStatusError(STATUS_DLL_NOT_FOUND, `${importer.name} imports ${dll}, which is in neither System32\\drivers nor System32`);
    }
    return file;
  }
}

function checkExports(importer: VolumeFile, dll: string, functions: readonly (string | number)[], section: ImageSection): void {
  for (const fn of functions) {
    if (section.findExport(fn) === undefined) {
      throw new NtStatusError(
        STATUS_PROCEDURE_NOT_FOUND,
        `${importer.name} imports ${typeof fn === 'string' ? fn : `ordinal ${fn}`} from ${dll}, which does not export it`,
      );
    }
  }
}
