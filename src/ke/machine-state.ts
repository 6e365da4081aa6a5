// Whether the machine still runs. KeBugCheckEx stops it for good: the first
// bug check is kept, and every later operation throws it again.
import type { BugCheck } from './bugcheck.js';

export class MachineState {
  #bugCheck: BugCheck | null = null;

  /** The bug check that stopped the machine, or null while it runs. */
  get bugCheck(): BugCheck | null {
    return this.#bugCheck;
  }

  /** Throws the bug check if the machine has stopped. */
  assertRunning(): void {
    if (this.#bugCheck !== null) throw this.#bugCheck;
  }

  /** KeBugCheckEx: stops the machine (the first stop wins) and throws. */
  stop(bugCheck: BugCheck): never {
    this.#bugCheck ??= bugCheck;
    throw this.#bugCheck;
  }
}
