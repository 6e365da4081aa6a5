// The native DLLs a WoW64 process loads after its start reports and before
// its 32-bit kernel32 (SEMANTICS.md §5B): wow64.dll (and, depth-first, what
// it imports), the thunk DLLs, then the CPU DLL for the guest on this host.
import {
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_I386,
  machineName,
} from '../nt/constants.js';
import { NtStatusError, STATUS_INVALID_IMAGE_FORMAT } from '../nt/status.js';

export interface Wow64Dll {
  name: string;
  /** Windows 11 only: loaded when the volume has it. */
  optional: boolean;
}

/**
 * In load order. wow64base.dll is imported by Windows 11's wow64.dll and
 * wow64con.dll (console thunks) comes with wow64win.dll [INF: Windows 11
 * module lists; the relative order of the two optional DLLs is inferred].
 * CPU DLL: wow64cpu.dll on x64 (x86 guests only), xtajit.dll for x86 guests
 * on ARM64 (the x86 JIT; xtajit64.dll is x64-on-ARM64 emulation, which is not
 * WoW64), wowarmhw.dll for ARM32 guests on ARM64.
 */
export function wow64Dlls(nativeMachine: number, guestMachine: number): Wow64Dll[] {
  return [
    { name: 'wow64.dll', optional: false },
    { name: 'wow64base.dll', optional: true },
    { name: 'wow64win.dll', optional: false },
    { name: 'wow64con.dll', optional: true },
    { name: cpuDll(nativeMachine, guestMachine), optional: false },
  ];
}

function cpuDll(nativeMachine: number, guestMachine: number): string {
  if (nativeMachine === IMAGE_FILE_MACHINE_AMD64 && guestMachine === IMAGE_FILE_MACHINE_I386) return 'wow64cpu.dll';
  if (nativeMachine === IMAGE_FILE_MACHINE_ARM64 && guestMachine === IMAGE_FILE_MACHINE_I386) return 'xtajit.dll';
  if (nativeMachine === IMAGE_FILE_MACHINE_ARM64 && guestMachine === IMAGE_FILE_MACHINE_ARMNT) return 'wowarmhw.dll';
  throw new NtStatusError(
    STATUS_INVALID_IMAGE_FORMAT,
    `WoW64 has no CPU DLL for ${machineName(guestMachine)} guests on ${machineName(nativeMachine)}`,
  );
}
