// The builtin system's programs as they run: which DLLs a builtin program loads with LoadLibrary
// once its first thread runs, for its command line (the release's plans, docs/loader.md
// "Run-time loads"), as paths on the process's side of the volume.
import { pathOf } from '../catalog/layout.js';
import type { ReleaseCatalog } from '../catalog/release-catalog.js';
import type { ProgramBehaviour } from '../ps/process/create.js';
import type { Process } from '../ps/process/process.js';

export function builtinProgramBehaviour(catalog: ReleaseCatalog): ProgramBehaviour {
  return {
    runtimeLoads(process: Process, managed: boolean): readonly string[] {
      const exe = process.image;
      if (exe === null) return [];
      const directory = process.wow64 ? 'SysWOW64' : 'System32';
      const entry = catalog.image(exe.name);
      // Only the builtin program itself, in its own folder: a copy elsewhere is another program.
      const builtin = entry !== undefined && entry.kind === 'exe' && catalog.plans.has(entry.name.toLowerCase()) &&
        pathOf(entry, directory).toLowerCase() === exe.dosPath.toLowerCase();
      const names = builtin ? catalog.runtimeLoads(entry.name, process.commandLine) : managed ? catalog.managedLoads : [];
      const paths: string[] = [];
      for (const name of names) {
        const dll = catalog.image(name);
        if (dll !== undefined) paths.push(pathOf(dll, directory));
      }
      return paths;
    },
  };
}
