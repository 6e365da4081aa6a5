// The VAD tree: the reserved ranges of one address space, ordered by start.
// Windows keeps VADs in an AVL tree; this is a B+ tree (ranges in sorted leaves
// of up to 64, leaves linked in order, inner nodes of up to 64 children), so
// finding, adding and removing a range costs O(log n) in the number of ranges
// with few cache misses: three levels hold 250,000 ranges. Ranges are plain
// numbers (offsets) and never overlap: the caller checks before it inserts.

const FANOUT = 64;

/** What `take` returns when no range starts there (items themselves may be null or undefined). */
export const NONE: unique symbol = Symbol('no such range');

interface Leaf {
  readonly leaf: true;
  starts: number[];
  ends: number[];
  /** What each range is for (the view or module occupying it), handed back when it is removed. */
  items: unknown[];
  previous: Leaf | null;
  next: Leaf | null;
}

interface Inner {
  readonly leaf: false;
  /** keys[i] ≤ every start in children[i] (it may be lower: removals do not raise it). */
  keys: number[];
  children: Node[];
}

type Node = Leaf | Inner;

const newLeaf = (): Leaf => ({ leaf: true, starts: [], ends: [], items: [], previous: null, next: null });

/** Inserts `value` at `at`, shifting by hand: for arrays this short, faster than splice and allocation-free. */
function insertAt<T>(array: T[], at: number, value: T): void {
  if (at === array.length) {
    array.push(value);
    return;
  }
  array.push(array[array.length - 1]!);
  for (let i = array.length - 2; i > at; i--) array[i] = array[i - 1]!;
  array[at] = value;
}

/** Removes the element at `at`, shifting by hand (splice would allocate the removed part). */
function removeAt<T>(array: T[], at: number): void {
  const last = array.length - 1;
  for (let i = at; i < last; i++) array[i] = array[i + 1]!;
  array.pop();
}

/** Index of the last element ≤ `value` in a sorted array, or -1. */
function lastAtMost(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

export class VadTree {
  #root: Node = newLeaf();
  #size = 0;
  /** The inner nodes of the last descent and the child taken in each (reused: no allocation per call). */
  readonly #pathNodes: Inner[] = [];
  readonly #pathAt: number[] = [];
  #depth = 0;

  get size(): number {
    return this.#size;
  }

  /** The leaf where `start` belongs; the inner nodes above it are left in the path arrays. */
  #descend(start: number): Leaf {
    let node = this.#root;
    let depth = 0;
    while (!node.leaf) {
      const at = Math.max(0, lastAtMost(node.keys, start));
      this.#pathNodes[depth] = node;
      this.#pathAt[depth++] = at;
      node = node.children[at]!;
    }
    this.#depth = depth;
    return node;
  }

  /** Adds [start, end) for `item`. The caller has made sure it overlaps nothing. */
  insert(start: number, end: number, item: unknown = null): void {
    const leaf = this.#descend(start);
    this.#insertAt(leaf, lastAtMost(leaf.starts, start) + 1, start, end, item);
  }

  /**
   * Adds [start, end) for `item` if it overlaps no range, in one descent (the
   * check and the insert share it); false, and nothing added, otherwise.
   */
  insertIfClear(start: number, end: number, item: unknown = null): boolean {
    const leaf = this.#descend(start);
    const at = lastAtMost(leaf.starts, start);
    // The range starting at or before `start` must end by it; the next one must start at or after `end`.
    if (at >= 0 ? leaf.ends[at]! > start : leaf.previous !== null && leaf.previous.ends[leaf.previous.ends.length - 1]! > start) return false;
    if (at + 1 < leaf.starts.length ? leaf.starts[at + 1]! < end : leaf.next !== null && leaf.next.starts[0]! < end) return false;
    this.#insertAt(leaf, at + 1, start, end, item);
    return true;
  }

  /** Inserts into `leaf` (just descended to) at `at`, splitting up the path as needed. */
  #insertAt(leaf: Leaf, at: number, start: number, end: number, item: unknown): void {
    const depth = this.#depth;
    insertAt(leaf.starts, at, start);
    insertAt(leaf.ends, at, end);
    insertAt(leaf.items, at, item);
    this.#size++;
    // A new minimum lowers the separating keys on the way down.
    for (let level = 0; level < depth; level++) {
      const node = this.#pathNodes[level]!;
      const index = this.#pathAt[level]!;
      if (start < node.keys[index]!) node.keys[index] = start;
    }
    if (leaf.starts.length <= FANOUT) return;
    // Split the leaf, then any inner node that overflows, up to a new root.
    const half = leaf.starts.length >>> 1;
    const right: Leaf = { leaf: true, starts: leaf.starts.splice(half), ends: leaf.ends.splice(half), items: leaf.items.splice(half), previous: leaf, next: leaf.next };
    if (leaf.next !== null) leaf.next.previous = right;
    leaf.next = right;
    let newChild: Node = right;
    let newKey = right.starts[0]!;
    for (let level = depth - 1; level >= 0; level--) {
      const node = this.#pathNodes[level]!;
      const index = this.#pathAt[level]!;
      node.keys.splice(index + 1, 0, newKey);
      node.children.splice(index + 1, 0, newChild);
      if (node.children.length <= FANOUT) return;
      const middle = node.children.length >>> 1;
      const sibling: Inner = { leaf: false, keys: node.keys.splice(middle), children: node.children.splice(middle) };
      newChild = sibling;
      newKey = sibling.keys[0]!;
    }
    const old = this.#root;
    this.#root = { leaf: false, keys: [Math.min(this.#firstKey(old), newKey), newKey], children: [old, newChild] };
  }

  #firstKey(node: Node): number {
    return node.leaf ? node.starts[0]! : node.keys[0]!;
  }

  /** Removes the range that starts at `start`; false when there is none. */
  remove(start: number): boolean {
    return this.take(start) !== NONE;
  }

  /** Removes the range that starts at `start` and returns its item; NONE when there is no such range. */
  take(start: number): unknown {
    const leaf = this.#descend(start);
    const depth = this.#depth;
    const at = lastAtMost(leaf.starts, start);
    if (at < 0 || leaf.starts[at] !== start) return NONE;
    const item = leaf.items[at];
    removeAt(leaf.starts, at);
    removeAt(leaf.ends, at);
    removeAt(leaf.items, at);
    this.#size--;
    if (leaf.starts.length > 0 || depth === 0) return item;
    // An empty leaf leaves the list and its parent; an inner node left empty goes too.
    if (leaf.previous !== null) leaf.previous.next = leaf.next;
    if (leaf.next !== null) leaf.next.previous = leaf.previous;
    for (let level = depth - 1; level >= 0; level--) {
      const node = this.#pathNodes[level]!;
      const index = this.#pathAt[level]!;
      node.keys.splice(index, 1);
      node.children.splice(index, 1);
      if (node.children.length > 0) break;
      if (level === 0) this.#root = newLeaf();
    }
    // A root with one child hands the root to it.
    while (!this.#root.leaf && this.#root.children.length === 1) this.#root = this.#root.children[0]!;
    return item;
  }


  clear(): void {
    this.#root = newLeaf();
    this.#size = 0;
  }

  /** Is [start, start + length) clear of every range? */
  isClear(start: number, length: number): boolean {
    // Only the last range starting before the end can overlap (ranges never overlap each other).
    const last = start + length - 1;
    let leaf: Leaf | null = this.#descend(last);
    let at = lastAtMost(leaf.starts, last);
    while (at < 0) {
      leaf = leaf.previous;
      if (leaf === null) return true;
      at = leaf.starts.length - 1;
    }
    return leaf.ends[at]! <= start;
  }

  /** The lowest `candidate` ≥ `from` (a multiple of `granularity`) where `length` bytes fit below `limit`, or -1. */
  firstFit(from: number, length: number, limit: number, granularity: number): number {
    let candidate = Math.ceil(from / granularity) * granularity;
    let leaf: Leaf | null = this.#descend(candidate);
    let at = lastAtMost(leaf.starts, candidate);
    // Start at the last range beginning at or before the candidate: it may cover it.
    if (at < 0 && leaf.previous !== null) {
      leaf = leaf.previous;
      at = leaf.starts.length - 1;
    }
    at = Math.max(0, at);
    // Walk the ranges in order from there: no recursion, whatever the tree holds.
    while (leaf !== null) {
      for (; at < leaf.starts.length; at++) {
        if (candidate + length <= leaf.starts[at]!) return candidate + length <= limit ? candidate : -1;
        if (leaf.ends[at]! > candidate) candidate = Math.ceil(leaf.ends[at]! / granularity) * granularity;
      }
      leaf = leaf.next;
      at = 0;
    }
    return candidate + length <= limit ? candidate : -1;
  }
}
