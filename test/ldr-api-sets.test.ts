// API-set resolution (docs/loader.md, "API sets"): the builtin map, a real v6
// apisetschema.dll built here, extension sets, empty hosts, malformed schemas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPe, NtStatusError, STATUS_DLL_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, type Kernel } from '../src/index.js';
import { builtinApiSetHost } from '../src/ldr/api-set-map.js';
import { ApiSetSchema, hashName } from '../src/ldr/api-set-schema.js';
import { apiSetMatchKey } from '../src/ldr/dll-name.js';
import { CONTRACT_FUNCTIONS } from '../src/catalog/api-contracts.js';
import { ApiSetResolver, SCHEMA_PATH } from '../src/ldr/api-sets.js';
import { SectionCache } from '../src/mm/section.js';
import { SystemVolume } from '../src/fs/volume.js';
import { imageLabel } from '../src/ci/code-integrity.js';
import { recorder, shortName, testKernel, writeDll, type Seen } from './helpers/system.js';

const S32 = 'C:\\Windows\\System32';

interface Contract {
  name: string; // without .dll, with version
  hosts: string[]; // default first; [] = no host
  byImporter?: Record<string, string>;
}

/** A version-6 schema blob: header, entries, values, strings, hash table (factor 31). */
function schemaBlob(contracts: Contract[]): Uint8Array {
  const strings: number[] = [];
  const stringsAt = 28 + contracts.length * 24 + contracts.reduce((n, c) => n + (c.hosts.length + Object.keys(c.byImporter ?? {}).length) * 20, 0);
  const addString = (text: string): [number, number] => {
    const offset = stringsAt + strings.length;
    for (const ch of text) strings.push(ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8);
    return [offset, text.length * 2];
  };
  const entries: number[][] = [];
  const values: number[][] = [];
  let valueAt = 28 + contracts.length * 24;
  for (const c of contracts) {
    const [nameOffset, nameLength] = addString(c.name);
    const hashed = c.name.slice(0, c.name.lastIndexOf('-'));
    const list: [string, string][] = [...c.hosts.map((h) => ['', h] as [string, string]), ...Object.entries(c.byImporter ?? {})];
    entries.push([1, nameOffset, nameLength, hashed.length * 2, valueAt, list.length]);
    for (const [importer, host] of list) {
      const [io, il] = importer ? addString(importer) : [0, 0];
      const [ho, hl] = addString(host);
      values.push([0, io, il, ho, hl]);
      valueAt += 20;
    }
  }
  const hashAt = stringsAt + strings.length + ((4 - (strings.length % 4)) % 4);
  const hashes = contracts
    .map((c, index) => ({ hash: hashName(c.name.slice(0, c.name.lastIndexOf('-')), 31), index }))
    .sort((a, b) => a.hash - b.hash);
  const size = hashAt + contracts.length * 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  [6, size, 0, contracts.length, 28, hashAt, 31].forEach((v, i) => view.setUint32(i * 4, v, true));
  entries.forEach((e, i) => e.forEach((v, j) => view.setUint32(28 + i * 24 + j * 4, v, true)));
  values.forEach((e, i) => e.forEach((v, j) => view.setUint32(28 + contracts.length * 24 + i * 20 + j * 4, v, true)));
  out.set(strings, stringsAt);
  hashes.forEach((h, i) => {
    view.setUint32(hashAt + i * 8, h.hash, true);
    view.setUint32(hashAt + i * 8 + 4, h.index, true);
  });
  return out;
}

/** A data-only PE32+ DLL whose one section is `.apiset` (what apisetschema.dll is). */
function schemaDll(blob: Uint8Array): Uint8Array {
  const fileAlign = 0x200;
  const raw = Math.ceil(blob.length / fileAlign) * fileAlign;
  const out = new Uint8Array(0x200 + raw);
  const v = new DataView(out.buffer);
  out.set([0x4d, 0x5a]);
  v.setUint32(0x3c, 0x40, true);
  v.setUint32(0x40, 0x00004550, true);
  const coff = 0x44;
  v.setUint16(coff, 0x8664, true);
  v.setUint16(coff + 2, 1, true);
  v.setUint16(coff + 16, 240, true);
  v.setUint16(coff + 18, 0x2022, true); // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE | DLL
  const opt = coff + 20;
  v.setUint16(opt, 0x20b, true);
  v.setUint32(opt + 8, raw, true); // SizeOfInitializedData
  v.setBigUint64(opt + 24, 0x180000000n, true);
  v.setUint32(opt + 32, 0x1000, true);
  v.setUint32(opt + 36, fileAlign, true);
  v.setUint16(opt + 40, 10, true);
  v.setUint16(opt + 48, 10, true);
  v.setUint32(opt + 56, 0x1000 + Math.ceil(blob.length / 0x1000) * 0x1000, true); // SizeOfImage
  v.setUint32(opt + 60, 0x200, true); // SizeOfHeaders
  v.setUint16(opt + 68, 3, true);
  v.setUint16(opt + 70, 0x160, true);
  v.setBigUint64(opt + 72, 0x100000n, true);
  v.setBigUint64(opt + 80, 0x1000n, true);
  v.setBigUint64(opt + 88, 0x100000n, true);
  v.setBigUint64(opt + 96, 0x1000n, true);
  v.setUint32(opt + 108, 16, true);
  const section = opt + 240;
  out.set([...'.apiset'].map((c) => c.charCodeAt(0)), section);
  v.setUint32(section + 8, blob.length, true);
  v.setUint32(section + 12, 0x1000, true);
  v.setUint32(section + 16, raw, true);
  v.setUint32(section + 20, 0x200, true);
  v.setUint32(section + 36, 0x40000040, true);
  out.set(blob, 0x200);
  return out;
}

function watched(kernel: Kernel): Seen[] {
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(recorder(kernel, seen));
  return seen;
}

test('match key: the name without .dll and its last -N component, as Windows hashes it', () => {
  assert.equal(apiSetMatchKey('API-MS-Win-Core-File-L1-2-4.dll'), 'api-ms-win-core-file-l1-2');
  assert.equal(apiSetMatchKey('api-ms-win-core-file-l1-2-0'), 'api-ms-win-core-file-l1-2');
});

test('the builtin map resolves every contract the builtin system imports to the host it expects', () => {
  for (const contract of Object.keys(CONTRACT_FUNCTIONS)) {
    assert.ok(builtinApiSetHost(apiSetMatchKey(contract)), `${contract} has no builtin host`);
  }
  const expected: Record<string, string> = {
    'api-ms-win-core-processthreads-l1-1-0': 'kernelbase.dll',
    'api-ms-win-core-com-l1-1-0': 'combase.dll',
    'api-ms-win-service-core-l1-1-0': 'sechost.dll',
    'api-ms-win-security-sddl-l1-1-0': 'sechost.dll',
    'api-ms-win-security-base-l1-1-0': 'kernelbase.dll',
    'api-ms-win-crt-runtime-l1-1-0': 'ucrtbase.dll',
  };
  for (const [contract, host] of Object.entries(expected)) assert.equal(builtinApiSetHost(apiSetMatchKey(contract)), host, contract);
  assert.equal(builtinApiSetHost(apiSetMatchKey('api-ms-win-core-rtlsupport-l1-2-0')), 'ntdll.dll');
  assert.equal(builtinApiSetHost(apiSetMatchKey('api-ms-win-crt-convert-l1-1-0')), 'ucrtbase.dll');
  assert.equal(builtinApiSetHost(apiSetMatchKey('api-ms-win-eventing-provider-l1-1-0')), 'kernelbase.dll');
  assert.equal(builtinApiSetHost(apiSetMatchKey('ext-ms-win-something-l1-1-0')), null);
});

test('without a schema: imports of api-ms-win-* load the builtin host once; an ext-ms-* set with no host is skipped', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, `${S32}\\ucrtbase.dll`, native, ['malloc', 'free'], { 'kernel32.dll': ['ExitProcess'] });
  kernel.fs.writeFile('C:\\Tools\\crt.exe', buildPe({
    machine: native,
    imports: {
      'api-ms-win-crt-heap-l1-1-0.dll': ['malloc'],
      'api-ms-win-crt-heap-l1-1-1.dll': ['free'], // another minor version: same host, loaded once
      'api-ms-win-core-file-l1-2-4.dll': ['CreateFileW'], // → KernelBase (already loaded)
      'ext-ms-win-nothing-l1-1-0.dll': ['Whatever'],
    },
  }));
  const seen = watched(kernel);
  kernel.createProcess('C:\\Tools\\crt.exe');
  assert.deepEqual(seen.map((s) => shortName(s.name)), [
    'Tools\\crt.exe', 'System32\\ntdll.dll', 'System32\\kernel32.dll', 'System32\\KernelBase.dll', 'System32\\ucrtbase.dll',
  ]);
});

test('without a schema, a contract the builtin map lacks falls back to a file of that name; none → DLL_NOT_FOUND', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  writeDll(kernel, 'C:\\Tools\\api-ms-win-vendor-thing-l1-1-0.dll', native, ['Thing']);
  kernel.fs.writeFile('C:\\Tools\\t.exe', buildPe({ machine: native, imports: { 'api-ms-win-vendor-thing-l1-1-0.dll': ['Thing'] } }));
  const seen = watched(kernel);
  kernel.createProcess('C:\\Tools\\t.exe');
  assert.equal(shortName(seen.at(-1)!.name), 'Tools\\api-ms-win-vendor-thing-l1-1-0.dll');
  kernel.fs.writeFile('C:\\Tools\\u.exe', buildPe({ machine: native, imports: { 'api-ms-win-vendor-other-l1-1-0.dll': ['X'] } }));
  assert.throws(() => kernel.createProcess('C:\\Tools\\u.exe'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_DLL_NOT_FOUND && /api-ms-win-vendor-other/.test(e.message));
});

test('a real v6 apisetschema.dll decides: hosts, importer-specific hosts, empty hosts, extension sets', () => {
  const kernel = testKernel();
  const native = kernel.nativeMachine;
  kernel.fs.writeFile(`${S32}\\apisetschema.dll`, schemaDll(schemaBlob([
    { name: 'api-ms-win-core-file-l1-2-4', hosts: ['kernelbase.dll'] },
    { name: 'api-ms-win-demo-widget-l1-1-0', hosts: ['widget.dll'], byImporter: { 'special.dll': 'widgetlegacy.dll' } },
    { name: 'api-ms-win-demo-empty-l1-1-0', hosts: [] },
    { name: 'ext-ms-win-demo-absent-l1-1-0', hosts: [] },
    // The builtin map would send crt to ucrtbase; the schema says otherwise and wins.
    { name: 'api-ms-win-crt-heap-l1-1-0', hosts: ['mycrt.dll'] },
  ])));
  writeDll(kernel, `${S32}\\widget.dll`, native, ['Widget']);
  writeDll(kernel, `${S32}\\widgetlegacy.dll`, native, ['Widget']);
  writeDll(kernel, `${S32}\\mycrt.dll`, native, ['malloc']);
  writeDll(kernel, `${S32}\\special.dll`, native, ['S'], { 'api-ms-win-demo-widget-l1-1-0.dll': ['Widget'] });
  kernel.fs.writeFile('C:\\Tools\\w.exe', buildPe({
    machine: native,
    imports: {
      'api-ms-win-demo-widget-l1-1-3.dll': ['Widget'],
      'special.dll': ['S'],
      'api-ms-win-crt-heap-l1-1-0.dll': ['malloc'],
      'ext-ms-win-demo-absent-l1-1-0.dll': ['Gone'],
    },
  }));
  const seen = watched(kernel);
  const process = kernel.createProcess('C:\\Tools\\w.exe');
  assert.deepEqual(seen.slice(4).map((s) => shortName(s.name)), ['System32\\widget.dll', 'System32\\special.dll', 'System32\\widgetlegacy.dll', 'System32\\mycrt.dll']);
  assert.throws(() => process.loadLibrary('api-ms-win-demo-empty-l1-1-0.dll'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_DLL_NOT_FOUND && /no host/.test(e.message));
  // The loader layer on its own: a resolver over a volume holding the same schema file.
  const volume = new SystemVolume();
  volume.writeFile(SCHEMA_PATH, kernel.fs.readFile(SCHEMA_PATH));
  assert.equal(new ApiSetResolver(volume, new SectionCache(imageLabel, 0n)).schema()?.size, 5);
});

test('a malformed schema is STATUS_INVALID_IMAGE_FORMAT naming the field', () => {
  const good = schemaBlob([{ name: 'api-ms-win-core-file-l1-2-4', hosts: ['kernelbase.dll'] }]);
  const cases: [string, (b: DataView) => void, RegExp][] = [
    ['version', (b) => b.setUint32(0, 2, true), /Version is 2/],
    ['size', (b) => b.setUint32(4, 0xffffff, true), /Size/],
    ['entry offset', (b) => b.setUint32(16, 0xfff0, true), /EntryOffset/],
    ['name', (b) => b.setUint32(28 + 4, 0xfff0, true), /entry 0 NameOffset/],
    ['value offset', (b) => b.setUint32(28 + 16, 0xfff0, true), /entry 0 ValueOffset/],
    ['hash index', (b) => b.setUint32(b.getUint32(20, true) + 4, 9, true), /hash entry 0 Index/],
  ];
  for (const [label, corrupt, message] of cases) {
    const bytes = good.slice();
    corrupt(new DataView(bytes.buffer));
    assert.throws(() => ApiSetSchema.parse(bytes, 'test.dll'), (e: unknown) => {
      assert.ok(e instanceof NtStatusError, label);
      assert.equal(e.status, STATUS_INVALID_IMAGE_FORMAT, label);
      assert.match(e.message, message, label);
      return true;
    });
  }
  assert.throws(() => ApiSetSchema.parse(good.subarray(0, 10), 'test.dll'), /truncated/);
  assert.equal(ApiSetSchema.parse(good, 'test.dll').resolve('api-ms-win-core-file-l1-2', null)?.host, 'kernelbase.dll');
  assert.equal(ApiSetSchema.parse(good, 'test.dll').resolve('api-ms-win-core-file-l1-3', null), null);
});

test('a malformed schema on the volume makes an API-set import fail the start with INVALID_IMAGE_FORMAT', () => {
  const kernel = testKernel();
  const blob = schemaBlob([{ name: 'api-ms-win-core-file-l1-2-4', hosts: ['kernelbase.dll'] }]);
  new DataView(blob.buffer).setUint32(0, 4, true);
  kernel.fs.writeFile(`${S32}\\apisetschema.dll`, schemaDll(blob));
  kernel.fs.writeFile('C:\\Tools\\a.exe', buildPe({ machine: kernel.nativeMachine, imports: { 'api-ms-win-core-file-l1-2-4.dll': ['CreateFileW'] } }));
  assert.throws(() => kernel.createProcess('C:\\Tools\\a.exe'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_INVALID_IMAGE_FORMAT && /apisetschema\.dll/.test(e.message));
});
