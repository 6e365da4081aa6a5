// What the builtin system volume holds: one entry per image, machine-neutral.
// The data lives in catalog-user.ts (DLLs and programs) and catalog-kernel.ts
// (ntoskrnl, hal, drivers); builtin.ts turns entries into files.
import { CONTRACT_FUNCTIONS, type ContractName } from './api-contracts.js';
import { KERNEL_IMAGES } from './catalog-kernel.js';
import { USER_IMAGES } from './catalog-user.js';
import type { CatalogImage } from './types.js';

export type { CatalogImage, Folder, ImageKind, ImportEntry } from './types.js';

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
