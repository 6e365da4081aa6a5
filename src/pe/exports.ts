// The export directory: ordinals, names and forwarders.
//
// Bounded (docs/pe-limits.md): NumberOfFunctions and NumberOfNames must fit
// in the file (4 and 6 bytes each), names and forwarders are read once per
// offset (StringCache), and each export is charged to the work budget with
// the size of its name and forwarder.
import type { ParseContext } from './context.js';
import { MAX_DLL_NAME, MAX_EXPORT_NAME, MAX_FORWARDER } from './limits.js';
import { malformed } from './reader.js';
import { offsetOf } from './rva.js';
import type { PeDataDirectory, PeExport } from './types.js';

export interface ExportTable {
  dllName: string | null;
  exports: PeExport[];
}

/**
 * Named exports first, in name-table order (one entry per name), then the
 * unnamed ones by ordinal, skipping empty (zero) function slots.
 */
export function readExports(ctx: ParseContext, directory: PeDataDirectory | undefined): ExportTable {
  if (!directory || directory.virtualAddress === 0 || directory.size === 0) return { dllName: null, exports: [] };
  const { r, image, budget, strings } = ctx;
  const d = 'IMAGE_EXPORT_DIRECTORY';
  const at = offsetOf(r, image, directory.virtualAddress, d, budget);
  r.need(at, 40, d);
  const nameRva = r.u32(at + 12, `${d}.Name`);
  const base = r.u32(at + 16, `${d}.Base`);
  const functionCount = r.u32(at + 20, `${d}.NumberOfFunctions`);
  const nameCount = r.u32(at + 24, `${d}.NumberOfNames`);
  const functionsRva = r.u32(at + 28, `${d}.AddressOfFunctions`);
  const namesRva = r.u32(at + 32, `${d}.AddressOfNames`);
  const ordinalsRva = r.u32(at + 36, `${d}.AddressOfNameOrdinals`);
  let dllName: string | null = null;
  if (nameRva !== 0) dllName = strings.read(offsetOf(r, image, nameRva, `${d}.Name`, budget), MAX_DLL_NAME, `${d}.Name`);
  if (functionCount === 0) return { dllName, exports: [] };
  const functionsAt = offsetOf(r, image, functionsRva, `${d}.AddressOfFunctions`, budget);
  if (functionsAt + functionCount * 4 > r.length) {
    throw malformed(`${d}.NumberOfFunctions`, `${functionCount} entries at 0x${functionsAt.toString(16)} run past the end of the file`);
  }
  const forwarderStart = directory.virtualAddress;
  const forwarderEnd = directory.virtualAddress + directory.size;
  const describe = (index: number, name: string | null): PeExport => {
    const rva = r.view.getUint32(functionsAt + index * 4, true);
    let forwarder: string | null = null;
    if (rva >= forwarderStart && rva < forwarderEnd) {
      const field = () => `${d} forwarder of ordinal ${base + index}`;
      forwarder = strings.read(offsetOf(r, image, rva, field, budget), MAX_FORWARDER, field);
    }
    budget.spend(1 + (name?.length ?? 0) + (forwarder?.length ?? 0), d);
    return { ordinal: base + index, name, forwarder, rva };
  };
  const exports: PeExport[] = [];
  const named = new Uint8Array(functionCount);
  if (nameCount !== 0) {
    const namesAt = offsetOf(r, image, namesRva, `${d}.AddressOfNames`, budget);
    const ordinalsAt = offsetOf(r, image, ordinalsRva, `${d}.AddressOfNameOrdinals`, budget);
    if (namesAt + nameCount * 4 > r.length || ordinalsAt + nameCount * 2 > r.length) {
      throw malformed(`${d}.NumberOfNames`, `${nameCount} names run past the end of the file`);
    }
    for (let i = 0; i < nameCount; i++) {
      budget.spend(1, d);
      const index = r.view.getUint16(ordinalsAt + i * 2, true);
      if (index >= functionCount) {
        throw malformed(`${d}.AddressOfNameOrdinals[${i}]`, `${index} is not below NumberOfFunctions ${functionCount}`);
      }
      const entry = i;
      const field = () => `${d}.AddressOfNames[${entry}]`;
      const name = strings.read(offsetOf(r, image, r.view.getUint32(namesAt + i * 4, true), field, budget), MAX_EXPORT_NAME, field);
      named[index] = 1;
      exports.push(describe(index, name));
    }
  }
  for (let index = 0; index < functionCount; index++) {
    budget.spend(1, d);
    if (named[index]) continue;
    if (r.view.getUint32(functionsAt + index * 4, true) === 0) continue;
    exports.push(describe(index, null));
  }
  return { dllName, exports };
}
