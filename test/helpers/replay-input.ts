// Fixtures for the replay-input tests: where the shared recordings are, a temp folder per test, a
// minimal zip writer (stored/deflate, zip64, flags to fake encryption or damage), and a small EVTX
// builder (file header, one chunk, records of hand-written Binary XML).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { readRecords, type ReadOptions, type ReplayItem } from '../../src/replay/input/index.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedData = join(root, '..', 'shared', 'data');
export const sysmonData = join(sharedData, 'sysmon');
export const otrfData = join(sysmonData, 'otrf');
export const regressionData = join(sharedData, 'sigma', 'regression_data');

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'psnotify-replay-input-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function readAll(inputs: string[], options?: ReadOptions): Promise<ReplayItem[]> {
  const out: ReplayItem[] = [];
  for await (const item of readRecords(inputs, options)) out.push(item);
  return out;
}

// ---------------------------------------------------------------------------------------------- zip

export interface ZipMemberSpec {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflate (default), or any other number to write an unsupported method. */
  method?: number;
  /** Sets the "encrypted" flag (the data is left as it is). */
  encrypted?: boolean;
  /** Overrides the CRC-32 written (to fake damage). */
  crc?: number;
  /** Overrides the uncompressed size written. */
  declaredSize?: number;
}

/** A zip archive of `members`; with `zip64`, sizes and offsets go through the zip64 records. */
export function buildZip(members: ZipMemberSpec[], options: { zip64?: boolean } = {}): Buffer {
  const zip64 = options.zip64 === true;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const method = m.method ?? 8;
    const body = method === 8 ? deflateRawSync(m.data) : m.data;
    const name = Buffer.from(m.name, 'utf8');
    const crc = m.crc ?? crc32(m.data);
    const size = m.declaredSize ?? m.data.length;
    const flags = 0x800 | (m.encrypted === true ? 1 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const extra = zip64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(zip64 ? 45 : 20, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(zip64 ? 0xffffffff : body.length, 20);
    central.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (zip64) {
    const eocd64 = Buffer.alloc(56);
    eocd64.writeUInt32LE(0x06064b50, 0);
    eocd64.writeBigUInt64LE(44n, 4);
    eocd64.writeUInt16LE(45, 12);
    eocd64.writeUInt16LE(45, 14);
    eocd64.writeBigUInt64LE(BigInt(members.length), 24);
    eocd64.writeBigUInt64LE(BigInt(members.length), 32);
    eocd64.writeBigUInt64LE(BigInt(cd.length), 40);
    eocd64.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(eocd64, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : members.length, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : members.length, 10);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, cd, ...tail, eocd]);
}

// --------------------------------------------------------------------------------------------- evtx

/** Binary XML written at a known chunk offset (offsets in Binary XML are chunk-relative). */
export class BinXml {
  readonly #bytes: number[] = [];
  readonly #base: number;
  readonly #names: Map<string, number>;

  constructor(base: number, names: Map<string, number>) {
    this.#base = base;
    this.#names = names;
  }

  get pos(): number {
    return this.#base + this.#bytes.length;
  }
  u8(v: number): this {
    this.#bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  raw(buf: Buffer | number[]): this {
    for (const b of buf) this.#bytes.push(b);
    return this;
  }
  utf16(s: string): this {
    return this.raw(Buffer.from(s, 'utf16le'));
  }
  /** A name reference: back to an earlier copy of the name in the chunk, or the name inline here. */
  name(s: string): this {
    const earlier = this.#names.get(s);
    if (earlier !== undefined) return this.u32(earlier);
    const at = this.pos + 4;
    this.#names.set(s, at);
    return this.u32(at).u32(0).u16(0).u16(s.length).utf16(s).u16(0);
  }
  fragment(): this {
    return this.raw([0x0f, 1, 1, 0]);
  }
  open(name: string, withAttributes = false, dependency = true): this {
    this.u8(withAttributes ? 0x41 : 0x01);
    if (dependency) this.u16(0xffff);
    this.u32(0).name(name);
    return withAttributes ? this.u32(0) : this;
  }
  attribute(name: string): this {
    return this.u8(0x06).name(name);
  }
  closeStart(): this {
    return this.u8(0x02);
  }
  closeEmpty(): this {
    return this.u8(0x03);
  }
  end(): this {
    return this.u8(0x04);
  }
  text(s: string): this {
    return this.u8(0x05).u8(0x01).u16(s.length).utf16(s);
  }
  sub(index: number, type: number, optional = false): this {
    return this.u8(optional ? 0x0e : 0x0d).u16(index).u8(type);
  }
  eof(): this {
    return this.u8(0x00);
  }
  /** A template instance; `body` writes the definition inline when given, else `defOffset` is used. */
  instance(values: Array<{ type: number; data: Buffer }>, body: ((b: BinXml) => void) | null, defOffset = 0): { defOffset: number } {
    this.u8(0x0c).u8(0x01).u32(0x1234);
    let at = defOffset;
    if (body !== null) {
      at = this.pos + 4;
      this.u32(at);
      const inner = new BinXml(at + 24, this.#names);
      body(inner);
      const bytes = inner.bytes();
      this.u32(0).raw(Buffer.alloc(16, 0x11)).u32(bytes.length).raw(bytes);
    } else {
      this.u32(defOffset);
    }
    this.u32(values.length);
    for (const v of values) this.u16(v.data.length).u8(v.type).u8(0);
    for (const v of values) this.raw(v.data);
    return { defOffset: at };
  }
  bytes(): Buffer {
    return Buffer.from(this.#bytes);
  }
}

/** One chunk of records; each record's Binary XML is written by a callback at its real offset. */
export class EvtxBuilder {
  readonly #chunk = Buffer.alloc(65536);
  readonly #names = new Map<string, number>();
  #at = 512;
  #count = 0;

  record(write: (b: BinXml) => void): this {
    const b = new BinXml(this.#at + 24, this.#names);
    write(b);
    const payload = b.bytes();
    const size = 24 + payload.length + 4;
    const c = this.#chunk;
    c.writeUInt32LE(0x00002a2a, this.#at);
    c.writeUInt32LE(size, this.#at + 4);
    c.writeBigUInt64LE(BigInt(++this.#count), this.#at + 8);
    c.writeBigUInt64LE(133000000000000000n, this.#at + 16);
    payload.copy(c, this.#at + 24);
    c.writeUInt32LE(size, this.#at + size - 4);
    this.#at += size;
    return this;
  }

  /** Raw bytes as a record area entry (to fake damage). */
  rawRecord(bytes: Buffer): this {
    bytes.copy(this.#chunk, this.#at);
    this.#at += bytes.length;
    return this;
  }

  chunk(): Buffer {
    const c = this.#chunk;
    c.write('ElfChnk\0', 0, 'latin1');
    c.writeBigUInt64LE(1n, 8);
    c.writeBigUInt64LE(BigInt(this.#count), 16);
    c.writeBigUInt64LE(1n, 24);
    c.writeBigUInt64LE(BigInt(this.#count), 32);
    c.writeUInt32LE(128, 40);
    c.writeUInt32LE(this.#at, 48);
    return Buffer.from(c);
  }
}

export function evtxHeader(chunks: number): Buffer {
  const h = Buffer.alloc(4096);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(BigInt(Math.max(chunks - 1, 0)), 16);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(1, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(4096, 40);
  h.writeUInt16LE(chunks, 42);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return h;
}

export function evtxFile(...chunks: Buffer[]): Buffer {
  return Buffer.concat([evtxHeader(chunks.length), ...chunks]);
}

export function utf16Value(s: string): { type: number; data: Buffer } {
  return { type: 0x01, data: Buffer.from(s, 'utf16le') };
}

export function u16Value(n: number): { type: number; data: Buffer } {
  const data = Buffer.alloc(2);
  data.writeUInt16LE(n);
  return { type: 0x06, data };
}

export function u32Value(n: number): { type: number; data: Buffer } {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(n);
  return { type: 0x08, data };
}
