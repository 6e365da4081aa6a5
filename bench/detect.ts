// Sigma detection throughput: every shared SigmaHQ rule (image_load,
// driver_load, process_creation, emerging threats, threat hunting) on the
// shared LSASS recording (53,698 records), against two baselines measured in
// the same run on the same records: inflating and JSON.parse-ing each line and
// nothing else, and psnotify's own reader (normalization included).
// Run: npm run bench:detect
import { createReadStream, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadRules, RuleSet } from '../src/detect/index.js';
import { eventOf } from '../src/cli/detect.js';
import { readRecords } from '../src/replay/input/index.js';
import { machineLine, printTable, type Row } from './report.js';
import { unzipFirstMember } from './unzip.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'data');
const recording = join(shared, 'sysmon', 'otrf', 'metasploit_logonpasswords_lsass_memory_dump.zip');
const ruleFolders = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) => join(shared, 'sigma', f));
if (!existsSync(recording)) {
  console.log(`bench/detect: ${recording} not found`);
  process.exit(0);
}

const loadStarted = performance.now();
const { rules, skipped } = loadRules(ruleFolders);
const loadMs = performance.now() - loadStarted;
const set = new RuleSet(rules);

/** Baseline 1: the recording's JSON lines, inflated to a temporary file once, read and parsed. */
const jsonl = await unzipFirstMember(recording);
async function parseOnly(): Promise<number> {
  let n = 0;
  const lines = createInterface({ input: createReadStream(jsonl), crlfDelay: Infinity });
  for await (const line of lines) if (line.length > 0 && JSON.parse(line) !== null) n++;
  return n;
}

/** Baseline 2: psnotify's reader alone (unzip, parse, normalize). */
async function readOnly(): Promise<number> {
  let n = 0;
  for await (const item of readRecords([recording])) if (item.kind === 'record') n++;
  return n;
}

let matches = 0;
async function detect(): Promise<number> {
  let n = 0;
  for await (const item of readRecords([recording])) {
    if (item.kind !== 'record') continue;
    n++;
    matches += set.match(eventOf(item)).length;
  }
  return n;
}

async function time(run: () => Promise<number>): Promise<{ ms: number; records: number }> {
  let best = Infinity;
  let records = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    records = await run();
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, records };
}

const parse = await time(parseOnly);
const read = await time(readOnly);
matches = 0;
const detected = await time(detect);
matches /= 3;
console.log(machineLine());
console.log(`${rules.length} rules loaded in ${(loadMs / 1000).toFixed(1)} s (${skipped.length} skipped); ${matches} matches per pass`);
const row = (label: string, r: { ms: number; records: number }): Row => ({
  run: label,
  records: r.records,
  'events/s': (r.records / r.ms) * 1000,
  '× parse only': r.ms / parse.ms,
});
printTable('best of 3 passes over the LSASS recording', [row('inflate + JSON.parse only', parse), row('psnotify reader', read), row('reader + every rule', detected)]);
