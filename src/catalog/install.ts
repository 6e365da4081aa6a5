// What a new kernel's C: holds: the builtin generated system, nothing, or a host folder.
import type { SystemVolume } from '../fs/volume.js';
import { NtStatusError, STATUS_INVALID_PARAMETER } from '../nt/status.js';
import { installBuiltinSystem } from './builtin.js';
import type { ReleaseId } from './releases.js';

export type SystemChoice = 'builtin' | 'none' | { root: string };

/** Checks the `system` option before anything is built. */
export function checkSystemChoice(choice: unknown): SystemChoice {
  if (choice === 'builtin' || choice === 'none') return choice;
  if (choice !== null && typeof choice === 'object' && typeof (choice as { root?: unknown }).root === 'string') return choice as { root: string };
  throw new NtStatusError(
    STATUS_INVALID_PARAMETER,
    `system must be 'builtin', 'none' or { root: string }, got ${JSON.stringify(choice)}`,
  );
}

/** Fills the volume for `choice` (a host folder is mounted by the volume itself). */
export function installSystem(volume: SystemVolume, nativeMachine: number, choice: SystemChoice, release: ReleaseId): void {
  if (choice === 'builtin') installBuiltinSystem(volume, nativeMachine, release);
}
