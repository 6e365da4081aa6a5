// Wine's own DLLs as the system (docs/loader.md, "Corpus check"): with
// PSNOTIFY_PE_CORPUS pointing at a --full PE corpus, Wine's x86_64-windows
// folder is mounted as System32 and its i386-windows folder as SysWOW64, and
// notepad.exe and cmd.exe are started natively and under WoW64. The expected
// import closure is computed here, independently of src/ldr, from parsePe.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Kernel, parsePe, type PeImage } from '../src/index.js';

const corpus = process.env.PSNOTIFY_PE_CORPUS;
const x64Dir = corpus && join(corpus, 'wine-amd64/usr/lib/x86_64-linux-gnu/wine/x86_64-windows');
const x86Dir = corpus && join(corpus, 'wine-i386/usr/lib/i386-linux-gnu/wine/i386-windows');
const zlib64 = corpus && join(corpus, 'libz-mingw-w64-all/usr/x86_64-w64-mingw32/lib/zlib1.dll');
const zlib32 = corpus && join(corpus, 'libz-mingw-w64-all/usr/i686-w64-mingw32/lib/zlib1.dll');
const missing = !corpus
  ? 'PSNOTIFY_PE_CORPUS is not set'
  : [x64Dir!, x86Dir!].find((d) => !existsSync(d) || readdirSync(d).length === 0);
const skip = missing ? `Wine corpus test skipped: ${missing === x64Dir || missing === x86Dir ? `${missing} is missing or empty` : missing}` : false;
if (skip) console.log(`# ${skip}`);

let root: string | null = null;
function systemRoot(): string {
  if (root !== null) return root;
  root = mkdtempSync(join(tmpdir(), 'psnotify-wine-'));
  for (const [folder, source, zlib] of [['System32', x64Dir!, zlib64!], ['SysWOW64', x86Dir!, zlib32!]] as const) {
    const target = join(root, 'Windows', folder);
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(source)) symlinkSync(join(source, name), join(target, name));
    if (existsSync(zlib)) symlinkSync(zlib, join(target, 'zlib1.dll'));
  }
  return root;
}
after(() => {
  if (root !== null) rmSync(root, { recursive: true, force: true });
});

/** The static import closure, computed from the files: imports + forwarders of imported functions (delay imports excluded). */
class Closure {
  readonly modules = new Set<string>(); // folded host paths
  readonly importers = new Map<string, Set<string>>(); // module → modules that import or forward to it
  readonly #images = new Map<string, PeImage | null>();
  readonly #schema: Map<string, string | null>;

  constructor(readonly folder: string, schemaFile: string) {
    this.#schema = readSchema(schemaFile);
  }

  image(name: string): PeImage | null {
    if (!this.#images.has(name)) {
      const path = join(this.folder, name);
      this.#images.set(name, existsSync(path) ? parsePe(new Uint8Array(readFileSync(path))) : null);
    }
    return this.#images.get(name)!;
  }

  /** DLL name as imported → file name in the folder (folded), or null for a skipped/absent extension set. */
  resolve(dll: string): string | null {
    let name = dll.toLowerCase();
    if (!name.includes('.')) name += '.dll';
    if (name.startsWith('api-') || name.startsWith('ext-')) {
      const key = name.replace(/\.dll$/, '').replace(/-[^-]*$/, '');
      const host = this.#schema.get(key);
      if (host === null) return null;
      if (host !== undefined) name = host;
      else if (this.image(name) === null) return null;
    }
    return name;
  }

  add(name: string, from: string | null): void {
    if (from !== null) {
      if (!this.importers.has(name)) this.importers.set(name, new Set());
      this.importers.get(name)!.add(from);
    }
    if (this.modules.has(name)) return;
    const image = this.image(name);
    assert.ok(image, `${name} (needed by ${from}) is not in ${this.folder}`);
    this.modules.add(name);
    for (const entry of image.imports) {
      const target = this.resolve(entry.dll);
      if (target === null) continue;
      this.add(target, name);
      for (const fn of entry.functions) this.forward(target, fn, 0);
    }
  }

  private forward(module: string, fn: string | number, hops: number): void {
    const found = this.image(module)?.exports.find((e) => (typeof fn === 'number' ? e.ordinal === fn : e.name === fn));
    if (!found?.forwarder || hops > 16) return;
    const dot = found.forwarder.lastIndexOf('.');
    const target = this.resolve(found.forwarder.slice(0, dot));
    if (target === null) return;
    this.add(target, module);
    const rest = found.forwarder.slice(dot + 1);
    this.forward(target, rest.startsWith('#') ? Number(rest.slice(1)) : rest, hops + 1);
  }
}

/** contract key → host (null: no host), by a linear scan of the v6 schema (not the loader's hash lookup). */
function readSchema(file: string): Map<string, string | null> {
  const map = new Map<string, string | null>();
  if (!existsSync(file)) return map;
  const bytes = new Uint8Array(readFileSync(file));
  const section = parsePe(bytes).sections.find((s) => s.name === '.apiset')!;
  const data = bytes.subarray(section.pointerToRawData, section.pointerToRawData + section.sizeOfRawData);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const str = (o: number, l: number) => Buffer.from(data.subarray(o, o + l)).toString('utf16le').toLowerCase();
  const count = v.getUint32(12, true);
  const entries = v.getUint32(16, true);
  for (let i = 0; i < count; i++) {
    const e = entries + i * 24;
    const name = str(v.getUint32(e + 4, true), v.getUint32(e + 12, true));
    const values = v.getUint32(e + 16, true);
    const host = v.getUint32(e + 20, true) === 0 ? '' : str(v.getUint32(values + 12, true), v.getUint32(values + 16, true));
    map.set(name, host === '' ? null : host);
  }
  return map;
}

function check(exe: string, wow64: boolean): void {
  const kernel = new Kernel({ system: { root: systemRoot() }, seed: 11 });
  const reports: string[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutineEx((name) => reports.push(name!.toLowerCase()), 1);
  const process = kernel.createProcess(`C:\\Windows\\${wow64 ? 'SysWOW64' : 'System32'}\\${exe}`);
  const side = wow64 ? 'syswow64' : 'system32';
  const local = (path: string) => path.slice(path.indexOf('\\windows\\') + '\\windows\\'.length); // 'system32\\x.dll'
  const names = reports.map(local);

  // §5B: the start reports and the fixed loads.
  const head = [`${side}\\${exe}`, 'system32\\ntdll.dll', ...(wow64 ? ['syswow64\\ntdll.dll'] : [])];
  assert.deepEqual(names.slice(0, head.length), head);
  const k32 = names.indexOf(`${side}\\kernel32.dll`);
  assert.equal(names[k32 + 1], `${side}\\kernelbase.dll`, names.join(' '));
  const mounted = (folder: string) => join(systemRoot(), 'Windows', folder);
  const schema = join(mounted('System32'), 'apisetschema.dll');
  const nativeSide = new Closure(mounted('System32'), schema);
  if (wow64) {
    const between = names.slice(head.length, k32);
    const order = ['wow64.dll', 'wow64win.dll', 'wow64cpu.dll'].map((n) => between.indexOf(`system32\\${n}`));
    assert.ok(order.every((i, j) => i >= 0 && (j === 0 || i > order[j - 1]!)), between.join(' '));
    assert.ok(between.every((n) => n.startsWith('system32\\')), between.join(' '));
    for (const n of ['wow64.dll', 'wow64win.dll', 'wow64cpu.dll']) nativeSide.add(n, null);
  } else {
    assert.equal(k32, head.length);
  }

  // The closure of the EXE and of kernel32, on the process's side.
  const guest = new Closure(mounted(wow64 ? 'SysWOW64' : 'System32'), schema);
  guest.add('kernel32.dll', null);
  guest.add(exe, null);
  guest.modules.delete(exe);
  const expected = new Set([...guest.modules].map((m) => `${side}\\${m}`));
  if (wow64) for (const m of nativeSide.modules) expected.add(`system32\\${m}`);
  expected.delete('system32\\ntdll.dll');
  expected.delete(`${side}\\ntdll.dll`);

  const loaded = names.slice(head.length);
  const counts = new Map<string, number>();
  for (const n of loaded) counts.set(n, (counts.get(n) ?? 0) + 1);
  for (const n of loaded) assert.ok(expected.has(n), `${n} was reported but is not in the import closure of ${exe} or kernel32`);
  for (const n of expected) assert.equal(counts.get(n), 1, `${n} is in the closure and must be reported exactly once`);

  // Every DLL comes after an already-reported image that imports (or forwards to) it.
  const fixed = new Set(['system32\\wow64.dll', 'system32\\wow64win.dll', 'system32\\wow64cpu.dll', `${side}\\kernel32.dll`]);
  loaded.forEach((n, i) => {
    if (fixed.has(n)) return;
    const [folder, base] = n.split('\\') as [string, string];
    const graph = folder === 'system32' && wow64 ? nativeSide : guest;
    const importers = [...(graph.importers.get(base) ?? [])].map((m) => `${folder}\\${m}`);
    const earlier = new Set([...head, ...loaded.slice(0, i)]);
    assert.ok(importers.some((m) => earlier.has(m)), `${n} came before any image importing it (importers: ${importers.join(', ')})`);
  });
  assert.equal(process.modules.length, names.length);
}

for (const exe of ['notepad.exe', 'cmd.exe']) {
  test(`Wine ${exe}, native x64: §5B order and exactly the import closure`, { skip }, () => check(exe, false));
  test(`Wine ${exe}, WoW64 x86: §5B order and exactly the import closure`, { skip }, () => check(exe, true));
}
