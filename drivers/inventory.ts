// inventory — the anti-cheat pattern: keep a per-process list of every module
// mapped into each process, built only from load-image notifications (a
// routine registered late never hears about earlier images: nothing is
// replayed, SEMANTICS.md §5B), and print the lists at the end.
import { PsRemoveLoadImageNotifyRoutine, type Kernel, type LoadImageNotifyRoutine } from 'psnotify';
import type { DriverOutput, ExampleDriver } from './example-driver.js';
import { registerImageNotify } from './register.js';

export const description = 'Anti-cheat style module inventory per process, printed at the end';
export const fileName = 'inventory.sys';

interface Module {
  base: bigint;
  size: number;
  name: string;
  flags: string;
}

export function create(kernel: Kernel, output: DriverOutput): ExampleDriver {
  const processes = new Map<number, Module[]>();
  const onImage: LoadImageNotifyRoutine = (fullImageName, processId, info) => {
    let modules = processes.get(processId);
    if (modules === undefined) processes.set(processId, (modules = []));
    const flags = [info.MachineTypeMismatch ? 'mismatch' : '', info.ImagePartialMap ? 'partial' : ''].filter(Boolean).join(',');
    modules.push({ base: info.ImageBase, size: info.ImageSize, name: fullImageName?.split('\\').pop() ?? '(no name)', flags });
  };
  void output;
  return {
    DriverEntry(driverObject) {
      driverObject.DriverUnload = () => {
        PsRemoveLoadImageNotifyRoutine(onImage);
      };
      return registerImageNotify(onImage, true);
    },
    finish() {
      const lines: string[] = [];
      for (const [pid, modules] of processes) {
        const image = pid === 0 ? 'System (drivers)' : (kernel.process(pid)?.image?.name ?? 'exited');
        lines.push(`${image} (pid ${pid}): ${modules.length} modules`);
        for (const m of modules) {
          lines.push(`  0x${m.base.toString(16).padStart(16, '0')} ${m.size.toString(16).padStart(7)} ${m.name}${m.flags ? ` [${m.flags}]` : ''}`);
        }
      }
      return lines;
    },
  };
}
