// The import directory (IMAGE_IMPORT_DESCRIPTOR) and the delay-load directory
// (ImgDelayDescr): DLL names and the functions taken from each, in table order.
import { offsetOf, type RvaMap } from './rva.js';
import { type ByteReader, malformed } from './reader.js';
import type { PeDataDirectory, PeImport } from './types.js';

const DESCRIPTOR_SIZE = 20;
const DELAY_DESCRIPTOR_SIZE = 32;

/** Reads one thunk array (ILT/INT): names or ordinals until the zero entry. */
function readThunks(r: ByteReader, image: RvaMap, rva: number, is64: boolean, field: string, imageBase: bigint, vaBased: boolean): (string | number)[] {
  const width = is64 ? 8 : 4;
  let at = offsetOf(r, image, rva, field);
  const functions: (string | number)[] = [];
  // Each entry is a distinct file position, so the walk ends within the file.
  for (let index = 0; ; index++, at += width) {
    const entryField = `${field}[${index}]`;
    const value = is64 ? r.u64(at, entryField) : BigInt(r.u32(at, entryField));
    if (value === 0n) return functions;
    const ordinalFlag = is64 ? 1n << 63n : 1n << 31n;
    if ((value & ordinalFlag) !== 0n) {
      functions.push(Number(value & 0xffffn));
      continue;
    }
    let nameRva = Number(value & 0x7fffffffn);
    if (vaBased) nameRva = Number(BigInt(nameRva) - imageBase);
    const hintName = offsetOf(r, image, nameRva, `${entryField}.AddressOfData`);
    functions.push(r.cString(hintName + 2, `${entryField} IMAGE_IMPORT_BY_NAME.Name`));
  }
}

export function readImports(r: ByteReader, image: RvaMap, directory: PeDataDirectory | undefined, is64: boolean): PeImport[] {
  if (!directory || directory.virtualAddress === 0 || directory.size === 0) return [];
  const imports: PeImport[] = [];
  let at = offsetOf(r, image, directory.virtualAddress, 'IMAGE_DIRECTORY_ENTRY_IMPORT');
  for (let index = 0; ; index++, at += DESCRIPTOR_SIZE) {
    const field = `IMAGE_IMPORT_DESCRIPTOR[${index}]`;
    if (at + DESCRIPTOR_SIZE > r.length) throw malformed(field, 'the import descriptor table runs past the end of the file without a terminating entry');
    const originalFirstThunk = r.u32(at, `${field}.OriginalFirstThunk`);
    const name = r.u32(at + 12, `${field}.Name`);
    const firstThunk = r.u32(at + 16, `${field}.FirstThunk`);
    if (originalFirstThunk === 0 && name === 0 && firstThunk === 0) return imports;
    if (name === 0) throw malformed(`${field}.Name`, 'zero in a non-terminating descriptor');
    const dll = r.cString(offsetOf(r, image, name, `${field}.Name`), `${field}.Name`, 512);
    const thunks = originalFirstThunk !== 0 ? originalFirstThunk : firstThunk;
    const functions = thunks === 0 ? [] : readThunks(r, image, thunks, is64, `${field} (${dll}) thunk`, 0n, false);
    imports.push({ dll, functions });
  }
}

export function readDelayImports(r: ByteReader, image: RvaMap, directory: PeDataDirectory | undefined, is64: boolean, imageBase: bigint): PeImport[] {
  if (!directory || directory.virtualAddress === 0 || directory.size === 0) return [];
  const imports: PeImport[] = [];
  let at = offsetOf(r, image, directory.virtualAddress, 'IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT');
  for (let index = 0; ; index++, at += DELAY_DESCRIPTOR_SIZE) {
    const field = `IMAGE_DELAYLOAD_DESCRIPTOR[${index}]`;
    if (at + DELAY_DESCRIPTOR_SIZE > r.length) throw malformed(field, 'the delay-load table runs past the end of the file without a terminating entry');
    const attributes = r.u32(at, `${field}.Attributes`);
    const nameField = r.u32(at + 4, `${field}.DllNameRVA`);
    const nameTable = r.u32(at + 16, `${field}.ImportNameTableRVA`);
    if (nameField === 0 && nameTable === 0 && r.u32(at + 12, `${field}.ImportAddressTableRVA`) === 0) return imports;
    // Attributes bit 0 clear: the old format, whose fields are virtual addresses.
    const vaBased = (attributes & 1) === 0;
    const toRva = (value: number) => (vaBased ? Number(BigInt(value) - imageBase) : value);
    const dll = r.cString(offsetOf(r, image, toRva(nameField), `${field}.DllNameRVA`), `${field}.DllNameRVA`, 512);
    const functions = nameTable === 0 ? [] : readThunks(r, image, toRva(nameTable), is64, `${field} (${dll}) name table`, imageBase, vaBased);
    imports.push({ dll, functions });
  }
}
