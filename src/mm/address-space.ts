// Where views go in one address space: 64 KiB allocation granularity, no
// overlap, the preferred base when it is free, else a randomised free spot.
// Reservations live in a balanced VAD tree, so placing or releasing a view
// costs O(log n) in the views the space already holds.
// Addresses are bigints at the boundary; inside, offsets from the space's low
// end are plain numbers (every space here spans far less than 2^53 bytes), so
// placing a view costs no bigint arithmetic beyond two conversions.
import type { Random } from '../rtl/random.js';
import { VadTree } from './vad-tree.js';

export { NONE } from './vad-tree.js';

export const ALLOCATION_GRANULARITY = 0x10000n;
const GRANULARITY = 0x10000;
export const PAGE_SIZE = 0x1000;

export function pageRound(size: number): number {
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}

function span(size: number): number {
  return Math.ceil(size / GRANULARITY) * GRANULARITY;
}


export class AddressSpace {
  /** Lowest and one-past-highest usable addresses. */
  readonly low: bigint;
  readonly high: bigint;
  readonly #size: number;
  /** Offsets count from here: 0 for spaces below 2^53 (so an offset is the address), else `low`. */
  readonly #origin: bigint;
  readonly #lowOffset: number;
  /** Reservations as offsets (the VAD tree). */
  readonly #vads = new VadTree();
  readonly #random: Random;
  #lastAddress = -1n;
  #lastOffset = -1;

  constructor(low: bigint, high: bigint, random: Random) {
    if (low % ALLOCATION_GRANULARITY !== 0n || high <= low || high - low > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`address space 0x${low.toString(16)}..0x${high.toString(16)} is not a granular range below 2^53 bytes`);
    }
    this.low = low;
    this.high = high;
    this.#origin = high <= BigInt(Number.MAX_SAFE_INTEGER) ? 0n : low;
    this.#lowOffset = Number(low - this.#origin);
    this.#size = Number(high - this.#origin);
    this.#random = random;
  }

  /** Reservations now held. */
  get reservations(): number {
    return this.#vads.size;
  }

  isFree(base: bigint, size: number): boolean {
    return this.#freeAt(this.#offsetOf(base), span(size));
  }

  /**
   * Reserves `size` bytes at `preferred` if free, else at a random free spot
   * of the space narrowed to `window`. Returns null when there is none.
   */
  reserve(size: number, preferred: bigint | null, window?: { low: bigint; high: bigint }, item: unknown = null): bigint | null {
    const length = span(size);
    if (preferred !== null) {
      const start = this.#offsetOf(preferred);
      if (this.#inRange(start, length) && this.#vads.insertIfClear(start, start + length, item)) return preferred;
    }
    const low = window && window.low > this.low ? Number(window.low - this.#origin) : this.#lowOffset;
    const high = window && window.high < this.high ? Number(window.high - this.#origin) : this.#size;
    const slots = Math.floor((high - low - length) / GRANULARITY);
    if (slots >= 0) {
      for (let attempt = 0; attempt < 32; attempt++) {
        const at = low + this.#random.below(slots + 1) * GRANULARITY;
        if (this.#inRange(at, length) && this.#vads.insertIfClear(at, at + length, item)) return this.#origin + BigInt(at);
      }
    }
    // Dense or tiny space: first fit, bottom-up.
    const at = this.#vads.firstFit(low, length, high, GRANULARITY);
    return at >= 0 && this.#freeAt(at, length) ? this.#add(at, length, item) : null;
  }

  /** Releases the reservation that starts at `base`; returns the item it was made for (NONE: no reservation there). */
  release(base: bigint): unknown {
    return this.#vads.take(this.#offsetOf(base));
  }


  clear(): void {
    this.#vads.clear();
  }

  /** Granular and inside the space (whether it is free is the VAD tree's to say). */
  #inRange(start: number, length: number): boolean {
    return start % GRANULARITY === 0 && start >= this.#lowOffset && start + length <= this.#size;
  }

  #freeAt(start: number, length: number): boolean {
    if (start % GRANULARITY !== 0 || start < this.#lowOffset || start + length > this.#size) return false;
    return this.#vads.isClear(start, length);
  }

  #add(start: number, length: number, item: unknown): bigint {
    this.#vads.insert(start, start + length, item);
    return this.#origin + BigInt(start);
  }

  /** An address as an offset; addresses outside the space give offsets freeAt refuses. */
  #offsetOf(address: bigint): number {
    // Converting a bigint costs more than the rest of a placement, and views
    // come and go at the same few addresses: remember the last conversion.
    if (address === this.#lastAddress) return this.#lastOffset;
    const offset = this.#origin === 0n ? Number(address) : address < this.#origin ? -1 : Number(address - this.#origin);
    this.#lastAddress = address;
    this.#lastOffset = offset;
    return offset;
  }
}
