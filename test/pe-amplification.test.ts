// A small seeded share of the amplification fuzzer (npm run fuzz runs the
// rest): every crafted kind at 4, 16 and 64 KiB plus byte-level mutations,
// through parsePe, the image hash, Authenticode, version info and imphash.
// It fails when any step's work count — deterministic, unlike timings, which
// stay out of unit tests — passes that step's cap for the input's size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signatureGenerators } from '../src/ci/amplify-signatures.js';
import { MAX_DER_ELEMENTS_PER_FILE } from '../src/ci/authenticode.js';
import { ciOperations } from '../src/ci/fuzz-operations.js';
import { HASH_BYTES_PER_UNIT, MAX_HASH_FACTOR } from '../src/ci/image-hash.js';
import { generators } from '../src/pe/amplify.js';
import { builtSeeds } from '../src/pe/fuzz-seeds.js';
import { AmplificationReport, fuzzInputAt, measureInput, parseStep, peOperations, type InputMeasure } from '../src/pe/fuzz.js';
import { WORK_BASE, WORK_PER_BYTE } from '../src/pe/limits.js';

const SIZES = [4096, 16384, 65536];
const MUTATIONS = 300;
const operations = [...ciOperations, ...peOperations];

/** The documented cap of each step, in work units, for an input of `size` bytes (docs/pe-limits.md). */
function caps(size: number): Record<string, number> {
  const parse = WORK_BASE + WORK_PER_BYTE * size;
  // The image hash reads at most MAX_HASH_FACTOR × the file, plus one unit per range (≤ 1 per 40-byte section header).
  const hash = Math.ceil((MAX_HASH_FACTOR * size) / HASH_BYTES_PER_UNIT) + Math.ceil(size / 40) + 8;
  return {
    parsePe: parse,
    readVersionInfo: parse,
    imphash: 2 * parse,
    authenticodeImageHash: hash,
    // DER elements for the whole file, and one image hash per digest algorithm (five known).
    verifyAuthenticode: MAX_DER_ELEMENTS_PER_FILE + 5 * hash,
  };
}

test('crafted amplification inputs and mutations: every step stays within its work cap', () => {
  const kinds = Object.keys({ ...generators, ...signatureGenerators }).length;
  const crafted = kinds * SIZES.length;
  const options = { seed: 20261124, seeds: builtSeeds(), sizes: SIZES, extraGenerators: signatureGenerators };
  const report = new AmplificationReport(3);
  const measures: InputMeasure[] = [];
  for (let index = 0; index < MUTATIONS + crafted; index++) {
    const { label, group, bytes } = fuzzInputAt(index, MUTATIONS, options);
    const measure = measureInput(label, group, bytes, parseStep, operations);
    report.add(measure);
    measures.push(measure);
  }
  assert.deepEqual(report.failures.map((f) => `${f.label}: ${f.error}`), []);
  assert.equal(report.inputs, MUTATIONS + crafted);
  const over: string[] = [];
  for (const m of measures) {
    const cap = caps(m.size);
    for (const [step, work] of Object.entries(m.opWork)) {
      if (work > cap[step]!) over.push(`${m.label}: ${step} did ${work} units, cap ${cap[step]}`);
    }
    const total = Object.values(cap).reduce((n, c) => n + c, 0);
    if (m.work! > total) over.push(`${m.label}: ${m.work} units in all, cap ${total}`);
  }
  assert.deepEqual(over, []);
  // The share reaches the caps it is meant to test.
  const craftedMeasures = measures.slice(MUTATIONS);
  assert.equal(new Set(craftedMeasures.map((m) => m.group)).size, kinds, 'every crafted kind ran');
  const budgetRefusals = craftedMeasures.filter((m) => m.outcome === 'rejected' && m.opWork.parsePe! > caps(m.size).parsePe! * 0.9);
  assert.ok(budgetRefusals.length >= 10, `${budgetRefusals.length} inputs refused at the parse budget`);
  assert.ok(craftedMeasures.some((m) => m.group.startsWith('signature-') && m.outcome === 'parsed' && m.opWork.verifyAuthenticode! > 0), 'signatures were verified');
  assert.ok(report.parsed > 100 && report.rejected > 100, `${report.parsed} parsed, ${report.rejected} rejected`);
});

test('work grows linearly: for every crafted kind that parses, work per byte does not rise from 16 KiB to 64 KiB', () => {
  const options = { seed: 7, seeds: builtSeeds(), sizes: [16384, 65536], extraGenerators: signatureGenerators };
  const kinds = Object.keys({ ...generators, ...signatureGenerators }).length;
  const perByte = new Map<string, (number | null)[]>();
  for (let index = 0; index < 2 * kinds; index++) {
    const { label, group, bytes } = fuzzInputAt(index, 0, options);
    const m = measureInput(label, group, bytes, parseStep, operations);
    // Refused inputs stop at the budget, a linear cap; only accepted ones show how the work scales.
    perByte.set(group, [...(perByte.get(group) ?? []), m.outcome === 'parsed' ? m.work! / m.size : null]);
  }
  const compared: string[] = [];
  for (const [kind, [small, large]] of perByte) {
    if (small === null || large === null || small === undefined || large === undefined) continue;
    compared.push(kind);
    // log S lookups may add a little; a step quadratic in some count would show about 4× here.
    assert.ok(large <= small * 1.5 + 0.1, `${kind}: ${small.toFixed(2)} units/byte at 16 KiB, ${large.toFixed(2)} at 64 KiB`);
  }
  // Kinds a correct parser reads within budget at both sizes (a regression to O(S) section lookups, say, refuses them).
  for (const kind of ['sections-lookups', 'section-long-names', 'sections-overlap', 'resource-tree', 'version-nodes', 'certificates-many', 'signature-nested-wide', 'signature-many-blobs']) {
    assert.ok(compared.includes(kind), `${kind} did not parse at both sizes (compared: ${compared.join(', ')})`);
  }
});
