// The string side of the modifiers: a value (Sigma wildcards and escaping)
// taken through its modifiers left to right — contains / startswith /
// endswith, windash, the encodings wide / utf16le / utf16be / utf16, base64
// and base64offset — into the patterns an event value is matched against,
// case-folded unless `cased`; keywords (no field) search every value with
// an implicit contains. A value list becomes one combined test (any-of.ts).
import { compileAnyOf } from './any-of.js';
import { base64, base64Offsets, toBytes, utf16be, utf16le } from './encoding.js';
import type { Mode } from './event-view.js';
import { andAtoms, anyValue, combine, finish, invalid, onlyWith, orAtoms, textOf, type Atom, type ItemPlace, type Matcher, type Scalar, type ValuesTest } from './matcher.js';
import {
  concatPatterns,
  fold,
  hasWildcards,
  literalPattern,
  mapLiterals,
  parseSigmaString,
  patternText,
  STAR,
  WINDASH_CHARS,
  windashNormalize,
  type Pattern,
} from './sigma-string.js';

export const POSITION = ['contains', 'startswith', 'endswith'] as const;
export const ENCODING = ['base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16'] as const;

const MAX_WINDASH_VARIANTS = 1024;

/** A pattern alternative on its way through the encoding modifiers. */
interface Alt {
  readonly p: Pattern;
  /** Whether the pattern's characters are bytes (after wide/utf16*) rather than text. */
  readonly bytes: boolean;
}

function expandWindash(alts: readonly Alt[], place: ItemPlace): Alt[] {
  const out: Alt[] = [];
  for (const alt of alts) {
    let variants: Pattern[] = [[]];
    for (const part of alt.p) {
      if (typeof part !== 'string') {
        variants = variants.map((v) => concatPatterns(v, [part]));
        continue;
      }
      let texts = [''];
      for (const ch of part) {
        const choices: readonly string[] = (WINDASH_CHARS as readonly string[]).includes(ch) ? WINDASH_CHARS : [ch];
        texts = texts.flatMap((t) => choices.map((c) => t + c));
        if (texts.length * variants.length > MAX_WINDASH_VARIANTS) invalid(place, `'windash' before an encoding would make more than ${MAX_WINDASH_VARIANTS} variants`);
      }
      variants = variants.flatMap((v) => texts.map((t) => concatPatterns(v, literalPattern(t))));
    }
    out.push(...variants.map((p) => ({ p, bytes: alt.bytes })));
  }
  return out;
}

function encodeUtf16(alt: Alt, m: string, place: ItemPlace): Alt {
  if (alt.bytes) invalid(place, `'${m}' applied to a value that is already encoded`);
  const enc = m === 'utf16be' ? utf16be : utf16le;
  const body = mapLiterals(alt.p, enc);
  return { p: m === 'utf16' ? concatPatterns(literalPattern('\xff\xfe'), body) : body, bytes: true };
}

function longestLiteral(p: Pattern): string {
  let best = '';
  for (const part of p) if (typeof part === 'string' && part.length > best.length) best = part;
  return best;
}

export function stringMatcher(field: string, mods: readonly string[], values: Scalar[], place: ItemPlace): Matcher {
  onlyWith(mods, [...POSITION, ...ENCODING, 'all', 'cased', 'windash', 'neq'], 'string matching', place);
  const pos = POSITION.filter((m) => mods.includes(m));
  if (pos.length > 1) invalid(place, `'${pos[0]}' and '${pos[1]}' cannot be combined`);
  const keyword = field === '';
  if (keyword && mods.includes('neq')) invalid(place, "'neq' needs a field name");
  const cased = mods.includes('cased');
  const dashAt = mods.indexOf('windash');
  const lastEncoding = Math.max(...ENCODING.map((m) => mods.indexOf(m)));
  // windash as the last transformation compares windash-normalised strings (all permutations, no expansion);
  // windash before an encoding has to expand its permutations before encoding them.
  const normalizeDash = dashAt >= 0 && dashAt > lastEncoding;
  const mode = ((cased ? 0 : 1) | (normalizeDash ? 2 : 0)) as Mode;
  const finalize = (s: string): string => {
    const f = cased ? s : fold(s);
    return normalizeDash ? windashNormalize(f) : f;
  };
  const all = mods.includes('all');
  const neq = mods.includes('neq');
  let nullOk = false;
  const perValue: Pattern[][] = [];
  const atomSets: (readonly Atom[] | null)[] = [];
  for (const s of values) {
    const text = textOf(s);
    if (text === null) {
      if (mods.some((m) => m !== 'all')) invalid(place, 'null cannot be used with modifiers (use exists: false)');
      if (keyword) invalid(place, 'a keyword cannot be null');
      nullOk = true;
      atomSets.push(null);
      continue;
    }
    let alts: Alt[] = [{ p: parseSigmaString(text), bytes: false }];
    let dashPending = false;
    for (const m of mods) {
      switch (m) {
        case 'contains':
          alts = alts.map((a) => ({ p: concatPatterns([STAR], a.p, [STAR]), bytes: a.bytes }));
          break;
        case 'startswith':
          alts = alts.map((a) => ({ p: concatPatterns(a.p, [STAR]), bytes: a.bytes }));
          break;
        case 'endswith':
          alts = alts.map((a) => ({ p: concatPatterns([STAR], a.p), bytes: a.bytes }));
          break;
        case 'windash':
          dashPending = true;
          break;
        case 'wide':
        case 'utf16le':
        case 'utf16be':
        case 'utf16':
          if (dashPending) alts = expandWindash(alts, place);
          dashPending = false;
          alts = alts.map((a) => encodeUtf16(a, m, place));
          break;
        case 'base64':
        case 'base64offset': {
          if (dashPending) alts = expandWindash(alts, place);
          dashPending = false;
          alts = alts.flatMap((a): Alt[] => {
            if (hasWildcards(a.p)) invalid(place, `'${m}' cannot encode a value with wildcards (or a position modifier before it)`);
            const bytes = toBytes(patternText(a.p), a.bytes);
            if (m === 'base64') return [{ p: literalPattern(base64(bytes)), bytes: false }];
            const variants = base64Offsets(bytes);
            if (variants.some((v) => v === '')) invalid(place, `'${text}' is too short for 'base64offset' (an offset would leave no stable characters)`);
            return variants.map((v) => ({ p: literalPattern(v), bytes: false }));
          });
          break;
        }
        default:
          break; // all, cased, neq: not transformations
      }
    }
    if (keyword && pos.length === 0) alts = alts.map((a) => ({ p: concatPatterns([STAR], a.p, [STAR]), bytes: a.bytes }));
    const patterns = alts.map((a) => mapLiterals(a.p, finalize));
    perValue.push(patterns);
    const lits = patterns.map(longestLiteral);
    atomSets.push(keyword || lits.some((l) => l === '') ? null : lits.map((lit) => ({ field, mode, lit })));
  }
  // A value list is an OR of every pattern of every value (one combined test); with 'all', each value's own OR must hold.
  let test: ValuesTest;
  if (all) {
    const tests: ValuesTest[] = perValue.map((ps) => {
      const t = compileAnyOf(ps);
      return (vals) => anyValue(vals, t);
    });
    if (nullOk) tests.push((vals) => vals === null);
    test = combine(tests, true);
  } else {
    const t = perValue.length === 0 ? null : compileAnyOf(perValue.flat());
    test = t === null ? (vals) => vals === null : nullOk ? (vals) => vals === null || anyValue(vals, t) : (vals) => anyValue(vals, t);
  }
  const atoms = neq ? null : all ? andAtoms(atomSets) : orAtoms(atomSets);
  return finish(field, mode, test, neq, atoms);
}

