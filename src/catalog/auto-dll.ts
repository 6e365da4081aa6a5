// DLLs a release's recorded load orders name that the hand-written catalog does not describe:
// an entry with a plausible export, an import table of ntdll and KernelBase contracts only (they
// bring nothing new when loaded, so the order stays the recorded one), and the folder Windows
// keeps them in. Sizes are nominal.
import type { CatalogImage, Folder, ImportEntry } from './types.js';

const NET64 = 'Microsoft.NET\\Framework64\\v4.0.30319';
const NET32 = 'Microsoft.NET\\Framework\\v4.0.30319';
const DOTNET_RUNTIME: Folder = { win64: NET64, win32: NET32 };
const WBEM: Folder = { win64: 'System32\\wbem', win32: 'SysWOW64\\wbem' };

/** Assemblies the .NET Framework keeps in the GAC as IL (not native images). */
const GAC_ASSEMBLIES = new Set(['system.data.dll', 'system.transactions.dll', 'system.enterpriseservices.wrapper.dll']);

const IN_FRAMEWORK = new Set(['mscoreei.dll', 'clr.dll', 'clrjit.dll', 'diasymreader.dll', 'mscorrc.dll', 'clrcompression.dll']);
const IN_WBEM = new Set(['fastprox.dll', 'wbemprox.dll', 'wbemsvc.dll', 'wmiutils.dll', 'wbemcore.dll', 'wmiprov.dll', 'wmiprvsd.dll', 'esscli.dll', 'wbemess.dll', 'repdrvfs.dll', 'wmidcprv.dll', 'ncprov.dll']);

/** A fixed 32-hex-digit folder name for an assembly's native image (real machines have their own hash). */
function nativeImageFolder(assembly: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < assembly.length; i++) {
    h1 = Math.imul(h1 ^ assembly.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ assembly.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `${hex(h1)}${hex(h2)}${hex(h1 ^ 0x5bd1e995)}${hex(h2 ^ 0x1b873593)}`;
}

export function folderOf(name: string): Folder {
  const lower = name.toLowerCase();
  if (IN_FRAMEWORK.has(lower)) return DOTNET_RUNTIME;
  if (IN_WBEM.has(lower)) return WBEM;
  if (lower.endsWith('.ni.dll')) {
    const assembly = name.slice(0, -'.ni.dll'.length);
    const hash = nativeImageFolder(assembly.toLowerCase());
    return { win64: `assembly\\NativeImages_v4.0.30319_64\\${assembly}\\${hash}`, win32: `assembly\\NativeImages_v4.0.30319_32\\${assembly}\\${hash}` };
  }
  if (GAC_ASSEMBLIES.has(lower)) {
    const assembly = name.slice(0, -'.dll'.length);
    return {
      win64: `Microsoft.NET\\assembly\\GAC_64\\${assembly}\\v4.0_4.0.0.0__b77a5c561934e089`,
      win32: `Microsoft.NET\\assembly\\GAC_32\\${assembly}\\v4.0_4.0.0.0__b77a5c561934e089`,
    };
  }
  return 'system';
}

const BASE_IMPORTS: readonly ImportEntry[] = [
  ['ntdll.dll', ['RtlAllocateHeap', 'RtlFreeHeap']],
  'api-ms-win-core-heap-l1-1-0',
  'api-ms-win-core-libraryloader-l1-2-0',
  'api-ms-win-core-errorhandling-l1-1-0',
];

/** An exported name for `name`: `winbrand.dll` → `WinbrandInitialize`. */
function exportOf(name: string): string {
  const stem = name.replace(/\.dll$/i, '').replace(/[^A-Za-z0-9]/g, '_');
  return `${stem.charAt(0).toUpperCase()}${stem.slice(1)}Initialize`;
}

export function autoDll(name: string): CatalogImage {
  return {
    name,
    kind: 'dll',
    folder: folderOf(name),
    description: name.replace(/\.dll$/i, ''),
    size64: 0x20000,
    size32: 0x18000,
    wow64Twin: true,
    exports: [exportOf(name), 'DllCanUnloadNow', 'DllGetClassObject'],
    imports: BASE_IMPORTS,
  };
}
