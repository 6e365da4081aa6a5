// The export directory: ordinals, names and forwarders.
import { offsetOf, type RvaMap } from './rva.js';
import { type ByteReader, malformed } from './reader.js';
import type { PeDataDirectory, PeExport } from './types.js';

export interface ExportTable {
  dllName: string | null;
  exports: PeExport[];
}

/**
 * Named exports first, in name-table order (one entry per name), then the
 * unnamed ones by ordinal, skipping empty (zero) function slots.
 */
export function readExports(r: ByteReader, image: RvaMap, directory: PeDataDirectory | undefined): ExportTable {
  if (!directory || directory.virtualAddress === 0 || directory.size === 0) return { dllName: null, exports: [] };
  const d = 'IMAGE_EXPORT_DIRECTORY';
  const at = offsetOf(r, image, directory.virtualAddress, d);
  r.need(at, 40, d);
  const nameRva = r.u32(at + 12, `${d}.Name`);
  const base = r.u32(at + 16, `${d}.Base`);
  const functionCount = r.u32(at + 20, `${d}.NumberOfFunctions`);
  const nameCount = r.u32(at + 24, `${d}.NumberOfNames`);
  const functionsRva = r.u32(at + 28, `${d}.AddressOfFunctions`);
  const namesRva = r.u32(at + 32, `${d}.AddressOfNames`);
  const ordinalsRva = r.u32(at + 36, `${d}.AddressOfNameOrdinals`);
  let dllName: string | null = null;
  if (nameRva !== 0) dllName = r.cString(offsetOf(r, image, nameRva, `${d}.Name`), `${d}.Name`, 512);
  if (functionCount === 0) return { dllName, exports: [] };
  const functionsAt = offsetOf(r, image, functionsRva, `${d}.AddressOfFunctions`);
  if (functionsAt + functionCount * 4 > r.length) {
    throw malformed(`${d}.NumberOfFunctions`, `${functionCount} entries at 0x${functionsAt.toString(16)} run past the end of the file`);
  }
  const forwarderStart = directory.virtualAddress;
  const forwarderEnd = directory.virtualAddress + directory.size;
  const describe = (index: number, name: string | null): PeExport => {
    const rva = r.u32(functionsAt + index * 4, `${d}.AddressOfFunctions[${index}]`);
    let forwarder: string | null = null;
    if (rva >= forwarderStart && rva < forwarderEnd) {
      forwarder = r.cString(offsetOf(r, image, rva, `${d} forwarder of ordinal ${base + index}`), `${d} forwarder of ordinal ${base + index}`, 512);
    }
    return { ordinal: base + index, name, forwarder, rva };
  };
  const exports: PeExport[] = [];
  const named = new Uint8Array(functionCount);
  if (nameCount !== 0) {
    const namesAt = offsetOf(r, image, namesRva, `${d}.AddressOfNames`);
    const ordinalsAt = offsetOf(r, image, ordinalsRva, `${d}.AddressOfNameOrdinals`);
    if (namesAt + nameCount * 4 > r.length || ordinalsAt + nameCount * 2 > r.length) {
      throw malformed(`${d}.NumberOfNames`, `${nameCount} names run past the end of the file`);
    }
    for (let i = 0; i < nameCount; i++) {
      const index = r.u16(ordinalsAt + i * 2, `${d}.AddressOfNameOrdinals[${i}]`);
      if (index >= functionCount) {
        throw malformed(`${d}.AddressOfNameOrdinals[${i}]`, `${index} is not below NumberOfFunctions ${functionCount}`);
      }
      const field = `${d}.AddressOfNames[${i}]`;
      const name = r.cString(offsetOf(r, image, r.u32(namesAt + i * 4, field), field), field, 1024);
      named[index] = 1;
      exports.push(describe(index, name));
    }
  }
  for (let index = 0; index < functionCount; index++) {
    if (named[index]) continue;
    if (r.u32(functionsAt + index * 4, `${d}.AddressOfFunctions[${index}]`) === 0) continue;
    exports.push(describe(index, null));
  }
  return { dllName, exports };
}
