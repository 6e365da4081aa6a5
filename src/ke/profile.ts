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

/** The four profiles' builds: the semantic reference (docs/profiles.md). */
export const SUPPORTED_BUILDS: readonly number[] = profiles.map((p) => p.build);

/** The first build of each Windows release the profiles are told apart by, with its name. */
const RELEASES: readonly (readonly [build: number, name: string])[] = [
  [7601, 'Windows 7 SP1'], [9200, 'Windows 8'], [9600, 'Windows 8.1'], [10240, 'Windows 10 1507'], [10586, 'Windows 10 1511'],
  [14393, 'Windows 10 1607 / Server 2016'], [15063, 'Windows 10 1703'], [16299, 'Windows 10 1709'], [17134, 'Windows 10 1803'],
  [17763, 'Windows 10 1809 / Server 2019'], [18362, 'Windows 10 1903'], [18363, 'Windows 10 1909'], [19041, 'Windows 10 2004'],
  [19042, 'Windows 10 20H2'], [19043, 'Windows 10 21H1'], [19044, 'Windows 10 21H2'], [19045, 'Windows 10 22H2'],
  [20348, 'Windows Server 2022'], [22000, 'Windows 11 21H2'], [22621, 'Windows 11 22H2'], [22631, 'Windows 11 23H2'],
  [26100, 'Windows 11 24H2 / Server 2025'],
];

function releaseName(build: number): string {
  let name = RELEASES[0]![1];
  for (const [first, release] of RELEASES) if (build >= first) name = release;
  return name;
}

/**
 * The notify semantics of any build from 7601 on (SEMANTICS.md §9; the table
 * in docs/profiles.md): the profile whose range covers it, under the build's
 * own number and release name. Windows 8 to 10 1703 (9200–16298) behave as
 * 8.1 — no SetEx, no mismatch bit — except that Windows 10 (10240 on) reports
 * ImagePartialMap and resolved NT driver names; 1903/1909 keep 1709's
 * OS-native mismatch rule (the sources name 1709–1809 and 20H1+ only: the
 * nearer reading); 20H1 (19041) on is the 22631 profile.
 */
export function buildProfile(build: number): BuildProfile {
  if (typeof build !== 'number' || !Number.isSafeInteger(build)) {
    throw new TypeError(`build must be an integer Windows build number, got ${JSON.stringify(build)}`);
  }
  if (build < 7601) {
    throw new NtStatusError(STATUS_NOT_SUPPORTED, `build ${build} is older than the oldest the model covers (7601, Windows 7 SP1; SEMANTICS.md §9)`);
  }
  const exact = profiles.find((p) => p.build === build);
  if (exact) return exact;
  const base = build < 9200 ? profiles[0]! : build < 16299 ? profiles[1]! : build < 19041 ? profiles[2]! : profiles[3]!;
  const windows10 = build >= 10240 && build < 16299 ? { partialMapBit: true, driverNames: 'nt-path' as const } : {};
  return Object.freeze({ ...base, ...windows10, build, name: releaseName(build) });
}

/** Does this build's ntoskrnl export `name`? Only the Ex routine varies (§9). */
export function exportsRoutine(profile: BuildProfile, name: string): boolean {
  if (name === 'PsSetLoadImageNotifyRoutineEx') return profile.hasSetEx;
  return true;
}
