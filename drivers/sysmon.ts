// sysmon — the telemetry-sensor pattern (Sysinternals Sysmon, EDR sensors): one
// load-image routine turns every image load into an event-7 (ImageLoad)
// record, and every driver load (ProcessId 0) into event 6 (DriverLoad), with
// file hashes, version strings and signature status computed from the file.
// It asks for images of every architecture, and removes its routine on unload.
import { createHash } from 'node:crypto';
import {
  imageInfoEx,
  PsRemoveLoadImageNotifyRoutine,
  type Kernel,
  type LoadImageNotifyRoutine,
} from '../src/index.js';
import type { DriverOutput, ExampleDriver } from './example-driver.js';
import { registerImageNotify } from './register.js';
import { envelope, fileFacts, utcTime } from './sysmon-record.js';

export const description = 'Sysmon-style telemetry: event 7 ImageLoad and event 6 DriverLoad records';
export const fileName = 'sysmon.sys';

export interface SysmonOptions {
  /** The UTC clock stamped on records; default the real time. */
  clock?: () => Date;
  hostname?: string;
}

/** `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`, stable for one process of one kernel. */
export function processGuid(kernel: Kernel, pid: number, created: number): string {
  const digest = createHash('sha1').update(`${kernel.seed}:${pid}:${created}`).digest('hex');
  return `{${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}}`;
}

/** Services and the System process run as SYSTEM; anything else as the interactive user. */
function userOf(image: string, hostname: string): string {
  return /\\(lsass|svchost|services|wininit|csrss|smss|winlogon)\.exe$/i.test(image) || image === 'System'
    ? 'NT AUTHORITY\\SYSTEM'
    : `${hostname}\\user`;
}

export function create(kernel: Kernel, output: DriverOutput, options: SysmonOptions = {}): ExampleDriver {
  const clock = options.clock ?? (() => new Date());
  const hostname = options.hostname ?? 'PSNOTIFY';
  const guids = new Map<number, string>();
  let processesSeen = 0;

  const onImage: LoadImageNotifyRoutine = (fullImageName, processId, info) => {
    // A real sensor opens the file through the FileObject; here the volume serves it.
    const name = fullImageName ?? imageInfoEx(info)?.FileObject?.FileName ?? null;
    const file = name === null ? null : kernel.fs.tryOpen(name);
    if (file === null) return;
    const facts = fileFacts(kernel, file);
    const now = clock();
    if (processId === 0) {
      output.event(envelope(6, hostname, now, {
        RuleName: '-',
        UtcTime: utcTime(now),
        ImageLoaded: file.dosPath,
        Hashes: facts.Hashes,
        Signed: facts.Signed,
        Signature: facts.Signature,
        SignatureStatus: facts.SignatureStatus,
      }));
      return;
    }
    const process = kernel.process(processId);
    const image = process?.image?.dosPath ?? '-';
    let guid = guids.get(processId);
    if (guid === undefined) {
      guid = processGuid(kernel, processId, ++processesSeen);
      guids.set(processId, guid);
    }
    output.event(envelope(7, hostname, now, {
      RuleName: '-',
      UtcTime: utcTime(now),
      ProcessGuid: guid,
      ProcessId: String(processId),
      Image: image,
      ImageLoaded: file.dosPath,
      FileVersion: facts.FileVersion,
      Description: facts.Description,
      Product: facts.Product,
      Company: facts.Company,
      OriginalFileName: facts.OriginalFileName,
      Hashes: facts.Hashes,
      Signed: facts.Signed,
      Signature: facts.Signature,
      SignatureStatus: facts.SignatureStatus,
      User: userOf(image, hostname),
    }));
  };

  return {
    DriverEntry(driverObject) {
      driverObject.DriverUnload = () => {
        PsRemoveLoadImageNotifyRoutine(onImage);
      };
      return registerImageNotify(onImage, true);
    },
  };
}
