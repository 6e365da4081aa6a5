// The NT exports of one kernel (API.md "NT exports"). Each call is attributed
// to the driver whose code is running in this kernel, if any.
import type { KernelContext } from '../ke/context.js';
import type { MachineState } from '../ke/machine-state.js';
import { exportsRoutine, type BuildProfile } from '../ke/profile.js';
import { UnresolvedImport } from '../ke/stops.js';
import { NtStatusError, STATUS_PROCEDURE_NOT_FOUND } from '../nt/status.js';
import type { ImageNotifier } from '../ps/notify/dispatcher.js';
import type { LoadImageNotifyRoutine } from '../ps/notify/routine.js';

export interface Ntoskrnl {
  PsSetLoadImageNotifyRoutine(routine: LoadImageNotifyRoutine | null): number;
  PsSetLoadImageNotifyRoutineEx(routine: LoadImageNotifyRoutine | null, flags: number | bigint): number;
  PsRemoveLoadImageNotifyRoutine(routine: LoadImageNotifyRoutine | null): number;
  PsGetCurrentProcessId(): number;
  KeGetCurrentIrql(): number;
  KeAreApcsDisabled(): boolean;
  MmGetSystemRoutineAddress(name: string): ((...args: never[]) => unknown) | null;
}

export interface NtoskrnlServices {
  profile: BuildProfile;
  machine: MachineState;
  context: KernelContext;
  notifier: ImageNotifier;
  /** Where harness code runs. */
  systemProcessId: number;
}

export function createNtoskrnl({ profile, machine, context, notifier, systemProcessId }: NtoskrnlServices): Ntoskrnl {
  const checkRoutine = (caller: string, routine: unknown): LoadImageNotifyRoutine | null => {
    if (routine !== null && typeof routine !== 'function') {
      throw new TypeError(`${caller}: routine must be a function or null, got ${typeof routine}`);
    }
    return routine as LoadImageNotifyRoutine | null;
  };
  const exports: Ntoskrnl = {
    PsSetLoadImageNotifyRoutine(routine) {
      machine.assertRunning();
      // Exactly SetEx(routine, 0) (SEMANTICS.md §2).
      return notifier.register(checkRoutine('PsSetLoadImageNotifyRoutine', routine), 0);
    },
    PsSetLoadImageNotifyRoutineEx(routine, flags) {
      machine.assertRunning();
      if (!profile.hasSetEx) {
        if (context.currentDriver() !== null) throw new UnresolvedImport('PsSetLoadImageNotifyRoutineEx', profile.build);
        throw new NtStatusError(STATUS_PROCEDURE_NOT_FOUND, `PsSetLoadImageNotifyRoutineEx does not exist on build ${profile.build}`);
      }
      if (typeof flags !== 'number' && typeof flags !== 'bigint') {
        throw new TypeError(`PsSetLoadImageNotifyRoutineEx: flags must be a number or bigint, got ${typeof flags}`);
      }
      return notifier.register(checkRoutine('PsSetLoadImageNotifyRoutineEx', routine), flags);
    },
    PsRemoveLoadImageNotifyRoutine(routine) {
      machine.assertRunning();
      return notifier.remove(checkRoutine('PsRemoveLoadImageNotifyRoutine', routine));
    },
    PsGetCurrentProcessId() {
      machine.assertRunning();
      return context.currentProcess()?.pid ?? systemProcessId;
    },
    KeGetCurrentIrql() {
      machine.assertRunning();
      return context.currentIrql();
    },
    KeAreApcsDisabled() {
      machine.assertRunning();
      return context.apcsDisabled();
    },
    MmGetSystemRoutineAddress(name) {
      machine.assertRunning();
      if (typeof name !== 'string') throw new TypeError(`MmGetSystemRoutineAddress: name must be a string, got ${typeof name}`);
      if (!exportsRoutine(profile, name) || !Object.hasOwn(exports, name)) return null;
      const routine = (exports as unknown as Record<string, unknown>)[name];
      return typeof routine === 'function' ? (routine as (...args: never[]) => unknown) : null;
    },
  };
  return exports;
}
