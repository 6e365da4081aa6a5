// The VAD tree: the reserved ranges of one address space, ordered by start,
// balanced so that finding, adding and removing a range costs O(log n) in the
// number of ranges (Windows keeps VADs in an AVL tree; this is a treap, which
// balances as well in expectation and needs less code). Ranges are plain
// numbers (offsets), and never overlap: the caller checks before it inserts.

interface Node {
  start: number;
  end: number;
  /** Heap priority: a hash of the start, so the shape depends only on the keys (reproducible). */
  priority: number;
  left: Node | null;
  right: Node | null;
}

/** A 32-bit mix of the start (murmur3's finaliser): spreads multiples of 64 KiB evenly. */
function priorityOf(start: number): number {
  let h = (start / 0x10000) >>> 0 ^ Math.floor(start / 0x1_0000_0000_0000);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Splits `node` into the ranges starting below `key` and those starting at or above it. */
function split(node: Node | null, key: number): [Node | null, Node | null] {
  if (node === null) return [null, null];
  if (node.start < key) {
    const [left, right] = split(node.right, key);
    node.right = left;
    return [node, right];
  }
  const [left, right] = split(node.left, key);
  node.left = right;
  return [left, node];
}

/** Joins two trees whose every start in `a` is below every start in `b`. */
function merge(a: Node | null, b: Node | null): Node | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.priority > b.priority) {
    a.right = merge(a.right, b);
    return a;
  }
  b.left = merge(a, b.left);
  return b;
}

export class VadTree {
  #root: Node | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds [start, end). The caller has made sure it overlaps nothing. */
  insert(start: number, end: number): void {
    const node: Node = { start, end, priority: priorityOf(start), left: null, right: null };
    const [left, right] = split(this.#root, start);
    this.#root = merge(merge(left, node), right);
    this.#size++;
  }

  /** Removes the range that starts at `start`; false when there is none. */
  remove(start: number): boolean {
    const [left, rest] = split(this.#root, start);
    const [middle, right] = split(rest, start + 1);
    this.#root = merge(left, right);
    if (middle === null) return false;
    this.#size--;
    return true;
  }

  clear(): void {
    this.#root = null;
    this.#size = 0;
  }

  /** Is [start, start + length) clear of every range? */
  isClear(start: number, length: number): boolean {
    // The range starting at or before `start` must end by then, and the next one start after the end.
    let node = this.#root;
    while (node !== null) {
      if (node.start < start + length && node.end > start) return false;
      node = start < node.start ? node.left : node.right;
    }
    return true;
  }

  /** The lowest `candidate` ≥ `from` (a multiple of `granularity`) where `length` bytes fit below `limit`, or -1. */
  firstFit(from: number, length: number, limit: number, granularity: number): number {
    let candidate = Math.ceil(from / granularity) * granularity;
    // In-order walk with an explicit stack: no recursion a dense space could deepen.
    const stack: Node[] = [];
    let node = this.#root;
    while (node !== null || stack.length > 0) {
      while (node !== null) {
        stack.push(node);
        node = node.left;
      }
      const next = stack.pop()!;
      if (candidate + length <= next.start) break;
      if (next.end > candidate) candidate = Math.ceil(next.end / granularity) * granularity;
      node = next.right;
    }
    return candidate + length <= limit ? candidate : -1;
  }
}
