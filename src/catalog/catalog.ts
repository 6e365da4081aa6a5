// What the builtin system volume holds: one entry per image, machine-neutral.
// The data lives in catalog-user.ts (DLLs and programs) and catalog-kernel.ts
// (ntoskrnl, hal, drivers); builtin.ts turns entries into files.
import { CONTRACT_FUNCTIONS, type ContractName } from './api-contracts.js';
import { KERNEL_IMAGES } from './catalog-kernel.js';
import { USER_IMAGES } from './catalog-user.js';

export type ImageKind = 'dll' | 'exe' | 'driver' | 'kernel';

/** Where a file lives, relative to the system directory (System32 or SysWOW64) unless 'windows'. */
export type Folder = 'system' | 'drivers' | 'powershell' | 'windows';

/**
 * One import: a DLL or API-set contract, with the functions taken from it.
 * Without a list: every function of a contract, or the first two exports of a DLL.
 */
export type ImportEntry = string | readonly [dll: string, functions: readonly string[]];

export interface CatalogImage {
  /** The file name as Windows spells it. */
  readonly name: string;
  readonly kind: ImageKind;
  readonly folder: Folder;
  /** FileDescription of the version resource. */
  readonly description: string;
  /** SizeOfImage of the 64-bit build (roughly the real Windows 11 value). */
  readonly size64: number;
  /** SizeOfImage of the x86 build. */
  readonly size32: number;
  /** A 32-bit copy in SysWOW64 as well (on 64-bit machines). */
  readonly wow64Twin: boolean;
  /** Present only on these native machines (e.g. xtajit.dll on arm64); default all. */
  readonly onlyOn?: readonly ('amd64' | 'arm64' | 'x86')[];
  /** Only on 64-bit machines (the WoW64 layer). */
  readonly only64?: boolean;
  /** Windows GUI subsystem (2) instead of console (3); programs only. */
  readonly gui?: boolean;
  readonly exports?: readonly (string | { readonly name: string; readonly forwarder: string })[];
  /** In import-table order: the loader walks them depth-first (SEMANTICS.md §5B). */
  readonly imports?: readonly ImportEntry[];
}

export const CATALOG: readonly CatalogImage[] = [...USER_IMAGES, ...KERNEL_IMAGES];

const byName = new Map(CATALOG.map((image) => [image.name.toLowerCase(), image]));

export function catalogImage(name: string): CatalogImage | undefined {
  return byName.get(name.toLowerCase());
}

/** Names exported by `image` (forwarders included). */
export function exportNames(image: CatalogImage): string[] {
  return (image.exports ?? []).map((e) => (typeof e === 'string' ? e : e.name));
}

/** The import table of `image` as buildPe takes it: dll → functions, in order. */
export function importTable(image: CatalogImage): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const entry of image.imports ?? []) {
    const [dll, functions] = typeof entry === 'string' ? [entry, defaultFunctions(image, entry)] : entry;
    // Real import tables name contracts as files: `api-ms-win-core-heap-l1-1-0.dll`.
    const key = isContract(dll) ? `${dll}.dll` : dll;
    if (key in table) throw new Error(`builtin catalog: ${image.name} imports ${dll} twice`);
    table[key] = [...functions];
  }
  return table;
}

function isContract(name: string): boolean {
  return Object.hasOwn(CONTRACT_FUNCTIONS, name.toLowerCase());
}

function defaultFunctions(importer: CatalogImage, dll: string): readonly string[] {
  const contract = CONTRACT_FUNCTIONS[dll.toLowerCase() as ContractName];
  if (contract !== undefined) return contract;
  const target = catalogImage(dll);
  if (target === undefined) throw new Error(`builtin catalog: ${importer.name} imports ${dll}, which is neither a catalog image nor a known contract`);
  const names = exportNames(target).slice(0, 2);
  if (names.length === 0) throw new Error(`builtin catalog: ${importer.name} imports ${dll}, which exports nothing`);
  return names;
}
