// sysmon — the telemetry-sensor pattern (Sysinternals Sysmon, EDR sensors): one
// load-image routine turns every image load into an event-7 (ImageLoad)
// record, and every driver load (ProcessId 0) into event 6 (DriverLoad), with
// file hashes, version strings and signature status computed from the file.
// It asks for images of every architecture, and removes its routine on unload.
// Real Sysmon writes event 1 (ProcessCreate) from a process-creation callback;
// this model has only the image routine, so it writes event 1 when a process
// reports its own EXE (the first report of its first thread, SEMANTICS.md §5B).
import { createHash } from 'node:crypto';
import {
  imageInfoEx,
  PsRemoveLoadImageNotifyRoutine,
  type Kernel,
  type LoadImageNotifyRoutine,
  type Process,
} from 'psnotify';
import type { DriverOutput, ExampleDriver } from './example-driver.js';
import { registerImageNotify } from './register.js';
import { envelope, imageLoadRecord, utcTime } from './sysmon-record.js';

export const description = 'Sysmon-style telemetry: event 7 ImageLoad, 6 DriverLoad and 1 ProcessCreate records';
export const fileName = 'sysmon.sys';

export interface SysmonOptions {
  /** The UTC clock stamped on records; default the real time. */
  clock?: () => Date;
  hostname?: string;
  /**
   * The image name to print for a process (`Image`, `ParentImage`); default the process's EXE as
   * the volume spells it. Replay passes the recording's own spelling of each process's Image.
   */
  imageOf?: (processId: number) => string | undefined;
}

const hex4 = (n: number) => (n & 0xffff).toString(16).padStart(4, '0');

/**
 * `{e2c04bb9-08c3-60c4-7809-000000000300}` as Sysmon makes them: a per-host
 * prefix, the process's start time in seconds (low, then high 16 bits), then a
 * per-process value. Stable for one process of one kernel.
 */
export function processGuid(kernel: Kernel, hostname: string, pid: number, started: Date): string {
  const host = createHash('sha1').update(`${hostname}:${kernel.seed}`).digest('hex').slice(0, 8);
  const seconds = Math.floor(started.getTime() / 1000);
  const unique = Number.parseInt(createHash('sha1').update(`${kernel.seed}:${pid}:${seconds}`).digest('hex').slice(0, 4), 16);
  return `{${host}-${hex4(seconds)}-${hex4(seconds >>> 16)}-${hex4(unique)}-000000000300}`;
}

const serviceProcess = /\\(lsass|svchost|services|wininit|csrss|smss|winlogon|spoolsv)\.exe$/i;

/** Services and the System process run as SYSTEM; anything else as the interactive user. */
function userOf(image: string, hostname: string): string {
  return serviceProcess.test(image) || image === 'System' ? 'NT AUTHORITY\\SYSTEM' : `${hostname}\\user`;
}

/** The logon session fields of event 1 for `user`. */
function logonOf(user: string, host: string): Record<string, string> {
  const system = user === 'NT AUTHORITY\\SYSTEM';
  return {
    LogonGuid: `{${host}-0000-0000-${system ? 'e703' : 'fb19'}-${system ? '000000000000' : '370000000000'}}`,
    LogonId: system ? '0x3e7' : '0x3719fb',
    TerminalSessionId: system ? '0' : '1',
    IntegrityLevel: system ? 'System' : 'Medium',
  };
}

/**
 * The sensor's routine on its own: what it records for each image. The driver
 * below registers it; `psnotify run --sysmon` calls it from its dispatch tracer
 * instead, so that asking for Sysmon output changes nothing in the machine.
 */
export function recorder(kernel: Kernel, output: DriverOutput, options: SysmonOptions = {}): LoadImageNotifyRoutine {
  const clock = options.clock ?? (() => new Date());
  const hostname = options.hostname ?? 'PSNOTIFY';
  const imageOf = options.imageOf;
  // Per process object, not per id: ids are reused, and a reused id is another process.
  const guids = new WeakMap<Process, string>();
  const announced = new WeakSet<Process>();
  const guidOf = (pid: number, process: Process | undefined, now: Date) => {
    if (process === undefined) return processGuid(kernel, hostname, pid, now);
    let guid = guids.get(process);
    if (guid === undefined) guids.set(process, (guid = processGuid(kernel, hostname, pid, now)));
    return guid;
  };
  const nameOf = (process: Process) => imageOf?.(process.pid) ?? process.image?.dosPath;

  const onImage: LoadImageNotifyRoutine = (fullImageName, processId, info) => {
    // A real sensor opens the file through the FileObject; here the volume serves it.
    const name = fullImageName ?? imageInfoEx(info)?.FileObject?.FileName ?? null;
    const facts = name === null ? null : kernel.fileFacts(name);
    if (facts === null) return;
    const now = clock();
    if (processId === 0) {
      output.event(envelope(6, hostname, now, {
        RuleName: '-',
        UtcTime: utcTime(now),
        ImageLoaded: facts.path,
        Hashes: facts.Hashes,
        Signed: facts.Signed,
        Signature: facts.Signature,
        SignatureStatus: facts.SignatureStatus,
      }));
      return;
    }
    const process = kernel.process(processId);
    const image = (process && nameOf(process)) ?? '-';
    const user = userOf(image, hostname);
    const guid = guidOf(processId, process, now);
    // Event 1 goes with the first report of the process's own EXE: the same file (the kernel names
    // a file by its one NT path; only a name taken from the FileObject needs looking up).
    const isExe = process?.image != null && name !== null && (name === process.image.ntPath || (fullImageName === null && kernel.fs.lookup(name)?.ntPath === process.image.ntPath));
    if (process && isExe && !announced.has(process)) {
      announced.add(process);
      const parent = process.parentPid === 0 ? undefined : kernel.process(process.parentPid);
      const parentImage = parent ? nameOf(parent) : undefined;
      output.event(envelope(1, hostname, now, {
        RuleName: '-',
        UtcTime: utcTime(now),
        ProcessGuid: guid,
        ProcessId: String(processId),
        Image: image,
        FileVersion: facts.FileVersion,
        Description: facts.Description,
        Product: facts.Product,
        Company: facts.Company,
        OriginalFileName: facts.OriginalFileName,
        CommandLine: process.commandLine,
        CurrentDirectory: `${image.slice(0, image.lastIndexOf('\\') + 1)}`,
        User: user,
        ...logonOf(user, guid.slice(1, 9)),
        Hashes: facts.Hashes,
        ParentProcessGuid: parent ? guidOf(parent.pid, parent, now) : '{00000000-0000-0000-0000-000000000000}',
        ParentProcessId: String(process.parentPid),
        ParentImage: parentImage ?? '-',
        ParentCommandLine: parent ? parent.commandLine : '-',
      }));
    }
    output.event(imageLoadRecord(hostname, now, {
      UtcTime: utcTime(now),
      ProcessGuid: guid,
      ProcessId: String(processId),
      Image: image,
      ImageLoaded: facts.path,
      FileVersion: facts.FileVersion,
      Description: facts.Description,
      Product: facts.Product,
      Company: facts.Company,
      OriginalFileName: facts.OriginalFileName,
      Hashes: facts.Hashes,
      Signed: facts.Signed,
      Signature: facts.Signature,
      SignatureStatus: facts.SignatureStatus,
      User: user,
    }));
  };
  return onImage;
}

export function create(kernel: Kernel, output: DriverOutput, options: SysmonOptions = {}): ExampleDriver {
  const onImage = recorder(kernel, output, options);
  return {
    DriverEntry(driverObject) {
      driverObject.DriverUnload = () => {
        PsRemoveLoadImageNotifyRoutine(onImage);
      };
      return registerImageNotify(onImage, true);
    },
  };
}
