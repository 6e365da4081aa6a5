// Property tests (fast-check) of src/detect against naive reference
// evaluators written here: wildcard patterns (Sigma escaping, `*`, `?`)
// against anchored RegExps; long value lists (Set / Aho–Corasick paths)
// against testing each pattern; the Aho–Corasick automaton against
// `includes`; base64offset against real encodings; and whole random rules —
// selections with modifiers and conditions printed with minimal
// parentheses — against a reference evaluation of the same rule, with and
// without the rule set's prefilter.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import { AhoCorasick } from '../src/detect/aho-corasick.js';
import { compileSigmaRegex, regexLiterals } from '../src/detect/regex.js';
import { compileRule, RuleSet, type CompiledRule } from '../src/detect/index.js';

// ---- the reference: Sigma strings as anchored regular expressions ----

const DASHES = '-/\u2013\u2014\u2015';
const reEscape = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
const DASH_CLASS = '[\\-/\u2013\u2014\u2015]';

/** Sigma's escaping, written independently: the pattern as a RegExp body. */
function refBody(pattern: string, windash = false): string {
  let out = '';
  const chars = [...pattern];
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k]!;
    const lit = (x: string): string => (windash && DASHES.includes(x) ? DASH_CLASS : reEscape(x));
    if (c === '\\' && (chars[k + 1] === '*' || chars[k + 1] === '?' || chars[k + 1] === '\\')) {
      out += lit(chars[k + 1]!);
      k++;
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += lit(c);
  }
  return out;
}

function refMatch(pattern: string, value: string, opts: { cased?: boolean; pos?: 'contains' | 'startswith' | 'endswith'; windash?: boolean } = {}): boolean {
  const body = refBody(pattern, opts.windash);
  const pre = opts.pos === 'contains' || opts.pos === 'endswith' ? '[\\s\\S]*' : '';
  const post = opts.pos === 'contains' || opts.pos === 'startswith' ? '[\\s\\S]*' : '';
  return new RegExp(`^${pre}${body}${post}$`, opts.cased ? 'u' : 'iu').test(value);
}

const yamlString = (s: string): string => JSON.stringify(s);

function one(key: string, values: readonly string[]): CompiledRule {
  const r = compileRule(`title: p\nlogsource:\n    category: process_creation\ndetection:\n    s:\n        ${yamlString(key)}: [${values.map(yamlString).join(', ')}]\n    condition: s\n`);
  if (r.kind === 'problem') throw new Error(`${key} ${JSON.stringify(values)}: ${r.reason}`);
  return r;
}

const ascii = (chars: string, max = 8): fc.Arbitrary<string> => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(''));
const unicode = (chars: readonly string[], max = 8): fc.Arbitrary<string> => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(''));

test('a wildcard pattern matches exactly as the anchored reference RegExp (ASCII, case-insensitive)', () => {
  fc.assert(
    fc.property(ascii('abAB*?\\'), fc.array(ascii('abAB*?\\', 10), { minLength: 1, maxLength: 6 }), (pattern, values) => {
      const r = one('F', [pattern]);
      for (const v of values) assert.equal(r.matches({ F: v }), refMatch(pattern, v), `${JSON.stringify(pattern)} on ${JSON.stringify(v)}`);
    }),
    { numRuns: 400 },
  );
});

test('cased patterns over Unicode (astral characters, length-changing case) match as the reference, code point by code point', () => {
  const chars = ['a', 'A', 'é', 'É', '😀', 'İ', 'ß', '*', '?', '\\'];
  fc.assert(
    fc.property(unicode(chars), fc.array(unicode(chars, 10), { minLength: 1, maxLength: 6 }), fc.constantFrom(undefined, 'contains', 'startswith', 'endswith'), (pattern, values, pos) => {
      const r = one(`F${pos ? `|${pos}` : ''}|cased`, [pattern]);
      for (const v of values) assert.equal(r.matches({ F: v }), refMatch(pattern, v, { cased: true, pos }), `${pos} ${JSON.stringify(pattern)} on ${JSON.stringify(v)}`);
    }),
    { numRuns: 300 },
  );
});

test('long value lists (sets per length, one automaton) answer as testing each pattern in turn', () => {
  fc.assert(
    fc.property(
      fc.array(ascii('abcAB\\*?', 6), { minLength: 1, maxLength: 40 }),
      fc.array(ascii('abcAB\\', 14), { minLength: 1, maxLength: 8 }),
      fc.constantFrom(undefined, 'contains', 'startswith', 'endswith'),
      (patterns, values, pos) => {
        const r = one(`F${pos ? `|${pos}` : ''}`, patterns);
        for (const v of values) assert.equal(r.matches({ F: v }), patterns.some((p) => refMatch(p, v, { pos })), `${pos} on ${JSON.stringify(v)}`);
      },
    ),
    { numRuns: 300 },
  );
});

test('the Aho–Corasick automaton finds exactly the literals a text includes', () => {
  fc.assert(
    fc.property(fc.array(ascii('abc', 5), { minLength: 1, maxLength: 30 }), fc.array(unicode(['a', 'b', 'c', 'é', '😀'], 30), { maxLength: 4 }), (lits, texts) => {
      const ac = new AhoCorasick();
      lits.forEach((l, k) => ac.add(l, k));
      ac.build();
      const hit = new Uint8Array(lits.length);
      ac.mark(texts, hit);
      lits.forEach((l, k) => assert.equal(hit[k] === 1, texts.some((t) => t.includes(l)), `${JSON.stringify(l)} in ${JSON.stringify(texts)}`));
      for (const t of texts) assert.equal(ac.containsAny(t), lits.some((l) => t.includes(l)));
    }),
    { numRuns: 400 },
  );
});

test('base64offset (and wide|base64offset) finds the value at any offset of any base64 text', () => {
  const text = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 3, maxLength: 16 }), text, text, fc.boolean(), (value, prefix, suffix, wide) => {
      // The rule value escapes Sigma's wildcards and backslashes: base64 encodes plain text only.
      const r = one(`CommandLine|${wide ? 'wide|' : ''}base64offset|contains`, [value.replace(/[\\*?]/g, '\\$&')]);
      const encoded = Buffer.from(prefix + value + suffix, wide ? 'utf16le' : 'utf8').toString('base64');
      assert.equal(r.matches({ CommandLine: `powershell -e ${encoded}` }), true);
    }),
    { numRuns: 300 },
  );
});

test('windash matches as the reference over all permutations of the dash characters', () => {
  fc.assert(
    fc.property(unicode(['a', 'b', ' ', ...DASHES], 6), fc.array(unicode(['a', 'b', 'A', ' ', ...DASHES], 10), { minLength: 1, maxLength: 6 }), (pattern, values) => {
      const r = one('CommandLine|contains|windash', [pattern]);
      for (const v of values) assert.equal(r.matches({ CommandLine: v }), refMatch(pattern, v, { pos: 'contains', windash: true }), `${JSON.stringify(pattern)} on ${JSON.stringify(v)}`);
    }),
    { numRuns: 300 },
  );
});

test("a regex's required literals (its prefilter atoms) occur in every string it matches", () => {
  const token = fc.constantFrom('a', 'b', 'ab', 'xy', '.', '\\d', '[ab]', '(a|b)', '(?:ab)', 'a?', 'b*', 'a+', 'x{0,2}', 'y{1,2}', '|', '^', '$', '\\.', '(?=a)', '(?!b)', '\\x41', 'A', '\\s');
  fc.assert(
    fc.property(fc.array(token, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.array(ascii('abxyA1. ', 10), { minLength: 1, maxLength: 8 }), (tokens, i, texts) => {
      const re = compileSigmaRegex(tokens.join(''), { i, m: false, s: false });
      if (typeof re === 'string') return;
      const lits = regexLiterals(re);
      if (lits === null) return;
      for (const t of texts) {
        if (!re.test(t)) continue;
        const hay = i ? t.toLowerCase() : t;
        assert.ok(lits.some((l) => hay.includes(i ? l.toLowerCase() : l)), `${re} matches ${JSON.stringify(t)} but holds none of ${JSON.stringify(lits)}`);
      }
    }),
    { numRuns: 500 },
  );
});

// ---- whole random rules against a reference evaluation ----

type Pos = 'contains' | 'startswith' | 'endswith' | undefined;
interface Item {
  readonly field: 'A' | 'B' | 'C';
  readonly pos: Pos;
  readonly all: boolean;
  readonly cased: boolean;
  readonly windash: boolean;
  readonly values: readonly (string | null)[];
}
type Cond = { t: 'id'; n: number } | { t: 'not'; e: Cond } | { t: 'and' | 'or'; a: Cond; b: Cond } | { t: 'of'; all: boolean };

const VALUE_CHARS = 'abA-/\u2013*?\\';
const itemArb: fc.Arbitrary<Item> = fc
  .record({
    field: fc.constantFrom('A' as const, 'B' as const, 'C' as const),
    pos: fc.constantFrom<Pos>(undefined, 'contains', 'startswith', 'endswith'),
    all: fc.boolean(),
    cased: fc.boolean(),
    windash: fc.boolean(),
    values: fc.array(fc.option(ascii(VALUE_CHARS, 5), { freq: 8 }), { minLength: 1, maxLength: 3 }),
  })
  .map((i) => (i.pos !== undefined || i.all || i.cased || i.windash ? { ...i, values: i.values.map((v) => v ?? '') } : i));

const condArb = (sels: number): fc.Arbitrary<Cond> =>
  fc.letrec<{ c: Cond }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: 0, max: sels - 1 }).map((n): Cond => ({ t: 'id', n })),
      fc.boolean().map((all): Cond => ({ t: 'of', all })),
      tie('c').map((e): Cond => ({ t: 'not', e })),
      fc.record({ t: fc.constantFrom('and' as const, 'or' as const), a: tie('c'), b: tie('c') }),
    ),
  })).c;

const PREC = { or: 1, and: 2, not: 3, atom: 4 } as const;
/** Prints a condition with only the parentheses Sigma's precedence needs. */
function print(c: Cond, parent = 0): string {
  const wrap = (s: string, p: number): string => (p < parent ? `(${s})` : s);
  switch (c.t) {
    case 'id':
      return `sel${c.n}`;
    case 'of':
      return `${c.all ? 'all' : '1'} of sel*`;
    case 'not':
      return wrap(`not ${print(c.e, PREC.not)}`, PREC.not);
    case 'and':
    case 'or':
      // Left-associative: the right operand of the same operator needs parentheses only to keep the tree's shape.
      return wrap(`${print(c.a, PREC[c.t])} ${c.t} ${print(c.b, PREC[c.t] + 1)}`, PREC[c.t]);
  }
}

function refItem(i: Item, ev: Record<string, string>): boolean {
  const v = Object.hasOwn(ev, i.field) ? ev[i.field]! : null;
  const test = (p: string | null): boolean => (p === null ? v === null : v !== null && refMatch(p, v, { cased: i.cased, pos: i.pos, windash: i.windash }));
  return i.all ? i.values.every(test) : i.values.some(test);
}

function refCond(c: Cond, sels: readonly boolean[]): boolean {
  switch (c.t) {
    case 'id':
      return sels[c.n]!;
    case 'of':
      return c.all ? sels.every(Boolean) : sels.some(Boolean);
    case 'not':
      return !refCond(c.e, sels);
    case 'and':
      return refCond(c.a, sels) && refCond(c.b, sels);
    case 'or':
      return refCond(c.a, sels) || refCond(c.b, sels);
  }
}

function ruleText(sels: readonly (readonly Item[])[], cond: Cond): string {
  const lines = ['title: random', 'logsource:', '    category: process_creation', 'detection:'];
  sels.forEach((items, k) => {
    lines.push(`    sel${k}:`);
    for (const i of items) {
      const key = ['F'.replace('F', i.field), i.pos, i.windash ? 'windash' : undefined, i.all ? 'all' : undefined, i.cased ? 'cased' : undefined].filter(Boolean).join('|');
      lines.push(`        ${yamlString(key)}: [${i.values.map((v) => (v === null ? 'null' : yamlString(v))).join(', ')}]`);
    }
  });
  lines.push(`    condition: ${print(cond)}`);
  return `${lines.join('\n')}\n`;
}

test('random rules (selections, modifiers, conditions) agree with the reference, with and without the prefilter', () => {
  const eventArb = fc.dictionary(fc.constantFrom('A', 'B', 'C'), ascii('abAB-/\u2013\u2014*?\\ ', 8), { maxKeys: 3 });
  fc.assert(
    fc.property(
      fc.array(fc.uniqueArray(itemArb, { minLength: 1, maxLength: 3, selector: (i) => i.field }), { minLength: 1, maxLength: 3 }).chain((sels) =>
        fc.tuple(fc.constant(sels), condArb(sels.length), fc.array(eventArb, { minLength: 1, maxLength: 8 })),
      ),
      ([sels, cond, events]) => {
        const text = ruleText(sels, cond);
        const rule = compileRule(text);
        if (rule.kind === 'problem') throw new Error(`${rule.reason}\n${text}`);
        const fast = new RuleSet([rule]);
        const slow = new RuleSet([rule], { prefilter: false });
        for (const ev of events) {
          const expected = refCond(cond, sels.map((items) => items.every((i) => refItem(i, ev))));
          assert.equal(rule.matches(ev), expected, `${text}on ${JSON.stringify(ev)}`);
          const routed = { EventID: 1, ...ev };
          assert.equal(fast.match(routed).length === 1, expected, 'rule set with prefilter');
          assert.equal(slow.match(routed).length === 1, expected, 'rule set without prefilter');
        }
      },
    ),
    { numRuns: 300 },
  );
});
