// API-set contract resolution as pure units, without a Kernel: what
// test/ldr-api-sets.test.ts (which drives the loader through a Kernel) leaves
// out. The name rules of src/ldr/dll-name.ts, ApiSetSchema.resolve on a schema
// built here, and ApiSetResolver over a bare volume (docs/loader.md, "API sets").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageLabel } from '../src/ci/code-integrity.js';
import { SystemVolume } from '../src/fs/volume.js';
import { ApiSetSchema, hashName } from '../src/ldr/api-set-schema.js';
import { ApiSetResolver, SCHEMA_PATH } from '../src/ldr/api-sets.js';
import { apiSetMatchKey, foldDllName, isApiSetName, isExtensionSetName } from '../src/ldr/dll-name.js';
import { SectionCache } from '../src/mm/section.js';
import { IMAGE_FILE_MACHINE_AMD64 } from '../src/nt/constants.js';
import { buildPe } from '../src/pe/build.js';

// ---------------------------------------------------------------- a v6 schema, built by hand

interface Contract {
  /** As stored: without `.dll`, with its version, in any case. */
  name: string;
  /** Hosts; the first is the default. [] = no host. */
  hosts?: string[];
  /** Importer (folded base name) → its own host. */
  byImporter?: Record<string, string>;
}

/**
 * The `.apiset` section of a version-6 schema: namespace header (28 bytes),
 * entries (24), values (20), UTF-16 strings, then the hash table sorted by hash.
 */
function schemaSection(contracts: Contract[], factor = 31): Uint8Array {
  const valueCount = contracts.reduce((n, c) => n + (c.hosts ?? []).length + Object.keys(c.byImporter ?? {}).length, 0);
  const entriesAt = 28;
  const valuesAt = entriesAt + contracts.length * 24;
  const stringsAt = valuesAt + valueCount * 20;
  const strings: number[] = [];
  const put = (text: string): [number, number] => {
    const at = stringsAt + strings.length;
    for (const ch of text) strings.push(ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8);
    return [at, text.length * 2];
  };
  const entryWords: number[][] = [];
  const valueWords: number[][] = [];
  for (const c of contracts) {
    const [nameAt, nameLength] = put(c.name);
    const hashedLength = c.name.lastIndexOf('-') * 2;
    const values: [string, string][] = [...(c.hosts ?? []).map((h): [string, string] => ['', h]), ...Object.entries(c.byImporter ?? {})];
    entryWords.push([0, nameAt, nameLength, hashedLength, valuesAt + valueWords.length * 20, values.length]);
    for (const [importer, host] of values) {
      const [importerAt, importerLength] = importer === '' ? [0, 0] : put(importer);
      const [hostAt, hostLength] = put(host);
      valueWords.push([0, importerAt, importerLength, hostAt, hostLength]);
    }
  }
  const hashAt = stringsAt + strings.length + ((4 - (strings.length % 4)) % 4);
  const size = hashAt + contracts.length * 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  [6, size, 0, contracts.length, entriesAt, hashAt, factor].forEach((v, i) => view.setUint32(i * 4, v, true));
  entryWords.forEach((words, i) => words.forEach((v, j) => view.setUint32(entriesAt + i * 24 + j * 4, v, true)));
  valueWords.forEach((words, i) => words.forEach((v, j) => view.setUint32(valuesAt + i * 20 + j * 4, v, true)));
  out.set(strings, stringsAt);
  contracts
    .map((c, index) => ({ hash: hashName(c.name.slice(0, c.name.lastIndexOf('-')).toLowerCase(), factor), index }))
    .sort((a, b) => a.hash - b.hash)
    .forEach(({ hash, index }, i) => {
      view.setUint32(hashAt + i * 8, hash, true);
      view.setUint32(hashAt + i * 8 + 4, index, true);
    });
  return out;
}

/** apisetschema.dll: a data-only DLL whose `.apiset` section holds the schema. */
function schemaDll(contracts: Contract[]): Uint8Array {
  return buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, code: false, sections: [{ name: '.apiset', data: schemaSection(contracts) }] });
}

function resolverOver(volume: SystemVolume): ApiSetResolver {
  return new ApiSetResolver(volume, new SectionCache(imageLabel, 0xffff_c000_0000_0000n));
}

const DEMO: Contract[] = [
  { name: 'api-ms-win-core-file-l1-2-4', hosts: ['kernelbase.dll'] },
  { name: 'api-ms-win-demo-widget-l1-1-3', hosts: ['widget.dll'], byImporter: { 'special.dll': 'widgetlegacy.dll', 'other.dll': 'widgetother.dll' } },
  { name: 'api-ms-win-demo-empty-l1-1-0', hosts: [] },
  { name: 'ext-ms-win-demo-absent-l1-1-0', hosts: [] },
  { name: 'ext-ms-win-demo-present-l1-1-0', hosts: ['present.dll'] },
  { name: 'API-MS-Win-Demo-Upper-L1-1-0', hosts: ['upper.dll'] },
];

// ---------------------------------------------------------------- dll-name.ts: the matching key

test('apiSetMatchKey() strips only the component after the last hyphen', () => {
  assert.equal(apiSetMatchKey('api-ms-win-core-file-l1-2-4'), 'api-ms-win-core-file-l1-2');
  assert.equal(apiSetMatchKey('api-ms-win-core-file-l1-2'), 'api-ms-win-core-file-l1', 'whatever comes last goes, version or not');
  assert.equal(apiSetMatchKey('ext-ms-win-ntuser-window-l1-1-10.dll'), 'ext-ms-win-ntuser-window-l1-1');
});

test('apiSetMatchKey() folds case and makes `.dll` optional', () => {
  const key = 'api-ms-win-core-synch-l1-2';
  for (const spelling of ['api-ms-win-core-synch-l1-2-0', 'api-ms-win-core-synch-l1-2-0.dll', 'API-MS-WIN-CORE-SYNCH-L1-2-0.DLL', 'Api-Ms-Win-Core-Synch-L1-2-1.Dll']) {
    assert.equal(apiSetMatchKey(spelling), key, spelling);
  }
});

test('apiSetMatchKey() leaves a name without a hyphen whole, without `.dll`', () => {
  assert.equal(apiSetMatchKey('KERNEL32.DLL'), 'kernel32');
  assert.equal(apiSetMatchKey('kernel32'), 'kernel32');
});

test('apiSetMatchKey() does not strip `.dll` from the middle of a name', () => {
  assert.equal(apiSetMatchKey('api-ms-win-x.dll-l1-1-0'), 'api-ms-win-x.dll-l1-1');
});

// ---------------------------------------------------------------- dll-name.ts: prefixes

test('isApiSetName() is true for `api-` and `ext-` names in any case, and only for those prefixes', () => {
  for (const name of ['api-ms-win-core-file-l1-2-4.dll', 'API-MS-WIN-CORE-FILE-L1-2-4.DLL', 'ext-ms-win-ntuser-window-l1-1-0.dll', 'EXT-MS-Win-Foo-L1-1-0', 'api-anything']) {
    assert.equal(isApiSetName(name), true, name);
  }
  for (const name of ['kernel32.dll', 'apisetschema.dll', 'api.dll', 'extension.dll', 'my-api-ms-win-core-file-l1-2-4.dll', 'apiXms-win.dll', 'C:\\Windows\\System32\\api-ms-win-core-file-l1-2-4.dll']) {
    assert.equal(isApiSetName(name), false, name);
  }
});

test('isExtensionSetName() is true for `ext-` names in any case, false for `api-` names', () => {
  assert.equal(isExtensionSetName('ext-ms-win-gdi-draw-l1-1-0.dll'), true);
  assert.equal(isExtensionSetName('EXT-MS-WIN-GDI-DRAW-L1-1-0.DLL'), true);
  assert.equal(isExtensionSetName('api-ms-win-core-file-l1-2-4.dll'), false);
  assert.equal(isExtensionSetName('extension.dll'), false);
});

test('foldDllName() folds case and adds `.dll` only when the base name has no extension', () => {
  assert.equal(foldDllName('KERNEL32'), 'kernel32.dll');
  assert.equal(foldDllName('Kernel32.DLL'), 'kernel32.dll');
  assert.equal(foldDllName('API-MS-WIN-CORE-FILE-L1-2-4'), 'api-ms-win-core-file-l1-2-4.dll');
  assert.equal(foldDllName('winspool.DRV'), 'winspool.drv');
  assert.equal(foldDllName('noext.'), 'noext.', 'a trailing dot says: no extension');
  assert.equal(foldDllName('C:\\Some.Dir\\Plugin'), 'c:\\some.dir\\plugin.dll', 'a dot in a folder name is not an extension');
});

// ---------------------------------------------------------------- ApiSetSchema.resolve

test('ApiSetSchema.resolve() finds a contract by its match key, whatever minor version was imported', () => {
  const schema = ApiSetSchema.parse(schemaSection(DEMO), 'demo');
  assert.equal(schema.size, DEMO.length);
  for (const imported of ['api-ms-win-core-file-l1-2-0.dll', 'api-ms-win-core-file-l1-2-4', 'api-ms-win-core-file-l1-2-9.dll']) {
    assert.deepEqual(schema.resolve(apiSetMatchKey(imported), null), { host: 'kernelbase.dll' }, imported);
  }
});

test('ApiSetSchema.resolve() folds the names the schema stores', () => {
  const schema = ApiSetSchema.parse(schemaSection(DEMO), 'demo');
  assert.deepEqual(schema.resolve(apiSetMatchKey('api-ms-win-demo-upper-l1-1-0.dll'), null), { host: 'upper.dll' });
});

test('ApiSetSchema.resolve() gives an importer listed for the contract its own host, everyone else the default', () => {
  const schema = ApiSetSchema.parse(schemaSection(DEMO), 'demo');
  const key = apiSetMatchKey('api-ms-win-demo-widget-l1-1-0.dll');
  assert.deepEqual(schema.resolve(key, 'special.dll'), { host: 'widgetlegacy.dll' });
  assert.deepEqual(schema.resolve(key, 'other.dll'), { host: 'widgetother.dll' });
  assert.deepEqual(schema.resolve(key, 'app.exe'), { host: 'widget.dll' });
  assert.deepEqual(schema.resolve(key, null), { host: 'widget.dll' });
  assert.deepEqual(schema.resolve(key, 'widget.dll'), { host: 'widget.dll' }, 'the default host importing its own contract');
});

test('ApiSetSchema.resolve() gives { host: null } for a contract with no host, `api-` and `ext-` alike', () => {
  const schema = ApiSetSchema.parse(schemaSection(DEMO), 'demo');
  assert.deepEqual(schema.resolve(apiSetMatchKey('api-ms-win-demo-empty-l1-1-0'), null), { host: null });
  assert.deepEqual(schema.resolve(apiSetMatchKey('ext-ms-win-demo-absent-l1-1-0'), 'special.dll'), { host: null });
  assert.deepEqual(schema.resolve(apiSetMatchKey('ext-ms-win-demo-present-l1-1-0'), null), { host: 'present.dll' });
});

test('ApiSetSchema.resolve() treats a single empty host value as no host', () => {
  const schema = ApiSetSchema.parse(schemaSection([{ name: 'api-ms-win-demo-blank-l1-1-0', hosts: [''] }]), 'demo');
  assert.deepEqual(schema.resolve('api-ms-win-demo-blank-l1-1', null), { host: null });
});

test('ApiSetSchema.resolve() returns null for an unknown contract, another major version, or a prefix of a known key', () => {
  const schema = ApiSetSchema.parse(schemaSection(DEMO), 'demo');
  assert.equal(schema.resolve(apiSetMatchKey('api-ms-win-demo-missing-l1-1-0'), null), null);
  assert.equal(schema.resolve(apiSetMatchKey('api-ms-win-core-file-l1-3-0'), null), null);
  assert.equal(schema.resolve(apiSetMatchKey('api-ms-win-core-file-l2-2-0'), null), null);
  assert.equal(schema.resolve('api-ms-win-core-file-l1', null), null);
  assert.equal(schema.resolve('api-ms-win-core-file-l1-2-4', null), null, 'a full name is not a match key');
});

test('ApiSetSchema.resolve() uses the hash factor the header names', () => {
  const contracts: Contract[] = [
    { name: 'api-ms-win-a-l1-1-0', hosts: ['a.dll'] },
    { name: 'api-ms-win-b-l1-1-0', hosts: ['b.dll'] },
    { name: 'api-ms-win-c-l1-1-0', hosts: ['c.dll'] },
  ];
  const schema = ApiSetSchema.parse(schemaSection(contracts, 0x1003f), 'factor');
  for (const letter of ['a', 'b', 'c']) {
    assert.deepEqual(schema.resolve(`api-ms-win-${letter}-l1-1`, null), { host: `${letter}.dll` });
  }
});

test('hashName() is h = h × factor + c over the UTF-16 units, modulo 2^32', () => {
  assert.equal(hashName('', 31), 0);
  assert.equal(hashName('a', 31), 0x61);
  assert.equal(hashName('ab', 31), 0x61 * 31 + 0x62);
  let expected = 0n;
  const name = 'api-ms-win-core-processthreads-l1-1';
  for (const ch of name) expected = (expected * 0x1003fn + BigInt(ch.charCodeAt(0))) % 2n ** 32n;
  assert.equal(hashName(name, 0x1003f), Number(expected));
});

// ---------------------------------------------------------------- ApiSetResolver over a bare volume

test('ApiSetResolver without a schema on the volume uses the builtin map, longest prefix first', () => {
  const resolver = resolverOver(new SystemVolume());
  assert.equal(resolver.schema(), null);
  assert.deepEqual(resolver.resolve('api-ms-win-core-file-l1-2-4.dll', null), { host: 'kernelbase.dll' });
  assert.deepEqual(resolver.resolve('API-MS-WIN-CORE-COM-PRIVATE-L1-1-0.DLL', null), { host: 'combase.dll' });
  assert.deepEqual(resolver.resolve('api-ms-win-core-rtlsupport-l1-2-0', null), { host: 'ntdll.dll' });
  assert.deepEqual(resolver.resolve('api-ms-win-security-lsalookup-l2-1-0.dll', null), { host: 'advapi32.dll' });
  assert.deepEqual(resolver.resolve('api-ms-win-security-lsalookup-l1-1-0.dll', null), { host: 'sechost.dll' });
  assert.deepEqual(resolver.resolve('ext-ms-win-ntuser-window-l1-1-0.dll', null), { host: 'user32.dll' });
});

test('ApiSetResolver without a schema: an extension set the builtin map lacks is unknown (null), as is any other name', () => {
  const resolver = resolverOver(new SystemVolume());
  assert.equal(resolver.resolve('ext-ms-win-demo-absent-l1-1-0.dll', null), null);
  assert.equal(resolver.resolve('api-ms-win-vendor-thing-l1-1-0.dll', null), null);
});

test('ApiSetResolver without a schema ignores the importer', () => {
  const resolver = resolverOver(new SystemVolume());
  assert.deepEqual(resolver.resolve('api-ms-win-crt-heap-l1-1-0.dll', 'special.dll'), resolver.resolve('api-ms-win-crt-heap-l1-1-0.dll', null));
});

test('ApiSetResolver with a schema on the volume lets the schema decide: hosts, importer exceptions, no host, unknown', () => {
  const volume = new SystemVolume();
  volume.writeFile(SCHEMA_PATH, schemaDll(DEMO));
  const resolver = resolverOver(volume);
  assert.equal(resolver.schema()?.size, DEMO.length);
  assert.deepEqual(resolver.resolve('API-MS-WIN-CORE-FILE-L1-2-0.DLL', null), { host: 'kernelbase.dll' });
  assert.deepEqual(resolver.resolve('api-ms-win-demo-widget-l1-1-0.dll', 'special.dll'), { host: 'widgetlegacy.dll' });
  assert.deepEqual(resolver.resolve('api-ms-win-demo-widget-l1-1-0.dll', 'app.exe'), { host: 'widget.dll' });
  assert.deepEqual(resolver.resolve('api-ms-win-demo-empty-l1-1-0.dll', null), { host: null });
  assert.deepEqual(resolver.resolve('ext-ms-win-demo-absent-l1-1-0.dll', null), { host: null });
  // The builtin map knows crt and ntuser; this schema does not, and the schema wins.
  assert.equal(resolver.resolve('api-ms-win-crt-heap-l1-1-0.dll', null), null);
  assert.equal(resolver.resolve('ext-ms-win-ntuser-window-l1-1-0.dll', null), null);
});

test('ApiSetResolver parses the schema once per file and again when the file is rewritten', () => {
  const volume = new SystemVolume();
  volume.writeFile(SCHEMA_PATH, schemaDll([{ name: 'api-ms-win-demo-thing-l1-1-0', hosts: ['first.dll'] }]));
  const resolver = resolverOver(volume);
  const first = resolver.schema();
  assert.equal(resolver.schema(), first, 'the same parse while the file is unchanged');
  assert.deepEqual(resolver.resolve('api-ms-win-demo-thing-l1-1-0.dll', null), { host: 'first.dll' });
  volume.writeFile(SCHEMA_PATH, schemaDll([{ name: 'api-ms-win-demo-thing-l1-1-0', hosts: ['second.dll'] }]));
  assert.notEqual(resolver.schema(), first);
  assert.deepEqual(resolver.resolve('api-ms-win-demo-thing-l1-1-0.dll', null), { host: 'second.dll' });
});
