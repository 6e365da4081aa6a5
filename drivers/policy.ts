// policy — the protected-process policy pattern: flag unsigned images loaded
// into lsass.exe. A load-image routine cannot veto anything: it has no return
// value and runs after the image is already mapped (SEMANTICS.md §4). Real
// products therefore report, or terminate the process from elsewhere; this
// driver reports and unloads nothing.
import {
  PsRemoveLoadImageNotifyRoutine,
  SE_SIGNING_LEVEL_AUTHENTICODE,
  SE_SIGNING_LEVEL_UNCHECKED,
  type Kernel,
  type LoadImageNotifyRoutine,
} from 'psnotify';
import type { DriverOutput, ExampleDriver } from './example-driver.js';
import { registerImageNotify } from './register.js';

export const description = 'Flags unsigned images loaded into protected processes (lsass.exe)';
export const fileName = 'policy.sys';

const protectedProcesses = /\\lsass\.exe$/i;

export function create(kernel: Kernel, output: DriverOutput): ExampleDriver {
  const findings: string[] = [];
  const onImage: LoadImageNotifyRoutine = (fullImageName, processId, info) => {
    if (processId === 0) return;
    const process = kernel.process(processId);
    if (!process?.image || !protectedProcesses.test(process.image.dosPath)) return;
    // Level 0 (UNCHECKED) is "no verdict": the process-start reports carry no signature bits (§1).
    const level = info.ImageSignatureLevel;
    if (level === SE_SIGNING_LEVEL_UNCHECKED || level >= SE_SIGNING_LEVEL_AUTHENTICODE) return;
    const finding = `policy: unsigned image ${fullImageName ?? '(no name)'} loaded into ${process.image.name} (pid ${processId}), signing level ${info.ImageSignatureLevel}`;
    findings.push(finding);
    output.log(finding);
  };
  return {
    DriverEntry(driverObject) {
      driverObject.DriverUnload = () => {
        PsRemoveLoadImageNotifyRoutine(onImage);
      };
      return registerImageNotify(onImage, true);
    },
    finish: () => (findings.length ? [`policy: ${findings.length} unsigned image(s) in protected processes`] : ['policy: no findings']),
  };
}
