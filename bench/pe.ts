// parsePe against the npm package pe-library over the corpus images both can
// read, in one run. pe-library parses headers and sections (copying section
// data) but has no import or export reader, so its side walks the import and
// export directories over its own section buffers: the least work it needs to
// give the same answer. Run: PSNOTIFY_PE_CORPUS=DIR npm run bench:pe
import { NtExecutable } from 'pe-library';
import { Bench } from 'tinybench';
import { parsePe } from '../src/index.js';
import { builtSeeds, corpusSeeds } from '../src/pe/fuzz-seeds.js';
import { machineLine, printTable } from './report.js';

type Exe = ReturnType<typeof NtExecutable.from>;

function cString(view: DataView, at: number): string {
  let text = '';
  for (let p = at; p < view.byteLength; p++) {
    const c = view.getUint8(p);
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return text;
}

/** Imports and exports through pe-library's sections. */
function libraryTables(exe: Exe): number {
  const sections = exe.getAllSections();
  const is64 = !exe.is32bit();
  const locate = (rva: number): [DataView, number] | null => {
    for (const s of sections) {
      if (s.data && rva >= s.info.virtualAddress && rva < s.info.virtualAddress + s.data.byteLength) {
        return [new DataView(s.data), rva - s.info.virtualAddress];
      }
    }
    return null;
  };
  let count = 0;
  const imports = exe.newHeader.optionalHeaderDataDirectory.get(1);
  if (imports.virtualAddress) {
    for (let d = imports.virtualAddress; ; d += 20) {
      const at = locate(d);
      if (!at) break;
      const [view, o] = at;
      const name = view.getUint32(o + 12, true);
      if (name === 0) break;
      const dll = locate(name);
      if (dll) count += cString(dll[0], dll[1]).length;
      let thunk = view.getUint32(o, true) || view.getUint32(o + 16, true);
      for (;;) {
        const t = locate(thunk);
        if (!t) break;
        const value = is64 ? t[0].getBigUint64(t[1], true) : BigInt(t[0].getUint32(t[1], true));
        if (value === 0n) break;
        if ((value >> (is64 ? 63n : 31n)) === 0n) {
          const hint = locate(Number(value & 0x7fffffffn));
          if (hint) count += cString(hint[0], hint[1] + 2).length;
        }
        thunk += is64 ? 8 : 4;
      }
    }
  }
  const exports = exe.newHeader.optionalHeaderDataDirectory.get(0);
  if (exports.virtualAddress) {
    const at = locate(exports.virtualAddress);
    if (at) {
      const [view, o] = at;
      const names = view.getUint32(o + 24, true);
      const table = locate(view.getUint32(o + 32, true));
      for (let i = 0; table && i < names; i++) {
        const name = locate(table[0].getUint32(table[1] + i * 4, true));
        if (name) count += cString(name[0], name[1]).length;
      }
    }
  }
  return count;
}

const corpus = process.env.PSNOTIFY_PE_CORPUS;
const candidates = corpus ? corpusSeeds(corpus, 400) : builtSeeds();
if (!corpus) console.log('bench: PSNOTIFY_PE_CORPUS not set, measuring built images only');
const files = candidates.filter(([, bytes]) => {
  try {
    parsePe(bytes);
    libraryTables(NtExecutable.from(bytes));
    return true;
  } catch {
    return false;
  }
});
const totalBytes = files.reduce((n, [, b]) => n + b.length, 0);
let sink = 0;
const bench = new Bench({ time: 2000, warmupTime: 300 });
bench
  .add('psnotify parsePe (headers, sections, imports, exports, certificates)', () => {
    for (const [, bytes] of files) {
      const image = parsePe(bytes);
      sink += image.imports.length + image.exports.length;
    }
  })
  .add('pe-library NtExecutable.from + import/export walk', () => {
    for (const [, bytes] of files) sink += libraryTables(NtExecutable.from(bytes));
  })
  .add('pe-library NtExecutable.from only (headers, sections)', () => {
    for (const [, bytes] of files) sink += NtExecutable.from(bytes).getAllSections().length;
  });
await bench.run();
console.log(machineLine());
console.log(`${files.length} images both can read (of ${candidates.length}), ${(totalBytes / 2 ** 20).toFixed(1)} MiB`);
printTable(
  'PE parsing throughput',
  bench.tasks.map((t) => {
    const ms = (t.result as { latency: { mean: number } }).latency.mean;
    return { parser: t.name, 'files/s': (files.length * 1000) / ms, 'MB/s': (totalBytes / 1e6) * (1000 / ms) };
  }),
);
if (sink === -1) console.log('');
