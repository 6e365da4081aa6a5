// EX_CALLBACK_ROUTINE_BLOCK: what one notify slot points at (SEMANTICS.md §2).
import { RundownProtection } from './rundown.js';
import type { DriverRecord } from '../io/driver-record.js';
import type { LoadImageNotifyRoutine } from '../ps/routine.js';

export class CallbackBlock {
  readonly routine: LoadImageNotifyRoutine | null;
  readonly flags: number;
  /** The driver whose code registered it, or null for the harness. */
  readonly owner: DriverRecord | null;
  /** The routine's synthetic address (stable per kernel, driver and routine). */
  readonly address: bigint;
  readonly rundown = new RundownProtection();

  constructor(
    routine: LoadImageNotifyRoutine | null,
    flags: number,
    owner: DriverRecord | null,
    address: bigint,
  ) {
    this.routine = routine;
    this.flags = flags;
    this.owner = owner;
    this.address = address;
  }
}
