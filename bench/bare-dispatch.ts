// The Ps notify layer on its own (no kernel, no memory manager): a dispatcher
// with the given routines and one prebuilt ImageInfo, so a benchmark can time
// bare dispatch beside the full path in the same run.
import { buildImageInfo, buildProfile, FileObject, type LoadImageNotifyRoutine, type PointerWidth } from '../src/index.js';
import { KernelContext } from '../src/ke/context.js';
import { MachineState } from '../src/ke/machine-state.js';
import { singleThreadWaiter } from '../src/ke/wait.js';
import { ImageNotifier } from '../src/ps/notify/dispatcher.js';

export interface BareDispatch {
  /** Dispatches the image once to every routine. */
  dispatch(): void;
}

export function bareDispatch(routines: LoadImageNotifyRoutine[], width: PointerWidth = 'x64'): BareDispatch {
  const profile = buildProfile(22631);
  const notifier = new ImageNotifier({
    profile,
    pointerWidth: width,
    context: new KernelContext({ ntoskrnl: null }),
    machine: new MachineState(),
    waiter: singleThreadWaiter,
  });
  for (const routine of routines) notifier.register(routine, 1);
  const info = buildImageInfo(profile, width, {
    base: 0x7ffb00000000n, size: 0x1a000, systemMode: false, label: { signingLevel: 12, signatureType: 3 },
    mismatch: false, partial: false, fileObject: new FileObject('\\Windows\\System32\\kernel32.dll', 0xffffa00000001000n),
  });
  const name = '\\Device\\HarddiskVolume3\\Windows\\System32\\kernel32.dll';
  const process = { pid: 1234 };
  return { dispatch: () => notifier.dispatch(name, 1234, info, process, false) };
}
