// One detection item — `Field|mod1|mod2: value(s)` or a keyword — compiled
// into a test on an EventView, following the Sigma modifiers appendix (v2):
// the modifier chain is checked (unknown → unknown-modifier, `expand` and
// the time modifiers → unsupported, nonsense combinations → invalid), then
// the item goes to its kind of matcher: exists, re (i/m/s), cidr,
// gt/gte/lt/lte, fieldref here; every string modifier (contains, startswith,
// endswith, all, cased, windash, base64, base64offset, wide/utf16*, neq) in
// string-matcher.ts. Each item also reports its prefilter atoms.
import { inNetwork, parseCidr } from './cidr.js';
import type { EventView, Mode } from './event-view.js';
import { andAtoms, anyValue, combine, finish, invalid, onlyWith, orAtoms, scalarsOf, textOf, type Atom, type ItemPlace, type Matcher, type Scalar, type ValuesTest } from './matcher.js';
import { RuleError } from './problem.js';
import { compileSigmaRegex, regexLiterals } from './regex.js';
import { fold } from './sigma-string.js';
import { ENCODING, POSITION, stringMatcher } from './string-matcher.js';
import type { YNode } from './yaml-tree.js';

const RE_SUB: ReadonlyMap<string, 'i' | 'm' | 's'> = new Map([
  ['i', 'i'],
  ['ignorecase', 'i'],
  ['m', 'm'],
  ['multiline', 'm'],
  ['s', 's'],
  ['dotall', 's'],
]);
const COMPARE = ['gt', 'gte', 'lt', 'lte'] as const;
const KNOWN: ReadonlySet<string> = new Set<string>([
  ...POSITION,
  ...ENCODING,
  ...RE_SUB.keys(),
  ...COMPARE,
  'all',
  'cased',
  'windash',
  're',
  'cidr',
  'exists',
  'fieldref',
  'neq',
]);
const TIME_REASON = 'time modifiers (minute, hour, day, week, month, year) are not supported: event time formats and time zones are not defined by the rule';
/** Modifiers the specification defines that this engine refuses, with why. */
const UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['expand', "the 'expand' modifier needs placeholder values from outside the rule; the specification says a tool that cannot expand them must reject the rule"],
  ['minute', TIME_REASON],
  ['hour', TIME_REASON],
  ['day', TIME_REASON],
  ['week', TIME_REASON],
  ['month', TIME_REASON],
  ['year', TIME_REASON],
]);

/** Compiles one map entry of a selection: `key` is `Field|mods` (or `|mods` for keywords). */
export function compileItem(key: string, node: YNode, place: ItemPlace): Matcher {
  const [field, ...mods] = key.split('|') as [string, ...string[]];
  const seen = new Set<string>();
  for (const m of mods) {
    if (m === '') invalid(place, `empty modifier in '${key}'`);
    const reason = UNSUPPORTED.get(m);
    if (reason !== undefined) throw new RuleError('unsupported', reason, place.key, place.line);
    if (!KNOWN.has(m)) throw new RuleError('unknown-modifier', `unknown modifier '${m}'`, place.key, place.line);
    if (seen.has(m)) invalid(place, `modifier '${m}' given twice`);
    seen.add(m);
  }
  const values = scalarsOf(node, place);
  const keyword = field === '';
  const needsField = (what: string): void => {
    if (keyword) invalid(place, `'${what}' needs a field name`);
  };
  if (seen.has('exists')) {
    needsField('exists');
    return existsMatcher(field, mods, values, place);
  }
  if (seen.has('re')) return regexMatcher(field, mods, values, place);
  for (const m of RE_SUB.keys()) if (seen.has(m)) invalid(place, `modifier '${m}' is a sub-modifier of 're'`);
  if (seen.has('cidr')) {
    needsField('cidr');
    return cidrMatcher(field, mods, values, place);
  }
  const cmp = COMPARE.filter((m) => seen.has(m));
  if (cmp.length > 0) {
    needsField(cmp[0]!);
    return compareMatcher(field, mods, values, place);
  }
  if (seen.has('fieldref')) {
    needsField('fieldref');
    return fieldrefMatcher(field, mods, values, place);
  }
  return stringMatcher(field, mods, values, place);
}

/** A keyword (a plain string under a selection): searched in every value of the event. */
export function compileKeyword(node: Scalar, place: ItemPlace): Matcher {
  return stringMatcher('', [], [node], place);
}

function existsMatcher(field: string, mods: readonly string[], values: Scalar[], place: ItemPlace): Matcher {
  onlyWith(mods, ['exists'], 'exists', place);
  const v = values.length === 1 ? values[0]!.value : undefined;
  if (typeof v !== 'boolean') invalid(place, "'exists' takes one value, true or false");
  return { test: (view) => view.has(field) === v, atoms: null };
}

function regexMatcher(field: string, mods: readonly string[], values: Scalar[], place: ItemPlace): Matcher {
  onlyWith(mods, ['re', ...RE_SUB.keys(), 'all', 'cased', 'neq'], 're', place);
  const reAt = mods.indexOf('re');
  const flags = { i: false, m: false, s: false };
  mods.forEach((m, k) => {
    const f = RE_SUB.get(m);
    if (f === undefined) return;
    if (k < reAt) invalid(place, `'${m}' must follow 're'`);
    flags[f] = true;
  });
  const atomSets: (readonly Atom[] | null)[] = [];
  const tests = values.map((s): ValuesTest => {
    const text = textOf(s);
    if (text === null) invalid(place, "'re' cannot take null");
    const re = compileSigmaRegex(text, flags);
    if (typeof re === 'string') throw new RuleError('unsupported', re, place.key, place.line);
    atomSets.push(regexAtoms(field, re));
    return (vals) => anyValue(vals, (v) => re.test(v));
  });
  const all = mods.includes('all');
  const neq = mods.includes('neq');
  return finish(field, 0, combine(tests, all), neq, neq ? null : all ? andAtoms(atomSets) : orAtoms(atomSets));
}

/** Prefilter atoms of a regex: its required literals, exact, or folded when the regex ignores case (ASCII literals only). */
function regexAtoms(field: string, re: RegExp): readonly Atom[] | null {
  if (field === '') return null;
  const lits = regexLiterals(re);
  if (lits === null) return null;
  if (!re.ignoreCase) return lits.map((lit) => ({ field, mode: 0, lit }));
  if (lits.some((l) => !/^[\x00-\x7f]*$/.test(l))) return null;
  return lits.map((lit) => ({ field, mode: 1, lit: fold(lit) }));
}

function cidrMatcher(field: string, mods: readonly string[], values: Scalar[], place: ItemPlace): Matcher {
  onlyWith(mods, ['cidr', 'all', 'neq'], 'cidr', place);
  const tests = values.map((s): ValuesTest => {
    const text = textOf(s);
    const net = text === null ? null : parseCidr(text);
    if (net === null) invalid(place, `'${text}' is not an IPv4 or IPv6 network (a.b.c.d/n, x::/n)`);
    return (vals) => anyValue(vals, (v) => inNetwork(net, v));
  });
  return finish(field, 0, combine(tests, mods.includes('all')), mods.includes('neq'), null);
}

/** An event value as a number: decimal, or 0x-hex as Windows logs write ids; NaN when neither. */
export function eventNumber(v: string): number {
  const t = v.trim();
  if (t === '' || !/^[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/.test(t)) return NaN;
  if (/^[-+]?0[xX]/.test(t)) {
    const neg = t.startsWith('-');
    const n = parseInt(t.replace(/^[-+]?0[xX]/, ''), 16);
    return neg ? -n : n;
  }
  return Number(t);
}

function compareMatcher(field: string, mods: readonly string[], values: Scalar[], place: ItemPlace): Matcher {
  const ops = COMPARE.filter((m) => mods.includes(m));
  if (ops.length > 1) invalid(place, `'${ops[0]}' and '${ops[1]}' cannot be combined; use two items`);
  const op = ops[0]!;
  onlyWith(mods, [op], op, place);
  const tests = values.map((s): ValuesTest => {
    const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' ? eventNumber(s.value) : NaN;
    if (Number.isNaN(n)) invalid(place, `'${op}' needs a number, got '${s.text}'`);
    const cmp: (x: number) => boolean =
      op === 'gt' ? (x) => x > n : op === 'gte' ? (x) => x >= n : op === 'lt' ? (x) => x < n : (x) => x <= n;
    return (vals) =>
      anyValue(vals, (v) => {
        const x = eventNumber(v);
        return !Number.isNaN(x) && cmp(x);
      });
  });
  return finish(field, 0, combine(tests, false), false, null);
}

function fieldrefMatcher(field: string, mods: readonly string[], values: Scalar[], place: ItemPlace): Matcher {
  onlyWith(mods, ['fieldref', ...POSITION, 'cased', 'all', 'neq'], 'fieldref', place);
  const pos = POSITION.filter((m) => mods.includes(m));
  if (pos.length > 1) invalid(place, `'${pos[0]}' and '${pos[1]}' cannot be combined`);
  const mode: Mode = mods.includes('cased') ? 0 : 1;
  const rel: (a: string, b: string) => boolean =
    pos[0] === 'contains' ? (a, b) => a.includes(b) : pos[0] === 'startswith' ? (a, b) => a.startsWith(b) : pos[0] === 'endswith' ? (a, b) => a.endsWith(b) : (a, b) => a === b;
  const refs = values.map((s) => {
    const text = textOf(s);
    if (text === null || text === '') invalid(place, "'fieldref' needs a field name");
    return text;
  });
  const one = (view: EventView, ref: string): boolean => {
    const a = view.values(field, mode);
    const b = view.values(ref, mode);
    if (a === null || b === null) return false;
    return a.some((x) => b.some((y) => rel(x, y)));
  };
  const all = mods.includes('all');
  const neq = mods.includes('neq');
  const test = (view: EventView): boolean => (all ? refs.every((r) => one(view, r)) : refs.some((r) => one(view, r)));
  return { test: neq ? (view) => view.values(field, mode) !== null && !test(view) : test, atoms: null };
}

