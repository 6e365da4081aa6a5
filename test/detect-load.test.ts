// Loading rules with src/detect: every shared SigmaHQ rule (counted by
// category, skipped ones listed with their reasons), and bad rule files —
// invalid YAML, unknown modifiers, missing selections, correlation and
// filter documents, unsupported log sources — each reported with its file,
// rule id and offending key while the good rules of the folder still load.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileRule, compileRules, formatProblem, loadRules, RuleSet, type RuleProblem } from '../src/detect/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sigma = join(root, '..', 'shared', 'data', 'sigma');
const RULE_FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) => join(sigma, f));

function ymlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? ymlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

test('every shared SigmaHQ rule loads (or is listed with a legitimate reason)', (t) => {
  if (!existsSync(sigma)) return t.skip(`shared Sigma data not found at ${sigma}`);
  const files = RULE_FOLDERS.flatMap(ymlFiles);
  const { rules, skipped } = loadRules(RULE_FOLDERS);
  t.diagnostic(`${files.length} rule files: ${rules.length} rules compiled, ${skipped.length} skipped`);
  for (const s of skipped) t.diagnostic(`skipped: ${formatProblem(s)}`);
  assert.equal(rules.length + skipped.length, files.length, 'one document per shared rule file, each either compiled or listed');
  assert.ok(skipped.length <= 10, `few rules skipped (${skipped.length})`);
  for (const s of skipped) assert.ok(['unsupported', 'correlation', 'filter'].includes(s.code), `a skipped shared rule is valid Sigma the engine declines, not an engine error: ${formatProblem(s)}`);

  const byCategory = new Map<string, number>();
  for (const r of rules) byCategory.set(r.logsource.category!, (byCategory.get(r.logsource.category!) ?? 0) + 1);
  // The counts of the data's README (rules per category); none may be lost silently.
  assert.equal((byCategory.get('image_load') ?? 0) + skipped.filter((s) => s.path!.includes('image_load')).length, 125);
  assert.equal((byCategory.get('driver_load') ?? 0) + skipped.filter((s) => s.path!.includes('driver_load')).length, 10);
  assert.equal((byCategory.get('process_creation') ?? 0) + skipped.filter((s) => s.path!.includes('proc_creation')).length, 1415);

  const ids = new Set(rules.map((r) => r.id));
  assert.equal(ids.size, rules.length, 'rule ids are unique');
  for (const r of rules) {
    assert.match(r.id ?? '', /^[0-9a-f-]{36}$/, `${r.path} has its id`);
    assert.ok(r.title.length > 0 && r.author !== undefined && r.level !== undefined, `${r.path} keeps title, author, level`);
    assert.ok(r.path!.startsWith(sigma));
    const expected = { image_load: ['sysmon:7'], driver_load: ['sysmon:6'], process_creation: ['sysmon:1', 'security:4688'] }[r.logsource.category!];
    assert.deepEqual(r.routes, expected, `${r.path} routes by its category`);
  }
  const one = rules.find((r) => r.id === 'fb4e2211-6d08-426b-8e6f-0d4a161e3b1d');
  assert.ok(one, 'a known image_load rule is there');
  assert.equal(one.author, 'X__Junior');
  assert.ok(one.references.includes('https://ssd-disclosure.com/ssd-advisory-common-log-file-system-clfs-driver-pe/'));
  assert.equal(new RuleSet(rules).rulesFor('sysmon:7').length, byCategory.get('image_load'));
});

let scratch: string | null = null;
after(() => {
  if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
});

function rule(id: string, detection: string, logsource = '    category: process_creation\n    product: windows'): string {
  return `title: Test rule ${id}\nid: ${id}\nstatus: test\nauthor: tester\nlevel: high\nlogsource:\n${logsource}\ndetection:\n${detection}\n`;
}

const GOOD_DETECTION = "    selection:\n        Image|endswith: '\\evil.exe'\n    condition: selection";

test('a folder with bad rules loads the good ones and lists the rest with file, id, key and reason', () => {
  scratch = mkdtempSync(join(tmpdir(), 'psnotify-detect-'));
  const dir = join(scratch, 'rules');
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  const files: Record<string, string> = {
    'good.yml': rule('11111111-0000-4000-8000-000000000001', GOOD_DETECTION),
    'nested/deeper/good2.yaml': rule('11111111-0000-4000-8000-000000000002', GOOD_DETECTION, '    category: image_load\n    product: windows'),
    'bad_yaml.yml': "title: broken\nid: 22222222-0000-4000-8000-000000000001\ndetection:\n    selection:\n        Image: 'unterminated\n    condition: selection\n",
    'bad_modifier.yml': rule('22222222-0000-4000-8000-000000000002', "    selection:\n        CommandLine|containz: 'x'\n    condition: selection"),
    'bad_condition.yml': rule('22222222-0000-4000-8000-000000000003', "    selection:\n        Image: 'x'\n    condition: selection and not filter"),
    'unsupported_logsource.yml': rule('22222222-0000-4000-8000-000000000004', GOOD_DETECTION, '    product: linux\n    category: process_creation'),
    'with_correlation.yml': `${rule('11111111-0000-4000-8000-000000000003', GOOD_DETECTION)}---\ntitle: Many evil\nid: 22222222-0000-4000-8000-000000000005\ncorrelation:\n    type: event_count\n    rules:\n        - 11111111-0000-4000-8000-000000000003\n    group-by:\n        - Computer\n    timespan: 5m\n    condition:\n        gte: 5\n`,
    'filter.yml': "title: A filter\nid: 22222222-0000-4000-8000-000000000006\nlogsource:\n    category: process_creation\n    product: windows\nfilter:\n    rules:\n        - 11111111-0000-4000-8000-000000000001\n    selection:\n        User: admin\n    condition: not selection\n",
    'empty.yml': '# nothing here\n',
    'notes.txt': 'not a rule, not loaded',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

  const { rules, skipped } = loadRules([dir]);
  assert.deepEqual(rules.map((r) => r.id).sort(), ['11111111-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000002', '11111111-0000-4000-8000-000000000003']);
  const byFile = new Map<string, RuleProblem>(skipped.map((s) => [s.path!.slice(dir.length + 1), s]));
  assert.deepEqual([...byFile.keys()].sort(), ['bad_condition.yml', 'bad_modifier.yml', 'bad_yaml.yml', 'empty.yml', 'filter.yml', 'unsupported_logsource.yml', 'with_correlation.yml']);

  const yaml = byFile.get('bad_yaml.yml')!;
  assert.equal(yaml.code, 'yaml');
  assert.equal(yaml.id, '22222222-0000-4000-8000-000000000001', 'the id is read from the text of a broken document');
  assert.ok(yaml.line !== undefined && yaml.line >= 5, `line ${yaml.line}`);
  assert.ok(yaml.key === 'Image' || yaml.key === 'condition', `key ${yaml.key}`);

  const mod = byFile.get('bad_modifier.yml')!;
  assert.equal(mod.code, 'unknown-modifier');
  assert.equal(mod.id, '22222222-0000-4000-8000-000000000002');
  assert.equal(mod.key, 'detection.selection.CommandLine|containz');
  assert.equal(mod.line, 11);
  assert.match(formatProblem(mod), /bad_modifier\.yml:11 \[22222222-0000-4000-8000-000000000002\] detection\.selection\.CommandLine\|containz: unknown modifier 'containz'/);

  const cond = byFile.get('bad_condition.yml')!;
  assert.equal(cond.code, 'missing-selection');
  assert.equal(cond.key, 'detection.condition');
  assert.equal(cond.id, '22222222-0000-4000-8000-000000000003');
  assert.match(cond.reason, /'filter'/);

  const ls = byFile.get('unsupported_logsource.yml')!;
  assert.equal(ls.code, 'unsupported');
  assert.equal(ls.key, 'logsource');
  assert.match(ls.reason, /linux/);

  const corr = byFile.get('with_correlation.yml')!;
  assert.equal(corr.code, 'correlation');
  assert.equal(corr.document, 1, 'the second document of the file');
  assert.equal(corr.id, '22222222-0000-4000-8000-000000000005');
  assert.equal(byFile.get('filter.yml')!.code, 'filter');
  assert.equal(byFile.get('empty.yml')!.code, 'invalid');
  assert.ok(new RuleSet(rules).match({ EventID: 1, Image: 'C:\\evil.exe' }).length === 2, 'the loaded rules work');
});

test('missing paths are listed, not thrown; files can be given directly', () => {
  const missing = join(tmpdir(), 'psnotify-detect-does-not-exist', 'x.yml');
  const { rules, skipped } = loadRules([missing]);
  assert.equal(rules.length, 0);
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0]!.code, 'io');
  assert.equal(skipped[0]!.path, missing);
});

test('compileRule takes one document; compileRules every document of a text', () => {
  const two = `${rule('33333333-0000-4000-8000-000000000001', GOOD_DETECTION)}---\n${rule('33333333-0000-4000-8000-000000000002', GOOD_DETECTION)}`;
  const single = compileRule(two, 'two.yml');
  assert.equal(single.kind, 'problem');
  assert.equal(single.kind === 'problem' && single.path, 'two.yml');
  const all = compileRules(two, 'two.yml');
  assert.deepEqual(all.map((r) => r.kind === 'rule' && r.id), ['33333333-0000-4000-8000-000000000001', '33333333-0000-4000-8000-000000000002']);
  const noTitle = compileRule(rule('x', GOOD_DETECTION).replace(/^title:.*\n/, ''));
  assert.equal(noTitle.kind === 'problem' && noTitle.key, 'title');
  const noCondition = compileRule(rule('x', "    selection:\n        Image: 'x'"));
  assert.equal(noCondition.kind === 'problem' && noCondition.key, 'detection.condition');
  const timeframe = compileRule(rule('x', `${GOOD_DETECTION}\n    timeframe: 5m`));
  assert.equal(timeframe.kind === 'problem' && timeframe.code, 'unsupported');
  const dup = compileRule(rule('x', "    selection:\n        Image: 'a'\n        Image: 'b'\n    condition: selection"));
  assert.equal(dup.kind === 'problem' && dup.code, 'yaml', 'duplicate keys are invalid YAML');
});

test('programming mistakes throw TypeError naming the argument', () => {
  assert.throws(() => compileRule(42 as unknown as string), (e: unknown) => e instanceof TypeError && /yamlText/.test(e.message));
  assert.throws(() => loadRules('rules' as unknown as string[]), (e: unknown) => e instanceof TypeError && /paths/.test(e.message));
  assert.throws(() => new RuleSet('x' as unknown as []), (e: unknown) => e instanceof TypeError && /rules/.test(e.message));
  const r = compileRule(rule('44444444-0000-4000-8000-000000000001', GOOD_DETECTION));
  assert.equal(r.kind, 'rule');
  if (r.kind !== 'rule') return;
  assert.throws(() => new RuleSet([r]).match(null as unknown as Record<string, unknown>), (e: unknown) => e instanceof TypeError && /event/.test(e.message));
  assert.throws(() => r.matches([] as unknown as Record<string, unknown>), (e: unknown) => e instanceof TypeError && /event/.test(e.message));
  assert.throws(() => new RuleSet([{ ...r }]), (e: unknown) => e instanceof TypeError && /rule/.test(e.message), 'a look-alike object is not a compiled rule');
});

test('hostile rule texts are located problems, not exceptions', () => {
  const deep = compileRule(`title: deep\nlogsource:\n    category: process_creation\ndetection:\n    s:\n        F: ${'['.repeat(20000)}${']'.repeat(20000)}\n    condition: s\n`);
  assert.equal(deep.kind, 'problem');
  const dashes = compileRule(rule('55555555-0000-4000-8000-000000000001', `    s:\n        CommandLine|windash|base64: '${'-'.repeat(30)}'\n    condition: s`));
  assert.equal(dashes.kind === 'problem' && dashes.code, 'invalid', 'windash permutations before an encoding are bounded');
  const glob = compileRule(rule('55555555-0000-4000-8000-000000000002', `    s:\n        F: '${'*a'.repeat(100)}?b'\n    condition: s`));
  assert.equal(glob.kind, 'rule');
  if (glob.kind === 'rule') assert.equal(glob.matches({ F: 'a'.repeat(5000) }), false, 'many wildcards on a long value: answered (linear-ish matcher, no backtracking RegExp)');
});
