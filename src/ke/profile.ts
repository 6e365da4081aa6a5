// Windows build profiles (SEMANTICS.md §9). Each row of docs/profiles.md is a field here.
import { NtStatusError, STATUS_NOT_SUPPORTED } from '../nt/status.js';

export type MismatchRule = 'none' | 'os-native' | 'process';

export interface BuildProfile {
  readonly build: number;
  readonly name: string;
  /** Notify-routine slots. */
  readonly slots: number;
  /** PsSetLoadImageNotifyRoutineEx exists (1709+). */
  readonly hasSetEx: boolean;
  /** How MachineTypeMismatch is decided (§6). */
  readonly mismatchRule: MismatchRule;
  /** Drivers are reported by registry ImagePath (`\SystemRoot\...`) before Win10, by resolved NT path after. */
  readonly driverNames: 'registry-image-path' | 'nt-path';
  /** IMAGE_INFO has ImageSignatureLevel/Type (8.1+). */
  readonly signatureBits: boolean;
  /** IMAGE_INFO has ImagePartialMap (Win10+). */
  readonly partialMapBit: boolean;
  /** User-image callbacks run with the process's address-space lock held (Win7 SP1): a callback that maps into that process deadlocks. */
  readonly lockHeldDuringUserCallbacks: boolean;
}

const profiles: readonly BuildProfile[] = [
  {
    build: 7601, name: 'Windows 7 SP1', slots: 8, hasSetEx: false, mismatchRule: 'none',
    driverNames: 'registry-image-path', signatureBits: false, partialMapBit: false, lockHeldDuringUserCallbacks: true,
  },
  {
    build: 9600, name: 'Windows 8.1', slots: 64, hasSetEx: false, mismatchRule: 'none',
    driverNames: 'registry-image-path', signatureBits: true, partialMapBit: false, lockHeldDuringUserCallbacks: false,
  },
  {
    build: 16299, name: 'Windows 10 1709', slots: 64, hasSetEx: true, mismatchRule: 'os-native',
    driverNames: 'nt-path', signatureBits: true, partialMapBit: true, lockHeldDuringUserCallbacks: false,
  },
  {
    build: 22631, name: 'Windows 11 23H2', slots: 64, hasSetEx: true, mismatchRule: 'process',
    driverNames: 'nt-path', signatureBits: true, partialMapBit: true, lockHeldDuringUserCallbacks: false,
  },
];

export const SUPPORTED_BUILDS: readonly number[] = profiles.map((p) => p.build);

export function buildProfile(build: number): BuildProfile {
  const profile = profiles.find((p) => p.build === build);
  if (!profile) {
    throw new NtStatusError(
      STATUS_NOT_SUPPORTED,
      `build ${JSON.stringify(build)} has no profile; supported builds: ${SUPPORTED_BUILDS.join(', ')} (SEMANTICS.md §9)`,
    );
  }
  return profile;
}

/** Does this build's ntoskrnl export `name`? Only the Ex routine varies (§9). */
export function exportsRoutine(profile: BuildProfile, name: string): boolean {
  if (name === 'PsSetLoadImageNotifyRoutineEx') return profile.hasSetEx;
  return true;
}
