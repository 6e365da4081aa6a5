// The `condition` of a Sigma detection: selection names joined by `and`,
// `or`, `not` and parentheses, and the quantifiers `1 of x*`, `all of x*`,
// `1 of them`, `all of them` (also `N of …`, at least N). Precedence, least
// to most binding: or, and, not, `x of`, parentheses (rules specification
// v2, "Condition"). Operator words are case-insensitive; selection names are
// not. Sigma v1 aggregations (`| count() …`) and `near` are refused.

export type CondAst =
  | { readonly t: 'id'; readonly name: string }
  | { readonly t: 'of'; readonly quant: 'all' | number; readonly pattern: string | null } // null pattern = them
  | { readonly t: 'not'; readonly e: CondAst }
  | { readonly t: 'and' | 'or'; readonly items: readonly CondAst[] };

/** A condition that does not parse: `unsupported` for valid Sigma v1 syntax this engine refuses. */
export class ConditionError extends Error {
  readonly unsupported: boolean;
  constructor(message: string, unsupported = false) {
    super(message);
    this.name = 'ConditionError';
    this.unsupported = unsupported;
  }
}

/** Nesting (parentheses, `not`) beyond this is refused rather than risking the stack. */
const MAX_DEPTH = 256;

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any']);

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:([()])|([^\s()]+))/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(text)) !== null) {
    out.push(m[1] ?? m[2]!);
    at = re.lastIndex;
  }
  if (text.slice(at).trim() !== '') throw new ConditionError(`cannot read condition at '${text.slice(at)}'`);
  return out;
}

/** Parses a condition string into its tree. */
export function parseCondition(text: string): CondAst {
  const toks = tokenize(text);
  if (toks.length === 0) throw new ConditionError('empty condition');
  let k = 0;
  const peek = (): string | undefined => toks[k];
  const low = (t: string | undefined): string | undefined => t?.toLowerCase();

  const expectName = (t: string | undefined, what: string): string => {
    if (t === undefined) throw new ConditionError(`condition ends where ${what} was expected`);
    if (t === '(' || t === ')' || KEYWORDS.has(t.toLowerCase())) throw new ConditionError(`'${t}' where ${what} was expected`);
    if (t.startsWith('|') || t.toLowerCase() === 'near') throw new ConditionError(`'${t}': Sigma v1 aggregations and 'near' are not supported (use a correlation rule)`, true);
    return t;
  };

  const parseOr = (): CondAst => {
    const items = [parseAnd()];
    while (low(peek()) === 'or') {
      k++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { t: 'or', items };
  };
  const parseAnd = (): CondAst => {
    const items = [parseNot()];
    while (low(peek()) === 'and') {
      k++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { t: 'and', items };
  };
  let depth = 0;
  const deeper = (): void => {
    if (++depth > MAX_DEPTH) throw new ConditionError(`condition nested deeper than ${MAX_DEPTH} levels`);
  };
  const parseNot = (): CondAst => {
    if (low(peek()) === 'not') {
      k++;
      deeper();
      const e = parseNot();
      depth--;
      return { t: 'not', e };
    }
    return parsePrimary();
  };
  const parsePrimary = (): CondAst => {
    const t = peek();
    if (t === '(') {
      k++;
      deeper();
      const e = parseOr();
      depth--;
      if (peek() !== ')') throw new ConditionError(peek() === undefined ? "missing ')'" : `expected ')' but found '${peek()}'`);
      k++;
      return e;
    }
    const lt = low(t);
    const next = low(toks[k + 1]);
    if (next === 'of' && t !== undefined && (lt === 'all' || lt === 'any' || /^\d+$/.test(t))) {
      k += 2;
      const quant: 'all' | number = lt === 'all' ? 'all' : lt === 'any' ? 1 : Number(t);
      if (quant === 0) throw new ConditionError("'0 of' is not a valid quantifier");
      const target = peek();
      if (low(target) === 'them') {
        k++;
        return { t: 'of', quant, pattern: null };
      }
      k++;
      return { t: 'of', quant, pattern: expectName(target, "a selection pattern or 'them'") };
    }
    k++;
    const name = expectName(t, 'a selection name');
    if (name.includes('*')) throw new ConditionError(`'${name}': a wildcard name needs '1 of' or 'all of'`);
    return { t: 'id', name };
  };

  const ast = parseOr();
  if (k < toks.length) {
    const t = toks[k]!;
    if (t.startsWith('|') || t.toLowerCase() === 'near') {
      throw new ConditionError(`'${toks.slice(k).join(' ')}': Sigma v1 aggregations and 'near' are not supported (use a correlation rule)`, true);
    }
    throw new ConditionError(`unexpected '${t}'`);
  }
  return ast;
}

/** The selection names a quantifier pattern covers: `*` matches any run of characters; `them` skips names starting with `_`. */
export function namesMatching(pattern: string | null, names: readonly string[]): string[] {
  if (pattern === null) return names.filter((n) => !n.startsWith('_'));
  const parts = pattern.split('*');
  return names.filter((n) => {
    if (parts.length === 1) return n === pattern;
    if (!n.startsWith(parts[0]!) || !n.endsWith(parts[parts.length - 1]!)) return false;
    if (n.length < parts[0]!.length + parts[parts.length - 1]!.length) return false;
    let pos = parts[0]!.length;
    const end = n.length - parts[parts.length - 1]!.length;
    for (const mid of parts.slice(1, -1)) {
      const at = n.indexOf(mid, pos);
      if (at < 0 || at + mid.length > end) return false;
      pos = at + mid.length;
    }
    return true;
  });
}
