// A set of compiled rules evaluated against events. Rules are grouped once
// by route (Sysmon 1/6/7, Security 4688); an event runs only the rules of
// its own route. Before the rules' full tests, the route's literal index
// (prefilter.ts) finds in one pass per field which prefilter literals the
// event holds, and a rule none of whose literals is present is skipped.
// Field values are stringified, case-folded and windash-normalised at most
// once per event.
import { ruleInternals } from './compile.js';
import { EventView } from './event-view.js';
import { routeOf, toSysmonFields } from './logsource.js';
import type { Atom } from './matcher.js';
import { LiteralIndex } from './prefilter.js';
import type { CompiledRule, RouteKey } from './types.js';

interface Entry {
  readonly rule: CompiledRule;
  readonly test: (view: EventView) => boolean;
  /** Indices into the route's atom table; null = always evaluate. */
  readonly atoms: Int32Array | null;
}

interface Route {
  readonly entries: Entry[];
  readonly atoms: Atom[];
  readonly ids: Map<string, number>;
  index: LiteralIndex | null;
}

export interface RuleSetOptions {
  /** Use the literal prefilter (default true). Off, every routed rule is fully evaluated; results are the same. */
  readonly prefilter?: boolean;
}

export class RuleSet {
  readonly #rules: readonly CompiledRule[];
  readonly #routes = new Map<RouteKey, Route>();
  readonly #prefilter: boolean;

  constructor(rules: readonly CompiledRule[], options: RuleSetOptions = {}) {
    if (!Array.isArray(rules)) throw new TypeError('rules must be an array of compiled rules');
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.#rules = Object.freeze([...rules]);
    this.#prefilter = options.prefilter ?? true;
    for (const rule of this.#rules) {
      const { test, atoms } = ruleInternals(rule);
      for (const key of rule.routes) {
        let route = this.#routes.get(key);
        if (route === undefined) {
          route = { entries: [], atoms: [], ids: new Map(), index: null };
          this.#routes.set(key, route);
        }
        route.entries.push({ rule, test, atoms: atoms === null ? null : indexAtoms(route, atoms) });
      }
    }
    for (const route of this.#routes.values()) route.index = new LiteralIndex(route.atoms);
  }

  /** The rules of the set, in the order given. */
  get rules(): readonly CompiledRule[] {
    return this.#rules;
  }

  /** The rules evaluated on events of one route. */
  rulesFor(route: RouteKey): CompiledRule[] {
    return (this.#routes.get(route)?.entries ?? []).map((e) => e.rule);
  }

  /**
   * The rules that match a flat event (see flattenEvent), in set order. An
   * event of no supported route matches nothing; a Security 4688 event is
   * matched through its Sysmon field names (toSysmonFields).
   */
  match(event: Readonly<Record<string, unknown>>): CompiledRule[] {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new TypeError('event must be a plain object of fields');
    const key = routeOf(event);
    if (key === null) return [];
    const route = this.#routes.get(key);
    if (route === undefined) return [];
    const view = new EventView(key === 'security:4688' ? toSysmonFields(event) : event);
    const hit = this.#prefilter ? route.index!.find(view) : null;
    const out: CompiledRule[] = [];
    for (const entry of route.entries) {
      if (hit !== null && entry.atoms !== null && !anyHit(entry.atoms, hit)) continue;
      if (entry.test(view)) out.push(entry.rule);
    }
    return out;
  }
}

function indexAtoms(route: Route, atoms: readonly Atom[]): Int32Array {
  const idx = new Int32Array(atoms.length);
  atoms.forEach((a, k) => {
    const key = `${a.mode}\0${a.field}\0${a.lit}`;
    let at = route.ids.get(key);
    if (at === undefined) {
      at = route.atoms.push(a) - 1;
      route.ids.set(key, at);
    }
    idx[k] = at;
  });
  return idx;
}

function anyHit(idx: Int32Array, hit: Uint8Array): boolean {
  for (let k = 0; k < idx.length; k++) if (hit[idx[k]!] === 1) return true;
  return false;
}
