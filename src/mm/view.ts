// Image views: one mapped view of a section in a process, and a process's
// views in map order. A view is found by base through the address space's
// VAD tree (which holds it); the list only keeps the order, with O(1)
// removal: each view knows its place, holes are compacted now and then.
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
  /** Its place in its process's ViewList (-1 once removed). */
  listIndex: number;
}

/** A process's image views, in map order; adding and removing one is O(1) (amortized). */
export class ViewList {
  #items: (ImageView | undefined)[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(view: ImageView): void {
    view.listIndex = this.#items.length;
    this.#items.push(view);
    this.#size++;
  }

  has(view: ImageView): boolean {
    return view.listIndex >= 0 && this.#items[view.listIndex] === view;
  }

  remove(view: ImageView): void {
    if (!this.has(view)) return;
    if (view.listIndex === this.#items.length - 1) this.#items.pop();
    else this.#items[view.listIndex] = undefined;
    view.listIndex = -1;
    this.#size--;
    // Holes over half the list: close them up (each view moves at most once per halving).
    if (this.#items.length > 32 && this.#size * 2 < this.#items.length) this.#compact();
  }

  clear(): void {
    for (const view of this.#items) if (view !== undefined) view.listIndex = -1;
    this.#items = [];
    this.#size = 0;
  }

  *[Symbol.iterator](): IterableIterator<ImageView> {
    for (const view of this.#items) if (view !== undefined) yield view;
  }

  #compact(): void {
    const kept: ImageView[] = [];
    for (const view of this.#items) {
      if (view === undefined) continue;
      view.listIndex = kept.length;
      kept.push(view);
    }
    this.#items = kept;
  }
}
