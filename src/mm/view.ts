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

/** A process's image views, in map order; adding, finding and removing one is O(1). */
export class ViewList {
  // A Map keeps insertion order, so iteration is map order; bases are unique per process.
  readonly #byBase = new Map<bigint, ImageView>();

  get size(): number {
    return this.#byBase.size;
  }

  add(view: ImageView): void {
    this.#byBase.set(view.base, view);
  }

  at(base: bigint): ImageView | undefined {
    return this.#byBase.get(base);
  }

  /** Removes and returns the view at `base`, if any. */
  remove(base: bigint): ImageView | undefined {
    const view = this.#byBase.get(base);
    if (view !== undefined) this.#byBase.delete(base);
    return view;
  }

  has(view: ImageView): boolean {
    return this.#byBase.get(view.base) === view;
  }

  clear(): void {
    this.#byBase.clear();
  }

  [Symbol.iterator](): IterableIterator<ImageView> {
    return this.#byBase.values();
  }
}
