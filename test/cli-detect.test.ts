// `psnotify detect`: Sigma rules on a real recording, one JSON line per match
// with the record that caused it, the summary and the stats.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli, scratch } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'data');
const recording = join(shared, 'sysmon', 'otrf-aptsimulator-cobaltstrike.jsonl');
const processRules = join(shared, 'sigma', 'rules', 'windows', 'process_creation');

test('detect: a match per line with rule, host, record, file and event; a summary; --stats', async (t) => {
  if (!existsSync(recording) || !existsSync(processRules)) return t.skip(`shared data not found (${shared})`);
  const dir = scratch(t);
  const { code, stdout, stderr } = await cli('detect', recording, '--rules', processRules, '--stats', join(dir, 'stats.json'));
  assert.equal(code, 0, stderr);
  const matches = stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: { id: string; title: string; level: string }; host: string; record: number; file: string; event: Record<string, unknown> });
  assert.ok(matches.length >= 5, `${matches.length} matches`);
  const curl = matches.find((m) => m.rule.id === 'e218595b-bbe7-4ee5-8a96-f32a24ad3468');
  assert.ok(curl, 'Suspicious Curl.EXE Download fires');
  assert.equal(curl.host, 'WORKSTATION5');
  assert.equal(curl.file, recording);
  // The record number is the line of the recording that holds the event.
  const line = readFileSync(recording, 'utf8').split('\n')[curl.record - 1]!;
  assert.equal(JSON.parse(line).ProcessId, curl.event.ProcessId);
  assert.match(stderr, /detect: 984 records \(0 bad\), \d+ rules, \d+ matches/);
  assert.match(stderr, /Suspicious Curl\.EXE Download \(e218595b-[^)]+\), by Florian Roth/);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as { records: number; matches: number; rules: { loaded: number; skipped: unknown[] } };
  assert.equal(stats.records, 984);
  assert.equal(stats.matches, matches.length);
  assert.ok(stats.rules.loaded > 1000);
});

test('detect: a bad rule is listed and skipped; no loadable rule is bad input', async (t) => {
  if (!existsSync(recording)) return t.skip(`shared data not found (${shared})`);
  const dir = scratch(t);
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'bad.yml'), 'title: broken\nid: 11111111-1111-4111-8111-111111111111\nlogsource: { category: image_load, product: windows }\ndetection:\n  sel:\n    ImageLoaded|endswiht: x.dll\n  condition: sel\n');
  writeFileSync(join(dir, 'rules', 'good.yml'), 'title: any ntdll\nid: 22222222-2222-4222-8222-222222222222\nlevel: low\nlogsource: { category: image_load, product: windows }\ndetection:\n  sel:\n    ImageLoaded|endswith: \\ntdll.dll\n  condition: sel\n');
  const mixed = await cli('detect', recording, '--rules', join(dir, 'rules'));
  assert.equal(mixed.code, 0, mixed.stderr);
  assert.match(mixed.stderr, /rule skipped: .*bad\.yml.*endswiht/);
  assert.ok(mixed.stdout.trim().split('\n').length > 10);
  const none = await cli('detect', recording, '--rules', join(dir, 'rules', 'bad.yml'));
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no rule could be loaded/);
});

test('run --rules: the side-loading example fires SigmaHQ\'s rule, marked under its row; expect { rule } makes it a test', async (t) => {
  const rule = join(shared, 'sigma', 'rules', 'windows', 'image_load', 'image_load_side_load_from_non_system_location.yml');
  if (!existsSync(rule)) return t.skip(`shared data not found (${shared})`);
  const example = join(root, 'docs', 'examples', 'sideload.yaml');
  const table = await cli('run', example, '--rules', rule);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /version\.dll +usr 1\/0 +a\n {2}! sigma high: Potential System DLL Sideloading From Non System Locations \(4fc0deee-0057-4998-ab31-d24e46e0aba4\)/);
  assert.match(table.stdout, /1 matches\n +1 {2}high {2}Potential System DLL Sideloading .*, by Nasreddine Bencherchali/);
  const json = await cli('run', example, '--rules', rule, '--json');
  const objects = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; rule?: { id: string }; fullImageName?: string });
  const match = objects.find((o) => o.rule !== undefined)!;
  assert.equal(match.rule!.id, '4fc0deee-0057-4998-ab31-d24e46e0aba4');
  assert.match(objects.find((o) => o.fullImageName !== undefined && o.seq === match.seq)!.fullImageName!, /\\Users\\Public\\App\\version\.dll$/);
  // As a detection test: the scenario names its rules and expects the match.
  const dir = scratch(t);
  const text = (await import('node:fs')).readFileSync(example, 'utf8');
  writeFileSync(join(dir, 'test.yaml'), `${text.replace('drivers: [sysmon]', `drivers: [sysmon]\nrules: [${JSON.stringify(rule)}]`)}  - expect: { rule: 4fc0deee-0057-4998-ab31-d24e46e0aba4, count: 1 }\n  - expect: { rule: Potential System DLL Sideloading From Non System Locations }\n`);
  const asTest = await cli('run', join(dir, 'test.yaml'));
  assert.equal(asTest.code, 0, asTest.stderr);
  writeFileSync(join(dir, 'wrong.yaml'), `${text.replace('drivers: [sysmon]', `drivers: [sysmon]\nrules: [${JSON.stringify(rule)}]`)}  - expect: { rule: 4fc0deee-0057-4998-ab31-d24e46e0aba4, count: 2 }\n`);
  const wrong = await cli('run', join(dir, 'wrong.yaml'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /expected rule "4fc0deee-0057-4998-ab31-d24e46e0aba4" to match 2 time\(s\), it matched 1/);
});
