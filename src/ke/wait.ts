// How a thread waits. The model is single-threaded: every holder of anything a
// thread could wait for is further up the same call stack, so a wait whose
// condition is false now can never end. An interleaved scheduler can supply
// another Waiter that switches threads instead.
import { Deadlock } from './deadlock.js';

export interface Waiter {
  /** Returns once `ready()` holds; `describe()` says what is waited for. */
  waitUntil(ready: () => boolean, describe: () => string): void;
}

export const singleThreadWaiter: Waiter = {
  waitUntil(ready, describe) {
    if (!ready()) throw new Deadlock(describe());
  },
};
