// The NT exports of one kernel (API.md "NT exports"). Each call is attributed
// to the driver whose code is running in this kernel, if any.
import type { LoadImageNotifyRoutine } from '../ps/routine.js';
import { NtStatusError, STATUS_PROCEDURE_NOT_FOUND } from '../nt/status.js';
import type { Kernel } from './kernel.js';
import { UnresolvedImport } from './stops.js';

export interface Ntoskrnl {
  PsSetLoadImageNotifyRoutine(routine: LoadImageNotifyRoutine | null): number;
  PsSetLoadImageNotifyRoutineEx(routine: LoadImageNotifyRoutine | null, flags: number | bigint): number;
  PsRemoveLoadImageNotifyRoutine(routine: LoadImageNotifyRoutine | null): number;
  PsGetCurrentProcessId(): number;
  KeGetCurrentIrql(): number;
  KeAreApcsDisabled(): boolean;
  MmGetSystemRoutineAddress(name: string): ((...args: never[]) => unknown) | null;
}

export function createNtoskrnl(kernel: Kernel): Ntoskrnl {
  const checkRoutine = (caller: string, routine: unknown): LoadImageNotifyRoutine | null => {
    if (routine !== null && typeof routine !== 'function') {
      throw new TypeError(`${caller}: routine must be a function or null, got ${typeof routine}`);
    }
    return routine as LoadImageNotifyRoutine | null;
  };
  const exports: Ntoskrnl = {
    PsSetLoadImageNotifyRoutine(routine) {
      kernel.assertRunning();
      // Exactly SetEx(routine, 0) (SEMANTICS.md §2).
      return kernel.registerImageNotify(checkRoutine('PsSetLoadImageNotifyRoutine', routine), 0);
    },
    PsSetLoadImageNotifyRoutineEx(routine, flags) {
      kernel.assertRunning();
      if (!kernel.profile.hasSetEx) {
        if (kernel.currentDriver() !== null) throw new UnresolvedImport('PsSetLoadImageNotifyRoutineEx', kernel.profile.build);
        throw new NtStatusError(STATUS_PROCEDURE_NOT_FOUND, `PsSetLoadImageNotifyRoutineEx does not exist on build ${kernel.profile.build}`);
      }
      if (typeof flags !== 'number' && typeof flags !== 'bigint') {
        throw new TypeError(`PsSetLoadImageNotifyRoutineEx: flags must be a number or bigint, got ${typeof flags}`);
      }
      return kernel.registerImageNotify(checkRoutine('PsSetLoadImageNotifyRoutineEx', routine), flags);
    },
    PsRemoveLoadImageNotifyRoutine(routine) {
      kernel.assertRunning();
      return kernel.removeImageNotify(checkRoutine('PsRemoveLoadImageNotifyRoutine', routine));
    },
    PsGetCurrentProcessId() {
      kernel.assertRunning();
      return kernel.currentProcess().pid;
    },
    KeGetCurrentIrql() {
      kernel.assertRunning();
      return kernel.currentIrql();
    },
    KeAreApcsDisabled() {
      kernel.assertRunning();
      return kernel.apcsDisabled();
    },
    MmGetSystemRoutineAddress(name) {
      kernel.assertRunning();
      if (!kernel.ntoskrnlExports(name)) return null;
      const routine = (exports as unknown as Record<string, unknown>)[name];
      return typeof routine === 'function' ? (routine as (...args: never[]) => unknown) : null;
    },
  };
  return exports;
}

/** Does this profile's ntoskrnl export `name`? Only the Ex routine varies (§9). */
export function profileExports(name: string, hasSetEx: boolean): boolean {
  if (name === 'PsSetLoadImageNotifyRoutineEx') return hasSetEx;
  return true;
}
