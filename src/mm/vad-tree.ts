// The VAD tree: the reserved ranges of one address space, ordered by start
// (where image views go, SEMANTICS.md §5A; address-space.ts places them).
// Windows keeps VADs in an AVL tree (MMVAD under EPROCESS.VadRoot); this is a
// B+ tree, so finding, adding and removing a range costs O(log n) in the
// number of ranges. Ranges are [start, end) of int32s — the address space
// gives them in 64 KiB granules, from 0 up — and never overlap: the caller
// checks before it inserts, or lets insertIfClear check.
//
// At 100,000 ranges what a placement costs is cache misses, not comparisons,
// so nodes are blocks of an Int32Array (vad-blocks.ts), not objects: a leaf is
// 256 contiguous bytes — its count, its neighbours, then up to 20 sorted
// [start, end, item slot] triples (it splits at 20) — and an inner node its
// count, up to 63 separating keys and its children. A descent follows no
// object pointers and scans each block front to back (the loads do not depend
// on each other, so the memory system fetches a cold block's lines together).
// What a range was made for waits in an item pool, reached only when the
// range is taken out, and a small cache of the leaf each range went into lets
// take() skip the descent. Placing a view at a random spot of a 100,000-view
// space still reads one leaf that is not in cache; the rest stays in cache.

import { BlockArena, BlockHints, ItemPool, NIL, SpareArrays } from './vad-blocks.js';

/** What `take` returns when no range starts there (items themselves may be null or undefined). */
export const NONE: unique symbol = Symbol('no such range');

// A leaf block: [count, previous leaf, next leaf, unused, start0, end0, slot0, start1, end1, slot1, …].
const LEAF_COUNT = 0;
const LEAF_PREVIOUS = 1;
const LEAF_NEXT = 2;
const LEAF_RANGES = 4;
const START = 0;
const END = 1;
const SLOT = 2;
const TRIPLE = 3;
/** Ranges a leaf keeps; it splits when an insert takes it past this (one spare triple holds the extra range). */
const LEAF_MAX = 19;
const LEAF_STRIDE = LEAF_RANGES + TRIPLE * (LEAF_MAX + 1); // 64 int32s: 256 bytes, four cache lines

// An inner block: [count, key0 … key(INNER_MAX), child0 … child(INNER_MAX)].
// keys[i] ≤ every start under child i (it may be lower: removals do not raise it).
const INNER_COUNT = 0;
const INNER_KEYS = 1;
/** Children an inner node keeps; it splits past this (one spare slot). */
const INNER_MAX = 62;
const INNER_CHILDREN = INNER_KEYS + INNER_MAX + 1;
const INNER_STRIDE = INNER_CHILDREN + INNER_MAX + 1; // 127 int32s

/** What an empty tree's root reads as before its first insert: a leaf with no ranges and no neighbours (never written). */
const EMPTY_LEAF = Int32Array.of(0, NIL, NIL);
const NO_INNERS = new Int32Array(0);

/** An end no range starts below: no range is remembered as refusing. */
const FORGOTTEN = -(2 ** 31);

/** Throws unless [start, end) is a non-empty range of int32s (what the blocks can hold). */
function checkRange(start: number, end: number): void {
  // The throw is out of line, so every insert inlines the check.
  if (!((start | 0) === start && (end | 0) === end && start < end)) badRange(start, end);
}

function badRange(start: number, end: number): never {
  throw new RangeError(`VAD range [${start}, ${end}) is not a non-empty range of 32-bit integers`);
}

export class VadTree {
  // Nodes are named by their offsets in these arenas; a free block's next-leaf or first-child word links the free list.
  readonly #leaves: BlockArena;
  readonly #inners: BlockArena;
  readonly #items = new ItemPool();
  /** The leaf each range was put in (kept once the tree has more than one leaf), for take() to skip the descent. */
  readonly #hints: BlockHints;
  /** A leaf when #height is 0 (the first leaf, 0, is made at the first insert), else an inner node with #height levels of inner nodes below it. */
  #root = 0;
  #height = 0;
  #size = 0;
  /** The inner nodes of the last descent and the child taken in each (reused: no allocation per call). */
  #pathNodes = new Int32Array(4);
  #pathAt = new Int32Array(4);
  /** The last range that refused an insert; #refusedEnd is FORGOTTEN once it has been taken out. */
  #refusedStart = 0;
  #refusedEnd = FORGOTTEN;

  /** `spares`: where the tree's memory comes from and goes back to on clear() (the kernel's, shared by its processes). */
  constructor(spares: SpareArrays = new SpareArrays()) {
    this.#leaves = new BlockArena(LEAF_STRIDE, LEAF_NEXT, EMPTY_LEAF, spares);
    this.#inners = new BlockArena(INNER_STRIDE, INNER_CHILDREN, NO_INNERS, spares);
    this.#hints = new BlockHints(spares);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds [start, end) for `item`. The caller has made sure it overlaps nothing. */
  insert(start: number, end: number, item: unknown = null): void {
    checkRange(start, end);
    const leaf = this.#descend(start);
    this.#insertAt(leaf, this.#lastAtMost(leaf, start) + 1, start, end, item);
  }

  /**
   * Adds [start, end) for `item` if it overlaps no range, in one descent (the
   * check and the insert share it); false, and nothing added, otherwise.
   */
  insertIfClear(start: number, end: number, item: unknown = null): boolean {
    checkRange(start, end);
    // The range that refused the last insert refuses this one without a descent while it is
    // still there (an image asked for at its ASLR base again and again, with the base taken).
    if (start < this.#refusedEnd && end > this.#refusedStart) return false;
    // Most processes hold fewer views than a leaf: a root leaf with room is a sorted array,
    // checked and filled in one short pass (small enough for the map path to inline).
    if (this.#height === 0 && !this.#leaves.isEmpty) {
      const leaves = this.#leaves.data;
      const leaf = this.#root;
      const count = leaves[leaf + LEAF_COUNT];
      if (count < LEAF_MAX) {
        const first = leaf + LEAF_RANGES;
        const last = first + TRIPLE * count;
        let triple = first;
        while (triple < last && leaves[triple + START] <= start) triple += TRIPLE;
        if (triple > first && leaves[triple - TRIPLE + END] > start) return this.#refuse(triple - TRIPLE);
        if (triple < last && leaves[triple + START] < end) return this.#refuse(triple);
        // #insertAt without its rare paths (first leaf, inner keys, split): a call to it measured ~10 % slower here.
        for (let i = last - 1; i >= triple; i--) leaves[i + TRIPLE] = leaves[i];
        leaves[triple + START] = start;
        leaves[triple + END] = end;
        leaves[triple + SLOT] = this.#items.add(item);
        leaves[leaf + LEAF_COUNT] = count + 1;
        this.#size++;
        return true;
      }
    }
    return this.#insertIfClearBelow(start, end, item);
  }

  /** insertIfClear in a tree of inner nodes (or a full or unmade root leaf): one descent for the check and the insert. */
  #insertIfClearBelow(start: number, end: number, item: unknown): boolean {
    const leaf = this.#descend(start);
    const leaves = this.#leaves.data;
    const at = this.#lastAtMost(leaf, start);
    // The range starting at or before `start` must end by it; the next one must start at or after `end`.
    const previous = leaves[leaf + LEAF_PREVIOUS];
    const before = at >= 0 ? leaf + LEAF_RANGES + TRIPLE * at : previous !== NIL ? this.#lastTriple(previous) : NIL;
    if (before !== NIL && leaves[before + END] > start) return this.#refuse(before);
    // Past this leaf's last range, the next leaf is read only when `end` passes the key that bounds it from below.
    const next = leaves[leaf + LEAF_NEXT];
    const after = at + 1 < leaves[leaf + LEAF_COUNT] ? leaf + LEAF_RANGES + TRIPLE * (at + 1) : next !== NIL && end > this.#keyAfterPath() ? next + LEAF_RANGES : NIL;
    if (after !== NIL && leaves[after + START] < end) return this.#refuse(after);
    this.#insertAt(leaf, at + 1, start, end, item);
    return true;
  }

  /** Removes the range that starts at `start`; false when there is none. */
  remove(start: number): boolean {
    return this.take(start) !== NONE;
  }

  /** Removes the range that starts at `start` and returns its item; NONE when there is no such range. */
  take(start: number): unknown {
    // A root leaf (a process with few views): one short pass, as in insertIfClear.
    if (this.#height === 0) {
      const leaves = this.#leaves.data;
      const leaf = this.#root;
      const last = leaf + LEAF_RANGES + TRIPLE * leaves[leaf + LEAF_COUNT];
      let triple = leaf + LEAF_RANGES;
      while (triple < last && leaves[triple + START] < start) triple += TRIPLE;
      if (triple === last || leaves[triple + START] !== start) return NONE;
      return this.#removeTriple(leaf, triple);
    }
    return this.#takeBelow(start);
  }

  /** take() in a tree of inner nodes. */
  #takeBelow(start: number): unknown {
    // Usually the range is still in the leaf it was put in, which keeps another range besides
    // (so no descent is needed to drop an emptied leaf from its parent); else descend.
    let leaf = this.#hints.recall(start);
    let at = leaf === NIL ? -1 : this.#lastAtMost(leaf, start);
    const leaves = this.#leaves.data;
    if (at < 0 || leaves[leaf + LEAF_RANGES + TRIPLE * at + START] !== start || leaves[leaf + LEAF_COUNT] === 1) {
      leaf = this.#descend(start);
      at = this.#lastAtMost(leaf, start);
    }
    const triple = leaf + LEAF_RANGES + TRIPLE * at;
    if (at < 0 || leaves[triple + START] !== start) return NONE;
    const item = this.#removeTriple(leaf, triple);
    if (leaves[leaf + LEAF_COUNT] === 0) this.#dropEmptyLeaf(leaf);
    return item;
  }

  /** Takes the range at `triple` out of `leaf` and returns its item (the leaf may be left empty). */
  #removeTriple(leaf: number, triple: number): unknown {
    const leaves = this.#leaves.data;
    if (leaves[triple + START] === this.#refusedStart) this.#refusedEnd = FORGOTTEN;
    const item = this.#items.take(leaves[triple + SLOT]);
    // Close the gap: the triples after it move down one (a loop: cheaper than copyWithin for a few words).
    const count = leaves[leaf + LEAF_COUNT];
    for (let i = triple, last = leaf + LEAF_RANGES + TRIPLE * (count - 1); i < last; i++) leaves[i] = leaves[i + TRIPLE];
    leaves[leaf + LEAF_COUNT] = count - 1;
    this.#size--;
    return item;
  }

  /** Drops every range (and every item), and gives the memory that held them back to the spares. */
  clear(): void {
    this.#leaves.empty();
    this.#inners.empty();
    this.#items.empty();
    this.#hints.forget();
    this.#root = 0;
    this.#height = 0;
    this.#size = 0;
    this.#refusedEnd = FORGOTTEN;
  }

  /** Is [start, start + length) clear of every range? */
  isClear(start: number, length: number): boolean {
    // Only the last range starting before the end can overlap (ranges never overlap each other).
    const last = start + length - 1;
    const leaves = this.#leaves.data;
    const leaf = this.#descend(last);
    const at = this.#lastAtMost(leaf, last);
    // Leaves other than an empty root are never empty: when no range of this leaf starts by `last`, the previous leaf's last one does.
    const previous = leaves[leaf + LEAF_PREVIOUS];
    const triple = at >= 0 ? leaf + LEAF_RANGES + TRIPLE * at : previous !== NIL ? this.#lastTriple(previous) : NIL;
    return triple === NIL || leaves[triple + END] <= start;
  }

  /** The lowest `candidate` ≥ `from` (a multiple of `granularity`) where `length` fits below `limit`, or -1. */
  firstFit(from: number, length: number, limit: number, granularity: number): number {
    const leaves = this.#leaves.data;
    let candidate = Math.ceil(from / granularity) * granularity;
    let leaf = this.#descend(candidate);
    let at = this.#lastAtMost(leaf, candidate);
    // Start at the last range beginning at or before the candidate: it may cover it.
    if (at < 0 && leaves[leaf + LEAF_PREVIOUS] !== NIL) {
      leaf = leaves[leaf + LEAF_PREVIOUS];
      at = leaves[leaf + LEAF_COUNT] - 1;
    }
    at = Math.max(0, at);
    // Walk the ranges in order from there: no recursion, whatever the tree holds.
    while (leaf !== NIL) {
      for (const count = leaves[leaf + LEAF_COUNT]; at < count; at++) {
        const triple = leaf + LEAF_RANGES + TRIPLE * at;
        if (candidate + length <= leaves[triple + START]) return candidate + length <= limit ? candidate : -1;
        if (leaves[triple + END] > candidate) candidate = Math.ceil(leaves[triple + END] / granularity) * granularity;
      }
      leaf = leaves[leaf + LEAF_NEXT];
      at = 0;
    }
    return candidate + length <= limit ? candidate : -1;
  }

  // ---- descent and search -----------------------------------------------------

  /** The leaf where `start` belongs; the inner nodes above it are left in the path arrays. */
  #descend(start: number): number {
    const inners = this.#inners.data;
    let node = this.#root;
    for (let depth = 0; depth < this.#height; depth++) {
      // The last key ≤ start (the first child when every key is above it).
      const count = inners[node + INNER_COUNT];
      let at = 1;
      while (at < count && inners[node + INNER_KEYS + at] <= start) at++;
      this.#pathNodes[depth] = node;
      this.#pathAt[depth] = at - 1;
      node = inners[node + INNER_CHILDREN + at - 1];
    }
    return node;
  }

  /**
   * A bound below every start right of the last descent's leaf: the nearest separating key to its
   * right on the path (the lowest int32 when there is none, so nothing is taken for granted).
   */
  #keyAfterPath(): number {
    const inners = this.#inners.data;
    for (let level = this.#height - 1; level >= 0; level--) {
      const node = this.#pathNodes[level];
      const at = this.#pathAt[level] + 1;
      if (at < inners[node + INNER_COUNT]) return inners[node + INNER_KEYS + at];
    }
    return -(2 ** 31);
  }

  /** Index of the last range of `leaf` starting at or below `value`, or -1. */
  #lastAtMost(leaf: number, value: number): number {
    const leaves = this.#leaves.data;
    const count = leaves[leaf + LEAF_COUNT];
    let at = 0;
    while (at < count && leaves[leaf + LEAF_RANGES + TRIPLE * at + START] <= value) at++;
    return at - 1;
  }

  /** Where the last triple of `leaf` begins. */
  #lastTriple(leaf: number): number {
    return leaf + LEAF_RANGES + TRIPLE * (this.#leaves.data[leaf + LEAF_COUNT] - 1);
  }

  /** Remembers the range at `triple` as the one that refused an insert; false. */
  #refuse(triple: number): false {
    this.#refusedStart = this.#leaves.data[triple + START];
    this.#refusedEnd = this.#leaves.data[triple + END];
    return false;
  }

  // ---- insertion and splits ---------------------------------------------------

  /** Inserts into `leaf` (just descended to) at `at`, splitting up the path as needed. */
  #insertAt(leaf: number, at: number, start: number, end: number, item: unknown): void {
    if (this.#leaves.isEmpty) this.#newLeaf(); // the first leaf, 0: the root
    const leaves = this.#leaves.data;
    const triple = leaf + LEAF_RANGES + TRIPLE * at;
    const count = leaves[leaf + LEAF_COUNT];
    for (let i = leaf + LEAF_RANGES + TRIPLE * count - 1; i >= triple; i--) leaves[i + TRIPLE] = leaves[i];
    leaves[triple + START] = start;
    leaves[triple + END] = end;
    leaves[triple + SLOT] = this.#items.add(item);
    leaves[leaf + LEAF_COUNT] = count + 1;
    this.#size++;
    // The rest concerns trees of more than one leaf, or a full leaf: out of line, so the common insert stays small enough to inline.
    if (this.#height > 0) this.#insertedBelowRoot(leaf, at, start);
    if (count + 1 > LEAF_MAX) this.#splitLeaf(leaf);
  }

  /** After an insert into `leaf` of a tree with inner nodes: a new minimum lowers the keys on the path, and the leaf is remembered for take(). */
  #insertedBelowRoot(leaf: number, at: number, start: number): void {
    if (at === 0) {
      const inners = this.#inners.data;
      for (let level = 0; level < this.#height; level++) {
        const key = this.#pathNodes[level] + INNER_KEYS + this.#pathAt[level];
        if (start < inners[key]) inners[key] = start;
      }
    }
    this.#hints.remember(start, leaf);
  }

  /** Moves the upper half of an overfull leaf into a new leaf after it, and hands the new leaf to the parent. */
  #splitLeaf(leaf: number): void {
    const right = this.#newLeaf(); // may grow the arena: read it after
    const leaves = this.#leaves.data;
    const count = leaves[leaf + LEAF_COUNT];
    const half = count >>> 1;
    leaves.copyWithin(right + LEAF_RANGES, leaf + LEAF_RANGES + TRIPLE * half, leaf + LEAF_RANGES + TRIPLE * count);
    leaves[leaf + LEAF_COUNT] = half;
    leaves[right + LEAF_COUNT] = count - half;
    const next = leaves[leaf + LEAF_NEXT];
    leaves[right + LEAF_PREVIOUS] = leaf;
    leaves[right + LEAF_NEXT] = next;
    if (next !== NIL) leaves[next + LEAF_PREVIOUS] = right;
    leaves[leaf + LEAF_NEXT] = right;
    this.#addChild(this.#height - 1, leaves[right + LEAF_RANGES + START], right, leaves[leaf + LEAF_RANGES + START]);
  }

  /**
   * Puts `child` (first key `key`) right after the path's child in the inner node at `level`
   * of the last descent, splitting up the path as needed; past the root, grows a new root
   * over the old one (whose lowest key is `firstKey`) and `child`.
   */
  #addChild(level: number, key: number, child: number, firstKey: number): void {
    for (; level >= 0; level--) {
      const node = this.#pathNodes[level];
      const at = this.#pathAt[level] + 1;
      let inners = this.#inners.data;
      const count = inners[node + INNER_COUNT];
      inners.copyWithin(node + INNER_KEYS + at + 1, node + INNER_KEYS + at, node + INNER_KEYS + count);
      inners.copyWithin(node + INNER_CHILDREN + at + 1, node + INNER_CHILDREN + at, node + INNER_CHILDREN + count);
      inners[node + INNER_KEYS + at] = key;
      inners[node + INNER_CHILDREN + at] = child;
      inners[node + INNER_COUNT] = count + 1;
      if (count + 1 <= INNER_MAX) return;
      // Split: the upper half of the keys and children go to a new sibling, which the level above takes.
      const sibling = this.#inners.allocate();
      inners = this.#inners.data;
      const half = (count + 1) >>> 1;
      inners.copyWithin(sibling + INNER_KEYS, node + INNER_KEYS + half, node + INNER_KEYS + count + 1);
      inners.copyWithin(sibling + INNER_CHILDREN, node + INNER_CHILDREN + half, node + INNER_CHILDREN + count + 1);
      inners[node + INNER_COUNT] = half;
      inners[sibling + INNER_COUNT] = count + 1 - half;
      key = inners[sibling + INNER_KEYS];
      child = sibling;
      firstKey = inners[node + INNER_KEYS];
    }
    // The root split: a new root over the old one and its new sibling.
    const root = this.#inners.allocate();
    const inners = this.#inners.data;
    inners[root + INNER_COUNT] = 2;
    inners[root + INNER_KEYS] = Math.min(firstKey, key);
    inners[root + INNER_KEYS + 1] = key;
    inners[root + INNER_CHILDREN] = this.#root;
    inners[root + INNER_CHILDREN + 1] = child;
    this.#root = root;
    if (++this.#height > this.#pathNodes.length) {
      this.#pathNodes = new Int32Array(this.#height * 2);
      this.#pathAt = new Int32Array(this.#height * 2);
    }
  }

  // ---- removal ----------------------------------------------------------------

  /** An empty leaf (not the root) leaves the list and its parent; an inner node left empty goes too. */
  #dropEmptyLeaf(leaf: number): void {
    const leaves = this.#leaves.data;
    const previous = leaves[leaf + LEAF_PREVIOUS];
    const next = leaves[leaf + LEAF_NEXT];
    if (previous !== NIL) leaves[previous + LEAF_NEXT] = next;
    if (next !== NIL) leaves[next + LEAF_PREVIOUS] = previous;
    this.#leaves.release(leaf); // its count is 0: a stale hint to it finds nothing
    const inners = this.#inners.data;
    for (let level = this.#height - 1; level >= 0; level--) {
      const node = this.#pathNodes[level];
      const at = this.#pathAt[level];
      const count = inners[node + INNER_COUNT];
      inners.copyWithin(node + INNER_KEYS + at, node + INNER_KEYS + at + 1, node + INNER_KEYS + count);
      inners.copyWithin(node + INNER_CHILDREN + at, node + INNER_CHILDREN + at + 1, node + INNER_CHILDREN + count);
      inners[node + INNER_COUNT] = count - 1;
      if (count > 1) break;
      this.#inners.release(node);
      if (level === 0) {
        this.#root = this.#newLeaf();
        this.#height = 0;
      }
    }
    // A root with one child hands the root to it.
    while (this.#height > 0 && inners[this.#root + INNER_COUNT] === 1) {
      const old = this.#root;
      this.#root = inners[old + INNER_CHILDREN];
      this.#inners.release(old);
      this.#height--;
    }
  }

  #newLeaf(): number {
    const leaf = this.#leaves.allocate();
    const leaves = this.#leaves.data;
    leaves[leaf + LEAF_COUNT] = 0;
    leaves[leaf + LEAF_PREVIOUS] = NIL;
    leaves[leaf + LEAF_NEXT] = NIL;
    return leaf;
  }
}
