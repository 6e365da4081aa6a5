// SigmaHQ's own regression pairs, run through src/detect: for each folder of
// the shared regression data, the rule named by its info.yml (found by id
// among all shared rules, in a RuleSet of all of them, so routing and the
// prefilter are exercised too) must match the folder's recorded events
// exactly `match_count` times. Where info.yml gives no match_count, SigmaHQ's
// runner requires at least one match (sigmahq-regression-data-schema), and
// so does this test. The recorded JSON (several objects may follow one
// another) is flattened with flattenEvent; the .evtx copies are not read.
// Also: the prefilter never changes a result, on these events and on a
// real Sysmon recording.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { flattenEvent, loadRules, parseJsonEvents, RuleSet, type CompiledRule } from '../src/detect/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sigma = join(root, '..', 'shared', 'data', 'sigma');
const regression = join(sigma, 'regression_data');
const otrf = join(root, '..', 'shared', 'data', 'sysmon', 'otrf-aptsimulator-cobaltstrike.jsonl');

/** Pairs that cannot pass for a documented reason (folder name → reason). None at present. */
const EXCEPTIONS: ReadonlyMap<string, string> = new Map();

function infoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? infoFiles(p) : n === 'info.yml' ? [p] : [];
  });
}

interface Pair {
  readonly folder: string;
  readonly ruleId: string;
  readonly expected: number | undefined;
  readonly events: Record<string, unknown>[];
}

function pairs(): Pair[] {
  return infoFiles(regression)
    .sort()
    .map((info) => {
      const meta = parse(readFileSync(info, 'utf8')) as {
        rule_metadata: { id: string }[];
        regression_tests_info: { match_count?: number }[];
      };
      const dir = dirname(info);
      const events = readdirSync(dir)
        .filter((n) => n.endsWith('.json'))
        .flatMap((n) => parseJsonEvents(readFileSync(join(dir, n), 'utf8')))
        .map(flattenEvent);
      return { folder: relative(regression, dir), ruleId: meta.rule_metadata[0]!.id, expected: meta.regression_tests_info[0]!.match_count, events };
    });
}

let cache: { rules: CompiledRule[]; set: RuleSet } | null = null;
function sharedRules(): { rules: CompiledRule[]; set: RuleSet } {
  if (cache === null) {
    const { rules } = loadRules(['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) => join(sigma, f)));
    cache = { rules, set: new RuleSet(rules) };
  }
  return cache;
}

test('every shared regression pair: its rule matches its events match_count times', (t) => {
  if (!existsSync(regression)) return t.skip(`shared Sigma regression data not found at ${regression}`);
  const { rules, set } = sharedRules();
  const byId = new Map(rules.map((r) => [r.id, r]));
  const all = pairs();
  assert.equal(all.length, 80, 'the shared data holds 80 regression pairs');
  let passed = 0;
  const failures: string[] = [];
  for (const pair of all) {
    const rule = byId.get(pair.ruleId);
    const count = pair.events.filter((e) => set.match(e).includes(rule!)).length;
    const alone = pair.events.filter((e) => rule?.matches(e) === true).length;
    const ok = rule !== undefined && (pair.expected === undefined ? count >= 1 : count === pair.expected) && alone === count;
    if (EXCEPTIONS.has(pair.folder)) {
      assert.equal(ok, false, `${pair.folder} is listed as an exception but passes: remove it from EXCEPTIONS`);
      t.diagnostic(`exception: ${pair.folder}: ${EXCEPTIONS.get(pair.folder)}`);
      continue;
    }
    if (ok) passed++;
    else failures.push(`${pair.folder}: rule ${pair.ruleId} ${rule === undefined ? 'not loaded' : `matched ${count} of ${pair.events.length} events (alone: ${alone}), expected ${pair.expected ?? '≥ 1'}`}`);
  }
  t.diagnostic(`${passed} of ${all.length} regression pairs pass, ${EXCEPTIONS.size} documented exceptions`);
  assert.deepEqual(failures, []);
  assert.equal(passed + EXCEPTIONS.size, all.length);
});

test('regression pairs with several events count each matching event once', (t) => {
  if (!existsSync(regression)) return t.skip(`shared Sigma regression data not found at ${regression}`);
  const { set, rules } = sharedRules();
  const multi = pairs().filter((p) => p.events.length > 1);
  assert.ok(multi.length >= 5, 'some JSON files hold several concatenated events');
  const restore = multi.find((p) => p.folder.endsWith('proc_creation_win_reg_system_restore_modification'));
  assert.ok(restore, 'the four-event pair is there');
  assert.equal(restore.expected, 4);
  const rule = rules.find((r) => r.id === restore.ruleId)!;
  assert.equal(restore.events.filter((e) => set.match(e).includes(rule)).length, 4);
});

test('the prefilter never changes a result (regression events and a real Sysmon recording)', (t) => {
  if (!existsSync(regression)) return t.skip(`shared Sigma regression data not found at ${regression}`);
  const { rules, set } = sharedRules();
  const plain = new RuleSet(rules, { prefilter: false });
  const events = pairs().flatMap((p) => p.events);
  if (existsSync(otrf)) {
    events.push(...readFileSync(otrf, 'utf8').trim().split('\n').map((l) => flattenEvent(JSON.parse(l))));
  } else {
    t.diagnostic(`shared Sysmon recording not found at ${otrf}: regression events only`);
  }
  let matches = 0;
  for (const e of events) {
    const fast = set.match(e).map((r) => r.id);
    assert.deepEqual(fast, plain.match(e).map((r) => r.id), `event ${String(e['EventRecordID'] ?? e['RecordNumber'] ?? '?')}`);
    matches += fast.length;
  }
  t.diagnostic(`${events.length} events, ${matches} rule matches, identical with and without the prefilter`);
  assert.ok(matches >= 80, 'the comparison covered matching events, not only misses');
});
