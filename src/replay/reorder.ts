// Putting one host's records back in UtcTime order, within a bounded window. Sysmon writes events
// from several queues, so a host's records are often a few milliseconds (now and then seconds) out
// of order. The buffer holds a record until the host's newest UtcTime is `windowMs` past it, then
// releases records oldest first (ties by rank, then in arrival order: a stable sort). A record older than one
// already released cannot be put in its place any more: it is "late", and the caller replays it at
// once and reports it. Memory: the records of one window per host.

export interface Timed {
  /** UtcTime as epoch milliseconds. */
  readonly utcMs: number;
  /**
   * Breaks ties of equal times before `seq` does: Sysmon stamps times to the millisecond, and within
   * one millisecond a process's creation (rank 0) comes before its loads (1), and its exit (2) after.
   */
  readonly rank: number;
  /** Arrival order (unique, increasing): breaks the remaining ties so that they keep input order. */
  readonly seq: number;
}

const byTime = (a: Timed, b: Timed) => a.utcMs < b.utcMs || (a.utcMs === b.utcMs && (a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq)));
const byArrival = (a: Timed, b: Timed) => a.seq < b.seq;

/**
 * `utc`: release in UtcTime order (the order things happened); `input`: in the
 * recording's own order (API.md's contract for --sysmon output), still holding
 * each record for the window so that look-ahead (a process's creation written
 * after its first loads) sees what comes next. Input order has no late records.
 */
export type ReplayOrder = 'input' | 'utc';

export class ReorderBuffer<T extends Timed> {
  readonly windowMs: number;
  readonly #heap: T[] = [];
  /** The newest UtcTime seen. */
  #newest = -Infinity;
  /** The UtcTime and rank of the newest record released. */
  #released = -Infinity;
  #releasedRank = 0;

  readonly #before: (a: Timed, b: Timed) => boolean;
  readonly #inputOrder: boolean;

  constructor(windowMs: number, order: ReplayOrder = 'utc') {
    if (!(windowMs >= 0)) throw new RangeError(`reorder window must be a non-negative number of milliseconds, got ${windowMs}`);
    this.windowMs = windowMs;
    this.#inputOrder = order === 'input';
    this.#before = this.#inputOrder ? byArrival : byTime;
  }

  get size(): number {
    return this.#heap.length;
  }

  /** UtcTime of the newest record released (−Infinity before the first). */
  get releasedUpTo(): number {
    return this.#released;
  }

  /**
   * Adds a record. Returns 0 when it was buffered, or, for a late record (one that sorts before a
   * record already released), by how many milliseconds it is late (at least 1, also within one
   * millisecond); a late record is NOT buffered.
   */
  push(item: T): number {
    const before = this.#before;
    if (!this.#inputOrder && (item.utcMs < this.#released || (item.utcMs === this.#released && item.rank < this.#releasedRank))) {
      return Math.max(1, this.#released - item.utcMs);
    }
    if (item.utcMs > this.#newest) this.#newest = item.utcMs;
    const heap = this.#heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
    return 0;
  }

  /** The next record whose window has passed, or undefined. */
  next(): T | undefined {
    const top = this.#heap[0];
    if (top === undefined || top.utcMs > this.#newest - this.windowMs) return undefined;
    return this.#pop();
  }

  /** The oldest buffered record regardless of the window (end of input), or undefined. */
  drain(): T | undefined {
    return this.#heap.length === 0 ? undefined : this.#pop();
  }

  /** The buffered records, in no particular order (for look-ahead). */
  pending(): readonly T[] {
    return this.#heap;
  }

  #pop(): T {
    const heap = this.#heap;
    const before = this.#before;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    if (top.utcMs > this.#released || (top.utcMs === this.#released && top.rank > this.#releasedRank)) {
      this.#released = top.utcMs;
      this.#releasedRank = top.rank;
    }
    return top;
  }
}
