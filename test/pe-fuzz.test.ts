// A small seeded share of the parsePe fuzzer (npm run fuzz runs 100,000).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzParsePe } from '../src/pe/fuzz.js';
import { builtSeeds, corpusSeeds } from '../src/pe/fuzz-seeds.js';

test('3,000 mutated images: only NtStatusError escapes, none hangs', () => {
  const corpus = process.env.PSNOTIFY_PE_CORPUS;
  const seeds = [...builtSeeds(), ...(corpus ? corpusSeeds(corpus, 40) : [])];
  const report = fuzzParsePe(seeds, 3000, 20261124, 2000);
  assert.deepEqual(report.failures, []);
  assert.equal(report.inputs, 3000);
  assert.ok(report.rejected > 100, `${report.rejected} rejected: the mutations reach the parser's checks`);
  assert.ok(report.parsed > 100, `${report.parsed} parsed: the mutations are not all fatal`);
});
