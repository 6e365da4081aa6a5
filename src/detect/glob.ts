// Matching a parsed Sigma string (literal runs, `*`, `?`) against a whole
// value, in bounded time. The common shapes become plain string operations
// (===, startsWith, endsWith, includes); patterns with only `*` are matched
// by anchored literal pieces found left to right with indexOf; patterns with
// `?` use the two-pointer wildcard matcher, O(value × pattern) at worst and
// never exponential. No RegExp is built from a wildcard pattern.
import { STAR, type Pattern } from './sigma-string.js';

export type StringTest = (value: string) => boolean;

/** Compiles a pattern (already folded / normalised as its matcher requires) into a whole-value test. */
export function compileGlob(p: Pattern): StringTest {
  if (p.length === 0) return (v) => v === '';
  const stars = p.filter((x) => x === STAR).length;
  const ones = p.some((x) => typeof x !== 'string' && x !== STAR);
  if (!ones) {
    if (p.length === 1) {
      const only = p[0]!;
      if (only === STAR) return () => true;
      const lit = only as string;
      return (v) => v === lit;
    }
    if (p.length === 2 && stars === 1) {
      if (p[1] === STAR) {
        const lit = p[0] as string;
        return (v) => v.startsWith(lit);
      }
      const lit = p[1] as string;
      return (v) => v.endsWith(lit);
    }
    if (p.length === 3 && p[0] === STAR && p[2] === STAR) {
      const lit = p[1] as string;
      return (v) => v.includes(lit);
    }
    return starPieces(p);
  }
  return twoPointer(p);
}

/** Only literals and `*`: an anchored prefix and suffix, then the middle pieces leftmost-first. */
function starPieces(p: Pattern): StringTest {
  const prefix = p[0] === STAR ? '' : (p[0] as string);
  const suffix = p[p.length - 1] === STAR ? '' : (p[p.length - 1] as string);
  const middle = p.slice(prefix === '' ? 0 : 1, suffix === '' ? p.length : p.length - 1).filter((x): x is string => typeof x === 'string');
  const fixed = prefix.length + suffix.length;
  return (v) => {
    if (v.length < fixed || !v.startsWith(prefix) || !v.endsWith(suffix)) return false;
    let pos = prefix.length;
    const end = v.length - suffix.length;
    for (const piece of middle) {
      const at = v.indexOf(piece, pos);
      if (at < 0 || at + piece.length > end) return false;
      pos = at + piece.length;
    }
    return true;
  };
}

const LIT = 0;
const ANY1 = 1;
const ANYN = 2;

/** Length in UTF-16 units of the code point at `i` (a surrogate pair is one character). */
function cpLen(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** The classic wildcard matcher: advance both, remember the last `*` and retry from one character later. */
function twoPointer(p: Pattern): StringTest {
  let chars = '';
  const kinds: number[] = [];
  for (const part of p) {
    if (typeof part === 'string') {
      chars += part;
      for (let k = 0; k < part.length; k++) kinds.push(LIT);
    } else {
      chars += '\0';
      kinds.push(part === STAR ? ANYN : ANY1);
    }
  }
  const kind = Uint8Array.from(kinds);
  const m = kind.length;
  return (s) => {
    const n = s.length;
    let i = 0;
    let j = 0;
    let starJ = -1;
    let starI = 0;
    while (i < n) {
      if (j < m) {
        const k = kind[j];
        if (k === LIT) {
          if (chars.charCodeAt(j) === s.charCodeAt(i)) {
            i++;
            j++;
            continue;
          }
        } else if (k === ANY1) {
          i += cpLen(s, i);
          j++;
          continue;
        } else {
          starJ = j;
          starI = i;
          j++;
          continue;
        }
      }
      if (starJ < 0) return false;
      starI += cpLen(s, starI);
      i = starI;
      j = starJ + 1;
    }
    while (j < m && kind[j] === ANYN) j++;
    return j === m;
  };
}
