// SEMANTICS.md §2–4, §7 and the conformance cases of §8, through the API.md names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BugCheck,
  Deadlock,
  imageInfoEx,
  Kernel,
  KeAreApcsDisabled,
  KeGetCurrentIrql,
  PsGetCurrentProcessId,
  PsRemoveLoadImageNotifyRoutine,
  PsSetLoadImageNotifyRoutine,
  PsSetLoadImageNotifyRoutineEx,
  PASSIVE_LEVEL,
  STATUS_IMAGE_ALREADY_LOADED,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER_2,
  STATUS_PROCEDURE_NOT_FOUND,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
  type ImageInfo,
  type LoadImageNotifyRoutine,
} from '../src/index.js';
import { recorder, SECOND_SYS, testKernel, TEST_SYS, THIRD_SYS, type Seen } from './helpers/system.js';

const noop: LoadImageNotifyRoutine = () => {};

test('Wine test_load_driver: two registrations, one load, no reload or unload reports, three removals', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  const seen: Seen[] = [];
  const cb = recorder(kernel, seen);
  assert.equal(nt.PsSetLoadImageNotifyRoutine(cb), STATUS_SUCCESS);
  assert.equal(nt.PsSetLoadImageNotifyRoutine(cb), STATUS_SUCCESS);
  assert.equal(kernel.loadDriver(TEST_SYS), STATUS_SUCCESS);
  assert.equal(seen.length, 2);
  for (const s of seen) {
    assert.equal(s.properties & 0xff, 3);
    assert.equal((s.properties >> 8) & 1, 1);
    assert.equal(s.name, '\\Device\\HarddiskVolume3\\Windows\\System32\\drivers\\test.sys');
    assert.equal(s.pid, 0);
  }
  assert.equal(kernel.loadDriver(TEST_SYS), STATUS_IMAGE_ALREADY_LOADED);
  assert.equal(seen.length, 2);
  assert.equal(kernel.unloadDriver(TEST_SYS), STATUS_SUCCESS);
  assert.equal(seen.length, 2);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(cb), STATUS_SUCCESS);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(cb), STATUS_SUCCESS);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(cb), STATUS_PROCEDURE_NOT_FOUND);
});

test('ReactOS PsNotify: NULL registration and removal', () => {
  const nt = testKernel().ntoskrnl;
  const f: LoadImageNotifyRoutine = () => {};
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(null), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(nt.PsSetLoadImageNotifyRoutine(null), STATUS_SUCCESS);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(null), STATUS_SUCCESS);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(null), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(f), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(nt.PsSetLoadImageNotifyRoutine(f), STATUS_SUCCESS);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(f), STATUS_SUCCESS);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(f), STATUS_PROCEDURE_NOT_FOUND);
});

test('the callback runs at PASSIVE_LEVEL inside a critical region', () => {
  const kernel = testKernel();
  const irqls: number[] = [];
  const apcs: boolean[] = [];
  kernel.loadDriver(TEST_SYS, {
    DriverEntry: (d) => {
      d.DriverUnload = () => {};
      return PsSetLoadImageNotifyRoutine(() => {
        irqls.push(KeGetCurrentIrql());
        apcs.push(KeAreApcsDisabled());
      });
    },
  });
  kernel.loadDriver(SECOND_SYS);
  assert.deepEqual(irqls, [PASSIVE_LEVEL]);
  assert.deepEqual(apcs, [true]);
});

test('invalid flags: STATUS_INVALID_PARAMETER_2 and no slot used', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  for (const flags of [2, 0xffffffff, 3, -1, 1.5, 2n, 1n << 40n, (1n << 64n) | 1n, 0x8000000000000001n]) {
    assert.equal(nt.PsSetLoadImageNotifyRoutineEx(noop, flags), STATUS_INVALID_PARAMETER_2, `flags ${flags}`);
  }
  assert.equal(kernel.notifyRoutines.length, 0);
  assert.equal(kernel.imageNotifyEnabled, false);
  for (let i = 0; i < 64; i++) assert.equal(nt.PsSetLoadImageNotifyRoutineEx(noop, i % 2 ? 1n : 0), STATUS_SUCCESS);
});

test('64 registrations succeed, the 65th fails until one is removed', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  const routines = Array.from({ length: 64 }, () => (() => {}) as LoadImageNotifyRoutine);
  for (const r of routines) assert.equal(nt.PsSetLoadImageNotifyRoutine(r), STATUS_SUCCESS);
  const extra: LoadImageNotifyRoutine = () => {};
  assert.equal(nt.PsSetLoadImageNotifyRoutine(extra), STATUS_INSUFFICIENT_RESOURCES);
  assert.equal(nt.PsSetLoadImageNotifyRoutineEx(extra, 1), STATUS_INSUFFICIENT_RESOURCES);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(extra), STATUS_PROCEDURE_NOT_FOUND);
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(routines[17]!), STATUS_SUCCESS);
  assert.equal(nt.PsSetLoadImageNotifyRoutine(extra), STATUS_SUCCESS);
  assert.equal(kernel.notifyRoutines.find((r) => r.routine === extra)!.slot, 17);
});

test('slot reuse changes call order: A, B, C; remove A; add D → D, B, C', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  const order: string[] = [];
  const make = (tag: string): LoadImageNotifyRoutine => () => void order.push(tag);
  const [a, b, c, d] = ['A', 'B', 'C', 'D'].map(make) as [LoadImageNotifyRoutine, LoadImageNotifyRoutine, LoadImageNotifyRoutine, LoadImageNotifyRoutine];
  nt.PsSetLoadImageNotifyRoutine(a);
  nt.PsSetLoadImageNotifyRoutine(b);
  nt.PsSetLoadImageNotifyRoutine(c);
  nt.PsRemoveLoadImageNotifyRoutine(a);
  nt.PsSetLoadImageNotifyRoutine(d);
  kernel.loadDriver(TEST_SYS);
  assert.deepEqual(order, ['D', 'B', 'C']);
});

test('Remove takes the lowest duplicate and ignores flags', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  const order: string[] = [];
  const a: LoadImageNotifyRoutine = () => void order.push('A');
  const b: LoadImageNotifyRoutine = () => void order.push('B');
  nt.PsSetLoadImageNotifyRoutineEx(a, 1); // slot 0, flagged
  nt.PsSetLoadImageNotifyRoutine(b); // slot 1
  nt.PsSetLoadImageNotifyRoutine(a); // slot 2, unflagged
  assert.equal(nt.PsRemoveLoadImageNotifyRoutine(a), STATUS_SUCCESS);
  assert.deepEqual(kernel.notifyRoutines.map((r) => [r.slot, r.flags]), [[1, 0], [2, 0]]);
  kernel.loadDriver(TEST_SYS);
  assert.deepEqual(order, ['B', 'A']);
});

test('NULL registrations take a slot and are skipped by dispatch', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  const seen: Seen[] = [];
  nt.PsSetLoadImageNotifyRoutine(null);
  nt.PsSetLoadImageNotifyRoutine(recorder(kernel, seen));
  assert.deepEqual(kernel.notifyRoutines.map((r) => r.slot), [0, 1]);
  kernel.loadDriver(TEST_SYS);
  assert.equal(seen.length, 1);
});

test('a routine registered during a dispatch runs for that image only if its slot is above the loop', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  const order: string[] = [];
  const late: LoadImageNotifyRoutine = () => void order.push('late');
  let registered = false;
  const first: LoadImageNotifyRoutine = () => {
    order.push('first');
    if (!registered) {
      registered = true;
      assert.equal(nt.PsSetLoadImageNotifyRoutine(late), STATUS_SUCCESS); // lands in slot 1, above
    }
  };
  nt.PsSetLoadImageNotifyRoutine(first);
  kernel.loadDriver(TEST_SYS);
  assert.deepEqual(order, ['first', 'late']);

  // Below the loop: slot 0 free, the running routine sits in slot 1.
  const kernel2 = testKernel();
  const nt2 = kernel2.ntoskrnl;
  const order2: string[] = [];
  const placeholder: LoadImageNotifyRoutine = () => {};
  const below: LoadImageNotifyRoutine = () => void order2.push('below');
  let once = false;
  const running: LoadImageNotifyRoutine = () => {
    order2.push('running');
    if (!once) {
      once = true;
      nt2.PsSetLoadImageNotifyRoutine(below); // lands in slot 0, behind the loop
    }
  };
  nt2.PsSetLoadImageNotifyRoutine(placeholder);
  nt2.PsSetLoadImageNotifyRoutine(running);
  nt2.PsRemoveLoadImageNotifyRoutine(placeholder);
  kernel2.loadDriver(TEST_SYS);
  assert.deepEqual(order2, ['running']);
  kernel2.loadDriver(SECOND_SYS);
  assert.deepEqual(order2, ['running', 'below', 'running']);
});

test('a routine removed by an earlier routine during a dispatch is not called', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  const order: string[] = [];
  const victim: LoadImageNotifyRoutine = () => void order.push('victim');
  const remover: LoadImageNotifyRoutine = () => {
    order.push('remover');
    nt.PsRemoveLoadImageNotifyRoutine(victim);
  };
  nt.PsSetLoadImageNotifyRoutine(remover);
  nt.PsSetLoadImageNotifyRoutine(victim);
  kernel.loadDriver(TEST_SYS);
  assert.deepEqual(order, ['remover']);
});

test('a routine removing itself from inside its own invocation deadlocks', () => {
  const kernel = testKernel();
  let self: LoadImageNotifyRoutine;
  const driver = {
    DriverEntry(d: { DriverUnload: unknown }) {
      self = function selfRemover() {
        PsRemoveLoadImageNotifyRoutine(self);
      };
      d.DriverUnload = () => {};
      return PsSetLoadImageNotifyRoutine(self);
    },
  };
  assert.equal(kernel.loadDriver(TEST_SYS, driver as never), STATUS_SUCCESS);
  assert.throws(
    () => kernel.loadDriver(SECOND_SYS),
    (error: unknown) => {
      assert.ok(error instanceof Deadlock);
      assert.match(error.message, /selfRemover/);
      assert.match(error.message, /test\.sys/);
      return true;
    },
  );
  assert.equal(kernel.bugCheck, null);
  // The slot was emptied before the wait, as in the kernel: no further calls.
  assert.equal(kernel.notifyRoutines.length, 0);
});

test('a duplicate may remove the other registration of itself while running', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  let calls = 0;
  const dup: LoadImageNotifyRoutine = () => {
    calls++;
    // Running from slot 1: the lowest match is slot 0, whose invocation has returned.
    if (calls === 2) assert.equal(nt.PsRemoveLoadImageNotifyRoutine(dup), STATUS_SUCCESS);
  };
  nt.PsSetLoadImageNotifyRoutine(dup);
  nt.PsSetLoadImageNotifyRoutine(dup);
  kernel.loadDriver(TEST_SYS);
  assert.equal(calls, 2);
  assert.deepEqual(kernel.notifyRoutines.map((r) => r.slot), [1]);
});

test('a routine that throws stops the machine with 0x7E naming its driver', () => {
  const kernel = testKernel();
  kernel.loadDriver(TEST_SYS, {
    DriverEntry: (d) => {
      d.DriverUnload = () => {};
      return PsSetLoadImageNotifyRoutine(() => {
        throw new Error('null pointer in callback');
      });
    },
  });
  assert.throws(() => kernel.loadDriver(SECOND_SYS), (error: unknown) => {
    assert.ok(error instanceof BugCheck);
    assert.equal(error.code, 0x7e);
    assert.equal(error.driver, 'test.sys');
    assert.match(error.message, /null pointer in callback/);
    return true;
  });
  assert.equal(kernel.bugCheck?.code, 0x7e);
  // After a bug check every operation throws it.
  assert.throws(() => kernel.loadDriver(THIRD_SYS), BugCheck);
  assert.throws(() => kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(noop), BugCheck);
  assert.throws(() => kernel.createProcess('C:\\Windows\\System32\\app.exe'), BugCheck);
  assert.throws(() => kernel.process(4), BugCheck);
});

test('unloading without removing: 0xCE at the next notification, P1 = P3 = routine, P2 = 8', () => {
  const kernel = testKernel();
  const leaky = () => {};
  assert.equal(
    kernel.loadDriver(TEST_SYS, {
      DriverEntry: (d) => {
        d.DriverUnload = () => {}; // forgets PsRemoveLoadImageNotifyRoutine
        return PsSetLoadImageNotifyRoutine(leaky);
      },
    }),
    STATUS_SUCCESS,
  );
  const address = kernel.notifyRoutines[0]!.address;
  const driverBase = kernel.loadedDrivers[0]!.base;
  assert.ok(address > driverBase && address < driverBase + BigInt(kernel.loadedDrivers[0]!.size));
  assert.equal(kernel.unloadDriver(TEST_SYS), STATUS_SUCCESS); // Windows checks nothing
  assert.equal(kernel.bugCheck, null);
  assert.throws(() => kernel.loadDriver(SECOND_SYS), (error: unknown) => {
    assert.ok(error instanceof BugCheck);
    assert.equal(error.code, 0xce);
    assert.deepEqual(error.parameters, [address, 8n, address, 0n]);
    assert.equal(error.driver, 'test.sys');
    return true;
  });
  assert.equal((kernel.bugCheck as BugCheck | null)?.code, 0xce);
});

test('verifier option: the leak is reported at unload time', () => {
  const kernel = testKernel({ verifier: true });
  kernel.loadDriver(TEST_SYS, {
    DriverEntry: (d) => {
      d.DriverUnload = () => {};
      return PsSetLoadImageNotifyRoutine(() => {});
    },
  });
  assert.throws(() => kernel.unloadDriver(TEST_SYS), (e: unknown) => e instanceof BugCheck && e.code === 0xce && e.driver === 'test.sys');
});

test('a DriverEntry that fails leaves no driver, and its registrations stay behind', () => {
  const kernel = testKernel();
  const seen: string[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name) => void seen.push(name!));
  const failing = {
    DriverEntry: () => {
      PsSetLoadImageNotifyRoutine(() => {});
      return STATUS_UNSUCCESSFUL;
    },
  };
  assert.equal(kernel.loadDriver(TEST_SYS, failing), STATUS_UNSUCCESSFUL);
  assert.match(kernel.lastError!.message, /DriverEntry failed/);
  assert.equal(kernel.loadedDrivers.length, 0);
  assert.equal(kernel.notifyRoutines.length, 2);
  assert.equal(seen.length, 1); // the image was reported before DriverEntry ran
  // The routine points into freed memory: the next notification stops the machine.
  assert.throws(() => kernel.loadDriver(SECOND_SYS), (e: unknown) => e instanceof BugCheck && e.code === 0xce && e.driver === 'test.sys');
});

test('a DriverEntry that throws is a 0x7E bug check', () => {
  const kernel = testKernel();
  assert.throws(
    () => kernel.loadDriver(TEST_SYS, { DriverEntry: () => { throw new TypeError('boom'); } }),
    (e: unknown) => e instanceof BugCheck && e.code === 0x7e && e.driver === 'test.sys' && /boom/.test(e.message),
  );
});

test('a driver without DriverUnload cannot be unloaded', () => {
  const kernel = testKernel();
  assert.equal(kernel.loadDriver(TEST_SYS, { DriverEntry: () => STATUS_SUCCESS }), STATUS_SUCCESS);
  assert.equal(kernel.unloadDriver(TEST_SYS), STATUS_INVALID_DEVICE_REQUEST);
  assert.equal(kernel.loadedDrivers.length, 1);
  assert.equal(kernel.loadDriver(TEST_SYS), STATUS_IMAGE_ALREADY_LOADED);
});

test('driver objects: DriverName, registry path, registrations attributed to the driver', () => {
  const kernel = testKernel();
  let name = '';
  let registry = '';
  let pid = -1;
  kernel.loadDriver(TEST_SYS, {
    DriverEntry: (d, r) => {
      name = d.DriverName;
      registry = r;
      pid = PsGetCurrentProcessId();
      d.DriverUnload = () => {};
      return PsSetLoadImageNotifyRoutineEx(noop, 1);
    },
  });
  assert.equal(name, '\\Driver\\test');
  assert.equal(registry, '\\Registry\\Machine\\System\\CurrentControlSet\\Services\\test');
  assert.equal(pid, 4);
  assert.deepEqual(kernel.notifyRoutines.map((r) => [r.driver, r.flags]), [['test.sys', 1]]);
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(() => {});
  assert.equal(kernel.notifyRoutines[1]!.driver, null);
});

test('driver images are reported in the System process with ProcessId 0', () => {
  const kernel = testKernel();
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(recorder(kernel, seen));
  kernel.loadDriver(TEST_SYS);
  assert.equal(seen[0]!.pid, 0);
  assert.equal(seen[0]!.currentPid, 4);
  assert.equal(seen[0]!.irql, 0);
  assert.equal(seen[0]!.properties & 0x700, 0x500);
});

test('every dispatch: ExtendedInfoPresent, IMAGE_INFO_EX.Size and FileObject; one ImageInfo for all routines', () => {
  const kernel = testKernel();
  const infos: ImageInfo[] = [];
  const grab: LoadImageNotifyRoutine = (_n, _p, info) => void infos.push(info);
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(grab);
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(grab);
  kernel.loadDriver(TEST_SYS);
  assert.equal(infos.length, 2);
  assert.equal(infos[0], infos[1]);
  const info = infos[0]!;
  assert.equal(info.ExtendedInfoPresent, 1);
  const ex = imageInfoEx(info)!;
  assert.equal(ex.Size, 56);
  assert.equal(ex.FileObject!.FileName, '\\Windows\\System32\\drivers\\test.sys');
  assert.ok(ex.FileObject!.address > 0n);
  const x86 = testKernel({ machine: 'x86' });
  let size = 0;
  x86.ntoskrnl.PsSetLoadImageNotifyRoutine((_n, _p, i) => void (size = imageInfoEx(i)!.Size));
  x86.loadDriver(TEST_SYS);
  assert.equal(size, 28);
});

test('the enable bit is sticky: set by the first registration, never cleared', () => {
  const kernel = testKernel();
  assert.equal(kernel.imageNotifyEnabled, false);
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(noop);
  kernel.ntoskrnl.PsRemoveLoadImageNotifyRoutine(noop);
  assert.equal(kernel.imageNotifyEnabled, true);
  assert.equal(kernel.notifyRoutines.length, 0);
});

test('allocation-failure hook: STATUS_INSUFFICIENT_RESOURCES, no slot used', () => {
  const kernel = testKernel();
  const asked: string[] = [];
  kernel.failAllocation = (what) => {
    asked.push(what);
    return true;
  };
  assert.equal(kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(noop), STATUS_INSUFFICIENT_RESOURCES);
  assert.equal(kernel.ntoskrnl.PsSetLoadImageNotifyRoutineEx(noop, 2), STATUS_INVALID_PARAMETER_2); // flags checked first
  assert.deepEqual(asked, ['EX_CALLBACK_ROUTINE_BLOCK']);
  assert.equal(kernel.notifyRoutines.length, 0);
  kernel.failAllocation = null;
  assert.equal(kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(noop), STATUS_SUCCESS);
  const injected = new Kernel({ system: 'none', failAllocation: () => true });
  assert.equal(injected.ntoskrnl.PsSetLoadImageNotifyRoutine(noop), STATUS_INSUFFICIENT_RESOURCES);
});

test('root exports act on the running kernel; outside kernel code they throw', () => {
  assert.throws(() => PsSetLoadImageNotifyRoutine(noop), /outside kernel code/);
  assert.throws(() => PsGetCurrentProcessId(), /outside kernel code/);
  const one = testKernel();
  const two = testKernel();
  one.loadDriver(TEST_SYS, { DriverEntry: (d) => { d.DriverUnload = () => {}; return PsSetLoadImageNotifyRoutine(noop); } });
  assert.equal(one.notifyRoutines.length, 1);
  assert.equal(two.notifyRoutines.length, 0);
  const seen: Seen[] = [];
  two.ntoskrnl.PsSetLoadImageNotifyRoutine(recorder(two, seen));
  one.loadDriver(SECOND_SYS);
  assert.equal(seen.length, 0);
});

test('a model driver that declares its imports fails before its image is reported on a build without them', () => {
  const kernel = testKernel({ build: 9600 });
  const seen: Seen[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(recorder(kernel, seen));
  let entered = false;
  const status = kernel.loadDriver(TEST_SYS, {
    imports: ['PsSetLoadImageNotifyRoutine', 'PsSetLoadImageNotifyRoutineEx'],
    DriverEntry: () => {
      entered = true;
      return STATUS_SUCCESS;
    },
  });
  assert.equal(status, STATUS_PROCEDURE_NOT_FOUND);
  assert.match(kernel.lastError!.message, /imports PsSetLoadImageNotifyRoutineEx, which build 9600 does not export/);
  assert.equal(entered, false);
  assert.equal(seen.length, 0);
  assert.equal(testKernel().loadDriver(TEST_SYS, { imports: ['PsSetLoadImageNotifyRoutineEx'], DriverEntry: () => STATUS_SUCCESS }), STATUS_SUCCESS);
});

test('removing a routine whose invocation is further up the stack (a nested dispatch) deadlocks too', () => {
  const kernel = testKernel();
  const nt = kernel.ntoskrnl;
  kernel.fs.writeFile('C:\\lib\\nested.dll', kernel.fs.readFile('C:\\Windows\\System32\\user32.dll'));
  const process = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  let mapped = false;
  const outer: LoadImageNotifyRoutine = function outerMapper(name) {
    if (!mapped && name?.endsWith('test.sys')) {
      mapped = true;
      process.mapImage('C:\\lib\\nested.dll'); // a nested dispatch while this invocation is running
    }
  };
  const remover: LoadImageNotifyRoutine = (name) => {
    if (name?.endsWith('nested.dll')) nt.PsRemoveLoadImageNotifyRoutine(outer);
  };
  nt.PsSetLoadImageNotifyRoutine(outer);
  nt.PsSetLoadImageNotifyRoutine(remover);
  assert.throws(() => kernel.loadDriver(TEST_SYS), (e: unknown) => e instanceof Deadlock && /outerMapper/.test(e.message));
});

test('a routine registered from inside a routine belongs to that routine\'s driver', () => {
  const kernel = testKernel();
  const late: LoadImageNotifyRoutine = () => {};
  let registered = false;
  kernel.loadDriver(TEST_SYS, {
    DriverEntry: (d) => {
      d.DriverUnload = () => {};
      return PsSetLoadImageNotifyRoutine(() => {
        if (!registered) {
          registered = true;
          assert.equal(PsSetLoadImageNotifyRoutine(late), STATUS_SUCCESS);
        }
      });
    },
  });
  kernel.loadDriver(SECOND_SYS);
  assert.deepEqual(kernel.notifyRoutines.map((r) => r.driver), ['test.sys', 'test.sys']);
  assert.equal(kernel.notifyRoutines[1]!.routine, late);
});
