// EX_CALLBACK_ROUTINE_BLOCK: what one callback slot points at — the routine,
// its context (here: the registration flags), and the rundown reference that
// lets removal wait for invocations in flight (SEMANTICS.md §2–3). Generic in
// the routine's type, as the executive's blocks serve every callback kind.
import type { DriverCode } from '../ke/context.js';
import { RundownProtection } from './rundown.js';

export class CallbackBlock<Routine> {
  readonly routine: Routine | null;
  readonly flags: number;
  /** The driver whose code registered it, or null for the harness. */
  readonly owner: DriverCode | null;
  /** The routine's synthetic address (stable per kernel, driver and routine). */
  readonly address: bigint;
  readonly rundown = new RundownProtection();

  constructor(routine: Routine | null, flags: number, owner: DriverCode | null, address: bigint) {
    this.routine = routine;
    this.flags = flags;
    this.owner = owner;
    this.address = address;
  }
}
