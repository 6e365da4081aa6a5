// npm run fuzz [-- COUNT [SEED]]: mutation-fuzzes parsePe (default 100,000 inputs)
// over built images and, with PSNOTIFY_PE_CORPUS set, real corpus images.
// Exits 1 on any exception other than NtStatusError, or an input slower than the guard.
import { fuzzParsePe } from '../src/pe/fuzz.js';
import { builtSeeds, corpusSeeds } from '../src/pe/fuzz-seeds.js';

const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
if (!Number.isSafeInteger(count) || count <= 0 || !Number.isSafeInteger(seed)) {
  console.error(`usage: npm run fuzz -- [COUNT] [SEED]  (got ${process.argv.slice(2).join(' ')})`);
  process.exit(2);
}
const corpus = process.env.PSNOTIFY_PE_CORPUS;
const seeds = [...builtSeeds(), ...(corpus ? corpusSeeds(corpus) : [])];
if (!corpus) console.log('fuzz: PSNOTIFY_PE_CORPUS not set, seeding from built images only');
const started = performance.now();
const report = fuzzParsePe(seeds, count, seed);
const seconds = (performance.now() - started) / 1000;
console.log(
  `fuzz: ${report.inputs} inputs from ${seeds.length} seeds in ${seconds.toFixed(1)} s: ` +
    `${report.parsed} parsed, ${report.rejected} rejected with NtStatusError, ${report.failures.length} failures; ` +
    `slowest input ${report.slowestMs.toFixed(1)} ms`,
);
for (const failure of report.failures.slice(0, 20)) console.log(`FAIL ${failure.seed} [${failure.mutation}]\n  ${failure.error}`);
process.exit(report.failures.length === 0 ? 0 : 1);
