// EX_RUNDOWN_REF: references taken around each use of an object, and a rundown
// that first refuses new references, then waits for the old ones to drain.
import type { Waiter } from '../ke/wait.js';

export class RundownProtection {
  /** References now held (in-flight invocations). */
  count = 0;
  /** Set once rundown starts: no new reference can be taken. */
  rundownActive = false;

  /** ExAcquireRundownProtection: false once rundown has started. */
  acquire(): boolean {
    if (this.rundownActive) return false;
    this.count++;
    return true;
  }

  /** ExReleaseRundownProtection. */
  release(): void {
    this.count--;
  }

  /** ExWaitForRundownProtectionRelease. */
  waitForRelease(waiter: Waiter, describe: () => string): void {
    this.rundownActive = true;
    waiter.waitUntil(() => this.count === 0, describe);
  }
}
