// The import directory (IMAGE_IMPORT_DESCRIPTOR) and the delay-load directory
// (ImgDelayDescr): DLL names and the functions taken from each, in table order.
//
// Bounded (docs/pe-limits.md): each thunk array is decoded once per file
// offset however many descriptors name it, each name once per offset (the
// StringCache), and every decoded entry is charged to the work budget with
// the size of what it adds to the result, so descriptors sharing one array
// cannot make a result much larger than the file.
import type { ParseContext } from './context.js';
import { MAX_DLL_NAME, MAX_IMPORT_NAME } from './limits.js';
import { malformed } from './reader.js';
import { offsetOf } from './rva.js';
import type { PeDataDirectory, PeImport } from './types.js';

const DESCRIPTOR_SIZE = 20;
const DELAY_DESCRIPTOR_SIZE = 32;
/** What an ordinal entry adds to a result (`ord12345` in imphash terms). */
const ORDINAL_COST = 8;

interface DecodedThunks {
  functions: (string | number)[];
  /** Sum over the entries of (1 + name length, or 1 + ORDINAL_COST). */
  cost: number;
}

/** Per parse: thunk arrays already decoded, by file offset and addressing mode. */
export type ThunkCache = Map<string, DecodedThunks>;

/** Reads one thunk array (ILT/INT): names or ordinals until the zero entry. */
function readThunks(
  ctx: ParseContext,
  cache: ThunkCache,
  rva: number,
  is64: boolean,
  field: string,
  dll: string,
  imageBase: bigint,
  vaBased: boolean,
): (string | number)[] {
  const { r, image, budget, strings } = ctx;
  const width = is64 ? 8 : 4;
  const start = offsetOf(r, image, rva, field, budget);
  const key = `${start}/${vaBased ? 'va' : 'rva'}`;
  let decoded = cache.get(key);
  if (decoded === undefined) {
    decoded = { functions: [], cost: 0 };
    // Each entry is a distinct file position, so the walk ends within the file.
    for (let index = 0, at = start; ; index++, at += width) {
      if (at + width > r.length) r.need(at, width, `${field}[${index}]`);
      budget.spend(1, field);
      const low = r.view.getUint32(at, true);
      const high = is64 ? r.view.getUint32(at + 4, true) : 0;
      if (low === 0 && high === 0) break;
      if ((is64 ? high : low) & 0x80000000) {
        decoded.functions.push(low & 0xffff);
        decoded.cost += 1 + ORDINAL_COST;
        continue;
      }
      let nameRva = low & 0x7fffffff;
      if (vaBased) nameRva = Number(BigInt(nameRva) - imageBase);
      const entry = index;
      const hintName = offsetOf(r, image, nameRva, () => `${field}[${entry}].AddressOfData`, budget);
      const name = strings.read(hintName + 2, MAX_IMPORT_NAME, () => `${field}[${entry}] IMAGE_IMPORT_BY_NAME.Name`);
      decoded.functions.push(name);
      decoded.cost += 1 + name.length;
    }
    cache.set(key, decoded);
  }
  // What the result gains: every entry, with its DLL's name (as imphash and
  // "DLL!function" formatting repeat it), whether decoded now or before.
  budget.spend(decoded.cost + decoded.functions.length * dll.length, field);
  return decoded.functions.slice();
}

export function readImports(ctx: ParseContext, cache: ThunkCache, directory: PeDataDirectory | undefined, is64: boolean): PeImport[] {
  if (!directory || directory.virtualAddress === 0 || directory.size === 0) return [];
  const { r, image, budget, strings } = ctx;
  const imports: PeImport[] = [];
  let at = offsetOf(r, image, directory.virtualAddress, 'IMAGE_DIRECTORY_ENTRY_IMPORT', budget);
  for (let index = 0; ; index++, at += DESCRIPTOR_SIZE) {
    const field = `IMAGE_IMPORT_DESCRIPTOR[${index}]`;
    if (at + DESCRIPTOR_SIZE > r.length) throw malformed(field, 'the import descriptor table runs past the end of the file without a terminating entry');
    budget.spend(1, field);
    const originalFirstThunk = r.u32(at, `${field}.OriginalFirstThunk`);
    const name = r.u32(at + 12, `${field}.Name`);
    const firstThunk = r.u32(at + 16, `${field}.FirstThunk`);
    if (originalFirstThunk === 0 && name === 0 && firstThunk === 0) return imports;
    if (name === 0) throw malformed(`${field}.Name`, 'zero in a non-terminating descriptor');
    const dll = strings.read(offsetOf(r, image, name, `${field}.Name`, budget), MAX_DLL_NAME, `${field}.Name`);
    const thunks = originalFirstThunk !== 0 ? originalFirstThunk : firstThunk;
    const functions = thunks === 0 ? [] : readThunks(ctx, cache, thunks, is64, `${field} (${dll}) thunk`, dll, 0n, false);
    imports.push({ dll, functions });
  }
}

export function readDelayImports(ctx: ParseContext, cache: ThunkCache, directory: PeDataDirectory | undefined, is64: boolean, imageBase: bigint): PeImport[] {
  if (!directory || directory.virtualAddress === 0 || directory.size === 0) return [];
  const { r, image, budget, strings } = ctx;
  const imports: PeImport[] = [];
  let at = offsetOf(r, image, directory.virtualAddress, 'IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT', budget);
  for (let index = 0; ; index++, at += DELAY_DESCRIPTOR_SIZE) {
    const field = `IMAGE_DELAYLOAD_DESCRIPTOR[${index}]`;
    if (at + DELAY_DESCRIPTOR_SIZE > r.length) throw malformed(field, 'the delay-load table runs past the end of the file without a terminating entry');
    budget.spend(1, field);
    const attributes = r.u32(at, `${field}.Attributes`);
    const nameField = r.u32(at + 4, `${field}.DllNameRVA`);
    const nameTable = r.u32(at + 16, `${field}.ImportNameTableRVA`);
    if (nameField === 0 && nameTable === 0 && r.u32(at + 12, `${field}.ImportAddressTableRVA`) === 0) return imports;
    // Attributes bit 0 clear: the old format, whose fields are virtual addresses.
    const vaBased = (attributes & 1) === 0;
    const toRva = (value: number) => (vaBased ? Number(BigInt(value) - imageBase) : value);
    const dll = strings.read(offsetOf(r, image, toRva(nameField), `${field}.DllNameRVA`, budget), MAX_DLL_NAME, `${field}.DllNameRVA`);
    const functions = nameTable === 0 ? [] : readThunks(ctx, cache, toRva(nameTable), is64, `${field} (${dll}) name table`, dll, imageBase, vaBased);
    imports.push({ dll, functions });
  }
}
