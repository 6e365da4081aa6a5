// buildPe: small, valid, self-consistent PE images of any of I386, AMD64,
// ARM64 and ARMNT, for the builtin system volume, scenarios and tests.
import {
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_I386,
} from '../nt/constants.js';
import { NtStatusError, STATUS_INVALID_PARAMETER } from '../nt/status.js';
import { ByteWriter } from './byte-writer.js';
import { peChecksum } from './checksum.js';
import { buildVersionResource } from './version-resource.js';
import {
  IMAGE_SCN_CNT_CODE,
  IMAGE_SCN_CNT_INITIALIZED_DATA,
  IMAGE_SCN_MEM_EXECUTE,
  IMAGE_SCN_MEM_READ,
} from './types.js';

export interface PeBuildSpec {
  machine: number;
  /** A DLL (IMAGE_FILE_DLL). */
  dll?: boolean;
  /** A kernel driver: native subsystem (1), DriverEntry as entry point. */
  driver?: boolean;
  /** IMAGE_SUBSYSTEM_*: default 1 for drivers, 2 (GUI) for DLLs, 3 (console) for EXEs. */
  subsystem?: number;
  /** SizeOfImage; the last section grows to fill it. Default: what the content needs. */
  sizeOfImage?: number;
  /** DLL → functions (names, or ordinals as numbers), in table order. */
  imports?: Record<string, (string | number)[]>;
  delayImports?: Record<string, (string | number)[]>;
  /** Export names (ordinals from 1, in this order), or forwarders `{ name, forwarder: 'NTDLL.RtlX' }`. */
  exports?: (string | { name: string; forwarder?: string })[];
  /** The export directory's DLL name; default none. */
  exportDllName?: string;
  /** false: a resource-only image with no code. Default true. */
  code?: boolean;
  imageBase?: bigint;
  timeDateStamp?: number;
  dllCharacteristics?: number;
  /** StringFileInfo strings (CompanyName, FileDescription, FileVersion, ...) as a VS_VERSIONINFO resource. */
  versionInfo?: Record<string, string>;
  /** A managed (.NET) image: a CLR header (IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR), IL-only. */
  clr?: boolean;
  /** Extra initialised-data sections with raw contents, e.g. `.apiset`. */
  sections?: { name: string; data: Uint8Array; characteristics?: number }[];
}

const FILE_ALIGNMENT = 0x200;
const SECTION_ALIGNMENT = 0x1000;
const NT_HEADERS_OFFSET = 0x80;
const FUNCTION_STRIDE = 16;

const machines = new Set([IMAGE_FILE_MACHINE_I386, IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_ARMNT]);

const alignUp = (value: number, unit: number) => Math.ceil(value / unit) * unit;

function bad(field: string, why: string): NtStatusError {
  return new NtStatusError(STATUS_INVALID_PARAMETER, `buildPe: ${field}: ${why}`);
}

/** One function body: a return instruction, padded. */
function returnInstruction(machine: number): number[] {
  switch (machine) {
    case IMAGE_FILE_MACHINE_ARM64:
      return [0xc0, 0x03, 0x5f, 0xd6]; // ret
    case IMAGE_FILE_MACHINE_ARMNT:
      return [0x70, 0x47]; // bx lr
    default:
      return [0xc3]; // ret
  }
}

interface SectionPlan {
  name: string;
  data: Uint8Array;
  virtualSize: number;
  characteristics: number;
  rva: number;
}

function checkSpec(spec: PeBuildSpec): void {
  if (spec === null || typeof spec !== 'object') throw bad('spec', 'expected an object');
  if (!machines.has(spec.machine)) throw bad('machine', `0x${Number(spec.machine).toString(16)} is not I386, AMD64, ARM64 or ARMNT`);
  for (const [key, table] of [['imports', spec.imports], ['delayImports', spec.delayImports]] as const) {
    if (table === undefined) continue;
    for (const [dll, functions] of Object.entries(table)) {
      if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(dll)) throw bad(`${key}[${JSON.stringify(dll)}]`, 'a DLL name must be printable ASCII');
      if (!Array.isArray(functions)) throw bad(`${key}[${dll}]`, 'expected an array of names or ordinals');
      for (const fn of functions) {
        if (typeof fn === 'number' ? !(Number.isInteger(fn) && fn > 0 && fn <= 0xffff) : !(typeof fn === 'string' && /^[\x21-\x7e]+$/.test(fn))) {
          throw bad(`${key}[${dll}]`, `${JSON.stringify(fn)} is neither an ordinal 1..65535 nor a printable name`);
        }
      }
    }
  }
  for (const entry of spec.exports ?? []) {
    const name = typeof entry === 'string' ? entry : entry?.name;
    if (typeof name !== 'string' || !/^[\x21-\x7e]+$/.test(name)) throw bad('exports', `${JSON.stringify(entry)} has no printable name`);
  }
  if (spec.sizeOfImage !== undefined && !(Number.isInteger(spec.sizeOfImage) && spec.sizeOfImage > 0 && spec.sizeOfImage <= 0x7fffffff)) {
    throw bad('sizeOfImage', `${spec.sizeOfImage} is not a positive 31-bit integer`);
  }
}

export function buildPe(spec: PeBuildSpec): Uint8Array {
  checkSpec(spec);
  const is64 = spec.machine === IMAGE_FILE_MACHINE_AMD64 || spec.machine === IMAGE_FILE_MACHINE_ARM64;
  const withCode = spec.code !== false;
  const exports = (spec.exports ?? []).map((e) => (typeof e === 'string' ? { name: e, forwarder: undefined } : e));
  const sections: SectionPlan[] = [];
  let nextRva = SECTION_ALIGNMENT;
  const place = (name: string, data: Uint8Array, characteristics: number, virtualSize = data.length) => {
    const plan = { name, data, virtualSize: Math.max(virtualSize, 1), characteristics, rva: nextRva };
    sections.push(plan);
    nextRva += alignUp(plan.virtualSize, SECTION_ALIGNMENT);
    return plan;
  };

  // .text: the entry point, then one body per export.
  let textRva = 0;
  if (withCode) {
    const text = new Uint8Array(FUNCTION_STRIDE * (exports.length + 1)).fill(0xcc);
    const body = returnInstruction(spec.machine);
    for (let i = 0; i <= exports.length; i++) text.set(body, i * FUNCTION_STRIDE);
    textRva = place('.text', text, IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ).rva;
  }

  // .rdata: import, delay-import and export tables (their RVAs depend on where .rdata lands).
  const rdataRva = nextRva;
  const rdata = buildReadOnlyData(spec, exports, rdataRva, textRva, withCode, is64);
  place('.rdata', rdata.bytes, IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ);

  let resource = { rva: 0, size: 0 };
  if (spec.versionInfo) {
    const rsrcRva = nextRva;
    const bytes = buildVersionResource(spec.versionInfo, rsrcRva, spec.dll ? 2 : spec.driver ? 3 : 1);
    place('.rsrc', bytes, IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ);
    resource = { rva: rsrcRva, size: bytes.length };
  }
  // A managed image: the CLR header (IMAGE_COR20_HEADER, 72 bytes: cb, runtime 2.5, ILONLY) in a section of its own.
  let clr = { rva: 0, size: 0 };
  if (spec.clr === true) {
    const header = new Uint8Array(72);
    const view = new DataView(header.buffer);
    view.setUint32(0, 72, true);
    view.setUint16(4, 2, true);
    view.setUint16(6, 5, true);
    view.setUint32(16, 1, true); // COMIMAGE_FLAGS_ILONLY
    clr = { rva: place('.cormeta', header, IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ).rva, size: 72 };
  }
  for (const extra of spec.sections ?? []) {
    if (typeof extra?.name !== 'string' || extra.name.length === 0 || extra.name.length > 8) throw bad('sections[].name', `${JSON.stringify(extra?.name)} must be 1..8 characters`);
    if (!(extra.data instanceof Uint8Array)) throw bad(`sections[${extra.name}].data`, 'expected a Uint8Array');
    place(extra.name, extra.data, extra.characteristics ?? IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ);
  }

  const last = sections[sections.length - 1]!;
  const naturalSize = last.rva + alignUp(last.virtualSize, SECTION_ALIGNMENT);
  const sizeOfImage = spec.sizeOfImage ?? naturalSize;
  if (sizeOfImage < last.rva + last.virtualSize) {
    throw bad('sizeOfImage', `0x${sizeOfImage.toString(16)} is smaller than the 0x${(last.rva + last.virtualSize).toString(16)} bytes the content needs`);
  }
  last.virtualSize = Math.max(last.virtualSize, sizeOfImage - last.rva);

  const optionalHeaderSize = is64 ? 240 : 224;
  const sectionTable = NT_HEADERS_OFFSET + 4 + 20 + optionalHeaderSize;
  const sizeOfHeaders = alignUp(sectionTable + sections.length * 40, FILE_ALIGNMENT);
  let fileSize = sizeOfHeaders;
  const rawOffsets = sections.map((s) => {
    const at = fileSize;
    fileSize += alignUp(s.data.length, FILE_ALIGNMENT);
    return at;
  });

  const out = new ByteWriter();
  out.reserve(fileSize);
  out.u16(0, 0x5a4d); // MZ
  out.u16(2, 0x90);
  out.u16(4, 3);
  out.u16(8, 4);
  out.u16(0x18, 0x40);
  out.u32(0x3c, NT_HEADERS_OFFSET);
  out.u32(NT_HEADERS_OFFSET, 0x00004550); // PE\0\0

  const file = NT_HEADERS_OFFSET + 4;
  const driver = spec.driver === true;
  let characteristics = 0x0002 | (is64 ? 0x0020 : 0x0100);
  if (spec.dll) characteristics |= 0x2000;
  out.u16(file, spec.machine);
  out.u16(file + 2, sections.length);
  out.u32(file + 4, spec.timeDateStamp ?? 0x5f000000);
  out.u16(file + 16, optionalHeaderSize);
  out.u16(file + 18, characteristics);

  const opt = file + 20;
  const textSection = sections.find((s) => s.name === '.text');
  const dataSize = sections.filter((s) => s !== textSection).reduce((n, s) => n + alignUp(s.data.length, FILE_ALIGNMENT), 0);
  out.u16(opt, is64 ? 0x20b : 0x10b);
  out.u8(opt + 2, 14);
  out.u8(opt + 3, 30);
  out.u32(opt + 4, textSection ? alignUp(textSection.data.length, FILE_ALIGNMENT) : 0);
  out.u32(opt + 8, dataSize);
  out.u32(opt + 16, withCode ? textRva : 0);
  out.u32(opt + 20, textSection ? textSection.rva : 0);
  const imageBase = spec.imageBase ?? defaultImageBase(is64, spec.dll === true, driver);
  if (is64) out.u64(opt + 24, BigInt.asUintN(64, imageBase));
  else {
    out.u32(opt + 24, rdataRva); // BaseOfData
    out.u32(opt + 28, Number(BigInt.asUintN(32, imageBase)));
  }
  out.u32(opt + 32, SECTION_ALIGNMENT);
  out.u32(opt + 36, FILE_ALIGNMENT);
  out.u16(opt + 40, 10); // OS version 10.0
  out.u16(opt + 44, 10); // image version 10.0
  out.u16(opt + 48, 10); // subsystem version 10.0
  out.u32(opt + 56, sizeOfImage);
  out.u32(opt + 60, sizeOfHeaders);
  const subsystem = spec.subsystem ?? (driver ? 1 : spec.dll ? 2 : 3);
  out.u16(opt + 68, subsystem);
  out.u16(opt + 70, spec.dllCharacteristics ?? (is64 ? 0x0160 : 0x0140) | (driver ? 0 : 0));
  const reserveAt = opt + 72;
  if (is64) {
    out.u64(reserveAt, 0x100000n);
    out.u64(reserveAt + 8, 0x1000n);
    out.u64(reserveAt + 16, 0x100000n);
    out.u64(reserveAt + 24, 0x1000n);
    out.u32(opt + 108, 16);
  } else {
    out.u32(reserveAt, 0x100000);
    out.u32(reserveAt + 4, 0x1000);
    out.u32(reserveAt + 8, 0x100000);
    out.u32(reserveAt + 12, 0x1000);
    out.u32(opt + 92, 16);
  }
  const directories = opt + (is64 ? 112 : 96);
  const setDirectory = (index: number, rva: number, size: number) => {
    out.u32(directories + index * 8, rva);
    out.u32(directories + index * 8 + 4, size);
  };
  setDirectory(0, rdata.exportDir.rva, rdata.exportDir.size);
  setDirectory(1, rdata.importDir.rva, rdata.importDir.size);
  setDirectory(2, resource.rva, resource.size);
  setDirectory(12, rdata.iatDir.rva, rdata.iatDir.size);
  setDirectory(13, rdata.delayDir.rva, rdata.delayDir.size);
  setDirectory(14, clr.rva, clr.size);

  const bytes = out.toBytes();
  sections.forEach((s, i) => {
    const at = sectionTable + i * 40;
    for (let c = 0; c < s.name.length; c++) bytes[at + c] = s.name.charCodeAt(c) & 0xff;
    const v = new DataView(bytes.buffer, at, 40);
    v.setUint32(8, s.virtualSize, true);
    v.setUint32(12, s.rva, true);
    v.setUint32(16, alignUp(s.data.length, FILE_ALIGNMENT), true);
    v.setUint32(20, rawOffsets[i]!, true);
    v.setUint32(36, s.characteristics >>> 0, true);
    bytes.set(s.data, rawOffsets[i]!);
  });
  new DataView(bytes.buffer).setUint32(opt + 64, peChecksum(bytes, opt + 64), true);
  return bytes;
}

function defaultImageBase(is64: boolean, dll: boolean, driver: boolean): bigint {
  if (is64) return driver ? 0x1c0000000n : dll ? 0x180000000n : 0x140000000n;
  return driver ? 0x10000n : dll ? 0x10000000n : 0x400000n;
}

interface ReadOnlyData {
  bytes: Uint8Array;
  importDir: { rva: number; size: number };
  iatDir: { rva: number; size: number };
  delayDir: { rva: number; size: number };
  exportDir: { rva: number; size: number };
}

function buildReadOnlyData(
  spec: PeBuildSpec,
  exports: { name: string; forwarder?: string | undefined }[],
  baseRva: number,
  textRva: number,
  withCode: boolean,
  is64: boolean,
): ReadOnlyData {
  const w = new ByteWriter();
  const width = is64 ? 8 : 4;
  const ordinalFlag = is64 ? 1n << 63n : 1n << 31n;
  const rva = (offset: number) => baseRva + offset;
  const writeThunk = (at: number, value: bigint) => (is64 ? w.u64(at, value) : w.u32(at, Number(value)));
  const hintNames = new Map<string, number>();
  const hintName = (name: string) => {
    let at = hintNames.get(name);
    if (at === undefined) {
      at = w.reserve(2, 2);
      w.cString(name);
      hintNames.set(name, at);
    }
    return at;
  };
  const thunkValue = (fn: string | number) => (typeof fn === 'number' ? ordinalFlag | BigInt(fn) : BigInt(rva(hintName(fn))));

  // Import directory: descriptors, then lookup tables, then one contiguous IAT block.
  const imports = Object.entries(spec.imports ?? {});
  let importDir = { rva: 0, size: 0 };
  let iatDir = { rva: 0, size: 0 };
  if (imports.length > 0) {
    const descriptors = w.reserve((imports.length + 1) * 20, 4);
    importDir = { rva: rva(descriptors), size: (imports.length + 1) * 20 };
    const lookups = imports.map(([, functions]) => w.reserve((functions.length + 1) * width, width));
    const iatStart = w.length;
    const iats = imports.map(([, functions]) => w.reserve((functions.length + 1) * width, width));
    iatDir = { rva: rva(iatStart), size: w.length - iatStart };
    imports.forEach(([dll, functions], i) => {
      functions.forEach((fn, k) => {
        const value = thunkValue(fn);
        writeThunk(lookups[i]! + k * width, value);
        writeThunk(iats[i]! + k * width, value);
      });
      const name = w.cString(dll);
      const d = descriptors + i * 20;
      w.u32(d, rva(lookups[i]!));
      w.u32(d + 12, rva(name));
      w.u32(d + 16, rva(iats[i]!));
    });
  }

  // Delay-load directory (RVA-based descriptors, Attributes = 1).
  const delayed = Object.entries(spec.delayImports ?? {});
  let delayDir = { rva: 0, size: 0 };
  if (delayed.length > 0) {
    const descriptors = w.reserve((delayed.length + 1) * 32, 4);
    delayDir = { rva: rva(descriptors), size: (delayed.length + 1) * 32 };
    delayed.forEach(([dll, functions], i) => {
      const names = w.reserve((functions.length + 1) * width, width);
      const iat = w.reserve((functions.length + 1) * width, width);
      const handle = w.reserve(width, width);
      functions.forEach((fn, k) => writeThunk(names + k * width, thunkValue(fn)));
      const name = w.cString(dll);
      const d = descriptors + i * 32;
      w.u32(d, 1);
      w.u32(d + 4, rva(name));
      w.u32(d + 8, rva(handle));
      w.u32(d + 12, rva(iat));
      w.u32(d + 16, rva(names));
    });
  }

  // Export directory: one block, so forwarder strings fall inside its range.
  let exportDir = { rva: 0, size: 0 };
  if (exports.length > 0 || spec.exportDllName !== undefined) {
    const dataSlots = withCode ? -1 : w.reserve(4 * Math.max(exports.length, 1), 4);
    const start = w.reserve(40, 4);
    const functions = w.reserve(4 * exports.length, 4);
    const sorted = exports.map((e, index) => ({ ...e, index })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const names = w.reserve(4 * sorted.length, 4);
    const ordinals = w.reserve(2 * sorted.length, 2);
    const dllName = spec.exportDllName !== undefined ? w.cString(spec.exportDllName) : -1;
    sorted.forEach((e, i) => {
      w.u32(names + i * 4, rva(w.cString(e.name)));
      w.u16(ordinals + i * 2, e.index);
    });
    exports.forEach((e, i) => {
      let target: number;
      if (e.forwarder !== undefined) target = rva(w.cString(e.forwarder));
      else target = withCode ? textRva + (i + 1) * FUNCTION_STRIDE : rva(dataSlots + i * 4);
      w.u32(functions + i * 4, target);
    });
    w.u32(start + 12, dllName >= 0 ? rva(dllName) : 0);
    w.u32(start + 16, 1); // ordinal base
    w.u32(start + 20, exports.length);
    w.u32(start + 24, sorted.length);
    w.u32(start + 28, exports.length ? rva(functions) : 0);
    w.u32(start + 32, sorted.length ? rva(names) : 0);
    w.u32(start + 36, sorted.length ? rva(ordinals) : 0);
    exportDir = { rva: rva(start), size: w.length - start };
  }
  if (w.length === 0) w.reserve(16); // every image keeps a data section
  return { bytes: w.toBytes(), importDir, iatDir, delayDir, exportDir };
}
