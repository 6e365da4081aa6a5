// The execution context of the code now running: which kernel, which driver's
// code, which process the thread is in (attached to), at which IRQL.
//
// The slot lives on globalThis under a registered symbol so that every copy of
// psnotify loaded into one Node process (the built package and a driver file
// run through a TypeScript loader, say) agrees on what is running.
/** The driver whose code runs: what attribution and bug checks need of it (io/DriverRecord implements it). */
export interface DriverCode {
  /** File name as loaded, e.g. `leaky.sys`: what bug checks name. */
  readonly fileName: string;
  /** True once the image is freed: its routines then point into freed memory. */
  readonly unloaded: boolean;
  /** A stable synthetic address for a routine of this driver. */
  addressOf(routine: unknown): bigint;
}

export interface ContextProcess {
  readonly pid: number;
}

/** A kernel as running code sees it: a token whose export table the root NT exports call. */
export interface RunningKernel {
  readonly ntoskrnl: object | null;
}

export interface ExecutionFrame {
  readonly kernel: RunningKernel;
  /** The driver whose code runs, or null for kernel/harness code. */
  driver: DriverCode | null;
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

/**
 * One kernel's view of the running context: frames are shared by every kernel
 * in the process (one CPU), so each kernel only trusts the frames it made.
 */
export class KernelContext {
  readonly #kernel: RunningKernel;

  constructor(kernel: RunningKernel) {
    this.#kernel = kernel;
  }

  get kernel(): RunningKernel {
    return this.#kernel;
  }

  /** The frame now running in this kernel, if any. */
  frame(): ExecutionFrame | null {
    const frame = slot.current;
    return frame !== null && frame.kernel === this.#kernel ? frame : null;
  }

  /** The driver whose code runs now (null: the harness or the kernel itself). */
  currentDriver(): DriverCode | null {
    return this.frame()?.driver ?? null;
  }

  /** The process the current thread is in, or null for harness code (which runs in the System process). */
  currentProcess(): ContextProcess | null {
    return this.frame()?.process ?? null;
  }

  /** PASSIVE_LEVEL (0) outside kernel code. */
  currentIrql(): number {
    return this.frame()?.irql ?? 0;
  }

  apcsDisabled(): boolean {
    return (this.frame()?.criticalRegion ?? 0) > 0;
  }

  /** Runs driver code (DriverEntry, DriverUnload) in `process` (the System process) at PASSIVE_LEVEL. */
  runAsDriver<T>(driver: DriverCode, process: ContextProcess, body: () => T): T {
    return runInFrame({ kernel: this.#kernel, driver, process, irql: 0, criticalRegion: 0, addressSpaceLockHeld: false }, body);
  }
}
