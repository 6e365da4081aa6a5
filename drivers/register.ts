// How real drivers register across Windows versions: look SetEx up at run time
// (it exists from 1709 on) and fall back to the original routine, which is
// exactly SetEx(routine, 0) (SEMANTICS.md §2, §9).
import {
  MmGetSystemRoutineAddress,
  PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE,
  PsSetLoadImageNotifyRoutine,
  type LoadImageNotifyRoutine,
} from 'psnotify';

type SetEx = (routine: LoadImageNotifyRoutine, flags: number) => number;

/** Registers `routine`, asking for images of other architectures when `allArchitectures` and the build can. */
export function registerImageNotify(routine: LoadImageNotifyRoutine, allArchitectures: boolean): number {
  const setEx = MmGetSystemRoutineAddress('PsSetLoadImageNotifyRoutineEx') as SetEx | null;
  if (setEx !== null) return setEx(routine, allArchitectures ? PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE : 0);
  return PsSetLoadImageNotifyRoutine(routine);
}
