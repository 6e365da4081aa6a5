// One LdrLoadDll / process-initialisation pass over one side of a process:
// maps DLLs depth-first in import-table order, each once per process, snaps
// every import (following forwarders), and remembers what it mapped so a
// failure can unmap it again (docs/loader.md; SEMANTICS.md §5A for the maps).
import type { SystemVolume, VolumeFile } from '../fs/volume.js';
import { mapImageView } from '../mm/map-image.js';
import type { MemoryManager } from '../mm/memory.js';
import type { ImageView } from '../mm/view.js';
import { machineName } from '../nt/constants.js';
import {
  NtStatusError,
  STATUS_DLL_NOT_FOUND,
  STATUS_ENTRYPOINT_NOT_FOUND,
  STATUS_INVALID_IMAGE_FORMAT,
  STATUS_ORDINAL_NOT_FOUND,
} from '../nt/status.js';
import type { ProcessObject } from '../ps/process/process.js';
import type { ApiSetResolver } from './api-sets.js';
import { foldDllName, isApiSetName, isExtensionSetName } from './dll-name.js';
import { parseForwarder } from './forwarder.js';
import { KNOWN_DLLS_REGISTRY, knownDllClosure } from './known-dlls.js';
import type { ModuleList } from './module-list.js';
import { searchDirectories, systemDirectory, type LoaderWorld } from './search-path.js';

/** What the loader needs from its kernel: the volume to search, the memory manager to map with, the API-set schema. */
export interface LoaderHost {
  readonly volume: SystemVolume;
  readonly mm: MemoryManager;
  readonly apiSets: ApiSetResolver;
}

/** Who asked for a DLL: a display path for messages, and a folded base name for API-set host choice. */
export interface Importer {
  path: string;
  baseName: string | null;
}

const MAX_FORWARDER_HOPS = 16;

/** Work of a walk: map an image's imports, snap its functions, or finish a forwarder's snap. */
type Task =
  | { kind: 'imports'; view: ImageView; importer: Importer; index: number; targets: (ImageView | null)[] }
  | { kind: 'snaps'; view: ImageView; importer: Importer; targets: (ImageView | null)[]; entry: number; fn: number }
  | { kind: 'forward'; target: ImageView; wanted: string | number; importer: Importer; hops: number };

function importsTask(view: ImageView): Task {
  const importer: Importer = { path: view.section.file.dosPath, baseName: view.section.file.name.toLowerCase() };
  return { kind: 'imports', view, importer, index: 0, targets: [] };
}

export class LoadOperation {
  /** Views this operation mapped, in map order: unmapped again if it fails. */
  readonly mapped: ImageView[] = [];
  readonly #host: LoaderHost;
  readonly #process: ProcessObject;
  readonly #modules: ModuleList;
  readonly #world: LoaderWorld;
  #known: Set<string> | null = null;

  constructor(host: LoaderHost, process: ProcessObject, modules: ModuleList, world: LoaderWorld) {
    this.#host = host;
    this.#process = process;
    this.#modules = modules;
    this.#world = world;
  }

  /** Loads a DLL given by full path (LoadLibrary of a path, the WoW64 DLLs). */
  loadFile(file: VolumeFile): ImageView {
    const { view, fresh } = this.#map(file);
    if (fresh && this.#fits(view)) this.walk(view);
    return view;
  }

  /**
   * Loads the DLL `name` (as an import table or LoadLibrary spells it) with
   * its imports; null for an extension API set that has no host (skipped, as
   * Windows does).
   */
  loadByName(name: string, importer: Importer): ImageView | null {
    const found = this.#resolve(name, importer);
    if (found === null) return null;
    if (found.walk) this.walk(found.view);
    return found.view;
  }

  /**
   * Walks the imports of a freshly mapped image depth-first: each import is
   * mapped and walked before the next, then the image's imports are snapped
   * (a forwarder's DLL is loaded, and walked, when a snap reaches it). An
   * explicit stack of tasks instead of recursion: an import chain thousands
   * of DLLs deep costs memory in proportion, never the JS stack.
   */
  walk(view: ImageView): void {
    const stack: Task[] = [importsTask(view)];
    while (stack.length > 0) {
      const task = stack[stack.length - 1]!;
      if (task.kind === 'forward') {
        stack.pop();
        this.#snap(task.target, task.wanted, task.importer, task.hops, stack);
        continue;
      }
      const entries = task.view.section.image.imports;
      if (task.kind === 'imports') {
        if (task.index < entries.length) {
          const found = this.#resolve(entries[task.index++]!.dll, task.importer);
          task.targets.push(found?.view ?? null);
          if (found?.walk) stack.push(importsTask(found.view));
        } else {
          stack[stack.length - 1] = { kind: 'snaps', view: task.view, importer: task.importer, targets: task.targets, entry: 0, fn: 0 };
        }
        continue;
      }
      // Snap the next imported function; a forwarder may push more work first.
      const entry = entries[task.entry];
      if (entry === undefined) {
        stack.pop();
        continue;
      }
      const target = task.targets[task.entry];
      if (target === null || target === undefined || task.fn >= entry.functions.length) {
        task.entry++;
        task.fn = 0;
        continue;
      }
      this.#snap(target, entry.functions[task.fn++]!, task.importer, 0, stack);
    }
  }

  /**
   * Finds or maps the DLL `name`: `walk` is true for a fresh map whose imports
   * are still to be walked; null for an extension API set with no host.
   */
  #resolve(name: string, importer: Importer): { view: ImageView; walk: boolean } | null {
    let wanted = foldDllName(name);
    if (isApiSetName(wanted)) {
      const resolved = this.#host.apiSets.resolve(wanted, importer.baseName);
      if (resolved !== null && resolved.host === null) {
        if (isExtensionSetName(wanted)) return null;
        throw new NtStatusError(STATUS_DLL_NOT_FOUND, `${name} (imported by ${importer.path}) is an API set with no host DLL on this system`);
      }
      // Unknown contract: look for a file of that name, as for any DLL (docs/loader.md).
      if (resolved !== null) wanted = foldDllName(resolved.host);
    }
    const loaded = this.#findLoaded(wanted);
    if (loaded !== null) return { view: loaded, walk: false };
    const candidates = this.#candidates(wanted);
    let wrongMachine: ImageView | null = null;
    for (const file of candidates) {
      const { view, fresh } = this.#map(file);
      if (this.#fits(view)) return { view, walk: fresh };
      // Wrong machine: the map was made (and notified); the loader drops it and searches on.
      wrongMachine = view;
      if (fresh) this.#unmap(view);
    }
    // An extension set whose host is absent is skipped, as Windows does.
    if (isExtensionSetName(name) && wrongMachine === null) return null;
    const shown = wanted === foldDllName(name) ? name : `${name} (API set host ${wanted})`;
    if (wrongMachine !== null) {
      throw new NtStatusError(
        STATUS_INVALID_IMAGE_FORMAT,
        `${shown} (imported by ${importer.path}): ${wrongMachine.section.file.dosPath} is ${machineName(wrongMachine.section.machine)}, ` +
          `not ${machineName(this.#worldMachine())}, and no other copy was found`,
      );
    }
    throw new NtStatusError(STATUS_DLL_NOT_FOUND, `${shown} (imported by ${importer.path}) was not found; searched ${this.#describeSearch(wanted)}`);
  }

  /** Unmaps everything this operation mapped, newest first (the notifications stay made). */
  rollback(): void {
    for (let i = this.mapped.length - 1; i >= 0; i--) this.#unmap(this.mapped[i]!);
  }

  #unmap(view: ImageView): void {
    const at = this.mapped.indexOf(view);
    if (at >= 0) this.mapped.splice(at, 1);
    if (this.#process.terminating || !this.#process.views.has(view)) return;
    this.#process.unmapView(view.base);
  }

  /**
   * Resolves one imported function in `target`. A forwarder's DLL is loaded
   * here; its walk (if fresh) and the snap into it are pushed onto `stack`, so
   * they run before the caller's next snap, exactly as a recursive loader would.
   */
  #snap(target: ImageView, wanted: string | number, importer: Importer, hops: number, stack: Task[]): void {
    const found = target.section.findExport(wanted);
    const dll = target.section.file.dosPath;
    if (found === undefined) {
      if (typeof wanted === 'number') {
        throw new NtStatusError(STATUS_ORDINAL_NOT_FOUND, `ordinal ${wanted} is not exported by ${dll} (imported by ${importer.path})`);
      }
      throw new NtStatusError(STATUS_ENTRYPOINT_NOT_FOUND, `${wanted} is not exported by ${dll} (imported by ${importer.path})`);
    }
    if (found.forwarder === null) return;
    const label = typeof wanted === 'number' ? `#${wanted}` : wanted;
    if (hops >= MAX_FORWARDER_HOPS) {
      throw new NtStatusError(STATUS_ENTRYPOINT_NOT_FOUND, `${label} of ${dll}: forwarder chain longer than ${MAX_FORWARDER_HOPS} (a loop?) (imported by ${importer.path})`);
    }
    const forwarder = parseForwarder(found.forwarder, `${dll} export ${label}`);
    const forwarding: Importer = { path: `${dll} (forwarding ${label} for ${importer.path})`, baseName: target.section.file.name.toLowerCase() };
    const next = this.#resolve(forwarder.dll, forwarding);
    if (next === null) return;
    stack.push({ kind: 'forward', target: next.view, wanted: forwarder.target, importer: forwarding, hops: hops + 1 });
    if (next.walk) stack.push(importsTask(next.view));
  }

  /** Maps `file` unless this process's loader has it already. */
  #map(file: VolumeFile): { view: ImageView; fresh: boolean } {
    const key = file.key;
    const existing = this.#modules.byPath(key);
    if (existing !== undefined) return { view: existing, fresh: false };
    const view = mapImageView(this.#host.mm, this.#process, file, {}, true);
    this.mapped.push(view);
    this.#modules.add(key, view);
    return { view, fresh: true };
  }

  /** Code of another machine cannot run on this side of the process (resource-only images can load anywhere). */
  #fits(view: ImageView): boolean {
    return !view.section.containsCode || view.section.machine === this.#worldMachine();
  }

  #worldMachine(): number {
    return this.#world === 'guest' ? this.#process.machine : this.#host.mm.nativeMachine;
  }

  /** LdrpFindLoadedDllByName: a module of this side already loaded under that base name. */
  #findLoaded(name: string): ImageView | null {
    return this.#modules.byName(this.#world, name) ?? null;
  }

  /** Files to try, in order: the KnownDLLs copy alone, or every folder of the search path that has one. */
  #candidates(name: string): VolumeFile[] {
    const fs = this.#host.volume;
    const system = systemDirectory(this.#process, this.#world);
    const systemCopy = fs.tryOpen(`${system}\\${name}`);
    if (systemCopy !== null && KNOWN_DLLS_REGISTRY.has(name)) return [systemCopy];
    const found: VolumeFile[] = [];
    for (const folder of searchDirectories(this.#process, this.#world)) {
      const file = fs.tryOpen(`${folder}\\${name}`);
      if (file === null) continue;
      // A copy beside the EXE of a DLL smss made known (an import of a known DLL) loses to \KnownDlls.
      if (systemCopy !== null && file !== systemCopy && found.length === 0 && this.#knownDlls().has(name)) return [systemCopy];
      found.push(file);
    }
    return found;
  }

  /** \KnownDlls of this side: the registry list and its import closure in the system directory. */
  #knownDlls(): Set<string> {
    if (this.#known !== null) return this.#known;
    const system = systemDirectory(this.#process, this.#world);
    this.#known = knownDllClosure((name) => {
      const file = this.#host.volume.tryOpen(`${system}\\${name}`);
      if (file === null) return null;
      const hosts: string[] = [];
      for (const entry of this.#host.mm.sections.sectionFor(file).image.imports) {
        let dll = foldDllName(entry.dll);
        if (isApiSetName(dll)) {
          const resolved = this.#host.apiSets.resolve(dll, name);
          if (resolved === null || resolved.host === null) continue;
          dll = foldDllName(resolved.host);
        }
        hosts.push(dll);
      }
      return hosts;
    });
    return this.#known;
  }

  #describeSearch(name: string): string {
    const folders = searchDirectories(this.#process, this.#world);
    return `${KNOWN_DLLS_REGISTRY.has(name) ? 'KnownDLLs, ' : ''}${folders.join(', ')}`;
  }
}
