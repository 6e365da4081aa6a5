// Where views go in one address space: 64 KiB allocation granularity, no
// overlap, the preferred base when it is free, else a randomised free spot
// (the view then maps with STATUS_IMAGE_NOT_AT_BASE, SEMANTICS.md §5A).
// Reservations live in a balanced VAD tree (vad-tree.ts), so placing or
// releasing a view costs O(log n) in the views the space already holds.
// Addresses are bigints at the boundary; inside, an address is a plain number,
// its byte offset from the space's low end (spans are below 2^47 bytes, the
// size of an x64 user space), and the VAD tree holds ranges of granules
// (offset / 64 KiB, below 2^31), so placing a view costs no bigint arithmetic
// beyond one conversion each way.
import type { Random } from '../rtl/random.js';
import type { SpareArrays } from './vad-blocks.js';
import { NONE, VadTree } from './vad-tree.js';

export { NONE };

export const ALLOCATION_GRANULARITY = 0x10000n;
const GRANULARITY = 0x10000;
export const PAGE_SIZE = 0x1000;
/** The largest span a space may have: 2^47 bytes less a granule, so every granule number fits an int32. */
const MAX_SPAN = (1n << 47n) - ALLOCATION_GRANULARITY;

export function pageRound(size: number): number {
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}

function span(size: number): number {
  return Math.ceil(size / GRANULARITY) * GRANULARITY;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A sentinel the address cache never matches (a real address is never negative). */
const NO_ADDRESS = -1n;

export class AddressSpace {
  /** Lowest and one-past-highest usable addresses. */
  readonly low: bigint;
  readonly high: bigint;
  /** high - low, in bytes. */
  readonly #size: number;
  /** `low` as a number when the whole space lies below 2^53 (an address converts exactly), else null. */
  readonly #lowNumber: number | null;
  /** Reservations as granule ranges (the VAD tree). */
  readonly #vads: VadTree;
  readonly #random: Random;
  /** Whole granules in the space: a range of granules fits when it ends by this. */
  readonly #granules: number;
  #lastAddress = NO_ADDRESS;
  #lastGranule = -1;

  /** `spares`: the kernel's memory for VAD trees, which a cleared space gives back (a terminated process's). */
  constructor(low: bigint, high: bigint, random: Random, spares?: SpareArrays) {
    if (low % ALLOCATION_GRANULARITY !== 0n || high <= low || high - low > MAX_SPAN) {
      throw new RangeError(`address space 0x${low.toString(16)}..0x${high.toString(16)} is not a granular range below 2^47 bytes`);
    }
    this.low = low;
    this.high = high;
    this.#size = Number(high - low);
    this.#granules = Math.floor(this.#size / GRANULARITY);
    this.#lowNumber = high <= MAX_SAFE ? Number(low) : null;
    this.#random = random;
    this.#vads = new VadTree(spares);
  }

  /** Reservations now held. */
  get reservations(): number {
    return this.#vads.size;
  }

  isFree(base: bigint, size: number): boolean {
    const granule = this.#granuleOf(base);
    const granules = span(size) / GRANULARITY;
    return granule >= 0 && granule + granules <= this.#granules && this.#vads.isClear(granule, granules);
  }

  /**
   * Reserves `size` bytes at `preferred` if free, else at a random free spot
   * of the space narrowed to `window`. Returns null when there is none.
   */
  reserve(size: number, preferred: bigint | null, window?: { low: bigint; high: bigint }, item: unknown = null): bigint | null {
    const length = span(size);
    const granules = length / GRANULARITY;
    if (preferred !== null) {
      const granule = this.#granuleOf(preferred);
      if (granule >= 0 && granule + granules <= this.#granules && this.#vads.insertIfClear(granule, granule + granules, item)) return preferred;
    }
    const low = window && window.low > this.low ? Number(window.low - this.low) : 0;
    const high = window && window.high < this.high ? Number(window.high - this.low) : this.#size;
    const slots = Math.floor((high - low - length) / GRANULARITY);
    if (slots >= 0) {
      for (let attempt = 0; attempt < 32; attempt++) {
        const at = low + this.#random.below(slots + 1) * GRANULARITY;
        const granule = this.#granuleAt(at, length);
        if (granule >= 0 && this.#vads.insertIfClear(granule, granule + granules, item)) return this.#addressOf(at);
      }
    }
    // Dense or tiny space: first fit, bottom-up, on the granule grid.
    const fit = this.#vads.firstFit(Math.ceil(low / GRANULARITY), granules, Math.floor(high / GRANULARITY), 1);
    if (fit < 0) return null;
    this.#vads.insert(fit, fit + granules, item);
    return this.#addressOf(fit * GRANULARITY);
  }

  /** Releases the reservation that starts at `base`; returns the item it was made for (NONE: no reservation there). */
  release(base: bigint): unknown {
    const granule = this.#granuleOf(base);
    return granule >= 0 ? this.#vads.take(granule) : NONE;
  }

  clear(): void {
    this.#vads.clear();
  }

  /**
   * The granule [start, start + length) begins at, when it is granular and inside the space
   * (whether it is free is the VAD tree's to say); else -1. Granules of a space fit an int32,
   * so an integer check replaces a floating-point remainder.
   */
  #granuleAt(start: number, length: number): number {
    const granule = start / GRANULARITY;
    return (granule | 0) === granule && granule >= 0 && start + length <= this.#size ? granule : -1;
  }

  #addressOf(offset: number): bigint {
    return this.#lowNumber !== null ? BigInt(this.#lowNumber + offset) : this.low + BigInt(offset);
  }

  /**
   * The granule an address begins, or -1 when it is not on the granule grid or not inside the
   * space. Converting a bigint costs more than the rest of a placement, and views come and go
   * at the same few addresses: the last answer is remembered (an int32, as the VAD tree takes it).
   */
  #granuleOf(address: bigint): number {
    if (address === this.#lastAddress) return this.#lastGranule;
    // Below 2^53 the subtraction is exact; an address above the space rounds to something still above it.
    const offset = this.#lowNumber !== null ? Number(address) - this.#lowNumber : address < this.low ? -1 : Number(address - this.low);
    const granule = this.#granuleAt(offset, 0);
    this.#lastAddress = address;
    this.#lastGranule = granule;
    return granule;
  }

}
