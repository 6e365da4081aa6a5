// injector — the classic kernel-mode DLL injection pattern: when a process
// reports kernel32.dll, the driver maps its own DLL into that process (real
// products then queue an APC that calls LoadLibrary). The map is made from the
// routine, so its report comes nested, attached to the target process
// (SEMANTICS.md §4, §5A), before the loader's next image.
import {
  buildPe,
  IMAGE_FILE_MACHINE_I386,
  PsRemoveLoadImageNotifyRoutine,
  type Kernel,
  type LoadImageNotifyRoutine,
} from 'psnotify';
import type { DriverOutput, ExampleDriver } from './example-driver.js';
import { registerImageNotify } from './register.js';

export const description = 'APC-injection style: maps its DLL into each process when kernel32 loads';
export const fileName = 'injector.sys';
export const INJECT64 = 'C:\\ProgramData\\Injector\\inject64.dll';
export const INJECT32 = 'C:\\ProgramData\\Injector\\inject32.dll';

export function create(kernel: Kernel, output: DriverOutput): ExampleDriver {
  // The payload DLLs, native and (on 64-bit machines) 32-bit for WoW64 processes.
  if (!kernel.fs.exists(INJECT64)) {
    kernel.fs.writeFile(INJECT64, buildPe({ machine: kernel.nativeMachine, dll: true, exports: ['Payload'] }));
  }
  if (kernel.pointerWidth === 'x64' && !kernel.fs.exists(INJECT32)) {
    kernel.fs.writeFile(INJECT32, buildPe({ machine: IMAGE_FILE_MACHINE_I386, dll: true, exports: ['Payload'] }));
  }
  const injected = new Set<number>();
  const onImage: LoadImageNotifyRoutine = (fullImageName, processId) => {
    if (processId === 0 || injected.has(processId) || !/\\kernel32\.dll$/i.test(fullImageName ?? '')) return;
    const target = kernel.process(processId);
    if (target === undefined) return;
    injected.add(processId);
    const dll = target.wow64 ? INJECT32 : INJECT64;
    const { base } = target.mapImage(dll);
    output.log(`injector: ${dll.slice(dll.lastIndexOf('\\') + 1)} mapped into ${target.image?.name ?? 'process'} (pid ${processId}) at 0x${base.toString(16)}`);
  };
  return {
    DriverEntry(driverObject) {
      driverObject.DriverUnload = () => {
        PsRemoveLoadImageNotifyRoutine(onImage);
      };
      return registerImageNotify(onImage, false);
    },
  };
}
