// RundownProtection (EX_RUNDOWN_REF) as a pure unit: references around each
// use, and a rundown that refuses new ones and waits for the old ones to drain
// (SEMANTICS.md §3, "waits until every in-flight invocation ... has returned").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RundownProtection } from '../src/ex/rundown.js';
import { Deadlock } from '../src/ke/deadlock.js';
import { singleThreadWaiter, type Waiter } from '../src/ke/wait.js';

test('acquire() takes a reference and release() drops it', () => {
  const ref = new RundownProtection();
  assert.equal(ref.count, 0);
  assert.equal(ref.acquire(), true);
  assert.equal(ref.acquire(), true);
  assert.equal(ref.count, 2);
  ref.release();
  assert.equal(ref.count, 1);
  ref.release();
  assert.equal(ref.count, 0);
  assert.equal(ref.rundownActive, false);
});

test('waitForRelease() with no references held returns at once and never describes the wait', () => {
  const ref = new RundownProtection();
  let described = 0;
  ref.waitForRelease(singleThreadWaiter, () => {
    described++;
    return 'unused';
  });
  assert.equal(described, 0);
  assert.equal(ref.rundownActive, true);
  assert.equal(ref.count, 0);
});

test('acquire() fails once rundown has started, and takes no reference', () => {
  const ref = new RundownProtection();
  ref.waitForRelease(singleThreadWaiter, () => 'unused');
  assert.equal(ref.acquire(), false);
  assert.equal(ref.acquire(), false);
  assert.equal(ref.count, 0);
});

test('waitForRelease() with a reference held throws Deadlock carrying the description under the single-thread waiter', () => {
  const ref = new RundownProtection();
  ref.acquire();
  assert.throws(
    () => ref.waitForRelease(singleThreadWaiter, () => 'PsRemoveLoadImageNotifyRoutine waits for itself'),
    (e: unknown) => {
      assert.ok(e instanceof Deadlock);
      assert.equal(e.name, 'Deadlock');
      assert.equal(e.message, 'PsRemoveLoadImageNotifyRoutine waits for itself');
      return true;
    },
  );
  // The rundown started before the wait failed: the held reference stays, new ones are refused.
  assert.equal(ref.rundownActive, true);
  assert.equal(ref.count, 1);
  assert.equal(ref.acquire(), false);
});

test('waitForRelease() completes when a waiter lets the holders (another thread) release their references', () => {
  const ref = new RundownProtection();
  ref.acquire();
  ref.acquire();
  const readiness: boolean[] = [];
  let describedBy = '';
  const otherThread: Waiter = {
    waitUntil(ready, describe) {
      describedBy = describe();
      readiness.push(ready());
      while (!ready()) {
        // While the wait runs, rundown has started: the other thread cannot take a new reference.
        assert.equal(ref.acquire(), false);
        ref.release();
        readiness.push(ready());
      }
    },
  };
  ref.waitForRelease(otherThread, () => 'two invocations in flight');
  assert.deepEqual(readiness, [false, false, true]);
  assert.equal(describedBy, 'two invocations in flight');
  assert.equal(ref.count, 0);
  assert.equal(ref.rundownActive, true);
});

test('waitForRelease() returns only after the waiter reports the condition met: a waiter that throws propagates', () => {
  const ref = new RundownProtection();
  ref.acquire();
  const interrupted = new Error('thread terminated');
  const failing: Waiter = {
    waitUntil() {
      throw interrupted;
    },
  };
  assert.throws(() => ref.waitForRelease(failing, () => 'x'), (e: unknown) => e === interrupted);
  assert.equal(ref.count, 1);
});
