// The NT exports as root functions (API.md): they act on the kernel and driver
// whose code is running. Outside any kernel code there is no such kernel.
import { currentFrame } from '../ke/context.js';
import type { Ntoskrnl } from './ntoskrnl.js';

function running(name: string): Ntoskrnl {
  const frame = currentFrame();
  if (frame === null || frame.kernel.ntoskrnl === null) {
    throw new Error(
      `${name} called outside kernel code: no DriverEntry, DriverUnload or notify routine is running. ` +
        `Call it from driver code, or use kernel.ntoskrnl.${name} from the harness.`,
    );
  }
  return frame.kernel.ntoskrnl as Ntoskrnl;
}

type Routine = Parameters<Ntoskrnl['PsSetLoadImageNotifyRoutine']>[0];

export function PsSetLoadImageNotifyRoutine(routine: Routine): number {
  return running('PsSetLoadImageNotifyRoutine').PsSetLoadImageNotifyRoutine(routine);
}
export function PsSetLoadImageNotifyRoutineEx(routine: Routine, flags: number | bigint): number {
  return running('PsSetLoadImageNotifyRoutineEx').PsSetLoadImageNotifyRoutineEx(routine, flags);
}
export function PsRemoveLoadImageNotifyRoutine(routine: Routine): number {
  return running('PsRemoveLoadImageNotifyRoutine').PsRemoveLoadImageNotifyRoutine(routine);
}
export function PsGetCurrentProcessId(): number {
  return running('PsGetCurrentProcessId').PsGetCurrentProcessId();
}
export function KeGetCurrentIrql(): number {
  return running('KeGetCurrentIrql').KeGetCurrentIrql();
}
export function KeAreApcsDisabled(): boolean {
  return running('KeAreApcsDisabled').KeAreApcsDisabled();
}
export function MmGetSystemRoutineAddress(name: string): ((...args: never[]) => unknown) | null {
  return running('MmGetSystemRoutineAddress').MmGetSystemRoutineAddress(name);
}
