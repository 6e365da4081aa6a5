// The API-set schema of apisetschema.dll, version 6 (Windows 10/11): the
// `.apiset` section holds a namespace header, contract entries, value entries
// (hosts) and a hash table sorted by hash. Parsed here from the raw bytes,
// every offset bounds-checked; a malformed schema is STATUS_INVALID_IMAGE_FORMAT
// naming the field (docs/loader.md, "API sets").
import { NtStatusError, STATUS_INVALID_IMAGE_FORMAT } from '../nt/status.js';

const NAMESPACE_SIZE = 28; // Version, Size, Flags, Count, EntryOffset, HashOffset, HashFactor
const ENTRY_SIZE = 24; // Flags, NameOffset, NameLength, HashedLength, ValueOffset, ValueCount
const VALUE_SIZE = 20; // Flags, NameOffset, NameLength, ValueOffset, ValueLength
const HASH_SIZE = 8; // Hash, Index

interface SchemaEntry {
  /** Folded contract name as stored, without `.dll` (`api-ms-win-core-file-l1-2-4`). */
  name: string;
  /** The part that is hashed and compared: the name up to its last hyphen. */
  hashedName: string;
  /** Default host first, then importer-specific ones; `''` host = none. */
  values: { importer: string; host: string }[];
}

/** What a contract resolves to: a host DLL, or an entry with no host. */
export type SchemaResolution = { host: string } | { host: null };

export class ApiSetSchema {
  readonly version: number;
  readonly #entries: SchemaEntry[];
  readonly #hashes: Uint32Array;
  readonly #indexes: Uint32Array;
  readonly #factor: number;

  private constructor(version: number, entries: SchemaEntry[], hashes: Uint32Array, indexes: Uint32Array, factor: number) {
    this.version = version;
    this.#entries = entries;
    this.#hashes = hashes;
    this.#indexes = indexes;
    this.#factor = factor;
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Looks `matchKey` (folded, no `.dll`, no last `-N`) up through the hash
   * table as ntdll does; null when the schema has no such contract.
   * `importer` (folded base name) selects an importer-specific host.
   */
  resolve(matchKey: string, importer: string | null): SchemaResolution | null {
    const hash = hashName(matchKey, this.#factor);
    let low = 0;
    let high = this.#hashes.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.#hashes[middle]!;
      if (value < hash) low = middle + 1;
      else if (value > hash) high = middle - 1;
      else {
        const entry = this.#entries[this.#indexes[middle]!]!;
        if (entry.hashedName !== matchKey) return null;
        return { host: pickHost(entry, importer) };
      }
    }
    return null;
  }

  /** Parses the `.apiset` section bytes. `where` names the file in errors. */
  static parse(data: Uint8Array, where: string): ApiSetSchema {
    const fail = (field: string, why: string): never => {
      throw new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `${where}: API-set schema ${field} ${why}`);
    };
    if (data.length < NAMESPACE_SIZE) fail('header', `is truncated: ${data.length} bytes, need ${NAMESPACE_SIZE}`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const u32 = (at: number) => view.getUint32(at, true);
    const version = u32(0);
    if (version !== 6) fail('Version', `is ${version}; only version 6 (Windows 10/11) is supported`);
    const size = u32(4);
    if (size < NAMESPACE_SIZE || size > data.length) fail('Size', `0x${size.toString(16)} does not fit the 0x${data.length.toString(16)}-byte .apiset section`);
    const count = u32(12);
    const entryOffset = u32(16);
    const hashOffset = u32(20);
    const factor = u32(24);
    const span = (offset: number, length: number, field: string) => {
      if (offset > size || length > size - offset) {
        fail(field, `0x${offset.toString(16)}+0x${length.toString(16)} lies outside the schema (Size 0x${size.toString(16)})`);
      }
    };
    if (count > Math.floor(size / ENTRY_SIZE)) fail('Count', `${count} entries cannot fit in 0x${size.toString(16)} bytes`);
    span(entryOffset, count * ENTRY_SIZE, 'EntryOffset');
    span(hashOffset, count * HASH_SIZE, 'HashOffset');
    const text = (offset: number, length: number, field: string): string => {
      if (length % 2 !== 0) fail(field, `length ${length} is not a whole number of UTF-16 characters`);
      span(offset, length, field);
      let out = '';
      for (let i = 0; i < length; i += 2) out += String.fromCharCode(view.getUint16(offset + i, true));
      return out.toLowerCase();
    };
    const entries: SchemaEntry[] = [];
    for (let i = 0; i < count; i++) {
      const at = entryOffset + i * ENTRY_SIZE;
      const field = `entry ${i}`;
      const name = text(u32(at + 4), u32(at + 8), `${field} NameOffset/NameLength`);
      const hashedLength = u32(at + 12);
      if (hashedLength > u32(at + 8) || hashedLength % 2 !== 0) fail(`${field} HashedLength`, `${hashedLength} exceeds or splits the name (${u32(at + 8)} bytes)`);
      const valueOffset = u32(at + 16);
      const valueCount = u32(at + 20);
      if (valueCount > Math.floor(size / VALUE_SIZE)) fail(`${field} ValueCount`, `${valueCount} values cannot fit`);
      span(valueOffset, valueCount * VALUE_SIZE, `${field} ValueOffset`);
      const values: SchemaEntry['values'] = [];
      for (let j = 0; j < valueCount; j++) {
        const v = valueOffset + j * VALUE_SIZE;
        const importer = text(u32(v + 4), u32(v + 8), `${field} value ${j} NameOffset/NameLength`);
        const host = text(u32(v + 12), u32(v + 16), `${field} value ${j} ValueOffset/ValueLength`);
        values.push({ importer, host });
      }
      entries.push({ name, hashedName: name.slice(0, hashedLength / 2), values });
    }
    const hashes = new Uint32Array(count);
    const indexes = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const at = hashOffset + i * HASH_SIZE;
      hashes[i] = u32(at);
      indexes[i] = u32(at + 4);
      if (indexes[i]! >= count) fail(`hash entry ${i} Index`, `${indexes[i]} is not below Count ${count}`);
      if (i > 0 && hashes[i]! < hashes[i - 1]!) fail(`hash entry ${i} Hash`, 'breaks the ascending order the lookup relies on');
    }
    return new ApiSetSchema(version, entries, hashes, indexes, factor);
  }
}

/** The schema's hash: h = h × HashFactor + c over the folded UTF-16 units, modulo 2^32. */
export function hashName(name: string, factor: number): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, factor) + name.charCodeAt(i)) >>> 0;
  return hash;
}

function pickHost(entry: SchemaEntry, importer: string | null): string | null {
  const { values } = entry;
  if (values.length === 0) return null;
  if (importer !== null) {
    for (let i = 1; i < values.length; i++) if (values[i]!.importer === importer) return values[i]!.host || null;
  }
  return values[0]!.host || null;
}
