// Image views (SEMANTICS.md §5A): one mapped view of a section in a process,
// and a process's views in map order. A view is found by base through the
// address space's VAD tree (which holds it); the list only keeps the order.
// The list is an array in map order where an unmapped view leaves a hole,
// filled in when the holes outnumber the views (and trimmed at once from the
// end): adding and removing a view is O(1) amortised, and a map writes one
// reference into memory the process already had (a linked list through the
// views wrote three, each a write-barrier entry for the garbage collector).
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
  /** The list the view is on (null once removed) and its place there: the ViewList's to set. */
  list: ViewList | null;
  slot: number;
}

/**
 * A view as MiMapViewOfImageSection makes it: placed first (it goes into its VAD
 * as the range is reserved), then given its base and status. A class rather
 * than an object literal: V8 moves a literal's allocation site to the old
 * generation once many of its objects have survived (a process with 100,000
 * views), and every later short-lived view would then be garbage for a full GC.
 */
export class MappedView implements ImageView {
  base: bigint;
  readonly viewSize: number;
  readonly section: ImageSection;
  readonly noExecute: boolean;
  status: number;
  list: ViewList | null;
  slot: number;

  constructor(section: ImageSection, viewSize: number, noExecute: boolean) {
    // Every field set here, none by initializers: the map path inlines this constructor whole.
    this.base = 0n;
    this.viewSize = viewSize;
    this.section = section;
    this.noExecute = noExecute;
    this.status = 0;
    this.list = null;
    this.slot = -1;
  }
}

function alreadyListed(): never {
  throw new RangeError('the view is already on a view list');
}

/** A process's image views, in map order; adding and removing one is O(1) amortised. */
export class ViewList {
  /** The views in map order; null where a view was removed (until the holes are filled in). */
  #views: (ImageView | null)[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(view: ImageView): void {
    if (view.list !== null) alreadyListed();
    view.list = this;
    view.slot = this.#views.length;
    this.#views.push(view);
    this.#size++;
  }

  has(view: ImageView): boolean {
    return view.list === this;
  }

  remove(view: ImageView): void {
    if (view.list !== this) return;
    const views = this.#views;
    views[view.slot] = null;
    view.list = null;
    view.slot = -1;
    this.#size--;
    // Holes at the end go at once (a view mapped and unmapped again leaves none); others once they outnumber the views.
    while (views.length > 0 && views[views.length - 1] === null) views.pop();
    if (views.length - this.#size > 32 && views.length > 2 * this.#size) this.#fillHoles();
  }

  clear(): void {
    for (const view of this.#views) {
      if (view === null) continue;
      view.list = null;
      view.slot = -1;
    }
    this.#views = [];
    this.#size = 0;
  }

  /** The views in map order; the loop body may remove views (a removed view is not visited later). */
  *[Symbol.iterator](): IterableIterator<ImageView> {
    // Over a copy: a removal during the loop may fill holes and move views.
    for (const view of this.#views.slice()) if (view !== null && view.list === this) yield view;
  }

  #fillHoles(): void {
    const views = this.#views;
    let kept = 0;
    for (let i = 0; i < views.length; i++) {
      const view = views[i];
      if (view === null || view === undefined) continue;
      view.slot = kept;
      views[kept++] = view;
    }
    views.length = kept;
  }
}
