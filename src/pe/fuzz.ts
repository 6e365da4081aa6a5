// A seeded mutation fuzzer for parsePe: byte flips, header-field overwrites
// with extreme values, truncations and splices over seed images. The contract
// under test: parsePe returns, or throws NtStatusError — nothing else, never a hang.
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { NtStatusError } from '../nt/status.js';
import { Random } from '../rtl/random.js';
import { craftedInput, type Generator } from './amplify.js';
import { WorkBudget } from './limits.js';
import { parsePe } from './parse.js';
import { imphash } from './imphash.js';
import type { PeImage } from './types.js';
import { readVersionInfo } from './version-info.js';

export interface FuzzReport {
  inputs: number;
  parsed: number;
  rejected: number;
  /** Inputs that threw something other than NtStatusError, or ran past the time guard. */
  failures: { seed: string; mutation: string; error: string }[];
  slowestMs: number;
}

const extremes = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x10, 0x1000];

export function mutate(random: Random, seed: Uint8Array): { bytes: Uint8Array; mutation: string } {
  const bytes = seed.slice();
  const view = new DataView(bytes.buffer);
  const nt = bytes.length >= 0x40 ? view.getUint32(0x3c, true) : 0;
  const kinds = random.below(6);
  const steps: string[] = [];
  const count = 1 + random.below(4);
  for (let i = 0; i < count; i++) {
    const kind = (kinds + i) % 6;
    if (kind === 0 && bytes.length > 0) {
      const at = random.below(bytes.length);
      bytes[at] = random.below(256);
      steps.push(`byte@${at}`);
    } else if (kind === 1 && bytes.length > 4) {
      // A 32-bit field in the headers (where the interesting counts and RVAs are).
      const span = Math.min(bytes.length - 4, Math.max(0x40, nt + 0x200));
      const at = random.below(span) & ~1;
      view.setUint32(at, extremes[random.below(extremes.length)]!, true);
      steps.push(`u32@${at}`);
    } else if (kind === 2 && bytes.length > 2) {
      const span = Math.min(bytes.length - 2, Math.max(0x40, nt + 0x200));
      const at = random.below(span) & ~1;
      view.setUint16(at, extremes[random.below(extremes.length)]! & 0xffff, true);
      steps.push(`u16@${at}`);
    } else if (kind === 3) {
      const length = random.below(bytes.length + 1);
      steps.push(`truncate@${length}`);
      return { bytes: bytes.subarray(0, length), mutation: steps.join(' ') };
    } else if (kind === 4 && bytes.length > 16) {
      // Copy a chunk over another place: descriptors pointing at descriptors, loops.
      const from = random.below(bytes.length - 8);
      const to = random.below(bytes.length - 8);
      bytes.copyWithin(to, from, from + 8);
      steps.push(`splice ${from}->${to}`);
    } else if (bytes.length > 0) {
      const at = random.below(bytes.length);
      const length = Math.min(bytes.length - at, 1 + random.below(64));
      bytes.fill(random.below(2) ? 0xff : 0, at, at + length);
      steps.push(`fill@${at}+${length}`);
    }
  }
  return { bytes, mutation: steps.join(' ') };
}

/** Runs `count` mutated inputs over `seeds` (name → bytes), reproducibly from `seed`. */
export function fuzzParsePe(seeds: [string, Uint8Array][], count: number, seed = 1, guardMs = 1000): FuzzReport {
  const random = new Random(seed);
  const report: FuzzReport = { inputs: 0, parsed: 0, rejected: 0, failures: [], slowestMs: 0 };
  for (let i = 0; i < count; i++) {
    const [name, original] = seeds[random.below(seeds.length)]!;
    const { bytes, mutation } = mutate(random, original);
    const started = performance.now();
    try {
      const image = parsePe(bytes);
      imphash(image);
      readVersionInfo(bytes, image);
      report.parsed++;
    } catch (error) {
      if (error instanceof NtStatusError) report.rejected++;
      else report.failures.push({ seed: name, mutation, error: String((error as Error)?.stack ?? error) });
    }
    const elapsed = performance.now() - started;
    if (elapsed > report.slowestMs) report.slowestMs = elapsed;
    if (elapsed > guardMs) report.failures.push({ seed: name, mutation, error: `took ${elapsed.toFixed(0)} ms (hang guard ${guardMs} ms)` });
    report.inputs++;
  }
  return report;
}

// ---- Amplification: cost per input byte -----------------------------------
//
// Every input (a byte-level mutation of a seed, or a crafted structure from
// ./amplify.ts) goes through the same pipeline as `psnotify inspect`: parsePe,
// then every further operation on the parsed image. Each input is measured:
// CPU time (process.cpuUsage: what the input cost, even on a loaded machine
// that deschedules the process) and wall time (for the hang guard), V8 heap
// bytes allocated (net growth plus what garbage collections freed meanwhile,
// from v8.GCProfiler), and the work units each step charged. Ratios divide by
// max(size, 4 KiB) so that tiny inputs' fixed costs do not dominate.

export interface PipelineContext {
  bytes: Uint8Array;
  image: PeImage | null;
}

export interface FuzzOperation {
  name: string;
  /** Runs on a parsed image (parsing is the pipeline's first step), charging `budget` (a fresh one per step). */
  run(context: PipelineContext, budget: WorkBudget): void;
}

export interface InputMeasure {
  label: string;
  /** The crafted input's kind, or `mutation`. */
  group: string;
  size: number;
  /** Wall-clock nanoseconds (the hang guard's measure). */
  ns: number;
  /** CPU nanoseconds of the process (user + system) while the input ran. */
  cpuNs: number;
  allocated: number;
  /** Work units charged by all steps, or null when unknown (a killed input). */
  work: number | null;
  outcome: 'parsed' | 'rejected' | 'failure' | 'timeout' | 'crash';
  error?: string;
  /** Nanoseconds per step. */
  opNs: Record<string, number>;
  /** Work units per step. */
  opWork: Record<string, number>;
}

export const RATIO_FLOOR = 4096;

/** Runs `parse` then `operations` on `bytes`, measuring time, allocation and work. */
export function measureInput(
  label: string,
  group: string,
  bytes: Uint8Array,
  parse: (bytes: Uint8Array, budget: WorkBudget) => PeImage,
  operations: readonly FuzzOperation[],
): InputMeasure {
  const profiler = new GCProfiler();
  const opNs: Record<string, number> = {};
  const opWork: Record<string, number> = {};
  const context: PipelineContext = { bytes, image: null };
  let outcome: InputMeasure['outcome'] = 'parsed';
  let error: string | undefined;
  profiler.start();
  const heapBefore = getHeapStatistics().used_heap_size;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let mark = started;
  const parseBudget = new WorkBudget(bytes.length);
  try {
    context.image = parse(bytes, parseBudget);
  } catch (e) {
    if (e instanceof NtStatusError) outcome = 'rejected';
    else {
      outcome = 'failure';
      error = `parsePe: ${String((e as Error)?.stack ?? e)}`;
    }
  }
  let now = process.hrtime.bigint();
  opNs.parsePe = Number(now - mark);
  opWork.parsePe = parseBudget.used;
  mark = now;
  if (context.image) {
    for (const operation of operations) {
      const budget = new WorkBudget(bytes.length);
      try {
        operation.run(context, budget);
      } catch (e) {
        // Operations other than parsing either never throw or throw NtStatusError for input they refuse.
        if (!(e instanceof NtStatusError)) {
          outcome = 'failure';
          error = `${operation.name}: ${String((e as Error)?.stack ?? e)}`;
        }
      }
      now = process.hrtime.bigint();
      opNs[operation.name] = Number(now - mark);
      opWork[operation.name] = budget.used;
      mark = now;
    }
  }
  const ns = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuNs = (cpu.user + cpu.system) * 1000;
  const heapAfter = getHeapStatistics().used_heap_size;
  const collections = profiler.stop()?.statistics ?? [];
  let freed = 0;
  for (const gc of collections) freed += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize);
  const allocated = Math.max(0, heapAfter - heapBefore + freed);
  void context; // kept alive until after the heap was measured
  const work = Object.values(opWork).reduce((n, w) => n + w, 0);
  return { label, group, size: bytes.length, ns, cpuNs, allocated, work, outcome, ...(error !== undefined ? { error } : {}), opNs, opWork };
}

export interface FuzzInputOptions {
  seed: number;
  seeds: readonly [string, Uint8Array][];
  /** Sizes the crafted inputs aim at. */
  sizes: readonly number[];
  /** Generators beyond ./amplify.ts's (e.g. src/ci's signature ones). */
  extraGenerators?: Readonly<Record<string, Generator>>;
}

/** The `index`-th input of a run with `mutations` mutated inputs followed by crafted ones. */
export function fuzzInputAt(index: number, mutations: number, options: FuzzInputOptions): { label: string; group: string; bytes: Uint8Array } {
  if (index >= mutations) {
    const crafted = craftedInput(options.seed, index - mutations, options.sizes, options.extraGenerators);
    return { label: `${crafted.kind} ${crafted.params} (${crafted.bytes.length} bytes)`, group: crafted.kind, bytes: crafted.bytes };
  }
  const random = new Random((options.seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const [name, original] = options.seeds[random.below(options.seeds.length)]!;
  const { bytes, mutation } = mutate(random, original);
  return { label: `${name} [${mutation}] (${bytes.length} bytes)`, group: 'mutation', bytes };
}

type Metric = 'nsPerByte' | 'allocatedPerByte' | 'workPerByte';

const metricOf = (m: InputMeasure, metric: Metric): number => {
  const denominator = Math.max(m.size, RATIO_FLOOR);
  if (metric === 'nsPerByte') return m.cpuNs / denominator;
  if (metric === 'allocatedPerByte') return m.allocated / denominator;
  return m.work === null ? -1 : m.work / denominator;
};

/** Collects measures and keeps the worst few per metric, plus outcome counts. */
export class AmplificationReport {
  inputs = 0;
  parsed = 0;
  rejected = 0;
  readonly failures: InputMeasure[] = [];
  readonly #top: Record<Metric, InputMeasure[]> = { nsPerByte: [], allocatedPerByte: [], workPerByte: [] };
  /** The slowest and the most allocating input of at most 64 KiB. */
  slowestSmall: InputMeasure | null = null;
  hungriestSmall: InputMeasure | null = null;
  /** Per group (crafted kind, or `mutation`): its worst input by time and by allocation, per byte. */
  readonly groups = new Map<string, { inputs: number; slowest: InputMeasure; hungriest: InputMeasure; busiest: InputMeasure }>();
  readonly #keep: number;
  readonly #guardNs: number;

  /** Keeps the `keep` worst inputs per metric; an input slower than `guardMs` is a failure. */
  constructor(keep = 5, guardMs = Infinity) {
    this.#keep = keep;
    this.#guardNs = guardMs * 1e6;
  }

  add(m: InputMeasure): void {
    this.inputs++;
    if (m.outcome === 'parsed') this.parsed++;
    else if (m.outcome === 'rejected') this.rejected++;
    if (m.outcome === 'failure' || m.outcome === 'timeout' || m.outcome === 'crash') this.failures.push(m);
    else if (m.ns > this.#guardNs) this.failures.push({ ...m, error: `took ${(m.ns / 1e6).toFixed(0)} ms (guard ${this.#guardNs / 1e6} ms)` });
    for (const metric of Object.keys(this.#top) as Metric[]) {
      if (metric === 'workPerByte' && m.work === null) continue;
      const list = this.#top[metric];
      list.push(m);
      list.sort((a, b) => metricOf(b, metric) - metricOf(a, metric));
      if (list.length > this.#keep) list.pop();
    }
    if (m.size <= 64 * 1024) {
      if (!this.slowestSmall || m.cpuNs > this.slowestSmall.cpuNs) this.slowestSmall = m;
      if (!this.hungriestSmall || m.allocated > this.hungriestSmall.allocated) this.hungriestSmall = m;
    }
    const group = this.groups.get(m.group);
    if (!group) this.groups.set(m.group, { inputs: 1, slowest: m, hungriest: m, busiest: m });
    else {
      group.inputs++;
      if (metricOf(m, 'nsPerByte') > metricOf(group.slowest, 'nsPerByte')) group.slowest = m;
      if (metricOf(m, 'allocatedPerByte') > metricOf(group.hungriest, 'allocatedPerByte')) group.hungriest = m;
      if (metricOf(m, 'workPerByte') > metricOf(group.busiest, 'workPerByte')) group.busiest = m;
    }
  }

  worst(metric: Metric): { value: number; measure: InputMeasure }[] {
    return this.#top[metric].map((measure) => ({ value: metricOf(measure, metric), measure }));
  }

  /** Human-readable lines: the worst inputs per metric and the worst small ones. */
  lines(): string[] {
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const ms = (n: number) => `${(n / 1e6).toFixed(1)} ms`;
    const describe = (m: InputMeasure) => `${m.label}: ${ms(m.cpuNs)} CPU (${ms(m.ns)} wall), ${mb(m.allocated)} allocated${m.work !== null ? `, ${m.work} work units` : ''}${m.outcome === 'parsed' || m.outcome === 'rejected' ? `, ${m.outcome}` : `, ${m.outcome.toUpperCase()}`}`;
    const out: string[] = [];
    const titles: Record<Metric, [string, string]> = {
      nsPerByte: ['CPU time', 'CPU ns/byte'],
      allocatedPerByte: ['heap allocated', 'bytes allocated/byte'],
      workPerByte: ['parser work', 'work units/byte'],
    };
    for (const metric of Object.keys(titles) as Metric[]) {
      const worst = this.worst(metric);
      if (worst.length === 0) continue;
      out.push(`worst ${titles[metric][0]} per input byte (denominator max(size, ${RATIO_FLOOR})):`);
      for (const { value, measure } of worst) out.push(`  ${value.toFixed(1).padStart(10)} ${titles[metric][1]}  ${describe(measure)}`);
    }
    if (this.slowestSmall) out.push(`slowest input of at most 64 KiB: ${describe(this.slowestSmall)}`);
    if (this.hungriestSmall) out.push(`most allocating input of at most 64 KiB: ${describe(this.hungriestSmall)}`);
    out.push('worst per kind: CPU ns/byte | bytes allocated/byte | work units/byte (worst input by each; sizes in bytes)');
    for (const [name, group] of [...this.groups].sort(([a], [b]) => a.localeCompare(b))) {
      const cell = (m: InputMeasure, metric: Metric) => `${metricOf(m, metric) < 0 ? '-' : metricOf(m, metric).toFixed(1)}${m.outcome === 'timeout' || m.outcome === 'crash' ? ` (${m.outcome})` : ''} @${m.size}`;
      out.push(`  ${name.padEnd(26)} ${String(group.inputs).padStart(6)} inputs  ${cell(group.slowest, 'nsPerByte').padStart(24)} | ${cell(group.hungriest, 'allocatedPerByte').padStart(22)} | ${cell(group.busiest, 'workPerByte').padStart(16)}`);
    }
    return out;
  }
}

/** parsePe as the pipeline's first step. */
export function parseStep(bytes: Uint8Array, budget: WorkBudget): PeImage {
  return parsePe(bytes, { budget });
}

/** What `psnotify inspect` does with a parsed image on the src/pe side. */
export const peOperations: readonly FuzzOperation[] = [
  { name: 'readVersionInfo', run: (c, budget) => void readVersionInfo(c.bytes, c.image!, { budget }) },
  { name: 'imphash', run: (c, budget) => void imphash(c.image!, { budget }) },
];
