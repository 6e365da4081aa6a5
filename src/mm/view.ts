// Image views (SEMANTICS.md §5A): one mapped view of a section in a process,
// and a process's views in map order. A view is found by base through the
// address space's VAD tree (which holds it); the list only keeps the order.
// It is linked through the views themselves (as the loader's
// InLoadOrderModuleList links LDR_DATA_TABLE_ENTRYs), so adding and removing a
// view is O(1) and touches only the view and its neighbours, whatever the
// process holds.
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
  /** The list the view is on (null once removed) and its neighbours there: the ViewList's to set. */
  list: ViewList | null;
  previous: ImageView | null;
  next: ImageView | null;
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
  previous: ImageView | null;
  next: ImageView | null;

  constructor(section: ImageSection, viewSize: number, noExecute: boolean) {
    // Every field set here, none by initializers: the map path inlines this constructor whole.
    this.base = 0n;
    this.viewSize = viewSize;
    this.section = section;
    this.noExecute = noExecute;
    this.status = 0;
    this.list = null;
    this.previous = null;
    this.next = null;
  }
}

function alreadyListed(): never {
  throw new RangeError('the view is already on a view list');
}

/** A process's image views, in map order; adding and removing one is O(1). */
export class ViewList {
  #first: ImageView | null = null;
  #last: ImageView | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(view: ImageView): void {
    if (view.list !== null) alreadyListed();
    view.list = this;
    view.previous = this.#last;
    view.next = null;
    if (this.#last === null) this.#first = view;
    else this.#last.next = view;
    this.#last = view;
    this.#size++;
  }

  has(view: ImageView): boolean {
    return view.list === this;
  }

  remove(view: ImageView): void {
    if (view.list !== this) return;
    const { previous, next } = view;
    if (previous === null) this.#first = next;
    else previous.next = next;
    if (next === null) this.#last = previous;
    else next.previous = previous;
    // Unlinked completely, so a view kept elsewhere (a start view) holds no chain of old ones alive.
    view.list = null;
    view.previous = null;
    view.next = null;
    this.#size--;
  }

  clear(): void {
    for (let view = this.#first; view !== null; ) {
      const next: ImageView | null = view.next;
      view.list = null;
      view.previous = null;
      view.next = null;
      view = next;
    }
    this.#first = null;
    this.#last = null;
    this.#size = 0;
  }

  /** The views in map order; the loop body may remove the view it is given (only that one). */
  *[Symbol.iterator](): IterableIterator<ImageView> {
    for (let view = this.#first; view !== null; ) {
      const next: ImageView | null = view.next;
      yield view;
      view = next;
    }
  }
}
