// The execution context of the code now running: which kernel, which driver's
// code, which process the thread is in (attached to), at which IRQL.
//
// The slot lives on globalThis under a registered symbol so that every copy of
// psnotify loaded into one Node process (the built package and a driver file
// run through a TypeScript loader, say) agrees on what is running.
import type { DriverRecord } from '../io/driver-record.js';

export interface ContextProcess {
  readonly pid: number;
}

/** What the root NT exports need from the kernel that is running. */
export interface RunningKernel {
  readonly ntoskrnl: object;
}

export interface ExecutionFrame {
  readonly kernel: RunningKernel;
  /** The driver whose code runs, or null for kernel/harness code. */
  driver: DriverRecord | null;
  /** The process the thread runs in or is attached to. */
  process: ContextProcess;
  irql: number;
  /** KeEnterCriticalRegion depth: normal kernel APCs are disabled while > 0. */
  criticalRegion: number;
  /** User images being dispatched for this process with its address-space lock held (build 7601). */
  addressSpaceLockHeld: boolean;
}

interface ContextSlot {
  current: ExecutionFrame | null;
}

const slotKey = Symbol.for('psnotify.executionContext');
const holder = globalThis as unknown as Record<symbol, ContextSlot | undefined>;
const slot: ContextSlot = holder[slotKey] ?? (holder[slotKey] = { current: null });

export function currentFrame(): ExecutionFrame | null {
  return slot.current;
}

/** Runs `body` with `frame` current, restoring the previous frame afterwards. */
export function runInFrame<T>(frame: ExecutionFrame, body: () => T): T {
  const previous = slot.current;
  slot.current = frame;
  try {
    return body();
  } finally {
    slot.current = previous;
  }
}

/** Makes `frame` current and returns the previous one (for hot loops that restore by hand). */
export function enterFrame(frame: ExecutionFrame | null): ExecutionFrame | null {
  const previous = slot.current;
  slot.current = frame;
  return previous;
}
