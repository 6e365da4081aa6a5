// The `re` modifier's regular expressions (PCRE flavour per the Sigma
// modifiers appendix) turned into JavaScript RegExps without changing their
// meaning: leading inline flags `(?i)`, `(?s)`, `(?m)` (as SigmaHQ rules
// write them) become RegExp flags, Python/PCRE named groups `(?P<n>…)`
// become `(?<n>…)`. Constructs JavaScript would silently read differently
// (`\A`, `\Z`, `\Q…\E`, possessive or atomic groups, inline flags in the
// middle) are refused with a reason rather than approximated. The search is
// unanchored, like PCRE's match: the pattern may match anywhere in the value.

export interface RegexFlags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

/** Letters that may follow a backslash and mean the same in JavaScript (non-unicode mode) as in PCRE. */
const SAFE_LETTER_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v', 'c', 'x', 'u', 'k']);

/** Compiles a Sigma `re` value; returns the RegExp or the reason it cannot be used. */
export function compileSigmaRegex(source: string, flags: RegexFlags): RegExp | string {
  let body = source;
  const f = { ...flags };
  for (;;) {
    const lead = /^\(\?([a-zA-Z]+)\)/.exec(body);
    if (lead === null) break;
    for (const ch of lead[1]!) {
      if (ch === 'i' || ch === 'm' || ch === 's') f[ch] = true;
      else return `inline regex flag '${ch}' in '${lead[0]}' is not supported`;
    }
    body = body.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (c === '\\') {
      const n = body[k + 1];
      if (n === undefined) return 'regex ends with a lone backslash';
      if (/[a-zA-Z]/.test(n) && !SAFE_LETTER_ESCAPES.has(n)) return `regex escape '\\${n}' is not supported (no JavaScript equivalent with the same meaning)`;
      const after = body.slice(k + 2);
      if ((n === 'x' && !/^[0-9a-fA-F]{2}/.test(after)) || (n === 'u' && !/^[0-9a-fA-F]{4}/.test(after)) || (n === 'c' && !/^[a-zA-Z]/.test(after)) || (n === 'k' && !after.startsWith('<'))) {
        return `regex escape '\\${n}${after.slice(0, 3)}' is not supported in this form`;
      }
      out += c + n;
      k++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in PCRE; JavaScript reads `[]` as an empty class.
      if (body[k + 1] === '^') {
        out += '^';
        k++;
      }
      if (body[k + 1] === ']') {
        out += '\\]';
        k++;
      }
      continue;
    }
    if (c === '(' && body[k + 1] === '?') {
      const rest = body.slice(k + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        k += 3;
        continue;
      }
      if (rest.startsWith('P=')) {
        const close = rest.indexOf(')');
        if (close < 0) return 'unterminated (?P=name) back-reference';
        out += `\\k<${rest.slice(2, close)}>`;
        k += 2 + close;
        continue;
      }
      if (/^(?::|=|!|<=|<!|<[A-Za-z_])/.test(rest)) {
        out += c;
        continue;
      }
      return `regex group '(?${rest.slice(0, 3)}…' is not supported`;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && body[k + 1] === '+') return 'possessive regex quantifiers are not supported';
    out += c;
  }
  try {
    return new RegExp(out, `${f.i ? 'i' : ''}${f.m ? 'm' : ''}${f.s ? 's' : ''}`);
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
}

/**
 * Literals one of which every match of `re` contains — the longest run of
 * plain characters each alternative of the top level must match — or null
 * when some alternative has no such run (then the prefilter cannot use it).
 * Conservative: a run stops at anything that is not a single plain
 * character (classes, groups, `.`, anchors), and a character made optional
 * by `?`, `*` or `{0,…}` is dropped from it.
 */
export function regexLiterals(re: RegExp): string[] | null {
  const src = re.source;
  const branches: string[][] = [[]];
  let run = '';
  const endRun = (): void => {
    if (run !== '') branches[branches.length - 1]!.push(run);
    run = '';
  };
  for (let k = 0; k < src.length; k++) {
    const c = src[k]!;
    let ch: string | null = null;
    if (c === '\\') {
      const n = src[k + 1] ?? '';
      k++;
      if (/[A-Za-z0-9]/.test(n)) {
        // \d, \s, \x41, \1, … are not plain characters: they end the run (skipping an escape's digits).
        endRun();
        if (n === 'x') k += 2;
        else if (n === 'u') k += 4;
        else if (n === 'c') k += 1;
        else if (n === 'k') k = src.indexOf('>', k);
        if (k < 0) return null;
      } else ch = n;
    } else if (c === '(' || c === '[') {
      endRun();
      // Skip the whole group or class (nested groups, classes and escapes included).
      let depth = 0;
      let inClass = false;
      for (; k < src.length; k++) {
        const d = src[k]!;
        if (d === '\\') k++;
        else if (inClass) inClass = d !== ']';
        else if (d === '[') inClass = true;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
        if (c === '[' && !inClass && d !== '[') break;
      }
    } else if (c === '|') {
      endRun();
      branches.push([]);
    } else if (c === '?' || c === '*' || c === '+' || (c === '{' && /^\{\d+(?:,\d*)?\}/.test(src.slice(k)))) {
      // The quantifier applies to the last character of the run (or to a group/class already cut off).
      const optional = c === '?' || c === '*' || (c === '{' && /^\{0[,}]/.test(src.slice(k)));
      if (run !== '') {
        const last = run.slice(-1);
        run = run.slice(0, -1);
        endRun();
        if (!optional) run = last;
        endRun();
      }
      if (c === '{') {
        const close = src.indexOf('}', k);
        if (close < 0) return null;
        k = close;
      }
      if (src[k + 1] === '?') k++; // lazy
    } else if (c === '.' || c === '^' || c === '$') {
      endRun();
    } else {
      ch = c;
    }
    if (ch !== null) run += ch;
  }
  endRun();
  const out: string[] = [];
  for (const b of branches) {
    if (b.length === 0) return null;
    out.push(b.reduce((x, y) => (y.length > x.length ? y : x)));
  }
  return out;
}
