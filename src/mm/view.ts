// Image views: one mapped view of a section in a process, and a process's
// views in map order, found by base in constant time.
import type { ImageSection } from './section.js';

/** One mapped view of an image section in a process. */
export interface ImageView {
  readonly base: bigint;
  /** Bytes mapped (page-rounded): the whole image or a partial view. */
  readonly viewSize: number;
  readonly section: ImageSection;
  readonly noExecute: boolean;
  /** The map's status: SUCCESS or an informational code. */
  readonly status: number;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** A Map key for a base: a number where that is exact (hashes far faster than a bigint), else the bigint. */
const keyOf = (base: bigint): number | bigint => (base <= MAX_EXACT ? Number(base) : base);

/** A process's image views, in map order; adding, finding and removing one is O(1). */
export class ViewList {
  // A Map keeps insertion order, so iteration is map order; bases are unique per process.
  readonly #byBase = new Map<number | bigint, ImageView>();

  get size(): number {
    return this.#byBase.size;
  }

  add(view: ImageView): void {
    this.#byBase.set(keyOf(view.base), view);
  }

  at(base: bigint): ImageView | undefined {
    return this.#byBase.get(keyOf(base));
  }

  /** Removes and returns the view at `base`, if any. */
  remove(base: bigint): ImageView | undefined {
    const key = keyOf(base);
    const view = this.#byBase.get(key);
    if (view !== undefined) this.#byBase.delete(key);
    return view;
  }

  has(view: ImageView): boolean {
    return this.#byBase.get(keyOf(view.base)) === view;
  }

  clear(): void {
    this.#byBase.clear();
  }

  [Symbol.iterator](): IterableIterator<ImageView> {
    return this.#byBase.values();
  }
}
