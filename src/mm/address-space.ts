// Where views go in one address space: 64 KiB allocation granularity, no
// overlap, the preferred base when it is free, else a randomised free spot.
import type { Random } from '../ke/random.js';

export const ALLOCATION_GRANULARITY = 0x10000n;
export const PAGE_SIZE = 0x1000;

export function roundUp(value: bigint, unit: bigint): bigint {
  return ((value + unit - 1n) / unit) * unit;
}

export function pageRound(size: number): number {
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}

interface Reservation {
  base: bigint;
  end: bigint;
}

export class AddressSpace {
  /** Lowest and one-past-highest usable addresses. */
  readonly low: bigint;
  readonly high: bigint;
  readonly #reservations: Reservation[] = [];
  readonly #random: Random;

  constructor(low: bigint, high: bigint, random: Random) {
    this.low = low;
    this.high = high;
    this.#random = random;
  }

  isFree(base: bigint, size: number): boolean {
    if (base % ALLOCATION_GRANULARITY !== 0n || base < this.low) return false;
    const end = base + roundUp(BigInt(size), ALLOCATION_GRANULARITY);
    if (end > this.high) return false;
    return this.#reservations.every((r) => end <= r.base || base >= r.end);
  }

  /**
   * Reserves `size` bytes at `preferred` if free, else at a random free spot
   * of [low, high) narrowed to `window`. Returns null when there is none.
   */
  reserve(size: number, preferred: bigint | null, window?: { low: bigint; high: bigint }): bigint | null {
    if (preferred !== null && this.isFree(preferred, size)) return this.add(preferred, size);
    const span = roundUp(BigInt(size), ALLOCATION_GRANULARITY);
    const low = window ? (window.low > this.low ? window.low : this.low) : this.low;
    const high = window ? (window.high < this.high ? window.high : this.high) : this.high;
    const slots = (high - low - span) / ALLOCATION_GRANULARITY;
    if (slots >= 0n) {
      for (let attempt = 0; attempt < 32; attempt++) {
        const pick = low + BigInt(this.#random.below(Number(slots) + 1)) * ALLOCATION_GRANULARITY;
        if (this.isFree(pick, size)) return this.add(pick, size);
      }
    }
    // Dense or tiny space: first fit, bottom-up.
    let candidate = roundUp(low, ALLOCATION_GRANULARITY);
    for (const r of [...this.#reservations].sort((a, b) => (a.base < b.base ? -1 : 1))) {
      if (candidate + span <= r.base) break;
      if (r.end > candidate) candidate = roundUp(r.end, ALLOCATION_GRANULARITY);
    }
    return candidate + span <= high && this.isFree(candidate, size) ? this.add(candidate, size) : null;
  }

  release(base: bigint): void {
    const at = this.#reservations.findIndex((r) => r.base === base);
    if (at >= 0) this.#reservations.splice(at, 1);
  }

  clear(): void {
    this.#reservations.length = 0;
  }

  private add(base: bigint, size: number): bigint {
    this.#reservations.push({ base, end: base + roundUp(BigInt(size), ALLOCATION_GRANULARITY) });
    return base;
  }
}
