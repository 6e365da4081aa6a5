// The literal prefilter of a rule set. Every rule that can, names a set of
// atoms — "field F (in form M) contains literal L" — at least one of which
// holds in every event the rule matches. For each (field, form) the literals
// of all rules are put in one Aho–Corasick automaton, so one pass over an
// event's value finds every literal it contains, however many rules there
// are. A rule none of whose atoms was found is skipped without evaluation.
import { AhoCorasick } from './aho-corasick.js';
import type { EventView, Mode } from './event-view.js';
import type { Atom } from './matcher.js';

interface Group {
  readonly field: string;
  readonly mode: Mode;
  readonly automaton: AhoCorasick;
}

/** All atoms of one route, indexed by (field, form). */
export class LiteralIndex {
  readonly #groups: Group[] = [];
  readonly #size: number;

  constructor(atoms: readonly Atom[]) {
    this.#size = atoms.length;
    const byKey = new Map<string, Group>();
    atoms.forEach((a, k) => {
      const key = `${a.mode}\0${a.field}`;
      let g = byKey.get(key);
      if (g === undefined) {
        g = { field: a.field, mode: a.mode, automaton: new AhoCorasick() };
        byKey.set(key, g);
        this.#groups.push(g);
      }
      g.automaton.add(a.lit, k);
    });
    for (const g of this.#groups) g.automaton.build();
  }

  /** The atoms that hold in the event: `result[k] === 1` when atom k's literal is in its field. */
  find(view: EventView): Uint8Array {
    const hit = new Uint8Array(this.#size);
    for (const g of this.#groups) {
      const vals = view.values(g.field, g.mode);
      if (vals !== null) g.automaton.mark(vals, hit);
    }
    return hit;
  }
}
