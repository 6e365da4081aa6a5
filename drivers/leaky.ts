// leaky — the bug that crashes real machines: DriverUnload forgets
// PsRemoveLoadImageNotifyRoutine. Windows checks nothing at unload; the next
// image load calls into the freed driver and the machine stops with bug check
// 0xCE DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS (SEMANTICS.md §7).
import { type Kernel, type LoadImageNotifyRoutine } from 'psnotify';
import type { DriverOutput, ExampleDriver } from './example-driver.js';
import { registerImageNotify } from './register.js';

export const description = 'Unloads without removing its routine: bug check 0xCE at the next load';
export const fileName = 'leaky.sys';

export function create(kernel: Kernel, output: DriverOutput): ExampleDriver {
  void kernel;
  let loads = 0;
  const onImage: LoadImageNotifyRoutine = () => {
    loads++;
  };
  return {
    DriverEntry(driverObject) {
      driverObject.DriverUnload = () => {
        output.log(`leaky: unloading after ${loads} image loads — and forgetting to remove the routine`);
      };
      return registerImageNotify(onImage, false);
    },
  };
}
