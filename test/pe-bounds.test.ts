// Hostile-input bounds (docs/pe-limits.md): every amplification a crafted PE
// file can aim at — refused with STATUS_INVALID_IMAGE_FORMAT naming the field
// and the cap, or parsed with a work count bounded by the file size — the
// image validation NtCreateSection(SEC_IMAGE) does, and bounded host reads.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { signatureGenerators } from '../src/ci/amplify-signatures.js';
import { MAX_DER_ELEMENTS_PER_FILE, MAX_SIGNATURES, verifyAuthenticode } from '../src/ci/authenticode.js';
import { DerLimitError, MAX_DER_DEPTH, MAX_DER_ELEMENTS, scanDer } from '../src/ci/der.js';
import { authenticodeImageHash, HASH_BYTES_PER_UNIT, MAX_HASH_FACTOR } from '../src/ci/image-hash.js';
import { authenticodeSignature, certificateTable, createTestSigner, imageDigestForSigning, signPe } from '../src/ci/sign.js';
import { MAX_IMAGE_FILE_BYTES, readFileBounded } from '../src/fs/read-bounded.js';
import {
  NtStatusError,
  STATUS_FILE_IS_A_DIRECTORY,
  STATUS_FILE_TOO_LARGE,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_FILE_FOR_SECTION,
  STATUS_INVALID_IMAGE_FORMAT,
  STATUS_INVALID_IMAGE_NE_FORMAT,
  STATUS_INVALID_IMAGE_NOT_MZ,
  STATUS_INVALID_IMAGE_PROTECT,
  STATUS_INVALID_IMAGE_WIN_16,
  STATUS_OBJECT_NAME_NOT_FOUND,
} from '../src/nt/status.js';
import { assemble, generators, payloadBase, type RawSection } from '../src/pe/amplify.js';
import { buildPe } from '../src/pe/build.js';
import { ByteWriter } from '../src/pe/byte-writer.js';
import { imphash } from '../src/pe/imphash.js';
import { WORK_BASE, WORK_PER_BYTE, WorkBudget } from '../src/pe/limits.js';
import { parsePe } from '../src/pe/parse.js';
import { rvaToOffset } from '../src/pe/rva.js';
import type { PeImage, PeSection } from '../src/pe/types.js';
import { MM_SIZE_OF_LARGEST_IMAGE, parseImageForSection, validateImageForSection } from '../src/pe/validate.js';
import { readVersionInfo } from '../src/pe/version-info.js';
import { Random } from '../src/rtl/random.js';
import { CORPUS_SKIP, corpusImages, corpusRoot } from './helpers/corpus.js';

const FORMAT = STATUS_INVALID_IMAGE_FORMAT;
const AMD64 = 0x8664;
const I386 = 0x14c;

/** Asserts `fn` throws NtStatusError with `status` and a message matching every pattern. */
function rejects(fn: () => unknown, status: number, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof NtStatusError, `not an NtStatusError: ${String((e as Error)?.stack ?? e)}`);
    assert.equal(e.status, status, e.message);
    for (const pattern of patterns) assert.match(e.message, pattern);
    return true;
  });
}

const craft = (kind: string, size: number, seed = 1) => generators[kind]!(new Random(seed), size);

/** Parses with a fresh budget; returns the image (or the error) and the units charged. */
function measured(bytes: Uint8Array): { image: PeImage | null; error: unknown; used: number; limit: number } {
  const budget = new WorkBudget(bytes.length);
  try {
    return { image: parsePe(bytes, { budget }), error: null, used: budget.used, limit: budget.limit };
  } catch (error) {
    return { image: null, error, used: budget.used, limit: budget.limit };
  }
}

const BUDGET = /parse work budget exhausted: more than \d+ units \(cap: 65536 \+ 16 per file byte, WORK_PER_BYTE/;

// ---- Imports ---------------------------------------------------------------

test('import descriptors sharing one thunk array: millions of entries from 64 KiB are refused by the work budget', () => {
  for (const seed of [1, 2, 3, 4]) {
    const input = craft('import-fanout', 65536, seed);
    const [, descriptors, thunks] = /descriptors=(\d+) thunks=(\d+)/.exec(input.params)!.map(Number);
    assert.ok(descriptors! * thunks! > 3_000_000, input.params);
    const result = measured(input.bytes);
    rejects(() => { if (result.error) throw result.error; }, FORMAT, /IMAGE_IMPORT_DESCRIPTOR\[\d+\] \(k\.dll\) thunk/, BUDGET);
    assert.ok(result.used <= result.limit, `${result.used} > ${result.limit}`);
  }
});

test('a moderate fan-out parses, each descriptor with its own copy of the shared array, work bounded', () => {
  const base = payloadBase(true, 1);
  const w = new ByteWriter();
  const hint = w.reserve(2);
  w.cString('CreateFileW');
  const dll = w.cString('KERNEL32.dll');
  const array = w.reserve(51 * 8, 8);
  for (let i = 0; i < 50; i++) w.u64(array + i * 8, BigInt(base + hint));
  const table = w.reserve(21 * 20, 4);
  for (let i = 0; i < 20; i++) {
    w.u32(table + i * 20, base + array);
    w.u32(table + i * 20 + 12, base + dll);
  }
  const bytes = assemble({ is64: true, payload: w.toBytes(), directories: { 1: [base + table, 21 * 20] } });
  const { image, used, limit } = measured(bytes);
  assert.equal(image!.imports.length, 20);
  assert.ok(image!.imports.every((i) => i.dll === 'KERNEL32.dll' && i.functions.length === 50 && i.functions.every((f) => f === 'CreateFileW')));
  assert.notEqual(image!.imports[0]!.functions, image!.imports[1]!.functions, 'arrays are not aliased');
  image!.imports[0]!.functions.push('mutated');
  assert.equal(image!.imports[1]!.functions.length, 50);
  // 51 entries read once, then 20 × 50 entries of output at 1 + 11 + 12 units each.
  assert.ok(used < 20 * 50 * 24 + 2000, `${used} units`);
  assert.ok(used <= limit);
});

test('thunks naming overlapping strings, or every suffix of one array, are refused by the budget', () => {
  for (const seed of [1, 2]) {
    rejects(() => parsePe(craft('import-overlapping-names', 65536, seed).bytes), FORMAT, /IMAGE_IMPORT_DESCRIPTOR\[0\] \(user32\.dll\) thunk/, BUDGET);
    rejects(() => parsePe(craft('import-suffixes', 65536, seed).bytes), FORMAT, /IMAGE_IMPORT_DESCRIPTOR\[\d+\] \(kernel32\.dll\) thunk/, BUDGET);
  }
});

test('unterminated and over-long names are refused at their caps (512 for DLL names, 4,096 for functions)', () => {
  for (const seed of [1, 2, 3]) rejects(() => parsePe(craft('import-unterminated', 16384, seed).bytes), FORMAT, /no terminating NUL within (512|4096) bytes/);
  const withDll = (length: number) => {
    const base = payloadBase(false, 1);
    const w = new ByteWriter();
    const name = w.reserve(length + 1);
    for (let i = 0; i < length; i++) w.u8(name + i, 0x61);
    const table = w.reserve(40, 4);
    w.u32(table + 12, base + name);
    w.u32(table + 16, 0);
    w.u32(table, 0);
    // A descriptor with only a name: no thunks, no functions.
    w.u32(table + 4, 1);
    return assemble({ is64: false, payload: w.toBytes(), directories: { 1: [base + table, 40] } });
  };
  assert.equal(parsePe(withDll(512)).imports[0]!.dll.length, 512);
  rejects(() => parsePe(withDll(513)), FORMAT, /IMAGE_IMPORT_DESCRIPTOR\[0\]\.Name: string at 0x[0-9a-f]+ has no terminating NUL within 512 bytes/);
});

// ---- Exports ---------------------------------------------------------------

test('export tables: counts past the file are refused; names and forwarders past the budget too', () => {
  const good = buildPe({ machine: AMD64, dll: true, exports: ['A', 'B'] });
  const image = parsePe(good);
  const dirRva = image.dataDirectories[0]!.virtualAddress;
  const dirAt = rvaToOffset(image, dirRva, good.length);
  const patched = (field: number, value: number) => {
    const copy = good.slice();
    new DataView(copy.buffer).setUint32(dirAt + field, value, true);
    return copy;
  };
  rejects(() => parsePe(patched(20, 0xffffffff)), FORMAT, /IMAGE_EXPORT_DIRECTORY\.NumberOfFunctions: 4294967295 entries/);
  rejects(() => parsePe(patched(24, 0x7fffffff)), FORMAT, /IMAGE_EXPORT_DIRECTORY\.NumberOfNames: 2147483647 names run past the end of the file/);
  for (const seed of [1, 2, 3, 4]) {
    const names = craft('export-names', 65536, seed);
    if (/overlapping|name=1000/.test(names.params)) rejects(() => parsePe(names.bytes), FORMAT, /IMAGE_EXPORT_DIRECTORY/, BUDGET);
    else {
      const { image: parsed, used, limit } = measured(names.bytes);
      assert.equal(parsed!.exports.length, Number(/names=(\d+)/.exec(names.params)![1]));
      assert.ok(used <= limit);
    }
    rejects(() => parsePe(craft('export-forwarders', 65536, seed).bytes), FORMAT, /IMAGE_EXPORT_DIRECTORY/, BUDGET);
  }
});

// ---- Sections --------------------------------------------------------------

test('RVA lookups over large section tables: the index agrees with a first-match scan in table order', () => {
  const random = new Random(7);
  for (let round = 0; round < 100; round++) {
    const sections: PeSection[] = Array.from({ length: 17 + random.below(80) }, () => ({
      name: '.s', longName: '.s',
      virtualAddress: random.below(0x20000), virtualSize: random.below(0x3000),
      pointerToRawData: random.below(0x10000), sizeOfRawData: random.below(0x3000), characteristics: 0,
    }));
    const map = { sections, sizeOfHeaders: 0x400, fileAlignment: 0x200 };
    const first = Math.min(...sections.map((s) => s.virtualAddress));
    for (let k = 0; k < 200; k++) {
      const rva = random.below(0x24000);
      const owner = sections.find((s) => rva >= s.virtualAddress && rva < s.virtualAddress + Math.max(s.virtualSize, s.sizeOfRawData));
      let expected: number;
      if (owner) {
        const delta = rva - owner.virtualAddress;
        const offset = ((owner.pointerToRawData & ~0x1ff) >>> 0) + delta;
        expected = delta >= owner.sizeOfRawData || offset >= 0x30000 ? -1 : offset;
      } else expected = rva < Math.min(first, 0x400) ? rva : -1;
      assert.equal(rvaToOffset(map, rva, 0x30000), expected, `round ${round} rva 0x${rva.toString(16)}`);
    }
  }
});

test('many sections that map nothing before the import table: lookups cost log S, the parse stays in budget', () => {
  const input = craft('sections-lookups', 262144);
  const { image, used, limit } = measured(input.bytes);
  const [, sections, thunks] = /sections=(\d+) thunks=(\d+)/.exec(input.params)!.map(Number);
  assert.equal(image!.sections.length, sections);
  assert.equal(image!.imports[0]!.functions.length, thunks);
  assert.ok(used <= limit && used < 30 * input.bytes.length / 8, `${used} units for ${input.bytes.length} bytes`);
});

test('overlapping raw data: the image hash refuses to read more than twice the file; modest overlap is hashed', () => {
  const input = craft('sections-overlap', 65536);
  const image = parsePe(input.bytes);
  assert.ok(image.sections.length > 700);
  rejects(() => authenticodeImageHash(input.bytes, image, 'sha256'), FORMAT, /IMAGE_SECTION_HEADER: the raw data of \d+ sections overlaps/, /cap MAX_HASH_FACTOR/);
  assert.equal(MAX_HASH_FACTOR, 2);
  // Two sections over the same raw bytes: hashed twice, as the format says (under the cap).
  const base = payloadBase(true, 2);
  const payload = new Uint8Array(0x1000).fill(7);
  const both: RawSection[] = [0, 1].map((i) => ({ virtualAddress: base + i * 0x1000, virtualSize: 0x1000, pointerToRawData: base, sizeOfRawData: 0x1000 }));
  const twice = assemble({ is64: true, payload, sections: both });
  const budget = new WorkBudget(twice.length);
  assert.equal(authenticodeImageHash(twice, parsePe(twice), 'sha256', { budget }).length, 32);
  assert.ok(budget.used >= Math.ceil(0x2000 / HASH_BYTES_PER_UNIT), `${budget.used} units: the overlap is hashed twice`);
});

test('`/N` section names: each string-table offset is scanned once and at most 256 bytes', () => {
  const input = craft('section-long-names', 65536);
  const { image, used, limit } = measured(input.bytes);
  assert.equal(image!.sections.length, 819);
  assert.ok(image!.sections.every((s) => s.longName === s.name), 'runs longer than 255 bytes stay unresolved');
  assert.ok(used <= 819 + 997 * 256 + 100 && used <= limit, `${used} units`);
  // A terminated entry resolves.
  const named = craft('section-long-names', 4096).bytes.slice();
  const table = parsePe(named).pointerToSymbolTable;
  named.set([0x2e, 0x6c, 0x6f, 0x6e, 0x67, 0], table);
  assert.equal(parsePe(named).sections[0]!.longName, '.long');
});

// ---- Certificates, DER, signatures ----------------------------------------

test('certificate tables of thousands of entries parse linearly; at most 8 signatures are verified', () => {
  const input = craft('certificates-many', 65536);
  const { image, used } = measured(input.bytes);
  assert.equal(image!.certificates.length, Number(/entries=(\d+)/.exec(input.params)![1]));
  assert.ok(image!.certificates.length <= input.bytes.length / 8);
  assert.ok(used <= image!.certificates.length + 1000);
  const result = verifyAuthenticode(input.bytes, image!);
  assert.equal(result.signed, true);
  assert.equal(result.valid, false);
  assert.equal(MAX_SIGNATURES, 8);
  assert.equal(result.signatures.length, MAX_SIGNATURES + 1);
  assert.match(result.signatures.at(-1)!.reason!, /more than 8 signatures: the rest \(at least \d+\) were not verified \(cap MAX_SIGNATURES\)/);
});

test('DER nesting is measured with an explicit stack: 200,000 levels cost no recursion and are refused at 64', () => {
  for (const depth of [65, 200_000]) {
    const indefinite = new Uint8Array(depth * 4 + 2);
    for (let i = 0; i < depth; i++) indefinite.set([0x30, 0x80], i * 2);
    indefinite.set([0x05, 0x00], depth * 2);
    assert.throws(() => scanDer(indefinite), (e: unknown) => e instanceof DerLimitError && /nested deeper than 64 levels \(cap MAX_DER_DEPTH\)/.test(e.message));
  }
  assert.equal(MAX_DER_DEPTH, 64);
  const ok = new Uint8Array(64 * 4 + 2);
  for (let i = 0; i < 64; i++) ok.set([0x30, 0x80], i * 2);
  ok.set([0x05, 0x00], 128);
  assert.deepEqual(scanDer(ok), { elements: 65, depth: 64, length: ok.length });
  // Elements: a SEQUENCE of NULLs, one past the cap.
  const nulls = (count: number) => {
    const der = new Uint8Array(6 + count * 2);
    der.set([0x30, 0x84, (count * 2) >>> 24, ((count * 2) >>> 16) & 0xff, ((count * 2) >>> 8) & 0xff, (count * 2) & 0xff]);
    for (let i = 0; i < count; i++) der.set([0x05, 0x00], 6 + i * 2);
    return der;
  };
  assert.equal(scanDer(nulls(MAX_DER_ELEMENTS - 1)).elements, MAX_DER_ELEMENTS);
  assert.throws(() => scanDer(nulls(MAX_DER_ELEMENTS)), /more than 4096 DER elements \(cap MAX_DER_ELEMENTS\)/);
  // Malformed: a child longer than its parent, a truncated header.
  assert.throws(() => scanDer(Uint8Array.of(0x30, 0x03, 0x04, 0x05, 0x00)), /runs past the end of its parent/);
  assert.throws(() => scanDer(Uint8Array.of(0x30)), /truncated element header/);
});

test('signatures with hostile DER are reported, not decoded: depth, per-blob and per-file element caps', () => {
  const deep = craft('certificate-deep-der', 65536);
  const deepResult = verifyAuthenticode(deep.bytes);
  assert.equal(deepResult.signed, true);
  assert.equal(deepResult.valid, false);
  assert.match(deepResult.signatures[0]!.reason!, /signature refused before decoding: DER nested deeper than 64 levels \(cap MAX_DER_DEPTH\)/);
  // Two blobs of 4,095 NULLs each: the first is decoded (and is no signature), the second would pass 8,192 in all.
  const count = MAX_DER_ELEMENTS - 2;
  const der = new Uint8Array(6 + count * 2);
  der.set([0x30, 0x84, 0, 0, ((count * 2) >>> 8) & 0xff, (count * 2) & 0xff]);
  for (let i = 0; i < count; i++) der.set([0x05, 0x00], 6 + i * 2);
  const bytes = buildPe({ machine: AMD64, dll: true });
  const two = signedWith(bytes, [der, der, der]);
  const result = verifyAuthenticode(two);
  assert.equal(result.signatures.length, 3);
  assert.match(result.signatures[0]!.reason!, /ContentInfo/);
  assert.match(result.signatures[1]!.reason!, /ContentInfo/);
  assert.match(result.signatures[2]!.reason!, new RegExp(`more than ${MAX_DER_ELEMENTS_PER_FILE} DER elements in all \\(cap MAX_DER_ELEMENTS_PER_FILE\\)`));
});

/** `bytes` with a certificate table holding `blobs` (no signature over it). */
function signedWith(bytes: Uint8Array, blobs: Uint8Array[]): Uint8Array {
  const image = parsePe(bytes);
  const table = certificateTable(blobs);
  const start = (bytes.length + 7) & ~7;
  const out = new Uint8Array(start + table.length);
  out.set(bytes);
  out.set(table, start);
  new DataView(out.buffer).setUint32(image.securityDirectoryOffset, start, true);
  new DataView(out.buffer).setUint32(image.securityDirectoryOffset + 4, table.length, true);
  return out;
}

test('nested signatures: the image is hashed once per algorithm, 8 are verified, none recursively', () => {
  const signer = createTestSigner();
  // A 1 MiB image, so that one image hash dominates the work count.
  const bytes = buildPe({ machine: AMD64, dll: true, sections: [{ name: '.big', data: new Uint8Array(1 << 20).fill(1) }] });
  const one = authenticodeSignature(imageDigestForSigning(bytes), 'sha256', signer);
  const signed = signPe(bytes, signer, { nested: new Array<Uint8Array>(30).fill(one) });
  const budget = new WorkBudget(signed.length);
  const wide = verifyAuthenticode(signed, parsePe(signed), { budget });
  assert.equal(wide.valid, true);
  assert.equal(wide.signatures.length, MAX_SIGNATURES + 1);
  assert.ok(wide.signatures.slice(0, MAX_SIGNATURES).every((s) => s.valid && s.signer === 'psnotify test signer'));
  assert.match(wide.signatures.at(-1)!.reason!, /more than 8 signatures: the rest \(at least 23\) were not verified/);
  const oneHash = Math.ceil(signed.length / HASH_BYTES_PER_UNIT);
  assert.ok(budget.used < oneHash + MAX_DER_ELEMENTS_PER_FILE + 100, `${budget.used} units: more than one image hash (${oneHash})`);
  // Signatures inside signatures: five levels verify (walked with a stack); twelve nest past MAX_DER_DEPTH.
  const nestedLevels = (levels: number) => {
    let inner = one;
    for (let i = 1; i < levels; i++) inner = authenticodeSignature(imageDigestForSigning(bytes), 'sha256', signer, [inner]);
    return verifyAuthenticode(signPe(bytes, signer, { nested: [inner] }));
  };
  const five = nestedLevels(4);
  assert.equal(five.signatures.length, 5);
  assert.ok(five.signatures.every((s) => s.valid));
  const twelve = nestedLevels(11);
  assert.equal(twelve.signatures.length, 1);
  assert.match(twelve.signatures[0]!.reason!, /DER nested deeper than 64 levels \(cap MAX_DER_DEPTH\)/);
  // A sha1 signature nested in a sha256 one: both verify (one hash each).
  const dual = verifyAuthenticode(signPe(bytes, signer, { nested: [authenticodeSignature(imageDigestForSigning(bytes, 'sha1'), 'sha1', signer)] }));
  assert.deepEqual(dual.signatures.map((s) => [s.digestAlgorithm, s.valid]), [['sha256', true], ['sha1', true]]);
  // Tampering still shows.
  const tampered = signPe(bytes, signer).slice();
  tampered[0x500]! ^= 1;
  assert.match(verifyAuthenticode(tampered).reason!, /image hash \(sha256\) does not match/);
});

test('signature generators of the fuzzer produce verifiable images (or ones past the DER depth cap)', () => {
  for (const seed of [1, 2, 3]) {
    for (const [kind, generate] of Object.entries(signatureGenerators)) {
      const input = generate(new Random(seed), 16384);
      const first = verifyAuthenticode(input.bytes).signatures[0]!;
      if (first.valid) continue;
      assert.equal(kind, 'signature-nested-deep', `${kind} ${input.params}: ${first.reason}`);
      assert.match(first.reason!, /cap MAX_DER_DEPTH/);
    }
  }
});

// ---- Resources and version info -------------------------------------------

test('resource trees: cycles and deep chains cost one path of four directories, never the tree', () => {
  let variants = 0;
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const input = craft('resource-tree', 65536, seed);
    const image = parsePe(input.bytes);
    const budget = new WorkBudget(input.bytes.length);
    assert.equal(readVersionInfo(input.bytes, image, { budget }), null);
    const entries = Number(/entries=(\d+)/.exec(input.params)?.[1] ?? 0);
    assert.ok(budget.used <= entries + 16, `${input.params}: ${budget.used} units`);
    variants |= input.params.includes('cycle') ? 1 : 2;
  }
  assert.equal(variants, 3, 'both the cycle and the chain were tried');
  for (const seed of [1, 2]) {
    const input = craft('version-nodes', 65536, seed);
    const budget = new WorkBudget(input.bytes.length);
    readVersionInfo(input.bytes, parsePe(input.bytes), { budget });
    assert.ok(budget.used <= input.bytes.length, `${budget.used} units for ${input.bytes.length} bytes`);
  }
  // A budget too small for the resource reads as absent (readVersionInfo never throws).
  const real = buildPe({ machine: AMD64, dll: true, versionInfo: { CompanyName: 'Contoso', FileVersion: '1.0' } });
  assert.deepEqual(readVersionInfo(real, parsePe(real)), { CompanyName: 'Contoso', FileVersion: '1.0' });
  assert.equal(readVersionInfo(real, parsePe(real), { budget: new WorkBudget(0, 10) }), null);
});

// ---- Results are bounded ---------------------------------------------------

test('decoded results stay proportional to the file: entries never exceed the work budget', () => {
  for (const kind of Object.keys(generators)) {
    for (const size of [4096, 65536]) {
      const input = craft(kind, size);
      const { image, used, limit } = measured(input.bytes);
      assert.ok(used <= limit, `${kind}: ${used} > ${limit}`);
      if (!image) continue;
      const entries = image.imports.reduce((n, i) => n + 1 + i.functions.length, 0) + image.exports.length + image.certificates.length + image.sections.length;
      assert.ok(entries <= WORK_BASE + WORK_PER_BYTE * input.bytes.length, `${kind}: ${entries} entries`);
      const hashed = new WorkBudget(input.bytes.length);
      imphash(image, { budget: hashed });
      assert.ok(hashed.used <= 2 * limit, `${kind}: imphash ${hashed.used} units`);
    }
  }
});

// ---- Image validation (NtCreateSection(SEC_IMAGE)) ------------------------

function layoutOf(bytes: Uint8Array) {
  const image = parsePe(bytes);
  return { image, opt: image.checksumOffset - 64, table: image.sectionTableOffset, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** A built DLL (.text, .rdata) patched by `edit` (given the optional header and section table offsets). */
function built(edit: (v: DataView, at: { opt: number; table: number; image: PeImage }) => void, machine = AMD64, spec: Partial<Parameters<typeof buildPe>[0]> = {}): Uint8Array {
  const bytes = buildPe({ machine, dll: true, imports: { 'KERNEL32.dll': ['ExitProcess'] }, exports: ['F'], ...spec }).slice();
  const { image, opt, table, view } = layoutOf(bytes);
  edit(view, { opt, table, image });
  return bytes;
}

const section = (table: number, index: number, field: 'VirtualSize' | 'VirtualAddress' | 'SizeOfRawData' | 'PointerToRawData') =>
  table + index * 40 + { VirtualSize: 8, VirtualAddress: 12, SizeOfRawData: 16, PointerToRawData: 20 }[field];

test('validation: built images of every machine and kind pass, and parsePe still reads what validation refuses', () => {
  for (const machine of [I386, AMD64, 0xaa64, 0x1c4]) {
    for (const kind of ['dll', 'exe', 'driver'] as const) {
      const bytes = buildPe({ machine, dll: kind === 'dll', driver: kind === 'driver', imports: { 'a.dll': ['x'] }, versionInfo: { A: 'b' } });
      assert.deepEqual(parseImageForSection(bytes).sections, parsePe(bytes).sections);
    }
  }
  const zero = built((v, { opt }) => v.setUint32(opt + 56, 0, true));
  assert.equal(parsePe(zero).sizeOfImage, 0);
  rejects(() => parseImageForSection(zero), FORMAT, /IMAGE_OPTIONAL_HEADER\.SizeOfImage: is 0 \(WRK MiCreateImageFileMap\)/);
});

test('validation: SizeOfImage and SizeOfHeaders', () => {
  rejects(() => parseImageForSection(built((v, { opt }) => v.setUint32(opt + 56, 0x100, true))), FORMAT, /SizeOfHeaders: 0x200 is not below SizeOfImage 0x100/);
  rejects(() => parseImageForSection(built((v, { opt }) => v.setUint32(opt + 56, 0x200, true))), FORMAT, /SizeOfHeaders: 0x200 is not below SizeOfImage 0x200/);
  rejects(() => parseImageForSection(built((v, { opt }) => v.setUint32(opt + 56, 0x77001000, true))), FORMAT, /SizeOfImage: 0x77001000 exceeds MM_SIZE_OF_LARGEST_IMAGE 0x77000000 \(WRK MiVerifyImageHeader\)/);
  assert.equal(MM_SIZE_OF_LARGEST_IMAGE, 0x77000000);
  // SizeOfImage = 0x77000000 exactly is allowed (the last section is stretched to reach it).
  parseImageForSection(buildPe({ machine: I386, dll: true, sizeOfImage: 0x77000000 }));
  rejects(() => parseImageForSection(built((v, { opt }) => v.setUint32(opt + 60, 0, true))), FORMAT, /SizeOfHeaders: is 0/);
  rejects(() => parseImageForSection(built((v, { opt }) => v.setUint32(opt + 32, 0x10000, true) ?? v.setUint32(opt + 56, 0x8000, true))), FORMAT, /SizeOfHeaders: 0x200 rounded up to SectionAlignment runs past SizeOfImage/);
});

test('validation: SectionAlignment and FileAlignment', () => {
  const align = (sa: number, fa: number) => built((v, { opt }) => {
    v.setUint32(opt + 32, sa, true);
    v.setUint32(opt + 36, fa, true);
  });
  rejects(() => parseImageForSection(align(0x1000, 0)), FORMAT, /FileAlignment: is 0/);
  rejects(() => parseImageForSection(align(0x1800, 0x200)), FORMAT, /SectionAlignment: 0x1800 is not a power of two/);
  rejects(() => parseImageForSection(align(0x1000, 0x600)), FORMAT, /FileAlignment: 0x600 is not a power of two/);
  rejects(() => parseImageForSection(align(0x1000, 0x100)), FORMAT, /FileAlignment: 0x100 is not a multiple of 512 and differs from SectionAlignment 0x1000/);
  rejects(() => parseImageForSection(align(0x1000, 0x2000)), FORMAT, /SectionAlignment: 0x1000 is smaller than FileAlignment 0x2000/);
  rejects(() => parseImageForSection(align(0x800, 0x200)), FORMAT, /SectionAlignment 0x800 is below the page size, so FileAlignment \(0x200\) must equal it \(ReactOS PeFmtCreateSection/);
  // Below a page with equal alignments, the file is mapped as it is: sections must sit at their own file offsets.
  rejects(() => parseImageForSection(align(0x200, 0x200)), FORMAT, /IMAGE_SECTION_HEADER\[0\] \("\.text"\)\.VirtualAddress: 0x1000 differs from PointerToRawData 0x200/);
  const single = assemble({ is64: true, payload: new Uint8Array(0x400).fill(0xc3) });
  assert.equal(parseImageForSection(single).sectionAlignment, 0x200);
  // FileAlignment past 64 KiB: the PE format says "should not", Windows maps it (docs/pe-limits.md).
  const wide = new Uint8Array(0x40000);
  wide.set(assemble({ is64: true, payload: new Uint8Array(0) }).subarray(0, 0x200));
  const v = new DataView(wide.buffer);
  const opt = 0x40 + 24;
  v.setUint32(opt + 32, 0x20000, true);
  v.setUint32(opt + 36, 0x20000, true);
  v.setUint32(opt + 56, 0x40000, true);
  v.setUint32(opt + 60, 0x20000, true);
  const table = opt + 240;
  v.setUint32(table + 8, 0x100, true);
  v.setUint32(table + 12, 0x20000, true);
  v.setUint32(table + 16, 0x20000, true);
  v.setUint32(table + 20, 0x20000, true);
  assert.equal(parseImageForSection(wide).fileAlignment, 0x20000);
  rejects(() => parseImageForSection(align(0x40000, 0x20000)), FORMAT, /SizeOfHeaders: 0x200 rounded up to SectionAlignment runs past SizeOfImage/);
});

test('validation: sections overlapping, out of order, with gaps, or past SizeOfImage; raw data past the file', () => {
  // No directories: moving sections leaves the image parseable.
  const plain = (edit: Parameters<typeof built>[0]) => built(edit, AMD64, { imports: {}, exports: [] });
  const overlap = plain((v, { table }) => v.setUint32(section(table, 1, 'VirtualAddress'), 0x1000, true));
  rejects(() => parseImageForSection(overlap), FORMAT, /IMAGE_SECTION_HEADER\[1\] \("\.rdata"\)\.VirtualAddress: 0x1000 is not 0x2000, where the previous section end/);
  const swapped = plain((v, { table }) => {
    v.setUint32(section(table, 0, 'VirtualAddress'), 0x2000, true);
    v.setUint32(section(table, 1, 'VirtualAddress'), 0x1000, true);
  });
  rejects(() => parseImageForSection(swapped), FORMAT, /IMAGE_SECTION_HEADER\[0\] \("\.text"\)\.VirtualAddress: 0x2000 is not 0x1000, where the headers end/);
  const gap = plain((v, { opt, table, image }) => {
    v.setUint32(section(table, 1, 'VirtualAddress'), 0x3000, true);
    v.setUint32(opt + 56, image.sizeOfImage + 0x1000, true);
  });
  rejects(() => parseImageForSection(gap), FORMAT, /\.VirtualAddress: 0x3000 is not 0x2000.*without gaps or overlap/);
  // SizeOfImage is rounded up to a page: 0x2010 still holds .rdata (0x2000..0x3000), 0x2000 does not.
  assert.equal(parseImageForSection(plain((v, { opt }) => v.setUint32(opt + 56, 0x2010, true))).sizeOfImage, 0x2010);
  const past = plain((v, { opt }) => v.setUint32(opt + 56, 0x2000, true));
  rejects(() => parseImageForSection(past), FORMAT, /IMAGE_SECTION_HEADER\[1\] \("\.rdata"\)\.VirtualSize: the section ends at 0x3000, past SizeOfImage 0x2000/);
  const empty = plain((v, { table }) => {
    v.setUint32(section(table, 1, 'VirtualSize'), 0, true);
    v.setUint32(section(table, 1, 'SizeOfRawData'), 0, true);
  });
  rejects(() => parseImageForSection(empty), FORMAT, /\.VirtualSize: VirtualSize and SizeOfRawData are both 0/);
  const good = built(() => {});
  rejects(() => validateImageForSection(parsePe(good), good.length - 0x200), FORMAT, /\.SizeOfRawData: raw data 0x[0-9a-f]+\+0x[0-9a-f]+ runs past the end of the \d+-byte file/);
  rejects(() => validateImageForSection(parsePe(good), 2 ** 32), STATUS_INVALID_FILE_FOR_SECTION, /smaller than 4 GiB/);
  // EFI images are held only to the overlap/order/bounds rules unless strictEfi is set.
  const efi = (bytes: Uint8Array) => {
    const copy = bytes.slice();
    const { opt, view } = layoutOf(copy);
    view.setUint16(opt + 68, 10, true);
    return copy;
  };
  assert.equal(parseImageForSection(efi(gap)).subsystem, 10);
  rejects(() => parseImageForSection(efi(gap), { strictEfi: true }), FORMAT, /without gaps or overlap/);
  rejects(() => parseImageForSection(efi(overlap)), FORMAT, /\.VirtualAddress: 0x1000 lies below 0x[0-9a-f]+, where the section before it ends: sections overlap or are out of order/);
  rejects(() => parseImageForSection(efi(swapped)), FORMAT, /sections overlap or are out of order/);
  rejects(() => parseImageForSection(efi(past)), FORMAT, /past SizeOfImage/);
});

test('validation: header fields — characteristics, machine and magic, optional header size, image base', () => {
  rejects(() => parseImageForSection(built((v) => v.setUint16(0x84 + 18, 0x2000, true))), FORMAT, /IMAGE_FILE_HEADER\.Characteristics: 0x2000 lacks IMAGE_FILE_EXECUTABLE_IMAGE/);
  rejects(() => parseImageForSection(built((v) => v.setUint16(0x84, AMD64, true), I386)), FORMAT, /Magic: PE32 \(0x10B\) with the 64-bit machine 0x8664/);
  rejects(() => parseImageForSection(built((v) => v.setUint16(0x84, I386, true))), FORMAT, /Magic: PE32\+ \(0x20B\) with the 32-bit machine 0x14c/);
  rejects(() => parseImageForSection(buildPe({ machine: AMD64, dll: true, imageBase: 0x180001000n })), FORMAT, /ImageBase: 0x180001000 is not a multiple of 64 KiB/);
  // SizeOfOptionalHeader 244: the section table moved 4 bytes to follow it.
  const odd = built((v, { table, image }) => {
    const bytes = new Uint8Array(v.buffer);
    bytes.copyWithin(table + 4, table, table + image.sections.length * 40);
    v.setUint16(0x84 + 16, 244, true);
  });
  assert.equal(parsePe(odd).sections[0]!.name, '.text');
  rejects(() => parseImageForSection(odd), FORMAT, /SizeOfOptionalHeader: 244 is not a multiple of 8/);
});

test('validation: what NtCreateSection says before the PE header — NOT_MZ, PROTECT, NE_FORMAT, WIN_16', () => {
  const good = buildPe({ machine: AMD64, dll: true });
  rejects(() => parseImageForSection(new Uint8Array(10)), STATUS_INVALID_IMAGE_NOT_MZ, /shorter than a DOS header/);
  rejects(() => parseImageForSection(good.slice().fill(0, 0, 2)), STATUS_INVALID_IMAGE_NOT_MZ, /e_magic: not "MZ"/);
  const lfanew = (value: number) => {
    const copy = good.slice();
    new DataView(copy.buffer).setUint32(0x3c, value, true);
    return copy;
  };
  rejects(() => parseImageForSection(lfanew(good.length + 4)), STATUS_INVALID_IMAGE_PROTECT, /e_lfanew: 0x[0-9a-f]+ points past the end/);
  rejects(() => parseImageForSection(lfanew(good.length - 100)), STATUS_INVALID_IMAGE_PROTECT, /the file ends before a whole IMAGE_NT_HEADERS \(264 bytes\)/);
  rejects(() => parseImageForSection(lfanew(0x40)), STATUS_INVALID_IMAGE_PROTECT, /Signature: not "PE\\0\\0"/);
  // The NT headers two bytes earlier: e_lfanew 0x7e is not a multiple of 4.
  const moved = good.slice();
  moved.copyWithin(0x7e, 0x80, 0x400);
  new DataView(moved.buffer).setUint32(0x3c, 0x7e, true);
  assert.equal(parsePe(moved).machine, AMD64);
  rejects(() => parseImageForSection(moved), STATUS_INVALID_IMAGE_PROTECT, /e_lfanew: 0x7e is not a multiple of 4/);
  const bogus = good.slice();
  new DataView(bogus.buffer).setUint16(0x84, 0, true);
  new DataView(bogus.buffer).setUint16(0x84 + 16, 0, true);
  rejects(() => parseImageForSection(bogus), STATUS_INVALID_IMAGE_PROTECT, /Machine and SizeOfOptionalHeader are both 0/);
  const ne = (exeType: number) => {
    const copy = lfanew(0x80);
    copy.set([0x4e, 0x45], 0x80);
    const v = new DataView(copy.buffer);
    v.setUint16(0x80 + 4, 0x40, true); // ne_enttab
    v.setUint16(0x80 + 42, 0x50, true); // ne_imptab
    copy[0x80 + 54] = exeType;
    return copy;
  };
  rejects(() => parseImageForSection(ne(2)), STATUS_INVALID_IMAGE_WIN_16, /"NE": a 16-bit Windows \(NE\) image/);
  rejects(() => parseImageForSection(ne(1)), STATUS_INVALID_IMAGE_NE_FORMAT, /an OS\/2 \(NE\) image/);
  rejects(() => parseImageForSection(ne(5)), STATUS_INVALID_IMAGE_PROTECT, /an NE image for DOS/);
});

test('validation: every real corpus image parses and validates; EFI images fail only under strictEfi', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  let checked = 0;
  let efiStrict = 0;
  for (const file of corpusImages(corpusRoot)) {
    let image: PeImage;
    try {
      image = parseImageForSection(file.bytes);
    } catch (error) {
      assert.fail(`${file.relative}: ${(error as Error).message}`);
    }
    checked++;
    if (image.subsystem < 10) {
      assert.doesNotThrow(() => validateImageForSection(image, file.bytes.length, { strictEfi: true }), file.relative);
    } else {
      try {
        validateImageForSection(image, file.bytes.length, { strictEfi: true });
      } catch {
        efiStrict++;
      }
    }
  }
  assert.ok(checked >= 700, `only ${checked} images`);
  assert.ok(efiStrict > 0, 'some real EFI images break the layout rules Windows applies');
});

// ---- Bounded host reads ----------------------------------------------------

test('readFileBounded: regular files only, never more than the cap, never blocked by a FIFO', { timeout: 10_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'psnotify-bounded-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'image.dll');
  const bytes = buildPe({ machine: AMD64, dll: true });
  writeFileSync(file, bytes);
  assert.deepEqual(readFileBounded(file, bytes.length, 'PE image'), bytes);
  assert.ok(MAX_IMAGE_FILE_BYTES >= 64 << 20);
  rejects(() => readFileBounded(file, bytes.length - 1, 'PE image'), STATUS_FILE_TOO_LARGE, new RegExp(`PE image ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${bytes.length} bytes is more than the ${bytes.length - 1}-byte limit`));
  writeFileSync(join(dir, 'empty'), new Uint8Array(0));
  assert.equal(readFileBounded(join(dir, 'empty'), 0, 'PE image').length, 0);
  rejects(() => readFileBounded(dir, 1 << 20, 'PE image'), STATUS_FILE_IS_A_DIRECTORY, /PE image .*psnotify-bounded-\w+: is a directory, not a regular file/);
  rejects(() => readFileBounded(join(dir, 'missing'), 100, 'PE image'), STATUS_OBJECT_NAME_NOT_FOUND, /missing/);
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  rejects(() => readFileBounded(fifo, 1 << 20, 'PE image'), STATUS_INVALID_DEVICE_REQUEST, /PE image .*pipe: is a FIFO \(named pipe\), not a regular file/);
  if (existsSync('/dev/zero')) rejects(() => readFileBounded('/dev/zero', 1 << 20, 'PE image'), STATUS_INVALID_DEVICE_REQUEST, /\/dev\/zero: is a character device, not a regular file/);
  // /proc files claim 0 bytes and hold more: the read stops one byte past the cap.
  if (existsSync('/proc/self/status')) {
    rejects(() => readFileBounded('/proc/self/status', 16, 'status'), STATUS_FILE_TOO_LARGE, /grew past the 16-byte limit while being read/);
    assert.ok(readFileBounded('/proc/self/status', 1 << 20, 'status').length > 16);
  }
});
