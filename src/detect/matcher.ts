// What every compiled detection item is: a test on an EventView plus the
// prefilter atoms (literals one of which every matching event contains),
// and the small helpers the item compilers share — where an item is (for
// problems), a value's text, OR / AND of value tests, and the binding of a
// values test to its field (or to all values, for keywords; negated for neq).
import type { EventView, Mode } from './event-view.js';
import type { StringTest } from './glob.js';
import { RuleError } from './problem.js';
import type { YNode } from './yaml-tree.js';

/** "The folded/normalised value of `field` contains `lit`": a necessary condition of some matcher. */
export interface Atom {
  readonly field: string;
  readonly mode: Mode;
  readonly lit: string;
}

/**
 * A compiled condition on one event. `atoms`, when not null, is a set of
 * which at least one holds in every event the test accepts (so an event with
 * none of them can be skipped without running the test).
 */
export interface Matcher {
  readonly test: (view: EventView) => boolean;
  readonly atoms: readonly Atom[] | null;
}

/** Where the item is, for problems. */
export interface ItemPlace {
  readonly key: string;
  readonly line: number;
}

export type Scalar = Extract<YNode, { t: 'scalar' }>;
/** A test on one field's values (null: the field is absent). */
export type ValuesTest = (vals: readonly string[] | null) => boolean;

export function invalid(place: ItemPlace, message: string): never {
  throw new RuleError('invalid', message, place.key, place.line);
}

/** The item's values: one scalar or a non-empty list of scalars. */
export function scalarsOf(node: YNode, place: ItemPlace): Scalar[] {
  if (node.t === 'scalar') return [node];
  if (node.t === 'seq') {
    if (node.items.length === 0) invalid(place, 'empty list of values');
    return node.items.map((i) => (i.t === 'scalar' ? i : invalid(place, 'a value list may only hold plain values (strings, numbers, booleans, null)')));
  }
  return invalid(place, 'a field value must be a plain value or a list of them, not a map');
}

/** The text a scalar is compared as (numbers as written, booleans as `true`/`false`); null for `null`. */
export function textOf(s: Scalar): string | null {
  if (s.value === null) return null;
  if (typeof s.value === 'boolean') return s.value ? 'true' : 'false';
  return s.text;
}

/** Refuses any modifier outside `allowed` (the companions a kind of matcher accepts). */
export function onlyWith(mods: readonly string[], allowed: readonly string[], what: string, place: ItemPlace): void {
  const bad = mods.find((m) => !allowed.includes(m));
  if (bad !== undefined) invalid(place, `modifier '${bad}' cannot be combined with '${what}'`);
}

/** Whether any of the field's values passes (a field may hold a list). */
export function anyValue(vals: readonly string[] | null, t: StringTest): boolean {
  if (vals === null) return false;
  for (let k = 0; k < vals.length; k++) if (t(vals[k]!)) return true;
  return false;
}

/** The value tests of one item: OR, or AND under `all`. */
export function combine(tests: readonly ValuesTest[], all: boolean): ValuesTest {
  if (tests.length === 1) return tests[0]!;
  return all ? (vals) => tests.every((t) => t(vals)) : (vals) => tests.some((t) => t(vals));
}

/** Necessary atoms of an OR (union; unknown if any part is unknown) or an AND (the most selective part). */
export function orAtoms(parts: readonly (readonly Atom[] | null)[]): readonly Atom[] | null {
  const out: Atom[] = [];
  for (const p of parts) {
    if (p === null) return null;
    out.push(...p);
  }
  return out.length === 0 ? null : out;
}

export function andAtoms(parts: readonly (readonly Atom[] | null)[]): readonly Atom[] | null {
  let best: readonly Atom[] | null = null;
  let bestCost = Infinity;
  for (const p of parts) {
    if (p === null || p.length === 0) continue;
    // Estimated chance that one of the literals occurs: short literals are common, long ones rare.
    const cost = p.reduce((sum, a) => sum + 1 / Math.min(a.lit.length, 16) ** 3, 0);
    if (cost < bestCost) {
      best = p;
      bestCost = cost;
    }
  }
  return best;
}

/** Binds a values test to its field (or to all values, for keywords); `neq` negates it for present fields. */
export function finish(field: string, mode: Mode, t: ValuesTest, neq: boolean, atoms: readonly Atom[] | null): Matcher {
  if (field === '') return { test: (view) => t(view.allValues(mode)), atoms: null };
  if (neq) {
    return {
      test: (view) => {
        const vals = view.values(field, mode);
        return vals !== null && !t(vals);
      },
      atoms: null,
    };
  }
  return { test: (view) => t(view.values(field, mode)), atoms };
}
