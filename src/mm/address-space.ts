// Where views go in one address space: 64 KiB allocation granularity, no
// overlap, the preferred base when it is free, else a randomised free spot.
// Addresses are bigints at the boundary; inside, offsets from the space's low
// end are plain numbers (every space here spans far less than 2^53 bytes), so
// placing a view costs no bigint arithmetic beyond two conversions.
import type { Random } from '../rtl/random.js';

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
  /** Reservations as offsets from `low`, sorted by start (the VAD tree's job): starts[i]..ends[i]. */
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
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

  isFree(base: bigint, size: number): boolean {
    return this.freeAt(this.offsetOf(base), span(size));
  }

  /**
   * Reserves `size` bytes at `preferred` if free, else at a random free spot
   * of the space narrowed to `window`. Returns null when there is none.
   */
  reserve(size: number, preferred: bigint | null, window?: { low: bigint; high: bigint }): bigint | null {
    const length = span(size);
    if (preferred !== null) {
      const start = this.offsetOf(preferred);
      const at = this.slotFor(start, length);
      if (at >= 0) {
        this.insertAt(at, start, length);
        return preferred;
      }
    }
    const low = window && window.low > this.low ? Number(window.low - this.#origin) : this.#lowOffset;
    const high = window && window.high < this.high ? Number(window.high - this.#origin) : this.#size;
    const slots = Math.floor((high - low - length) / GRANULARITY);
    if (slots >= 0) {
      for (let attempt = 0; attempt < 32; attempt++) {
        const at = low + this.#random.below(slots + 1) * GRANULARITY;
        if (this.freeAt(at, length)) return this.add(at, length);
      }
    }
    // Dense or tiny space: first fit, bottom-up.
    let candidate = Math.ceil(low / GRANULARITY) * GRANULARITY;
    for (let i = 0; i < this.#starts.length; i++) {
      if (candidate + length <= this.#starts[i]!) break;
      if (this.#ends[i]! > candidate) candidate = this.#ends[i]!;
    }
    return candidate + length <= high && this.freeAt(candidate, length) ? this.add(candidate, length) : null;
  }

  release(base: bigint): void {
    const start = this.offsetOf(base);
    const at = this.lowerBound(start);
    if (this.#starts[at] !== start) return;
    // Shifting by hand: faster than splice for the short arrays a process has.
    const starts = this.#starts;
    const ends = this.#ends;
    for (let i = at + 1; i < starts.length; i++) {
      starts[i - 1] = starts[i]!;
      ends[i - 1] = ends[i]!;
    }
    starts.pop();
    ends.pop();
  }

  clear(): void {
    this.#starts.length = 0;
    this.#ends.length = 0;
  }

  private freeAt(start: number, length: number): boolean {
    return this.slotFor(start, length) >= 0;
  }

  /** Where a free range [start, start + length) goes in the sorted arrays, or -1 if it is not free. */
  private slotFor(start: number, length: number): number {
    if (start % GRANULARITY !== 0 || start < this.#lowOffset || start + length > this.#size) return -1;
    const at = this.lowerBound(start);
    if (at < this.#starts.length && this.#starts[at]! < start + length) return -1;
    return at === 0 || this.#ends[at - 1]! <= start ? at : -1;
  }

  private add(start: number, length: number): bigint {
    this.insert(start, length);
    return this.#origin + BigInt(start);
  }

  private insert(start: number, length: number): void {
    this.insertAt(this.lowerBound(start), start, length);
  }

  private insertAt(at: number, start: number, length: number): void {
    const starts = this.#starts;
    const ends = this.#ends;
    for (let i = starts.length; i > at; i--) {
      starts[i] = starts[i - 1]!;
      ends[i] = ends[i - 1]!;
    }
    starts[at] = start;
    ends[at] = start + length;
  }

  /** An address as an offset; addresses outside the space give offsets freeAt refuses. */
  private offsetOf(address: bigint): number {
    // Converting a bigint costs more than the rest of a placement, and views
    // come and go at the same few addresses: remember the last conversion.
    if (address === this.#lastAddress) return this.#lastOffset;
    const offset = this.#origin === 0n ? Number(address) : address < this.#origin ? -1 : Number(address - this.#origin);
    this.#lastAddress = address;
    this.#lastOffset = offset;
    return offset;
  }

  /** The first index whose start is >= `start`. */
  private lowerBound(start: number): number {
    let low = 0;
    let high = this.#starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#starts[middle]! < start) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
