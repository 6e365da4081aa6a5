// MachineTypeMismatch of a user-mode image view (SEMANTICS.md §6).
import { IMAGE_FILE_MACHINE_AMD64 } from '../nt/constants.js';
import type { MismatchRule } from '../ke/profile.js';

export interface MismatchInputs {
  readonly rule: MismatchRule;
  /** The OS's native machine (IMAGE_FILE_MACHINE_*). */
  readonly nativeMachine: number;
  readonly imageMachine: number;
  readonly imageContainsCode: boolean;
  /** The process's machine: its guest machine for a WoW64 process. */
  readonly processMachine: number;
  readonly processIsWow64: boolean;
}

export function isMachineTypeMismatch(m: MismatchInputs): boolean {
  if (!m.imageContainsCode) return false;
  switch (m.rule) {
    case 'none':
      return false;
    case 'os-native':
      // 1709–1809: not the OS's own machine, and the process is not a 32-bit WoW64 process.
      return m.imageMachine !== m.nativeMachine && !m.processIsWow64;
    case 'process':
      // 20H1+: differs from the process's machine; the native (and AMD64) images
      // a WoW64 process needs (its ntdll, wow64*.dll) are never a mismatch.
      if (m.imageMachine === m.processMachine) return false;
      if (m.processIsWow64 && (m.imageMachine === m.nativeMachine || m.imageMachine === IMAGE_FILE_MACHINE_AMD64)) {
        return false;
      }
      return true;
  }
}
