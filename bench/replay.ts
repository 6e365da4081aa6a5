// Replay throughput (issue 10): records/s and MB/s of `psnotify replay` with the sysmon driver on
// the shared LSASS recording (53,698 records, 102 MB of JSON lines in a 3.2 MB zip), against a
// baseline measured in the same run — reading the same zip member and JSON.parse-ing every line,
// nothing else (lines split with Buffer.indexOf; also with node:readline, as bench/detect.ts
// does). Also shown: the reader alone (readRecords: parse + normalize), and replay with the
// --sysmon output written (to the null device). Each variant runs ROUNDS times (default 7),
// interleaved, so a busy machine slows them alike; the table gives the median and the best, the
// median of each round's own ratio to that round's baseline (paired: drift in the machine's load
// cancels out), and the process's CPU time (user + system, all threads: zlib's included), which a
// machine shared with other work disturbs less than the wall clock. Peak memory is the high-water
// mark of process.memoryUsage().rss, sampled while each variant runs. A second table replays only
// the records that drive the kernel (Sysmon 1/5/6/7), the worst case per record.
// Targets: replay ≤ 2× the parse baseline, ≤ 3× with --sysmon output. Run: node --import tsx bench/replay.ts [file.zip]
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { replayCommand } from '../src/cli/replay.js';
import { isSysmon, readRecords } from '../src/replay/input/index.js';
import { DEFAULT_LIMITS } from '../src/replay/input/types.js';
import { readZipDirectory, zipMemberChunks } from '../src/replay/input/zip.js';
import { replay } from '../src/replay/index.js';
import { exampleDriverFile } from '../src/scenario/user-driver.js';
import { machineLine, printTable, type Row } from './report.js';

const file = process.argv[2] ?? new URL('../../shared/data/sysmon/otrf/metasploit_logonpasswords_lsass_memory_dump.zip', import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 7);

if (!existsSync(file)) {
  console.log(`bench/replay: ${file} not found (the shared LSASS recording); nothing measured`);
  process.exit(0);
}

let sink = 0;

/** Splits a byte stream into lines and JSON.parse-s each. Returns [records, bytes]. */
async function parseLines(chunks: AsyncIterable<Buffer>): Promise<[number, number]> {
  let records = 0;
  let bytes = 0;
  let rest: Buffer | null = null;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    const buf: Buffer = rest === null ? chunk : Buffer.concat([rest, chunk]);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      if (nl > start) {
        const value = JSON.parse(buf.toString('utf8', start, nl)) as Record<string, unknown>;
        sink ^= typeof value.EventID === 'number' ? value.EventID : 0;
        records++;
      }
      start = nl + 1;
    }
    rest = start < buf.length ? buf.subarray(start) : null;
  }
  if (rest !== null && rest.length > 0) {
    JSON.parse(rest.toString('utf8'));
    records++;
  }
  return [records, bytes];
}

/** The baseline: the zip's members read with replay's own zip code, split into lines, each JSON.parse-d. */
async function parseOnly(): Promise<[number, number]> {
  const handle = await open(file);
  let records = 0;
  let bytes = 0;
  try {
    const size = (await handle.stat()).size;
    for (const entry of await readZipDirectory(handle, size, DEFAULT_LIMITS)) {
      const [r, b] = await parseLines(zipMemberChunks(handle, entry, DEFAULT_LIMITS, () => {}));
      records += r;
      bytes += b;
    }
  } finally {
    await handle.close();
  }
  return [records, bytes];
}

/** The same, split with node:readline (as bench/detect.ts's baseline does). */
async function parseReadline(): Promise<number> {
  const handle = await open(file);
  let records = 0;
  try {
    const size = (await handle.stat()).size;
    for (const entry of await readZipDirectory(handle, size, DEFAULT_LIMITS)) {
      const lines = createInterface({ input: Readable.from(zipMemberChunks(handle, entry, DEFAULT_LIMITS, () => {})), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.length === 0) continue;
        const value = JSON.parse(line) as Record<string, unknown>;
        sink ^= typeof value.EventID === 'number' ? value.EventID : 0;
        records++;
      }
    }
  } finally {
    await handle.close();
  }
  return records;
}

async function readOnly(): Promise<number> {
  let records = 0;
  for await (const item of readRecords([file])) if (item.kind === 'record' || item.kind === 'bad') records++;
  return records;
}

const sysmon = { name: 'sysmon', file: exampleDriverFile('sysmon'), example: 'sysmon' };

/** Replay with the sysmon driver; its records are produced and dropped. */
async function replayOnly(): Promise<number> {
  const result = await replay([file], { drivers: [sysmon], observer: { onRecord: () => void sink++ } });
  return result.stats.records;
}

/** `psnotify replay --sysmon`, its standard output written to the null device. */
async function replaySysmon(): Promise<number> {
  const out = createWriteStream(devNull);
  let stderr = '';
  const code = await replayCommand([file], { sysmon: true }, { stdout: out, stderr: { write: (s: string) => (stderr += s) } });
  await new Promise<void>((done) => out.end(done));
  if (code !== 0) throw new Error(`replay --sysmon exited ${code}: ${stderr}`);
  const match = /psnotify replay: (\d+) records/.exec(stderr);
  return Number(match?.[1] ?? 0);
}

interface Variant {
  name: string;
  run: () => Promise<number>;
  ms: number[];
  /** CPU milliseconds (user + system) of each round. */
  cpu: number[];
  peakRss: number;
  records: number;
}

const [records, inflated] = await parseOnly(); // also warms the zip code and the file cache
const variants: Variant[] = [
  { name: 'baseline: read + JSON.parse', run: async () => (await parseOnly())[0], ms: [], cpu: [], peakRss: 0, records: 0 },
  { name: 'baseline, lines by readline', run: parseReadline, ms: [], cpu: [], peakRss: 0, records: 0 },
  { name: 'reader (readRecords)', run: readOnly, ms: [], cpu: [], peakRss: 0, records: 0 },
  { name: 'replay, sysmon driver', run: replayOnly, ms: [], cpu: [], peakRss: 0, records: 0 },
  { name: 'replay --sysmon, output written', run: replaySysmon, ms: [], cpu: [], peakRss: 0, records: 0 },
];
await replayOnly(); // loads the driver modules once (tsx compiles them), as a long replay would have

for (let round = 0; round < ROUNDS; round++) {
  for (const variant of variants) {
    global.gc?.();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const cpu = process.cpuUsage();
    const start = performance.now();
    variant.records = await variant.run();
    variant.ms.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    variant.cpu.push((used.user + used.system) / 1000);
    clearInterval(sampler);
    variant.peakRss = Math.max(variant.peakRss, peak, process.memoryUsage().rss);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]) => Math.min(...xs);
const base = variants[0]!;
/** The median of each round's ratio to the same round's baseline. */
const paired = (v: Variant, b: Variant) => median(v.ms.map((ms, round) => ms / b.ms[round]!));
const rows: Row[] = variants.map((v) => ({
  variant: v.name,
  'median ms': median(v.ms),
  'best ms': best(v.ms),
  'records/s': Math.round(v.records / (median(v.ms) / 1000)),
  'MB/s': (inflated / 2 ** 20) / (median(v.ms) / 1000),
  'vs baseline (median)': `${(median(v.ms) / median(base.ms)).toFixed(2)}×`,
  'vs baseline (best)': `${(best(v.ms) / best(base.ms)).toFixed(2)}×`,
  'vs baseline (paired)': `${paired(v, base).toFixed(2)}×`,
  'CPU ms': median(v.cpu),
  'vs baseline (CPU)': `${(median(v.cpu) / median(base.cpu)).toFixed(2)}×`,
  'vs readline baseline': `${(median(v.ms) / median(variants[1]!.ms)).toFixed(2)}×`,
  'peak RSS MB': Math.round(v.peakRss / 2 ** 20),
}));

// The worst case per record: only the records that drive the kernel (Sysmon 1, 5, 6, 7), written
// out as JSON lines, replayed against reading and parsing that file.
const dir = mkdtempSync(join(tmpdir(), 'psnotify-bench-replay-'));
const driving = join(dir, 'driving.jsonl');
const lines: string[] = [];
for await (const item of readRecords([file])) {
  if (item.kind === 'record' && isSysmon(item.channel, item.provider) && [1, 5, 6, 7].includes(item.eventId)) lines.push(JSON.stringify(item.raw));
}
writeFileSync(driving, `${lines.join('\n')}\n`);
const drivingBytes = statSync(driving).size;
async function parseDriving(): Promise<number> {
  return (await parseLines(createReadStream(driving, { highWaterMark: 1 << 20 })))[0];
}
async function replayDriving(): Promise<number> {
  return (await replay([driving], { drivers: [sysmon], observer: { onRecord: () => void sink++ } })).stats.records;
}
const drivingVariants: Variant[] = [
  { name: 'baseline: read + JSON.parse', run: parseDriving, ms: [], cpu: [], peakRss: 0, records: 0 },
  { name: 'replay, sysmon driver', run: replayDriving, ms: [], cpu: [], peakRss: 0, records: 0 },
];
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of drivingVariants) {
    const start = performance.now();
    variant.records = await variant.run();
    variant.ms.push(performance.now() - start);
  }
}
rmSync(dir, { recursive: true, force: true });
const drivingRows: Row[] = drivingVariants.map((v) => ({
  variant: v.name,
  'median ms': median(v.ms),
  'best ms': best(v.ms),
  'records/s': Math.round(v.records / (median(v.ms) / 1000)),
  'MB/s': (drivingBytes / 2 ** 20) / (median(v.ms) / 1000),
  'vs baseline (median)': `${(median(v.ms) / median(drivingVariants[0]!.ms)).toFixed(2)}×`,
}));

console.log(machineLine());
console.log(`${file.split('/').pop()}: ${records} records, ${(inflated / 2 ** 20).toFixed(1)} MB of JSON lines (${(statSync(file).size / 2 ** 20).toFixed(1)} MB zip); ${ROUNDS} rounds, interleaved; MB/s counts the JSON text`);
printTable('Replay throughput (issue 10: replay ≤ 2× the baseline, ≤ 3× with --sysmon output)', rows);
printTable(`Only the records that drive the kernel (${lines.length} Sysmon 1/5/6/7 records, ${(drivingBytes / 2 ** 20).toFixed(1)} MB): the cost per replayed record`, drivingRows);
if (sink === 0.5) console.log(sink);
