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
    return this.#loadOne(file, new Set());
  }

  /** Drops one reference; at zero the image is freed (no notification) and its imports dereferenced. */
  dereference(module: SystemModule): void {
    if (--module.references > 0) return;
    this.modules.delete(module.file.key);
    this.#mm.systemSpace.release(module.base);
    for (const imported of module.imports) this.dereference(imported);
  }

  #loadOne(file: VolumeFile, loading: Set<string>): SystemModule {
    const mm = this.#mm;
    const section = mm.sections.sectionFor(file);
    if (section.machine !== mm.nativeMachine) {
      throw new NtStatusError(
        STATUS_INVALID_IMAGE_FORMAT,
        `${file.dosPath}: a ${machineName(section.machine)} image cannot load into a ${machineName(mm.nativeMachine)} kernel`,
      );
    }
    const key = file.key;
    loading.add(key);
    // Each import taken here holds a reference; a later failure gives them back.
    const imports: SystemModule[] = [];
    try {
      for (const entry of section.image.imports) {
        if (RESIDENT_MODULES.has(entry.dll.toLowerCase())) {
          for (const fn of entry.functions) {
            if (typeof fn === 'string' && !exportsRoutine(mm.profile, fn)) {
              throw new NtStatusError(
                STATUS_PROCEDURE_NOT_FOUND,
                `${file.name} imports ${fn} from ${entry.dll}, which build ${mm.profile.build} does not export`,
              );
            }
          }
          continue;
        }
        const dependency = this.#resolveImport(file, entry.dll, loading);
        if (dependency === null) continue; // an import cycle: already being loaded further up
        imports.push(dependency);
        checkExports(file, entry.dll, entry.functions, dependency.section);
      }
      const base = mm.systemSpace.reserve(section.imageSize, null);
      if (base === null) throw new NtStatusError(STATUS_NO_MEMORY, `${file.dosPath}: system space is full`);
      const module = new SystemModule(file, section, base);
      module.imports.push(...imports);
      this.modules.set(key, module);
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
    } catch (error) {
      for (const dependency of imports) this.dereference(dependency);
      throw error;
    } finally {
      loading.delete(key);
    }
  }

  /** Registry ImagePath form before Win10, resolved NT path after (§5C, §9). */
  #reportedName(file: VolumeFile): string {
    if (this.#mm.profile.driverNames === 'nt-path') return file.ntPath;
    const path = file.volumePath;
    return /^\\windows\\/i.test(path) ? `\\SystemRoot${path.slice('\\Windows'.length)}` : `\\??\\C:${path}`;
  }

  #resolveImport(importer: VolumeFile, dll: string, loading: Set<string>): SystemModule | null {
    const fs = this.#volume;
    const file = fs.tryOpen(`C:\\Windows\\System32\\drivers\\${baseName(dll)}`) ?? fs.tryOpen(`C:\\Windows\\System32\\${baseName(dll)}`);
    if (file === null) {
      throw new NtStatusError(STATUS_DLL_NOT_FOUND, `${importer.name} imports ${dll}, which is in neither System32\\drivers nor System32`);
    }
    const existing = this.find(file);
    if (existing) {
      existing.references++;
      return existing;
    }
    if (loading.has(file.key)) return null;
    return this.#loadOne(file, loading);
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
