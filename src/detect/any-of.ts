// An OR of many whole-value patterns — Sigma's value lists, like fifty
// `Image|endswith` paths or `CommandLine|contains` fragments — answered by
// shape: exact values by a Set, prefixes and suffixes by a Set per length,
// infixes by one Aho–Corasick pass; only patterns with inner wildcards fall
// back to one glob test each. Same answers as testing each pattern in turn.
import { AhoCorasick } from './aho-corasick.js';
import { compileGlob, type StringTest } from './glob.js';
import { STAR, type Pattern } from './sigma-string.js';

/** Below this many prefixes/suffixes, plain startsWith/endsWith calls are faster than sets. */
const SMALL = 8;
/** Below this many infixes, `includes` calls are faster than an automaton pass (measured on Sysmon command lines). */
const SMALL_INFIX = 24;

function affixTest(lits: readonly string[], prefix: boolean): StringTest | null {
  if (lits.length === 0) return null;
  if (lits.length < SMALL) {
    const arr = [...lits];
    return prefix
      ? (v) => {
          for (let k = 0; k < arr.length; k++) if (v.startsWith(arr[k]!)) return true;
          return false;
        }
      : (v) => {
          for (let k = 0; k < arr.length; k++) if (v.endsWith(arr[k]!)) return true;
          return false;
        };
  }
  const byLen = new Map<number, Set<string>>();
  for (const l of lits) {
    let s = byLen.get(l.length);
    if (s === undefined) byLen.set(l.length, (s = new Set()));
    s.add(l);
  }
  const lens = [...byLen.keys()].sort((a, b) => a - b);
  const sets = lens.map((n) => byLen.get(n)!);
  return (v) => {
    for (let k = 0; k < lens.length; k++) {
      const n = lens[k]!;
      if (n > v.length) return false;
      if (sets[k]!.has(prefix ? v.slice(0, n) : v.slice(v.length - n))) return true;
    }
    return false;
  };
}

function infixTest(lits: readonly string[]): StringTest | null {
  if (lits.length === 0) return null;
  if (lits.length < SMALL_INFIX) {
    const arr = [...lits];
    return (v) => {
      for (let k = 0; k < arr.length; k++) if (v.includes(arr[k]!)) return true;
      return false;
    };
  }
  const ac = new AhoCorasick();
  lits.forEach((l, k) => ac.add(l, k));
  ac.build();
  return (v) => ac.containsAny(v);
}

/** A test true when the value matches at least one of the patterns. */
export function compileAnyOf(patterns: readonly Pattern[]): StringTest {
  if (patterns.length === 1) return compileGlob(patterns[0]!);
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const infixes: string[] = [];
  const others: StringTest[] = [];
  for (const p of patterns) {
    const lit = (k: number): string | null => (typeof p[k] === 'string' ? (p[k] as string) : null);
    if (p.length === 0) exact.add('');
    else if (p.length === 1 && lit(0) !== null) exact.add(lit(0)!);
    else if (p.length === 1 && p[0] === STAR) return () => true;
    else if (p.length === 2 && lit(0) !== null && p[1] === STAR) prefixes.push(lit(0)!);
    else if (p.length === 2 && p[0] === STAR && lit(1) !== null) suffixes.push(lit(1)!);
    else if (p.length === 3 && p[0] === STAR && lit(1) !== null && p[2] === STAR) infixes.push(lit(1)!);
    else others.push(compileGlob(p));
  }
  const tests: StringTest[] = [];
  if (exact.size > 0) tests.push((v) => exact.has(v));
  for (const t of [affixTest(prefixes, true), affixTest(suffixes, false), infixTest(infixes)]) if (t !== null) tests.push(t);
  tests.push(...others);
  if (tests.length === 1) return tests[0]!;
  return (v) => {
    for (let k = 0; k < tests.length; k++) if (tests[k]!(v)) return true;
    return false;
  };
}
