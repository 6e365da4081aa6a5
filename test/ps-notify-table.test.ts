// LoadImageNotifyTable as a pure unit (SEMANTICS.md §2 registration, §3
// removal, §4 dispatch, §6 conflicting architecture, §9 slot counts), built by
// hand: no Kernel, no dispatcher. Blocks, frames, owners, image infos and
// waiters are the real types or literal objects of their interfaces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallbackBlock } from '../src/ex/callback-block.js';
import type { ExecutionFrame } from '../src/ke/context.js';
import { Deadlock } from '../src/ke/deadlock.js';
import { buildProfile } from '../src/ke/profile.js';
import { singleThreadWaiter, type Waiter } from '../src/ke/wait.js';
import { ImageInfo } from '../src/nt/image-info.js';
import {
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_PARAMETER_2,
  STATUS_PROCEDURE_NOT_FOUND,
  STATUS_SUCCESS,
} from '../src/nt/status.js';
import { buildImageInfo } from '../src/ps/notify/image-info.js';
import type { LoadImageNotifyRoutine } from '../src/ps/notify/routine.js';
import {
  LoadImageNotifyTable,
  type DispatchedRoutine,
  type DispatchFailureSink,
  type NotifyBlock,
} from '../src/ps/notify/table.js';

// ---------------------------------------------------------------- fixtures

/** A driver's code as the table sees it (DriverCode), with a switch for "unloaded". */
interface FakeDriver {
  readonly fileName: string;
  unloaded: boolean;
  addressOf(routine: unknown): bigint;
}

function fakeDriver(fileName: string): FakeDriver {
  const addresses = new Map<unknown, bigint>();
  return {
    fileName,
    unloaded: false,
    addressOf(routine) {
      let address = addresses.get(routine);
      if (address === undefined) {
        address = 0xfffff806_20001000n + BigInt(addresses.size) * 0x40n;
        addresses.set(routine, address);
      }
      return address;
    },
  };
}

/** The addressOf callback register() takes: 0 for NULL, else a distinct address per routine. */
function harnessAddresses(): (routine: LoadImageNotifyRoutine | null) => bigint {
  const addresses = new Map<LoadImageNotifyRoutine, bigint>();
  return (routine) => {
    if (routine === null) return 0n;
    let address = addresses.get(routine);
    if (address === undefined) {
      address = 0xfffff806_10001000n + BigInt(addresses.size) * 0x10n;
      addresses.set(routine, address);
    }
    return address;
  };
}

function frame(): ExecutionFrame {
  return { kernel: { ntoskrnl: null }, driver: null, process: { pid: 1234 }, irql: 0, criticalRegion: 1, addressSpaceLockHeld: false };
}

/** A user DLL's IMAGE_INFO the way the dispatcher builds it; `mismatch` sets MachineTypeMismatch. */
function userImage(mismatch = false): ImageInfo {
  return buildImageInfo(buildProfile(22631), 'x64', {
    base: 0x7ffa_1000_0000n,
    size: 0x20000,
    systemMode: false,
    label: null,
    mismatch,
    partial: false,
    fileObject: null,
  });
}

/** What the kernel's bug-check policy does, as distinct errors a test can tell apart. */
class StaleStop extends Error {
  constructor(readonly block: NotifyBlock) {
    super(`stale routine 0x${block.address.toString(16)}`);
    this.name = 'StaleStop';
  }
}
class RoutineStop extends Error {
  constructor(readonly block: NotifyBlock, readonly error: unknown) {
    super('routine failed');
    this.name = 'RoutineStop';
  }
}

interface RecordingSink extends DispatchFailureSink {
  readonly stale: NotifyBlock[];
  readonly failed: { block: NotifyBlock; error: unknown; driverDuringSink: unknown }[];
}

/** Records each call; passes its own stale stop and Deadlock through unchanged, as the kernel's sink does with kernel stops. */
function recordingSink(f: ExecutionFrame): RecordingSink {
  const stale: NotifyBlock[] = [];
  const failed: RecordingSink['failed'] = [];
  return {
    stale,
    failed,
    staleRoutine: (block) => {
      stale.push(block);
      throw new StaleStop(block);
    },
    routineFailed: (block, error) => {
      failed.push({ block, error, driverDuringSink: f.driver });
      if (error instanceof StaleStop || error instanceof Deadlock) throw error;
      throw new RoutineStop(block, error);
    },
  };
}

/** A table of `capacity` slots with helpers that register as the harness (owner null). */
function table(capacity = 64) {
  const t = new LoadImageNotifyTable(capacity);
  const addressOf = harnessAddresses();
  return {
    t,
    addressOf,
    reg: (routine: LoadImageNotifyRoutine | null, flags: number | bigint = 0) => t.register(routine, flags, null, addressOf),
    rm: (routine: LoadImageNotifyRoutine | null, waiter: Waiter = singleThreadWaiter) => t.remove(routine, waiter, () => 'removing'),
  };
}

/** Routines that log their name into `log` when called. */
function named(log: string[], ...names: string[]): LoadImageNotifyRoutine[] {
  return names.map((name) => {
    const routine: LoadImageNotifyRoutine = () => {
      log.push(name);
    };
    return routine;
  });
}

function occupancy(t: LoadImageNotifyTable): boolean[] {
  return t.slots.map((s) => s !== undefined);
}

// ---------------------------------------------------------------- register(): flags (§2 step 1)

test('register() refuses any flag bit but bit 0 with STATUS_INVALID_PARAMETER_2, before allocating or using a slot', () => {
  const badFlags: (number | bigint)[] = [
    2, 3, 4, 0x80, 0x8000_0000, 0xffff_ffff, -1, 2 ** 32, 2 ** 32 + 1,
    2n, 3n, 0xffff_ffffn, 0x1_0000_0001n, 1n << 63n, 0xffff_ffff_ffff_ffffn,
  ];
  for (const flags of badFlags) {
    const { t, reg } = table();
    let allocations = 0;
    t.allocationFailure = () => {
      allocations++;
      return false;
    };
    assert.equal(reg(() => {}, flags), STATUS_INVALID_PARAMETER_2, `flags ${flags}`);
    assert.equal(allocations, 0, `flags ${flags}: nothing allocated`);
    assert.equal(t.count, 0, `flags ${flags}: count`);
    assert.equal(t.end, 0, `flags ${flags}: end`);
    assert.equal(t.enabled, false, `flags ${flags}: the enable bit stays clear`);
    assert.ok(t.slots.every((s) => s === undefined), `flags ${flags}: no slot used`);
  }
});

test('register() accepts flags 0 and 1 as number or bigint and stores them as a number', () => {
  const { t, reg } = table();
  const routines = [() => {}, () => {}, () => {}, () => {}];
  assert.equal(reg(routines[0]!, 0), STATUS_SUCCESS);
  assert.equal(reg(routines[1]!, 1), STATUS_SUCCESS);
  assert.equal(reg(routines[2]!, 0n), STATUS_SUCCESS);
  assert.equal(reg(routines[3]!, 1n), STATUS_SUCCESS);
  assert.deepEqual(t.registered().map((b) => b.flags), [0, 1, 0, 1]);
});

test('register() refuses bit 0 combined with a bit above 31 of the pointer-sized flags', () => {
  // "any bit of a pointer-sized value" (§2.1): bit 0 alone does not make the value valid.
  const { t, reg } = table();
  assert.equal(reg(() => {}, 0x1_0000_0001n), STATUS_INVALID_PARAMETER_2);
  assert.equal(reg(() => {}, 2 ** 32 + 1), STATUS_INVALID_PARAMETER_2);
  assert.equal(t.count, 0);
});

// ---------------------------------------------------------------- register(): allocation (§2 step 2)

test('register() fails with STATUS_INSUFFICIENT_RESOURCES and uses no slot when the block allocation fails', () => {
  const { t, reg } = table();
  let asked = 0;
  t.allocationFailure = () => {
    asked++;
    return true;
  };
  assert.equal(reg(() => {}, 0), STATUS_INSUFFICIENT_RESOURCES);
  assert.equal(asked, 1);
  assert.equal(t.count, 0);
  assert.equal(t.end, 0);
  assert.equal(t.enabled, false);
  assert.ok(t.slots.every((s) => s === undefined));
  // The hook cleared: the same registration now succeeds in slot 0.
  t.allocationFailure = null;
  assert.equal(reg(() => {}, 0), STATUS_SUCCESS);
  assert.deepEqual(occupancy(t).slice(0, 2), [true, false]);
});

test('register() allocates before it looks for a slot: a full table still consults the allocation hook', () => {
  const { t, reg } = table(8);
  for (let i = 0; i < 8; i++) assert.equal(reg(() => {}), STATUS_SUCCESS);
  let asked = 0;
  t.allocationFailure = () => {
    asked++;
    return false;
  };
  assert.equal(reg(() => {}), STATUS_INSUFFICIENT_RESOURCES);
  assert.equal(asked, 1);
  assert.equal(t.count, 8);
});

// ---------------------------------------------------------------- register(): slots (§2 step 3–4, §9)

test('register() takes the lowest empty slot', () => {
  const log: string[] = [];
  const { t, reg, rm } = table();
  const [a, b, c, d, e] = named(log, 'a', 'b', 'c', 'd', 'e');
  for (const r of [a, b, c, d]) reg(r!);
  rm(b!);
  rm(d!);
  assert.deepEqual(occupancy(t).slice(0, 5), [true, false, true, false, false]);
  reg(e!);
  assert.equal(t.slots[1]?.routine, e, 'the freed slot 1, not slot 3 or the end');
  assert.deepEqual(occupancy(t).slice(0, 5), [true, true, true, false, false]);
});

test('register() records the routine, its flags, its owner and the address addressOf gives it', () => {
  const t = new LoadImageNotifyTable(64);
  const driver = fakeDriver('owner.sys');
  const routine: LoadImageNotifyRoutine = () => {};
  assert.equal(t.register(routine, 1n, driver, (r) => driver.addressOf(r)), STATUS_SUCCESS);
  const block = t.slots[0]!;
  assert.ok(block instanceof CallbackBlock);
  assert.equal(block.routine, routine);
  assert.equal(block.flags, 1);
  assert.equal(block.owner, driver);
  assert.equal(block.address, driver.addressOf(routine));
  assert.equal(block.rundown.count, 0);
});

test('a Windows 7 SP1 table holds 8 routines; the 9th registration is STATUS_INSUFFICIENT_RESOURCES until one is removed', () => {
  const capacity = buildProfile(7601).slots;
  assert.equal(capacity, 8);
  const { t, reg, rm } = table(capacity);
  const routines = Array.from({ length: 8 }, () => () => {});
  for (const r of routines) assert.equal(reg(r), STATUS_SUCCESS);
  const late = () => {};
  assert.equal(reg(late), STATUS_INSUFFICIENT_RESOURCES);
  assert.equal(t.count, 8);
  assert.equal(t.slots.length, 8);
  assert.ok(!t.registered().some((b) => b.routine === late), 'the refused block is in no slot');
  assert.equal(rm(routines[5]!), STATUS_SUCCESS);
  assert.equal(reg(late), STATUS_SUCCESS);
  assert.equal(t.slots[5]?.routine, late);
});

test('a modern table holds 64 routines; the 65th registration is STATUS_INSUFFICIENT_RESOURCES', () => {
  const capacity = buildProfile(22631).slots;
  assert.equal(capacity, 64);
  const { t, reg, rm } = table(capacity);
  const routines = Array.from({ length: 64 }, () => () => {});
  for (const r of routines) assert.equal(reg(r), STATUS_SUCCESS);
  assert.equal(reg(() => {}), STATUS_INSUFFICIENT_RESOURCES);
  assert.equal(reg(null), STATUS_INSUFFICIENT_RESOURCES, 'a NULL routine needs a slot too');
  assert.equal(t.count, 64);
  assert.equal(t.end, 64);
  rm(routines[0]!);
  assert.equal(reg(() => {}), STATUS_SUCCESS);
  assert.equal(t.count, 64);
});

// ---------------------------------------------------------------- count, enabled, end

test('count follows registrations and removals; the enabled bit is set by the first registration and never cleared', () => {
  const { t, reg, rm } = table();
  const f = () => {};
  const g = () => {};
  assert.equal(t.enabled, false);
  assert.equal(t.count, 0);
  reg(f);
  assert.equal(t.enabled, true);
  reg(g);
  assert.equal(t.count, 2);
  rm(f);
  rm(g);
  assert.equal(t.count, 0);
  assert.equal(t.enabled, true, 'sticky after every routine is removed');
});

test('end is one past the highest used slot and shrinks when the top slots empty', () => {
  const { t, reg, rm } = table();
  const [a, b, c] = [() => {}, () => {}, () => {}];
  assert.equal(t.end, 0);
  reg(a);
  reg(b);
  reg(c);
  assert.equal(t.end, 3);
  rm(b);
  assert.equal(t.end, 3, 'a hole below the top leaves end alone');
  rm(c);
  assert.equal(t.end, 1, 'emptying the top slot skips the hole below it too');
  reg(b);
  assert.equal(t.end, 2, 'the refilled hole is the new top');
  rm(a);
  assert.equal(t.end, 2, 'emptying slot 0 under a used slot 1');
  rm(b);
  assert.equal(t.end, 0);
});

test('clear() of an empty slot changes nothing', () => {
  const { t, reg } = table();
  reg(() => {});
  t.clear(5);
  assert.equal(t.count, 1);
  assert.equal(t.end, 1);
});

// ---------------------------------------------------------------- remove() (§3)

test('remove() empties the lowest slot holding the routine, one per call, then STATUS_PROCEDURE_NOT_FOUND', () => {
  const { t, reg, rm } = table();
  const f = () => {};
  const g = () => {};
  reg(f);
  reg(g);
  reg(f);
  assert.deepEqual(t.registered().map((b) => b.routine), [f, g, f]);
  assert.equal(rm(f), STATUS_SUCCESS);
  assert.deepEqual(occupancy(t).slice(0, 3), [false, true, true], 'slot 0 went first');
  assert.equal(rm(f), STATUS_SUCCESS);
  assert.deepEqual(occupancy(t).slice(0, 3), [false, true, false]);
  assert.equal(rm(f), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(t.count, 1);
  assert.equal(t.slots[1]?.routine, g);
});

test('remove() matches on the routine only: flags are ignored', () => {
  const { t, reg, rm } = table();
  const f = () => {};
  reg(f, 1);
  reg(f, 0);
  assert.equal(rm(f), STATUS_SUCCESS);
  assert.deepEqual(t.registered().map((b) => b.flags), [0], 'the flagged registration in slot 0 was removed first');
});

test('remove() of a routine never registered is STATUS_PROCEDURE_NOT_FOUND and changes nothing', () => {
  const { t, reg, rm } = table();
  reg(() => {});
  assert.equal(rm(() => {}), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(t.count, 1);
});

test('a NULL routine registers into a slot and can be removed once (the ReactOS sequence)', () => {
  const { t, reg, rm } = table();
  const f = () => {};
  assert.equal(rm(null), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(reg(null), STATUS_SUCCESS);
  assert.equal(t.count, 1);
  assert.equal(t.slots[0]?.routine, null);
  assert.equal(t.enabled, true);
  assert.equal(rm(null), STATUS_SUCCESS);
  assert.equal(rm(null), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(rm(f), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(reg(f), STATUS_SUCCESS);
  assert.equal(rm(f), STATUS_SUCCESS);
  assert.equal(rm(f), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(t.count, 0);
});

test('remove() of a routine with an invocation in flight empties its slot, then reports the wait as a Deadlock', () => {
  const { t, reg } = table();
  const f = () => {};
  reg(f);
  const block = t.slots[0]!;
  assert.ok(block.rundown.acquire(), 'an invocation in flight');
  let described: NotifyBlock | null = null;
  assert.throws(
    () =>
      t.remove(f, singleThreadWaiter, (b) => {
        described = b;
        return 'f still runs';
      }),
    (e: unknown) => e instanceof Deadlock && e.message === 'f still runs',
  );
  assert.equal(described, block, 'describe() names the block being run down');
  assert.equal(t.slots[0], undefined, 'the slot was emptied before the wait');
  assert.equal(t.count, 0);
  assert.equal(block.rundown.acquire(), false, 'no new invocation can start');
});

test('remove() returns STATUS_SUCCESS once the waiter sees the in-flight invocation return', () => {
  const { t, reg } = table();
  const f = () => {};
  reg(f);
  const block = t.slots[0]!;
  block.rundown.acquire();
  let waits = 0;
  const otherThreadReturns: Waiter = {
    waitUntil(ready) {
      waits++;
      assert.equal(ready(), false);
      block.rundown.release();
      assert.equal(ready(), true);
    },
  };
  assert.equal(t.remove(f, otherThreadReturns, () => 'unused'), STATUS_SUCCESS);
  assert.equal(waits, 1);
  assert.equal(block.rundown.count, 0);
});

// ---------------------------------------------------------------- dispatch() (§4, §6)

test('dispatch() calls routines in slot order, not registration order', () => {
  const log: string[] = [];
  const { t, reg, rm } = table();
  const [a, b, c, d] = named(log, 'A', 'B', 'C', 'D');
  reg(a!);
  reg(b!);
  reg(c!);
  rm(a!);
  reg(d!);
  const f = frame();
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f));
  assert.deepEqual(log, ['D', 'B', 'C']);
});

test('dispatch() calls a routine registered twice once per slot', () => {
  const log: string[] = [];
  const { t, reg } = table();
  const [a] = named(log, 'A');
  reg(a!);
  reg(a!);
  const f = frame();
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f));
  assert.deepEqual(log, ['A', 'A']);
});

test('dispatch() passes the name, process id and the one shared ImageInfo to every routine', () => {
  const { t, reg } = table();
  const seen: [string | null, number, ImageInfo][] = [];
  reg((name, pid, info) => seen.push([name, pid, info]));
  reg((name, pid, info) => seen.push([name, pid, info]));
  const info = userImage();
  const f = frame();
  t.dispatch('\\Device\\HarddiskVolume3\\x.dll', 1234, info, f, recordingSink(f));
  assert.equal(seen.length, 2);
  for (const [name, pid, got] of seen) {
    assert.equal(name, '\\Device\\HarddiskVolume3\\x.dll');
    assert.equal(pid, 1234);
    assert.equal(got, info);
  }
  const noName: (string | null)[] = [];
  const g = frame();
  const t2 = table();
  t2.reg((name) => noName.push(name));
  t2.t.dispatch(null, 8, userImage(), g, recordingSink(g));
  assert.deepEqual(noName, [null], 'a NULL FullImageName reaches the routine as null');
});

test('dispatch() skips slots holding a NULL routine', () => {
  const log: string[] = [];
  const { t, reg } = table();
  const [a, b] = named(log, 'A', 'B');
  reg(a!);
  reg(null);
  reg(b!);
  const f = frame();
  const called: DispatchedRoutine[] = [];
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f), called);
  assert.deepEqual(log, ['A', 'B']);
  assert.equal(called.length, 2);
});

test('dispatch() of a MachineTypeMismatch image calls only registrations flagged PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE', () => {
  const log: string[] = [];
  const { t, reg } = table();
  const [plain, flagged, flaggedBig, zeroBig] = named(log, 'plain', 'flagged', 'flaggedBig', 'zeroBig');
  reg(plain!, 0);
  reg(flagged!, 1);
  reg(flaggedBig!, 1n);
  reg(zeroBig!, 0n);
  const f = frame();
  const mismatch = userImage(true);
  assert.equal(mismatch.MachineTypeMismatch, 1);
  t.dispatch('\\x86.dll', 4, mismatch, f, recordingSink(f));
  assert.deepEqual(log, ['flagged', 'flaggedBig']);
  log.length = 0;
  t.dispatch('\\x64.dll', 4, userImage(false), f, recordingSink(f));
  assert.deepEqual(log, ['plain', 'flagged', 'flaggedBig', 'zeroBig'], 'an image without the bit reaches every registration');
});

test('dispatch() reads the MachineTypeMismatch bit from the ImageInfo it is given (a hand-built IMAGE_INFO)', () => {
  const log: string[] = [];
  const { t, reg } = table();
  const [plain, flagged] = named(log, 'plain', 'flagged');
  reg(plain!, 0);
  reg(flagged!, 1);
  const info = new ImageInfo();
  info.MachineTypeMismatch = 1;
  const f = frame();
  t.dispatch('\\x.dll', 4, info, f, recordingSink(f));
  assert.deepEqual(log, ['flagged']);
});

test("dispatch() sets frame.driver to each block's owner while its routine runs, and back to null", () => {
  const { t } = table();
  const one = fakeDriver('one.sys');
  const two = fakeDriver('two.sys');
  const f = frame();
  const during: unknown[] = [];
  const r1: LoadImageNotifyRoutine = () => during.push(f.driver);
  const r2: LoadImageNotifyRoutine = () => during.push(f.driver);
  const r3: LoadImageNotifyRoutine = () => during.push(f.driver);
  t.register(r1, 0, one, (r) => one.addressOf(r));
  t.register(r2, 0, null, () => 0x1000n);
  t.register(r3, 0, two, (r) => two.addressOf(r));
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f));
  assert.deepEqual(during, [one, null, two]);
  assert.equal(f.driver, null);
});

test('dispatch() resets frame.driver to null and drops the reference when a routine throws', () => {
  const { t } = table();
  const driver = fakeDriver('thrower.sys');
  const boom = new Error('boom');
  t.register(() => {
    throw boom;
  }, 0, driver, (r) => driver.addressOf(r));
  const f = frame();
  const sink = recordingSink(f);
  assert.throws(() => t.dispatch('\\x.dll', 4, userImage(), f, sink), (e: unknown) => e instanceof RoutineStop && e.error === boom);
  assert.equal(sink.failed.length, 1);
  assert.equal(sink.failed[0]!.block, t.slots[0]);
  assert.equal(sink.failed[0]!.error, boom);
  assert.equal(sink.failed[0]!.driverDuringSink, driver, 'the sink runs while the failing driver is still current');
  assert.equal(f.driver, null);
  assert.equal(t.slots[0]!.rundown.count, 0);
  assert.equal(sink.stale.length, 0);
});

test('dispatch() calls sink.routineFailed for a throw and stops there: later slots are not called', () => {
  const log: string[] = [];
  const { t, reg } = table();
  const [before, after] = named(log, 'before', 'after');
  reg(before!);
  reg(() => {
    throw new TypeError('driver bug');
  });
  reg(after!);
  const f = frame();
  assert.throws(() => t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f)), RoutineStop);
  assert.deepEqual(log, ['before']);
});

test('dispatch() calls sink.staleRoutine, not the routine, for an owner that is unloaded', () => {
  const { t } = table();
  const leaky = fakeDriver('leaky.sys');
  let ran = 0;
  const routine: LoadImageNotifyRoutine = () => {
    ran++;
  };
  t.register(routine, 0, leaky, (r) => leaky.addressOf(r));
  const f = frame();
  // While loaded it runs.
  t.dispatch('\\a.dll', 4, userImage(), f, recordingSink(f));
  assert.equal(ran, 1);
  leaky.unloaded = true;
  const sink = recordingSink(f);
  const called: DispatchedRoutine[] = [];
  assert.throws(() => t.dispatch('\\b.dll', 4, userImage(), f, sink, called), (e: unknown) => e instanceof StaleStop && e.block === t.slots[0]);
  assert.equal(ran, 1, 'freed code is not executed');
  assert.deepEqual(sink.stale, [t.slots[0]]);
  assert.equal(sink.stale[0]!.address, leaky.addressOf(routine), 'the block carries the stale address the bug check names');
  assert.deepEqual(called, [], 'a stale routine is not recorded as called');
  assert.equal(f.driver, null);
  assert.equal(t.slots[0]!.rundown.count, 0);
});

test('dispatch() records each called block in the called array, in call order', () => {
  const { t, reg } = table();
  const a = () => {};
  const b = () => {};
  reg(a, 1);
  reg(null);
  reg(b, 0);
  const f = frame();
  const called: DispatchedRoutine[] = [];
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f), called);
  assert.deepEqual(called, [t.slots[0], t.slots[2]]);
  assert.deepEqual(called.map((c) => c.flags), [1, 0]);
  const mismatchCalls: DispatchedRoutine[] = [];
  t.dispatch('\\x.dll', 4, userImage(true), f, recordingSink(f), mismatchCalls);
  assert.deepEqual(mismatchCalls, [t.slots[0]], 'skipped blocks are not recorded');
});

test('dispatch() holds a rundown reference on each block only while its routine runs', () => {
  const { t, reg } = table();
  const counts: number[] = [];
  reg(() => counts.push(t.slots[0]!.rundown.count, t.slots[1]!.rundown.count));
  reg(() => counts.push(t.slots[0]!.rundown.count, t.slots[1]!.rundown.count));
  const f = frame();
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f));
  assert.deepEqual(counts, [1, 0, 0, 1]);
  assert.equal(t.slots[0]!.rundown.count, 0);
  assert.equal(t.slots[1]!.rundown.count, 0);
});

test('dispatch() reads end on every turn: a routine registered into a higher slot during the dispatch is called for that image', () => {
  const log: string[] = [];
  const { t, reg } = table();
  const [late] = named(log, 'late');
  reg(() => {
    log.push('first');
    assert.equal(reg(late!), STATUS_SUCCESS);
  });
  assert.equal(t.end, 1);
  const f = frame();
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f));
  assert.deepEqual(log, ['first', 'late']);
  assert.equal(t.slots[1]?.routine, late);
});

test('dispatch() does not call a routine registered during the dispatch into a slot below the loop', () => {
  const log: string[] = [];
  const { t, reg, rm } = table();
  const [placeholder, late] = named(log, 'placeholder', 'late');
  reg(placeholder!);
  reg(() => {
    log.push('second');
    reg(late!); // lands in slot 0, which the loop has passed
  });
  rm(placeholder!);
  log.length = 0;
  const f = frame();
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f));
  assert.deepEqual(log, ['second']);
  assert.equal(t.slots[0]?.routine, late);
});

test('dispatch() does not call a routine removed before the loop reaches it', () => {
  const log: string[] = [];
  const { t, reg, rm } = table();
  const [middle, last] = named(log, 'middle', 'last');
  reg(() => {
    log.push('first');
    assert.equal(rm(last!), STATUS_SUCCESS);
  });
  reg(middle!);
  reg(last!);
  const f = frame();
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f));
  assert.deepEqual(log, ['first', 'middle']);
  assert.equal(t.end, 2);
});

test('dispatch() hands the Deadlock of a routine removing itself to sink.routineFailed, with its slot already empty', () => {
  const { t, rm, reg } = table();
  const self: LoadImageNotifyRoutine = () => {
    rm(self);
  };
  reg(self);
  const f = frame();
  const sink = recordingSink(f);
  assert.throws(() => t.dispatch('\\x.dll', 4, userImage(), f, sink), Deadlock);
  assert.equal(sink.failed.length, 1);
  assert.ok(sink.failed[0]!.error instanceof Deadlock);
  assert.equal(t.slots[0], undefined);
  assert.equal(t.count, 0);
  assert.equal(sink.failed[0]!.block.rundown.count, 0, 'the reference is dropped on the way out');
});

test('dispatch() of an empty table calls nothing and leaves frame.driver null', () => {
  const { t } = table();
  const f = frame();
  const called: DispatchedRoutine[] = [];
  t.dispatch('\\x.dll', 4, userImage(), f, recordingSink(f), called);
  assert.deepEqual(called, []);
  assert.equal(f.driver, null);
});
