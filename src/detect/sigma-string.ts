// A Sigma string value as the Sigma specification (v2, "Escaping" and "String
// Wildcard") defines it: literal text with the wildcards `*` (any run of
// characters) and `?` (exactly one character). A backslash escapes `*`, `?`
// and itself; a backslash before any other character, or at the end, is a
// literal backslash. Also here: the case fold used for Sigma's default
// case-insensitive matching, and the windash normalisation of the five
// dash characters.

/** A wildcard inside a parsed Sigma string. */
export interface Wildcard {
  readonly wild: '*' | '?';
}
/** `*`: any run of characters, the empty run included. */
export const STAR: Wildcard = Object.freeze({ wild: '*' });
/** `?`: exactly one character (one Unicode code point). */
export const ONE: Wildcard = Object.freeze({ wild: '?' });

/** A parsed Sigma string: non-empty literal runs and wildcards, runs merged, `**` collapsed. */
export type Part = string | Wildcard;
export type Pattern = readonly Part[];

/** Parses a rule value with Sigma's escaping rules into literal runs and wildcards. */
export function parseSigmaString(text: string): Pattern {
  const out: Part[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') out.push(lit);
    lit = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*' || c === '?') {
      flush();
      const w = c === '*' ? STAR : ONE;
      if (!(w === STAR && out[out.length - 1] === STAR)) out.push(w);
    } else {
      lit += c;
    }
  }
  flush();
  return out;
}

/** A pattern made of one literal run (no wildcards). */
export function literalPattern(text: string): Pattern {
  return text === '' ? [] : [text];
}

/** Concatenates patterns, merging literal runs and collapsing adjacent stars. */
export function concatPatterns(...patterns: Pattern[]): Pattern {
  const out: Part[] = [];
  for (const p of patterns) {
    for (const part of p) {
      const last = out[out.length - 1];
      if (typeof part === 'string') {
        if (typeof last === 'string') out[out.length - 1] = last + part;
        else out.push(part);
      } else if (!(part === STAR && last === STAR)) {
        out.push(part);
      }
    }
  }
  return out;
}

/** Applies `f` to every literal run of a pattern. */
export function mapLiterals(p: Pattern, f: (s: string) => string): Pattern {
  return concatPatterns(p.map((part) => (typeof part === 'string' ? f(part) : part)));
}

export function hasWildcards(p: Pattern): boolean {
  return p.some((part) => typeof part !== 'string');
}

/** The pattern as plain text; only meaningful when it has no wildcards. */
export function patternText(p: Pattern): string {
  return p.map((part) => (typeof part === 'string' ? part : part.wild)).join('');
}

const GREEK_FINAL_SIGMA = /\u03c2/g;

/**
 * The case fold of Sigma's case-insensitive matching: `toLowerCase`, with the
 * length kept (a character whose lower case is longer, like U+0130, is kept
 * as it is, so `?` still counts one character) and the context-dependent
 * Greek final sigma folded to σ. Rule values and event values go through the
 * same function, so the comparison is consistent.
 */
export function fold(s: string): string {
  let l = s.toLowerCase();
  if (l.length !== s.length) l = foldSlow(s);
  return l.indexOf('\u03c2') < 0 ? l : l.replace(GREEK_FINAL_SIGMA, '\u03c3');
}

function foldSlow(s: string): string {
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

/** The five characters the `windash` modifier treats as interchangeable. */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
const WINDASH_RE = /[/\u2013\u2014\u2015]/g;

/** Maps every windash character to `-`: two strings are windash-equal when their normalisations are equal. */
export function windashNormalize(s: string): string {
  WINDASH_RE.lastIndex = 0;
  return WINDASH_RE.test(s) ? s.replace(WINDASH_RE, '-') : s;
}
