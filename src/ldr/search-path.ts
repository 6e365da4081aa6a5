// Where the loader looks for a bare DLL name (docs/loader.md, "Search order"):
// KnownDLLs first, then the EXE's folder, the system directory (SysWOW64 /
// SysArm32 for the 32-bit side of a WoW64 process), the 16-bit system folder
// and the Windows folder — the standard search order of LoadLibrary with
// SafeDllSearchMode, minus the current directory and PATH, which a model
// process does not have.
import { dirName } from '../fs/path.js';
import { wow64SystemDirectory } from '../ps/process/create.js';

/** The process as the search order needs it. */
interface SearchingProcess {
  readonly machine: number;
  readonly wow64: boolean;
  readonly image: { readonly dosPath: string } | null;
}

/** The 64-bit (native) side or the 32-bit (guest) side of a process. */
export type LoaderWorld = 'native' | 'guest';

export const SYSTEM32 = 'C:\\Windows\\System32';

export function systemDirectory(process: SearchingProcess, world: LoaderWorld): string {
  return world === 'guest' ? wow64SystemDirectory(process.machine) : SYSTEM32;
}

/** The folders searched after KnownDLLs, in order, without repeats. */
export function searchDirectories(process: SearchingProcess, world: LoaderWorld): string[] {
  const system = systemDirectory(process, world);
  // The native side of a WoW64 process loads only its own few DLLs, from System32.
  if (process.wow64 && world === 'native') return [system];
  const folders = [process.image ? dirName(process.image.dosPath) : system, system, 'C:\\Windows\\System', 'C:\\Windows'];
  const seen = new Set<string>();
  return folders.filter((folder) => {
    const key = folder.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
