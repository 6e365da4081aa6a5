// The worker's side of the watchdog: what driver code is running, published
// in shared memory the supervisor reads (src/cli/supervise.ts) — an Int32Array
// of [driver code running?, id of its description, ms since the worker started
// when it began]. Descriptions go to the supervisor once each, by message,
// before their id is published; a thread stuck in driver code afterwards can
// no longer say anything, and needs not.
import type { DriverWatch } from '../scenario/driver-watch.js';

export const SLOT_RUNNING = 0;
export const SLOT_WHAT = 1;
export const SLOT_SINCE = 2;
export const SLOT_COUNT = 3;

export interface WatchMessage {
  type: 'what';
  id: number;
  text: string;
}

/** What the supervisor hands the worker. */
export interface WorkerInput {
  argv: string[];
  slot: SharedArrayBuffer;
  origin: number;
  /** The supervisor's standard error is a terminal (progress bars may draw there). */
  stderrIsTTY: boolean;
}

/** What the worker tells the supervisor. */
export type WorkerMessage =
  | { type: 'out'; fd: 1 | 2; text: string }
  | WatchMessage
  | { type: 'exit-called'; code: number }
  | { type: 'done'; code: number };

interface Frame {
  what: string;
  driver: boolean;
  since: number;
}

/** Longest description sent; images names can be long, the report need not be. */
const MAX_TEXT = 400;

export class SharedDriverWatch implements DriverWatch {
  readonly #slot: Int32Array;
  readonly #post: (message: WatchMessage) => void;
  readonly #origin: number;
  readonly #ids = new Map<string, number>();
  readonly #stack: Frame[] = [];

  constructor(buffer: SharedArrayBuffer, post: (message: WatchMessage) => void, origin: number) {
    this.#slot = new Int32Array(buffer);
    this.#post = post;
    this.#origin = origin;
  }

  enter(what: string, driver: boolean): void {
    this.#stack.push({ what, driver, since: Date.now() });
    this.#publish();
  }

  switchTo(what: string): void {
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined) return this.enter(what, true);
    top.what = what;
    top.driver = true;
    top.since = Date.now();
    this.#publish();
  }

  leave(): void {
    this.#stack.pop();
    this.#publish();
  }

  #publish(): void {
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined || !top.driver) {
      Atomics.store(this.#slot, SLOT_RUNNING, 0);
      return;
    }
    let id = this.#ids.get(top.what);
    if (id === undefined) {
      if (this.#ids.size >= 4096) this.#ids.clear(); // ids keep counting: the supervisor's table only grows by new ones
      id = this.#nextId++;
      this.#ids.set(top.what, id);
      this.#post({ type: 'what', id, text: top.what.length > MAX_TEXT ? `${top.what.slice(0, MAX_TEXT)}…` : top.what });
    }
    Atomics.store(this.#slot, SLOT_WHAT, id);
    Atomics.store(this.#slot, SLOT_SINCE, top.since - this.#origin);
    Atomics.store(this.#slot, SLOT_RUNNING, 1);
  }

  #nextId = 1;
}
