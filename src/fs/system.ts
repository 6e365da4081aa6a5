// What a new kernel's C: holds: the builtin generated system, nothing, or a host folder.
import type { Kernel } from '../ke/kernel.js';
import { NtStatusError, STATUS_INVALID_PARAMETER } from '../nt/status.js';
import { installBuiltinSystem } from '../system/builtin.js';

export type SystemChoice = 'builtin' | 'none' | { root: string };

export function installSystem(kernel: Kernel, choice: SystemChoice): void {
  if (choice === 'builtin') {
    installBuiltinSystem(kernel.fs, kernel.nativeMachine);
    return;
  }
  if (choice === 'none') return;
  if (choice !== null && typeof choice === 'object' && typeof choice.root === 'string') return; // mounted by the volume
  throw new NtStatusError(
    STATUS_INVALID_PARAMETER,
    `system must be 'builtin', 'none' or { root: string }, got ${JSON.stringify(choice)}`,
  );
}
