// KeBugCheckEx: the machine stops. Once raised, every operation on the kernel throws it.
import { DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, SYSTEM_THREAD_EXCEPTION_NOT_HANDLED } from '../nt/constants.js';
import { hex32 } from '../nt/status.js';

const bugCheckNames: ReadonlyMap<number, string> = new Map([
  [0x7e, 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED'],
  [0xce, 'DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS'],
  [0xc4, 'DRIVER_VERIFIER_DETECTED_VIOLATION'],
]);

export function bugCheckName(code: number): string {
  return bugCheckNames.get(code) ?? `BUGCHECK_${hex32(code)}`;
}

export class BugCheck extends Error {
  readonly code: number;
  readonly parameters: [bigint, bigint, bigint, bigint];
  /** The driver's file name (`leaky.sys`), or null when no driver is to blame. */
  readonly driver: string | null;
  constructor(
    code: number,
    parameters: [bigint, bigint, bigint, bigint],
    driver: string | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const params = parameters.map((p) => `0x${p.toString(16).toUpperCase()}`).join(', ');
    super(
      `*** STOP: 0x${hex32(code)} (${params}) ${bugCheckName(code)}` +
        `${driver ? ` — driver ${driver}` : ''}: ${detail}`,
      options,
    );
    this.name = 'BugCheck';
    this.code = code;
    this.parameters = parameters;
    this.driver = driver;
  }
}

/** 0x7E: an exception escaped driver code at `address` (SEMANTICS.md §7). */
export function exceptionBugCheck(driver: string | null, address: bigint, error: unknown, where: string): BugCheck {
  const code = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 0xe06d7363;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new BugCheck(
    SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
    [BigInt(code >>> 0), address, 0n, 0n],
    driver,
    `unhandled exception in ${where} at 0x${address.toString(16)}: ${text}`,
    { cause: error },
  );
}

/** 0xCE: a load-image routine of an unloaded driver was reached (SEMANTICS.md §7). */
export function staleRoutineBugCheck(address: bigint, driver: string | null, accessType: bigint, when: string): BugCheck {
  return new BugCheck(
    DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
    [address, accessType, address, 0n],
    driver,
    `load-image notify routine 0x${address.toString(16)} of unloaded driver ${driver ?? '?'} ${when}`,
  );
}
