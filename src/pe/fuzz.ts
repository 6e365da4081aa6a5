// A seeded mutation fuzzer for parsePe: byte flips, header-field overwrites
// with extreme values, truncations and splices over seed images. The contract
// under test: parsePe returns, or throws NtStatusError — nothing else, never a hang.
import { NtStatusError } from '../nt/status.js';
import { Random } from '../rtl/random.js';
import { parsePe } from './parse.js';
import { imphash } from './imphash.js';
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

function mutate(random: Random, seed: Uint8Array): { bytes: Uint8Array; mutation: string } {
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
