// Storage for the VAD tree (vad-tree.ts): its nodes as fixed-size blocks of
// one Int32Array instead of objects, so a node is contiguous memory that a
// descent reads without following pointers; the item each range was made for,
// in a pool of reusable slots; a small cache of the block each range went
// into; and the spare arrays a kernel's trees hand on to each other. None of
// them knows what a node means.

/** No block, no slot (the end of a free list, an absent neighbour). */
export const NIL = -1;

/**
 * Int32Arrays that emptied arenas gave back (the VAD trees of terminated
 * processes), handed to the next arena that needs memory: a process start
 * then reuses a dead process's blocks, where a fresh typed array (memory
 * outside the JS heap) would cost more than the rest of a small tree's life.
 * The memory manager keeps one per kernel; it holds a bounded amount.
 */
export class SpareArrays {
  static readonly MAX_ARRAYS = 32;
  /** Larger arrays (a process with thousands of views) are left to the garbage collector. */
  static readonly MAX_LENGTH = 4096;
  readonly #arrays: Int32Array[] = [];

  /** An array of at least `length` int32s, holding stale words: the shortest spare that is long enough, else a new one. */
  take(length: number): Int32Array {
    let best = -1;
    for (let i = 0; i < this.#arrays.length; i++) {
      const size = this.#arrays[i]!.length;
      if (size >= length && (best < 0 || size < this.#arrays[best]!.length)) best = i;
    }
    if (best < 0) return new Int32Array(length);
    const array = this.#arrays[best]!;
    this.#arrays[best] = this.#arrays.at(-1)!;
    this.#arrays.pop();
    return array;
  }

  give(array: Int32Array): void {
    if (array.length > 0 && array.length <= SpareArrays.MAX_LENGTH && this.#arrays.length < SpareArrays.MAX_ARRAYS) this.#arrays.push(array);
  }
}

/**
 * Blocks of `stride` int32s in one typed array. A block is named by its offset
 * in `data`; freed blocks are reused first (a free block's word `link` chains
 * the free list), and the array doubles when full (so `data` changes: read it
 * again after allocate()). An arena holding no block reads as `empty` (one
 * shared block that must never be written) and holds no memory of its own.
 */
export class BlockArena {
  data: Int32Array;
  readonly #stride: number;
  readonly #link: number;
  readonly #empty: Int32Array;
  readonly #spares: SpareArrays;
  #top = 0;
  #free = NIL;

  constructor(stride: number, link: number, empty: Int32Array, spares: SpareArrays) {
    this.#stride = stride;
    this.#link = link;
    this.#empty = empty;
    this.#spares = spares;
    this.data = empty;
  }

  /** No block has been allocated since the arena was made or emptied. */
  get isEmpty(): boolean {
    return this.data === this.#empty;
  }

  /** A block's offset (the first is 0); its words hold whatever they held before. */
  allocate(): number {
    const free = this.#free;
    if (free !== NIL) {
      this.#free = this.data[free + this.#link];
      return free;
    }
    if (this.isEmpty || this.#top + this.#stride > this.data.length) {
      const grown = this.#spares.take(this.isEmpty ? this.#stride : this.data.length * 2);
      if (!this.isEmpty) {
        grown.set(this.data);
        this.#spares.give(this.data);
      }
      this.data = grown;
    }
    const block = this.#top;
    this.#top += this.#stride;
    return block;
  }

  release(block: number): void {
    this.data[block + this.#link] = this.#free;
    this.#free = block;
  }

  /** Frees every block at once and gives the memory back to the spares. */
  empty(): void {
    if (!this.isEmpty) this.#spares.give(this.data);
    this.data = this.#empty;
    this.#top = 0;
    this.#free = NIL;
  }
}

/**
 * Where a range was put: a small direct-mapped cache from a range's start to
 * its block, so the range can be found again without a descent. An entry may
 * be stale (the range has moved or gone since): the caller checks the block.
 * Its memory comes from the spares on first use and goes back on forget().
 */
export class BlockHints {
  static readonly ENTRIES = 256;
  readonly #spares: SpareArrays;
  /** [start, block] pairs, by start modulo ENTRIES; null until the first remember(). */
  #table: Int32Array | null = null;

  constructor(spares: SpareArrays) {
    this.#spares = spares;
  }

  remember(start: number, block: number): void {
    if (this.#table === null) {
      this.#table = this.#spares.take(2 * BlockHints.ENTRIES);
      // The words are stale: entry i gets start i + 1, which belongs in entry i + 1, so no recall() matches it.
      for (let i = 0; i < BlockHints.ENTRIES; i++) this.#table[2 * i] = i + 1;
    }
    const at = 2 * (start & (BlockHints.ENTRIES - 1));
    this.#table[at] = start;
    this.#table[at + 1] = block;
  }

  /** The block `start` was last put in, or NIL. */
  recall(start: number): number {
    const at = 2 * (start & (BlockHints.ENTRIES - 1));
    return this.#table !== null && this.#table[at] === start ? this.#table[at + 1] : NIL;
  }

  forget(): void {
    if (this.#table !== null) this.#spares.give(this.#table);
    this.#table = null;
  }
}

/**
 * What each range was made for, by slot number. A freed slot is the next one
 * handed out, so a view mapped just after another was unmapped writes to
 * memory that is still in cache.
 */
export class ItemPool {
  #items: unknown[] = [];
  #free: number[] = [];

  add(item: unknown): number {
    const slot = this.#free.pop();
    if (slot === undefined) return this.#items.push(item) - 1;
    this.#items[slot] = item;
    return slot;
  }

  /** Empties `slot` (the pool keeps its item alive no longer) and returns what it held. */
  take(slot: number): unknown {
    const item = this.#items[slot];
    this.#items[slot] = null;
    this.#free.push(slot);
    return item;
  }

  /** Empties every slot at once. */
  empty(): void {
    this.#items = [];
    this.#free = [];
  }
}
