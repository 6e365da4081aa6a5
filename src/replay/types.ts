// What a replay tells its caller as it goes: every notification (with the routines called), every
// record a driver emits, every problem with its place, progress. The command line prints from these;
// a report (--html, --trace, --rules) can be built from the same calls.
import type { Readable } from 'node:stream';
import type { Kernel } from '../index.js';
import type { DriverWatch } from '../scenario/driver-watch.js';
import type { Notification } from '../scenario/notification.js';

/** One notification of a replay: a scenario's Notification, plus where it came from. */
export interface ReplayNotification extends Notification {
  /** The host whose kernel dispatched it (as recorded). */
  host: string;
  /** The record whose replay caused it. `step` holds the same record number. */
  file: string;
  member?: string;
  record: number;
  /** The record's UtcTime as recorded. */
  utcTime: string;
}

/** A driver attached to every host's kernel: an example by name, or a user's module file. */
export interface ReplayDriver {
  /** What the driver is called in output (`sysmon`, or the module's file name). */
  name: string;
  /** The module file (an example's, or the user's own). */
  file: string;
  /** The example's name when it is one of drivers/ (`sysmon`), else undefined. */
  example?: string;
}

/** Which driver emitted a record or a log line, on which host. */
export interface RecordSource {
  host: string;
  driver: string;
  example?: string;
}

export type ProblemKind =
  /** A record the reader could not use (not JSON, a field missing, …). */
  | 'bad-record'
  /** A record that contradicts the replayed state (an image load in a process that has ended). */
  | 'contradiction'
  /** A record later than the reorder window: replayed at once, out of UtcTime order. */
  | 'late'
  /** The kernel refused what the record asked (its NTSTATUS in the message). */
  | 'refused'
  /** A file or zip member that could not be read, or not to the end. */
  | 'file-error';

export interface ReplayProblem {
  kind: ProblemKind;
  /** The input code: a BadCode, a FileErrorCode, or the replay's own (`process-ended`, `late`, `kernel-refused`). */
  code: string;
  file: string;
  member?: string;
  record?: number;
  line?: number;
  offset?: number;
  field?: string;
  host?: string;
  eventId?: number;
  message: string;
  /** True for problems that `--strict` makes fatal (bad records, contradictions, file errors). */
  badInput: boolean;
}

export interface HostInfo {
  host: string;
  kernel: Kernel;
  /** The drivers' file names on the host's volume, in load order (the routines' owners). */
  driverFiles: string[];
}

export interface ReplayObserver {
  /** A host's kernel has booted and its drivers are loaded (before its first record is replayed). */
  onHost?(host: HostInfo): void;
  /**
   * A notification, once every routine has run (so `routines` is complete). Asking for them costs a
   * little per notification; without this callback the kernel's dispatch tracer stays off.
   */
  onNotification?(notification: ReplayNotification): void;
  /** A structured record a driver emitted (the sysmon driver's event 1/6/7 records). */
  onRecord?(record: Record<string, unknown>, source: RecordSource): void;
  /** A line a driver logged. */
  onLog?(line: string, source: RecordSource): void;
  /** A problem, with its place. */
  onProblem?(problem: ReplayProblem): void;
  /** A process of `host` has ended (event 5, or a pid reused). */
  onProcessExit?(host: string, pid: number): void;
  /** Input bytes read so far (compressed bytes for .gz/.zip), of `totalBytes` (null when unknown: stdin). */
  onProgress?(progress: { bytesRead: number; totalBytes: number | null; records: number }): void;
}

export interface ReplayOptions {
  /** Drivers attached to each host's kernel, in load order; default: the sysmon example. */
  drivers?: ReplayDriver[];
  /** Windows build of every host's kernel (any from 7601 on: docs/profiles.md); default 22631. */
  build?: number;
  /** Seed of every host's kernel; default: FNV-1a of the host's name (reproducible, host-specific). */
  seed?: number;
  /**
   * Also call the sysmon example's recorder from each kernel's dispatch tracer when the sysmon
   * driver is not among `drivers` (what `--sysmon` does, as on `run`): its records come to
   * `onRecord` with driver `sysmon`; the machine is the same with or without.
   */
  sysmonRecords?: boolean;
  /** The sysmon example's module file (for `sysmonRecords`). */
  sysmonFile?: string;
  /** Only hosts whose name matches this glob (comma-separated globs: any). */
  hosts?: string;
  /** Only hosts whose FNV-1a hash modulo `count` is `index`. */
  shard?: { index: number; count: number };
  /** Stop at the first problem that is bad input (exit 2). */
  strict?: boolean;
  /** How far (ms of UtcTime) a host's records may be out of order and still be replayed in order; default 30,000. */
  reorderWindowMs?: number;
  /**
   * 'input' (default): each host's records in the recording's own order (API.md: --sysmon output
   * follows the input's order per host), held for the window only for look-ahead; 'utc': in
   * UtcTime order within the window, later records reported as late.
   */
  order?: 'input' | 'utc';
  /** What `-` reads; process.stdin by default. */
  stdin?: Readable;
  /** Read FIFOs given as paths (a shell's `<(zcat x.gz)`). */
  allowPipes?: boolean;
  /** Told whenever driver code starts and returns (the CLI's watchdog, --timeout). */
  watch?: DriverWatch;
  /** Called between records; a returned promise is awaited (output backpressure). */
  backpressure?: () => Promise<void> | null | undefined;
  observer?: ReplayObserver;
}
