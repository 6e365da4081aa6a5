// The condition grammar of src/detect: and / or / not / parentheses with
// Sigma's precedence (or < and < not < `x of` < parentheses), the
// quantifiers over selection-name patterns and `them`, condition lists, and
// the problems a bad condition is reported as.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRule, type CompiledRule, type RuleProblem } from '../src/detect/index.js';

/** Selections a, b, c, sel_1, sel_2, _hidden: each true when the event has that field. */
const SELECTIONS = ['a', 'b', 'c', 'sel_1', 'sel_2', '_hidden']
  .map((n) => `    ${n}:\n        ${n}|exists: true\n`)
  .join('');

function compile(condition: string): CompiledRule | RuleProblem {
  return compileRule(`title: condition
id: 00000000-0000-4000-8000-000000000002
logsource:
    category: image_load
    product: windows
detection:
${SELECTIONS}    condition: ${condition}
`);
}

function cond(condition: string): CompiledRule {
  const r = compile(condition);
  if (r.kind === 'problem') assert.fail(`${condition}: ${r.reason}`);
  return r;
}

/** An event on which exactly the named selections are true. */
function ev(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, 'x']));
}

/** Every subset of the given names, as events. */
function allEvents(names: readonly string[]): string[][] {
  return Array.from({ length: 1 << names.length }, (_, m) => names.filter((_, k) => m & (1 << k)));
}

test('and binds tighter than or: a or b and c = a or (b and c)', () => {
  const r = cond('a or b and c');
  for (const on of allEvents(['a', 'b', 'c'])) {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => on.includes(n));
    assert.equal(r.matches(ev(...on)), a || (b && c), on.join(','));
  }
  assert.equal(r.matches(ev('b')), false, 'not (a or b) and c');
});

test('not binds tighter than and: not a and b = (not a) and b', () => {
  const r = cond('not a and b');
  for (const on of allEvents(['a', 'b'])) {
    const [a, b] = ['a', 'b'].map((n) => on.includes(n));
    assert.equal(r.matches(ev(...on)), !a && b, on.join(','));
  }
  assert.equal(cond('not a or b').matches(ev('a')), false, '(not a) or b');
  assert.equal(cond('not not a').matches(ev('a')), true);
});

test('parentheses override precedence', () => {
  const r = cond('(a or b) and c');
  for (const on of allEvents(['a', 'b', 'c'])) {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => on.includes(n));
    assert.equal(r.matches(ev(...on)), (a || b) && c, on.join(','));
  }
  const n = cond('not (a and b)');
  assert.equal(n.matches(ev('a', 'b')), false);
  assert.equal(n.matches(ev('a')), true);
  assert.equal(cond('((a))').matches(ev('a')), true);
});

test('1 of / all of a pattern, and not 1 of', () => {
  assert.equal(cond('1 of sel_*').matches(ev('sel_2')), true);
  assert.equal(cond('1 of sel_*').matches(ev('a')), false);
  assert.equal(cond('all of sel_*').matches(ev('sel_1')), false);
  assert.equal(cond('all of sel_*').matches(ev('sel_1', 'sel_2')), true);
  const filtered = cond('a and not 1 of sel_*');
  assert.equal(filtered.matches(ev('a')), true);
  assert.equal(filtered.matches(ev('a', 'sel_1')), false, 'not applies to the whole quantifier');
  assert.equal(cond('all of s*_2').matches(ev('sel_2')), true, 'a wildcard inside the pattern');
  assert.equal(cond('any of sel_*').matches(ev('sel_1')), true);
  assert.equal(cond('2 of sel_* ').matches(ev('sel_1')), false, 'N of: at least N');
});

test('1 of them / all of them skip selections starting with _', () => {
  assert.equal(cond('1 of them').matches(ev('_hidden')), false);
  assert.equal(cond('1 of them').matches(ev('c')), true);
  assert.equal(cond('all of them').matches(ev('a', 'b', 'c', 'sel_1', 'sel_2')), true, '_hidden is not needed');
  assert.equal(cond('all of them').matches(ev('a', 'b', 'c', 'sel_1')), false);
  assert.equal(cond('1 of _*').matches(ev('_hidden')), true, 'a pattern may name _ selections explicitly');
});

test('operator words are case-insensitive', () => {
  assert.equal(cond('a AND NOT b').matches(ev('a')), true);
  assert.equal(cond('1 OF sel_* Or a').matches(ev('a')), true);
});

test('a condition list is the OR of its conditions', () => {
  const r = cond('\n        - a and b\n        - c');
  assert.equal(r.matches(ev('c')), true);
  assert.equal(r.matches(ev('a', 'b')), true);
  assert.equal(r.matches(ev('a')), false);
});

test('a condition naming a missing selection is reported (code, id, key), as is a pattern that matches none', () => {
  const missing = compile('a and filter_main');
  assert.equal(missing.kind, 'problem');
  if (missing.kind !== 'problem') return;
  assert.equal(missing.code, 'missing-selection');
  assert.equal(missing.key, 'detection.condition');
  assert.equal(missing.id, '00000000-0000-4000-8000-000000000002');
  assert.match(missing.reason, /filter_main/);
  const none = compile('a and not 1 of filter_*');
  assert.equal(none.kind === 'problem' && none.code, 'missing-selection');
});

test('syntax errors and Sigma v1 aggregations are problems', () => {
  for (const c of ['a and', '(a or b', 'a b', 'a or or b', 'not', 'sel_*', '0 of them', 'a )']) {
    const p = compile(c);
    assert.equal(p.kind === 'problem' && p.code, 'invalid', c);
  }
  for (const c of ['a | count() > 5', 'a | count(b) by c > 1', 'a near b']) {
    const p = compile(c);
    assert.equal(p.kind === 'problem' && p.code, 'unsupported', c);
  }
});

test('a hostile condition (nesting far beyond any rule) is a problem, not a stack overflow', () => {
  for (const c of [`${'('.repeat(50000)}a${')'.repeat(50000)}`, `${'not '.repeat(50000)}a`]) {
    const p = compile(c);
    assert.equal(p.kind === 'problem' && p.code, 'invalid');
    assert.ok(p.kind === 'problem' && p.reason.length < 400, 'the reason quotes the condition shortened');
  }
  assert.equal(cond(`${'('.repeat(100)}a${')'.repeat(100)}`).matches(ev('a')), true, 'reasonable nesting is fine');
});
