// Structure-aware inputs for the amplification fuzzer: small PE files built to
// make a parser do far more work than their size (docs/pe-limits.md) —
// import descriptors sharing one thunk array, names overlapping each other,
// huge export counts, forwarders everywhere, section tables that make the
// Authenticode hash re-read the file, long `/N` section names, certificate
// tables of thousands of entries, deep or node-heavy DER, cyclic resource
// directories. Every input is a deterministic function of (kind, size, seed).
import { Random } from '../rtl/random.js';
import { ByteWriter } from './byte-writer.js';

export interface CraftedInput {
  kind: string;
  /** What was chosen, e.g. `descriptors=1580 thunks=3950 name=1000`. */
  params: string;
  bytes: Uint8Array;
}

export type Generator = (random: Random, size: number) => CraftedInput;

const FILE_ALIGNMENT = 0x200;
const NT_OFFSET = 0x40;
const alignUp = (value: number, unit: number) => Math.ceil(value / unit) * unit;

/** File offset (= RVA) where the payload of an image with `sections` section headers starts. */
export function payloadBase(is64: boolean, sections: number): number {
  return alignUp(NT_OFFSET + 24 + (is64 ? 240 : 224) + sections * 40, FILE_ALIGNMENT);
}

export interface RawSection {
  name?: string;
  virtualAddress: number;
  virtualSize: number;
  pointerToRawData: number;
  sizeOfRawData: number;
  characteristics?: number;
}

export interface RawImage {
  is64: boolean;
  /** Identity-mapped at RVA = file offset = `payloadBase(is64, sections)`. */
  payload: Uint8Array;
  /** Data directory index → [RVA, size]. */
  directories?: Partial<Record<number, [number, number]>>;
  /** Default: one section covering the payload. */
  sections?: RawSection[];
  /** Bytes appended after the payload (not covered by any section), e.g. a certificate table. */
  trailer?: Uint8Array;
  pointerToSymbolTable?: number;
}

/**
 * A PE image with SectionAlignment = FileAlignment = 0x200 (one subsection, so
 * every RVA equals its file offset), its payload right after the headers.
 */
export function assemble(spec: RawImage): Uint8Array {
  const count = spec.sections?.length ?? 1;
  const base = payloadBase(spec.is64, count);
  const payloadSize = alignUp(Math.max(spec.payload.length, 1), FILE_ALIGNMENT);
  const trailer = spec.trailer ?? new Uint8Array(0);
  const bytes = new Uint8Array(base + payloadSize + trailer.length);
  const v = new DataView(bytes.buffer);
  v.setUint16(0, 0x5a4d, true);
  v.setUint32(0x3c, NT_OFFSET, true);
  v.setUint32(NT_OFFSET, 0x00004550, true);
  const file = NT_OFFSET + 4;
  v.setUint16(file, spec.is64 ? 0x8664 : 0x14c, true);
  v.setUint16(file + 2, count, true);
  v.setUint32(file + 8, spec.pointerToSymbolTable ?? 0, true);
  v.setUint16(file + 16, spec.is64 ? 240 : 224, true);
  v.setUint16(file + 18, 0x2002 | (spec.is64 ? 0x20 : 0x100), true);
  const opt = file + 20;
  v.setUint16(opt, spec.is64 ? 0x20b : 0x10b, true);
  if (spec.is64) v.setBigUint64(opt + 24, 0x180000000n, true);
  else v.setUint32(opt + 28, 0x10000000, true);
  v.setUint32(opt + 32, FILE_ALIGNMENT, true);
  v.setUint32(opt + 36, FILE_ALIGNMENT, true);
  v.setUint16(opt + 40, 6, true);
  v.setUint16(opt + 48, 6, true);
  v.setUint32(opt + 56, base + payloadSize, true);
  v.setUint32(opt + 60, base, true);
  v.setUint16(opt + 68, 2, true);
  const directories = opt + (spec.is64 ? 112 : 96);
  v.setUint32(directories - 4, 16, true);
  for (const [index, entry] of Object.entries(spec.directories ?? {})) {
    if (!entry) continue;
    v.setUint32(directories + Number(index) * 8, entry[0] >>> 0, true);
    v.setUint32(directories + Number(index) * 8 + 4, entry[1] >>> 0, true);
  }
  const sections = spec.sections ?? [{ name: '.data', virtualAddress: base, virtualSize: payloadSize, pointerToRawData: base, sizeOfRawData: payloadSize }];
  const table = opt + (spec.is64 ? 240 : 224);
  sections.forEach((s, i) => {
    const at = table + i * 40;
    const name = s.name ?? '.data';
    for (let c = 0; c < Math.min(8, name.length); c++) bytes[at + c] = name.charCodeAt(c) & 0xff;
    v.setUint32(at + 8, s.virtualSize >>> 0, true);
    v.setUint32(at + 12, s.virtualAddress >>> 0, true);
    v.setUint32(at + 16, s.sizeOfRawData >>> 0, true);
    v.setUint32(at + 20, s.pointerToRawData >>> 0, true);
    v.setUint32(at + 36, (s.characteristics ?? 0x40000040) >>> 0, true);
  });
  bytes.set(spec.payload, base);
  bytes.set(trailer, base + payloadSize);
  return bytes;
}

/** A payload under construction: offsets in it are RVAs once `base` is added. */
class Payload extends ByteWriter {
  readonly base: number;
  readonly is64: boolean;
  constructor(base: number, is64: boolean) {
    super();
    this.base = base;
    this.is64 = is64;
  }
  rva(offset: number): number {
    return this.base + offset;
  }
  get width(): number {
    return this.is64 ? 8 : 4;
  }
  thunk(at: number, value: number): void {
    if (this.is64) this.u64(at, BigInt(value));
    else this.u32(at, value);
  }
  /** `length` copies of `byte`, then (unless `terminated` is false) a NUL; returns the offset. */
  run(length: number, byte = 0x41, terminated = true): number {
    const at = this.reserve(length + (terminated ? 1 : 0));
    this.fill(at, length, byte);
    return at;
  }
  fill(at: number, length: number, byte: number): void {
    for (let i = 0; i < length; i++) this.u8(at + i, byte);
  }
}

const pick = <T>(random: Random, items: readonly T[]): T => items[random.below(items.length)]!;

/** D import descriptors all naming one thunk array of T entries that all name one hint/name entry. */
const importFanout: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const nameLength = pick(random, [1, 24, 1000]);
  const p = new Payload(payloadBase(is64, 1), is64);
  const hint = p.reserve(2);
  p.run(nameLength, 0x46);
  const dll = p.cString('k.dll');
  const room = Math.max(0, size - p.base - p.length - 256);
  const thunks = Math.max(1, Math.floor(room / 2 / p.width) - 1);
  const descriptors = Math.max(1, Math.floor(room / 2 / 20) - 1);
  const array = p.reserve((thunks + 1) * p.width, p.width);
  for (let i = 0; i < thunks; i++) p.thunk(array + i * p.width, p.rva(hint));
  const table = p.reserve((descriptors + 1) * 20, 4);
  for (let i = 0; i < descriptors; i++) {
    p.u32(table + i * 20, p.rva(array));
    p.u32(table + i * 20 + 12, p.rva(dll));
    p.u32(table + i * 20 + 16, p.rva(array));
  }
  return {
    kind: 'import-fanout',
    params: `pe32${is64 ? '+' : ''} descriptors=${descriptors} thunks=${thunks} name=${nameLength}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 1: [p.rva(table), (descriptors + 1) * 20] } }),
  };
};

/** Descriptor i names the thunk array from its i-th entry on: every suffix of one array. */
const importSuffixes: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const hint = p.reserve(2);
  p.cString('GetProcAddress');
  const dll = p.cString('kernel32.dll');
  const room = Math.max(0, size - p.base - p.length - 256);
  const thunks = Math.max(1, Math.floor(room / 2 / p.width) - 1);
  const descriptors = Math.max(1, Math.floor(room / 2 / 20) - 1);
  const array = p.reserve((thunks + 1) * p.width, p.width);
  for (let i = 0; i < thunks; i++) p.thunk(array + i * p.width, p.rva(hint));
  const table = p.reserve((descriptors + 1) * 20, 4);
  for (let i = 0; i < descriptors; i++) {
    p.u32(table + i * 20, p.rva(array + (i % thunks) * p.width));
    p.u32(table + i * 20 + 12, p.rva(dll));
  }
  return {
    kind: 'import-suffixes',
    params: `pe32${is64 ? '+' : ''} descriptors=${descriptors} thunks=${thunks}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 1: [p.rva(table), (descriptors + 1) * 20] } }),
  };
};

/** One descriptor whose thunks name hint/name entries at consecutive bytes of one long run. */
const importOverlappingNames: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const length = Math.min(4000, Math.max(16, Math.floor(size / 4)));
  const run = p.run(length);
  const dll = p.cString('user32.dll');
  const room = Math.max(0, size - p.base - p.length - 256);
  const thunks = Math.max(1, Math.floor(room / p.width) - 8);
  const array = p.reserve((thunks + 1) * p.width, p.width);
  for (let i = 0; i < thunks; i++) p.thunk(array + i * p.width, p.rva(run + (i % (length - 2))));
  const table = p.reserve(40, 4);
  p.u32(table, p.rva(array));
  p.u32(table + 12, p.rva(dll));
  return {
    kind: 'import-overlapping-names',
    params: `pe32${is64 ? '+' : ''} thunks=${thunks} run=${length}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 1: [p.rva(table), 40] } }),
  };
};

/** A DLL name and every import name unterminated up to the end of the file. */
const importUnterminated: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const table = p.reserve(40, 4);
  const array = p.reserve(3 * p.width, p.width);
  const run = p.run(Math.max(64, size - p.base - p.length - 8), 0x41, false);
  p.thunk(array, p.rva(run));
  p.u32(table, p.rva(array));
  p.u32(table + 12, p.rva(run + random.below(32)));
  return {
    kind: 'import-unterminated',
    params: `pe32${is64 ? '+' : ''} run=${size - p.base}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 1: [p.rva(table), 40] } }),
  };
};

/** NumberOfNames as large as the file allows, every name the same long string or overlapping ones. */
const exportNames: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const overlap = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const directory = p.reserve(40, 4);
  const functions = p.reserve(4, 4);
  const length = overlap ? 1000 : pick(random, [8, 1000]);
  const run = p.run(length, 0x4e);
  const count = Math.max(1, Math.floor((size - p.base - p.length - 256) / 6));
  const names = p.reserve(count * 4, 4);
  const ordinals = p.reserve(count * 2, 2);
  p.u32(functions, p.rva(run));
  for (let i = 0; i < count; i++) p.u32(names + i * 4, p.rva(run + (overlap ? i % length : 0)));
  p.u32(directory + 16, 1);
  p.u32(directory + 20, 1);
  p.u32(directory + 24, count);
  p.u32(directory + 28, p.rva(functions));
  p.u32(directory + 32, p.rva(names));
  p.u32(directory + 36, p.rva(ordinals));
  return {
    kind: 'export-names',
    params: `pe32${is64 ? '+' : ''} names=${count} ${overlap ? 'overlapping' : 'shared'} name=${length}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 0: [p.rva(directory), 40] } }),
  };
};

/** Every function a forwarder (the directory "covers" the whole image), at overlapping offsets of a 511-byte run. */
const exportForwarders: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const directory = p.reserve(40, 4);
  const run = p.run(511, 0x46);
  const count = Math.max(1, Math.floor((size - p.base - p.length - 256) / 4));
  const functions = p.reserve(count * 4, 4);
  for (let i = 0; i < count; i++) p.u32(functions + i * 4, p.rva(run + (i % 500)));
  p.u32(directory + 16, 1);
  p.u32(directory + 20, count);
  p.u32(directory + 28, p.rva(functions));
  return {
    kind: 'export-forwarders',
    params: `pe32${is64 ? '+' : ''} functions=${count}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 0: [p.rva(directory), 0x7fff0000] } }),
  };
};

/** NumberOfFunctions / NumberOfNames near 2^32 in a file padded to `size`. */
const exportCounts: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const directory = p.reserve(40, 4);
  const functions = pick(random, [0xffffffff, 0x40000000, 1]);
  const names = functions === 1 ? 0xffffffff : pick(random, [0, 0x7fffffff]);
  p.u32(directory + 16, 1);
  p.u32(directory + 20, functions);
  p.u32(directory + 24, names);
  p.u32(directory + 28, p.rva(40));
  p.u32(directory + 32, p.rva(40));
  p.u32(directory + 36, p.rva(40));
  p.reserve(Math.max(0, size - p.base - p.length - 16));
  return {
    kind: 'export-counts',
    params: `pe32${is64 ? '+' : ''} NumberOfFunctions=0x${functions.toString(16)} NumberOfNames=0x${names.toString(16)}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 0: [p.rva(directory), 40] } }),
  };
};

/** As many section headers as half the file holds, all over the same raw bytes (and, optionally, the same RVAs). */
const sectionsOverlap: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const sameVirtual = random.below(2) === 1;
  const count = Math.min(0xffff, Math.max(2, Math.floor(size / 2 / 40)));
  const base = payloadBase(is64, count);
  const payloadSize = alignUp(Math.max(FILE_ALIGNMENT, size - base), FILE_ALIGNMENT);
  const sections: RawSection[] = [];
  for (let i = 0; i < count; i++) {
    sections.push({
      virtualAddress: sameVirtual ? base : base + i * FILE_ALIGNMENT,
      virtualSize: payloadSize,
      pointerToRawData: base,
      sizeOfRawData: payloadSize,
    });
  }
  return {
    kind: 'sections-overlap',
    params: `pe32${is64 ? '+' : ''} sections=${count} ${sameVirtual ? 'same RVA' : 'staggered RVA'} raw=${payloadSize}`,
    bytes: assemble({ is64, payload: new Uint8Array(payloadSize).fill(0x90), sections }),
  };
};

/** Many sections mapping nothing before the one that holds an import table: every RVA lookup walks them all. */
const sectionsLookups: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const count = Math.min(0xffff, Math.max(2, Math.floor(size / 4 / 40)));
  const p = new Payload(payloadBase(is64, count), is64);
  const hint = p.reserve(2);
  p.cString('Sleep');
  const dll = p.cString('kernel32.dll');
  const thunks = Math.max(1, Math.floor((size - p.base - p.length - 256) / p.width) - 4);
  const array = p.reserve((thunks + 1) * p.width, p.width);
  for (let i = 0; i < thunks; i++) p.thunk(array + i * p.width, p.rva(hint));
  const table = p.reserve(40, 4);
  p.u32(table, p.rva(array));
  p.u32(table + 12, p.rva(dll));
  const payload = p.toBytes();
  const payloadSize = alignUp(payload.length, FILE_ALIGNMENT);
  const sections: RawSection[] = [];
  for (let i = 0; i < count - 1; i++) {
    sections.push({ virtualAddress: 0x10000000 + i * 0x1000, virtualSize: 0x1000, pointerToRawData: 0, sizeOfRawData: 0 });
  }
  sections.push({ virtualAddress: p.base, virtualSize: payloadSize, pointerToRawData: p.base, sizeOfRawData: payloadSize });
  return {
    kind: 'sections-lookups',
    params: `pe32${is64 ? '+' : ''} sections=${count} thunks=${thunks}`,
    bytes: assemble({ is64, payload, sections, directories: { 1: [p.rva(table), 40] } }),
  };
};

/** Section names `/N` resolved through a "string table" that is one long unterminated run. */
const sectionLongNames: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const count = Math.min(0xffff, Math.max(2, Math.floor(size / 2 / 40)));
  const base = payloadBase(is64, count);
  const payloadSize = alignUp(Math.max(FILE_ALIGNMENT, size - base), FILE_ALIGNMENT);
  const payload = new Uint8Array(payloadSize).fill(0x4c);
  payload[payloadSize - 1] = 0;
  const sections: RawSection[] = [];
  for (let i = 0; i < count; i++) {
    sections.push({ name: `/${i % 997}`, virtualAddress: base, virtualSize: payloadSize, pointerToRawData: base, sizeOfRawData: payloadSize });
  }
  return {
    kind: 'section-long-names',
    params: `pe32${is64 ? '+' : ''} sections=${count}`,
    bytes: assemble({ is64, payload, sections, pointerToSymbolTable: base + random.below(16) }),
  };
};

function certificateTable(entries: Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  for (const blob of entries) {
    const at = w.reserve(8, 8);
    w.u32(at, 8 + blob.length);
    w.u16(at + 4, 0x0200);
    w.u16(at + 6, 2);
    w.append(blob);
  }
  w.align(8);
  return w.toBytes();
}

function withCertificates(is64: boolean, padTo: number, table: Uint8Array): Uint8Array {
  const base = payloadBase(is64, 1);
  const payloadSize = alignUp(Math.max(FILE_ALIGNMENT, padTo - base - table.length), FILE_ALIGNMENT);
  return assemble({ is64, payload: new Uint8Array(payloadSize), trailer: table, directories: { 4: [base + payloadSize, table.length] } });
}

/** A certificate table of thousands of tiny WIN_CERTIFICATE entries, each a PKCS#7 "blob". */
const certificatesMany: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const blob = pick(random, [new Uint8Array(0), Uint8Array.of(0x30, 0x00), Uint8Array.of(0x30, 0x80, 0x00, 0x00)]);
  const count = Math.max(1, Math.floor((size * 3) / 4 / alignUp(8 + blob.length, 8)));
  const table = certificateTable(new Array<Uint8Array>(count).fill(blob));
  return { kind: 'certificates-many', params: `entries=${count} blob=${blob.length}`, bytes: withCertificates(is64, size, table) };
};

/** One WIN_CERTIFICATE whose DER nests as deep as its size allows. */
const certificateDeep: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const indefinite = random.below(2) === 1;
  const depth = Math.max(1, Math.floor((size * 3) / 4 / (indefinite ? 4 : 6)));
  const der = new Uint8Array(indefinite ? depth * 4 + 2 : depth * 6 + 2);
  if (indefinite) {
    for (let i = 0; i < depth; i++) der.set([0x30, 0x80], i * 2);
    der.set([0x05, 0x00], depth * 2);
  } else {
    for (let i = 0; i < depth; i++) {
      const length = (depth - i - 1) * 6 + 2;
      der.set([0x30, 0x84, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff], i * 6);
    }
    der.set([0x05, 0x00], depth * 6);
  }
  return { kind: 'certificate-deep-der', params: `depth=${depth} ${indefinite ? 'indefinite' : 'definite'}`, bytes: withCertificates(is64, size, certificateTable([der])) };
};

/**
 * WIN_CERTIFICATEs that are SEQUENCEs of NULLs (the most DER elements per
 * byte): as many as fit, or just under the verifier's caps (4,096 per blob,
 * 8,192 per file), in one or two blobs.
 */
const certificateNodes: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const blobs = 1 + random.below(2);
  const fit = Math.max(1, Math.floor((size * 3) / 4 / 2 / blobs));
  const count = Math.min(fit, pick(random, [fit, 4095, 8191]));
  const der = new Uint8Array(6 + count * 2);
  const length = count * 2;
  der.set([0x30, 0x84, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
  for (let i = 0; i < count; i++) der.set([0x05, 0x00], 6 + i * 2);
  const table = certificateTable(new Array<Uint8Array>(blobs).fill(der));
  return { kind: 'certificate-der-nodes', params: `blobs=${blobs} elements=${count + 1}`, bytes: withCertificates(is64, size, table) };
};

/** A resource root of many RT_VERSION entries that all point back at the root (a cycle), or a long chain. */
const resourceCycle: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const chain = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const room = Math.max(64, size - p.base - 256);
  if (chain) {
    const depth = Math.max(1, Math.floor(room / 24));
    const start = p.reserve(depth * 24, 4);
    for (let i = 0; i < depth; i++) {
      const at = start + i * 24;
      p.u16(at + 14, 1);
      p.u32(at + 16, 16);
      p.u32(at + 20, (0x80000000 | (i + 1 < depth ? (i + 1) * 24 : 0)) >>> 0);
    }
    return {
      kind: 'resource-tree',
      params: `pe32${is64 ? '+' : ''} chain depth=${depth}`,
      bytes: assemble({ is64, payload: p.toBytes(), directories: { 2: [p.rva(start), depth * 24] } }),
    };
  }
  const entries = Math.min(0xffff, Math.max(1, Math.floor((room - 16) / 8)));
  const root = p.reserve(16 + entries * 8, 4);
  p.u16(root + 14, entries);
  for (let i = 0; i < entries; i++) {
    p.u32(root + 16 + i * 8, i === entries - 1 ? 16 : 15);
    p.u32(root + 20 + i * 8, 0x80000000);
  }
  return {
    kind: 'resource-tree',
    params: `pe32${is64 ? '+' : ''} cycle entries=${entries}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 2: [p.rva(root), 16 + entries * 8] } }),
  };
};

/** A version resource whose nodes claim the maximum lengths, with long keys and many strings. */
const versionNodes: Generator = (random, size) => {
  const is64 = random.below(2) === 1;
  const p = new Payload(payloadBase(is64, 1), is64);
  const directory = (id: number, target: number, subdirectory: boolean) => {
    const at = p.reserve(24, 4);
    p.u16(at + 14, 1);
    p.u32(at + 16, id);
    p.u32(at + 20, (subdirectory ? 0x80000000 | target : target) >>> 0);
    return at;
  };
  const root = directory(16, 24, true);
  directory(1, 48, true);
  directory(0x409, 72, false);
  const entry = p.reserve(16, 4);
  const block = p.reserve(0, 4);
  const utf16 = (text: string) => {
    const at = p.reserve(text.length * 2 + 2, 2);
    for (let i = 0; i < text.length; i++) p.u16(at + i * 2, text.charCodeAt(i));
    p.align(4);
    return at;
  };
  const node = (key: string, wLength: number, type = 1) => {
    const at = p.reserve(6, 4);
    p.u16(at, wLength);
    p.u16(at + 4, type);
    utf16(key);
    return at;
  };
  const keyLength = pick(random, [8, 2000]);
  node('VS_VERSION_INFO', 0xffff, 0);
  node('StringFileInfo', 0xfff0);
  node('040904B0', 0xffe0);
  while (p.length + 16 + keyLength * 2 < size - p.base - 64) {
    const at = node('K'.repeat(keyLength), Math.min(0xffff, 6 + keyLength * 2 + 2 + 2 * keyLength));
    p.u16(at + 2, keyLength);
    utf16('V'.repeat(keyLength - 1));
  }
  p.u32(entry, p.rva(block));
  p.u32(entry + 4, p.length - block);
  return {
    kind: 'version-nodes',
    params: `pe32${is64 ? '+' : ''} key=${keyLength}`,
    bytes: assemble({ is64, payload: p.toBytes(), directories: { 2: [p.rva(root), p.length - root] } }),
  };
};

export const generators: Readonly<Record<string, Generator>> = {
  'import-fanout': importFanout,
  'import-suffixes': importSuffixes,
  'import-overlapping-names': importOverlappingNames,
  'import-unterminated': importUnterminated,
  'export-names': exportNames,
  'export-forwarders': exportForwarders,
  'export-counts': exportCounts,
  'sections-overlap': sectionsOverlap,
  'sections-lookups': sectionsLookups,
  'section-long-names': sectionLongNames,
  'certificates-many': certificatesMany,
  'certificate-deep-der': certificateDeep,
  'certificate-der-nodes': certificateNodes,
  'resource-tree': resourceCycle,
  'version-nodes': versionNodes,
};

/** The `index`-th crafted input of a run: kind and size from `seed` and `index` alone. */
export function craftedInput(seed: number, index: number, sizes: readonly number[], extra: Readonly<Record<string, Generator>> = {}): CraftedInput {
  const all = { ...generators, ...extra };
  const kinds = Object.keys(all).sort();
  const random = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const kind = kinds[index % kinds.length]!;
  const size = sizes[Math.floor(index / kinds.length) % sizes.length]!;
  return all[kind]!(random, size);
}
