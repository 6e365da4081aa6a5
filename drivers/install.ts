// Putting an example driver on a kernel: its .sys file (built, if the volume
// lacks it) in System32\drivers, then ZwLoadDriver with the model code.
import { buildPe, type Kernel } from 'psnotify';
import type { DriverOutput, ExampleDriver } from './example-driver.js';
import { exampleDrivers } from './index.js';

export interface InstalledDriver {
  status: number;
  path: string;
  driver: ExampleDriver;
}

export function driverPath(fileName: string): string {
  return `C:\\Windows\\System32\\drivers\\${fileName}`;
}

/** Writes the driver's image if missing, and loads it. */
export function installExampleDriver(kernel: Kernel, name: string, output: DriverOutput, options?: object): InstalledDriver {
  const module = exampleDrivers[name];
  if (!module) throw new Error(`unknown example driver ${JSON.stringify(name)}; known: ${Object.keys(exampleDrivers).join(', ')}`);
  const path = driverPath(module.fileName);
  if (!kernel.fs.exists(path)) {
    kernel.fs.writeFile(path, buildPe({
      machine: kernel.nativeMachine,
      driver: true,
      imports: { 'ntoskrnl.exe': ['PsSetLoadImageNotifyRoutine', 'PsRemoveLoadImageNotifyRoutine', 'MmGetSystemRoutineAddress'] },
    }));
  }
  const driver = (module.create as (k: Kernel, o: DriverOutput, opts?: object) => ExampleDriver)(kernel, output, options);
  return { status: kernel.loadDriver(path, driver), path, driver };
}
