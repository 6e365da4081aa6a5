// The VAD tree: the reserved ranges of one address space, ordered by start.
// Windows keeps VADs in an AVL tree; this is a B+ tree (ranges in sorted leaves
// of up to 64, leaves linked in order, inner nodes of up to 64 children), so
// finding, adding and removing a range costs O(log n) in the number of ranges
// with few cache misses: three levels hold 250,000 ranges. Ranges are plain
// numbers (offsets) and never overlap: the caller checks before it inserts.

const FANOUT = 64;

interface Leaf {
  readonly leaf: true;
  starts: number[];
  ends: number[];
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

const newLeaf = (): Leaf => ({ leaf: true, starts: [], ends: [], previous: null, next: null });

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

  get size(): number {
    return this.#size;
  }

  /** The leaf where `start` belongs, and the inner nodes above it with the child index taken. */
  #descend(start: number, path: { node: Inner; at: number }[] | null): Leaf {
    let node = this.#root;
    while (!node.leaf) {
      const at = Math.max(0, lastAtMost(node.keys, start));
      path?.push({ node, at });
      node = node.children[at]!;
    }
    return node;
  }

  /** Adds [start, end). The caller has made sure it overlaps nothing. */
  insert(start: number, end: number): void {
    const path: { node: Inner; at: number }[] = [];
    const leaf = this.#descend(start, path);
    const at = lastAtMost(leaf.starts, start) + 1;
    leaf.starts.splice(at, 0, start);
    leaf.ends.splice(at, 0, end);
    this.#size++;
    // A new minimum lowers the separating keys on the way down.
    for (const step of path) if (start < step.node.keys[step.at]!) step.node.keys[step.at] = start;
    if (leaf.starts.length <= FANOUT) return;
    // Split the leaf, then any inner node that overflows, up to a new root.
    const half = leaf.starts.length >>> 1;
    const right: Leaf = { leaf: true, starts: leaf.starts.splice(half), ends: leaf.ends.splice(half), previous: leaf, next: leaf.next };
    if (leaf.next !== null) leaf.next.previous = right;
    leaf.next = right;
    let newChild: Node = right;
    let newKey = right.starts[0]!;
    for (let level = path.length - 1; level >= 0; level--) {
      const { node, at: index } = path[level]!;
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
    const path: { node: Inner; at: number }[] = [];
    const leaf = this.#descend(start, path);
    const at = lastAtMost(leaf.starts, start);
    if (at < 0 || leaf.starts[at] !== start) return false;
    leaf.starts.splice(at, 1);
    leaf.ends.splice(at, 1);
    this.#size--;
    if (leaf.starts.length > 0 || path.length === 0) return true;
    // An empty leaf leaves the list and its parent; an inner node left empty goes too.
    if (leaf.previous !== null) leaf.previous.next = leaf.next;
    if (leaf.next !== null) leaf.next.previous = leaf.previous;
    for (let level = path.length - 1; level >= 0; level--) {
      const { node, at: index } = path[level]!;
      node.keys.splice(index, 1);
      node.children.splice(index, 1);
      if (node.children.length > 0) break;
      if (level === 0) this.#root = newLeaf();
    }
    // A root with one child hands the root to it.
    while (!this.#root.leaf && this.#root.children.length === 1) this.#root = this.#root.children[0]!;
    return true;
  }

  clear(): void {
    this.#root = newLeaf();
    this.#size = 0;
  }

  /** Is [start, start + length) clear of every range? */
  isClear(start: number, length: number): boolean {
    // Only the last range starting before the end can overlap (ranges never overlap each other).
    const last = start + length - 1;
    let leaf: Leaf | null = this.#descend(last, null);
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
    let leaf: Leaf | null = this.#descend(candidate, null);
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
