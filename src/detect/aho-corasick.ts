// Aho–Corasick multi-literal search over UTF-16 code units: one pass over a
// text finds every one of many literals it contains. Used by the rule set's
// literal prefilter (which literals occur?) and by long `contains` lists
// (does any occur?).

interface Tables {
  rootAscii: Int32Array | number[];
  rootMap: Map<number, number>;
  single: Int32Array | number[];
  singleTo: Int32Array | number[];
  maps: (Map<number, number> | null)[];
  fail: Int32Array | number[];
  reports: Uint8Array | number[];
}

/** One transition of the automaton on character code `c` from state `s` (following failure links). */
function step(t: Tables, s: number, c: number): number {
  for (;;) {
    if (s === 0) return c < 128 ? t.rootAscii[c]! : (t.rootMap.get(c) ?? 0);
    if (t.single[s] === c) return t.singleTo[s]!;
    const m = t.maps[s];
    const next = m === null ? undefined : m!.get(c);
    if (next !== undefined) return next;
    s = t.fail[s]!;
  }
}

export class AhoCorasick {
  readonly #goto: Map<number, number>[] = [new Map()];
  readonly #out: number[][] = [[]];
  #fail = new Int32Array(1);
  #dict = new Int32Array(1);
  #stamp = new Uint32Array(1);
  #epoch = 0;
  #built = false;
  // Compact transitions, made by build(): the root's ASCII moves in a table, a one-child node's move
  // in (single, singleTo), other nodes' in their Map; `reports` marks nodes with any literal ending there.
  #rootAscii = new Int32Array(128);
  #single = new Int32Array(1);
  #singleTo = new Int32Array(1);
  #maps: (Map<number, number> | null)[] = [];
  #reports = new Uint8Array(1);

  /** Adds a literal with its id (several literals may share an id, one literal may have several). */
  add(word: string, id: number): void {
    if (this.#built) throw new RangeError('add: the automaton is already built');
    let s = 0;
    for (let k = 0; k < word.length; k++) {
      const c = word.charCodeAt(k);
      let t = this.#goto[s]!.get(c);
      if (t === undefined) {
        t = this.#goto.push(new Map()) - 1;
        this.#out.push([]);
        this.#goto[s]!.set(c, t);
      }
      s = t;
    }
    this.#out[s]!.push(id);
  }

  /** Computes the failure links and dictionary-suffix links, breadth first. */
  build(): this {
    const n = this.#goto.length;
    this.#fail = new Int32Array(n);
    this.#dict = new Int32Array(n);
    this.#stamp = new Uint32Array(n);
    const queue: number[] = [...this.#goto[0]!.values()];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      for (const [c, t] of this.#goto[s]!) {
        let f = this.#fail[s]!;
        while (f > 0 && !this.#goto[f]!.has(c)) f = this.#fail[f]!;
        const ft = this.#goto[f]!.get(c);
        const fail = ft !== undefined && ft !== t ? ft : 0;
        this.#fail[t] = fail;
        this.#dict[t] = this.#out[fail]!.length > 0 ? fail : this.#dict[fail]!;
        queue.push(t);
      }
    }
    this.#single = new Int32Array(n).fill(-1);
    this.#singleTo = new Int32Array(n);
    this.#maps = new Array<Map<number, number> | null>(n).fill(null);
    this.#reports = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      const g = this.#goto[s]!;
      if (g.size === 1) {
        const [[c, t]] = g;
        this.#single[s] = c;
        this.#singleTo[s] = t;
      } else if (g.size > 1) {
        this.#maps[s] = g;
      }
      this.#reports[s] = this.#out[s]!.length > 0 || this.#dict[s]! > 0 ? 1 : 0;
    }
    for (let c = 0; c < 128; c++) this.#rootAscii[c] = this.#goto[0]!.get(c) ?? 0;
    this.#built = true;
    return this;
  }

  /** Whether any literal occurs in the text. */
  containsAny(text: string): boolean {
    if (this.#out[0]!.length > 0) return true; // the empty literal
    const tables = this.#tables();
    const reports = tables.reports;
    let s = 0;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      s = step(tables, s, c);
      if (reports[s] === 1) return true;
    }
    return false;
  }

  #tables(): Tables {
    return {
      rootAscii: this.#rootAscii,
      rootMap: this.#goto[0]!,
      single: this.#single,
      singleTo: this.#singleTo,
      maps: this.#maps,
      fail: this.#fail,
      reports: this.#reports,
    };
  }

  /** Sets `hit[id] = 1` for the id of every literal occurring in any of the texts. */
  mark(texts: readonly string[], hit: Uint8Array): void {
    let epoch = ++this.#epoch;
    if (epoch === 0xffffffff) {
      this.#stamp.fill(0);
      epoch = this.#epoch = 1;
    }
    const tables = this.#tables();
    const reports = tables.reports;
    const out = this.#out;
    const dict = this.#dict;
    const stamp = this.#stamp;
    for (const text of texts) {
      for (const a of out[0]!) hit[a] = 1; // the empty literal is in every text
      let s = 0;
      for (let k = 0; k < text.length; k++) {
        const c = text.charCodeAt(k);
        s = step(tables, s, c);
        if (reports[s] === 0) continue;
        // This node's literals and its dictionary-suffix chain, once per call per node.
        let o = out[s]!.length > 0 ? s : dict[s]!;
        while (o > 0 && stamp[o] !== epoch) {
          stamp[o] = epoch;
          for (const a of out[o]!) hit[a] = 1;
          o = dict[o]!;
        }
      }
    }
  }
}
