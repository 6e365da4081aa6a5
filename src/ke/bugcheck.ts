// KeBugCheckEx: the machine stops. Once raised, every operation on the kernel throws it.
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
