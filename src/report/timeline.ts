// The input of the run renderers (renderHtml, renderTrace): one run of psnotify
// as plain, JSON-able data. Nothing here refers to live kernel objects, so a
// timeline can be built by the CLI from a run, read back from a file, or written
// by hand in a test. docs/report.md documents every field. This module imports
// nothing: it is the contract between the producer (the CLI) and the renderers.

/** Where a notification came from (SEMANTICS.md §5): A user image view, B a process start, C a driver load. */
export type NotificationSource = 'process-start' | 'image-view' | 'driver';

/** A process of the run: one lane of the page, one process of the trace. */
export interface TimelineProcess {
  /** The kernel (host) it ran on, for replays of several hosts; must be one of `RunTimeline.hosts`. */
  host?: string;
  pid: number;
  /** EXE name (`explorer.exe`), `System` for the kernel's process. */
  name: string;
  /** NT or DOS path of the EXE, null when unknown (System). */
  path: string | null;
  /** A 32-bit process on a 64-bit kernel. */
  wow64: boolean;
  /** The EXE's machine by name: `AMD64`, `I386`, `ARM64`, … */
  machine: string;
  startMs: number;
  /** Null while it was still running when the run ended. */
  endMs: number | null;
  /** The kernel's own process (pid 0 or 4): driver loads and driver messages go to its lane. */
  system?: boolean;
}

/** One routine the dispatcher called for a notification. */
export interface TimelineRoutineCall {
  /** Owner driver's name (`sysmon.sys`); `harness` for routines registered from outside any driver. */
  driver: string;
  /** Notify-table slot (0-based). */
  slot: number;
  /** The routine's address, `0x…`. */
  address: string;
  /** Registration flags (PsSetLoadImageNotifyRoutineEx), when known. */
  flags?: number;
}

/** One dispatch of load-image notify routines: one image reported to the registered routines. */
export interface TimelineNotification {
  /** 1, 2, 3, … in dispatch order (unique within the run). */
  seq: number;
  /** Simulated milliseconds since boot. */
  timeMs: number;
  host?: string;
  /** The ProcessId argument (0 for drivers). */
  processId: number;
  /** The process's EXE name, `System` for drivers. */
  process: string;
  /** The FullImageName argument; null when the kernel passed none. */
  fullImageName: string | null;
  source: NotificationSource;
  /** IMAGE_INFO.Properties. */
  properties: number;
  /** Every IMAGE_INFO field by WDK name (ImageBase as a `0x…` string). */
  imageInfo: Record<string, number | string>;
  /** IMAGE_INFO_EX's FileObject, null when ExtendedInfoPresent is clear or no FILE_OBJECT was reachable. */
  fileObject: { FileName: string; address: string } | null;
  /** The routines called, in slot order. */
  routines: TimelineRoutineCall[];
  /** Set when this dispatch was raised from inside a routine handling notification `parentSeq`. */
  parentSeq: number | null;
  /** …from inside which driver's routine (one of the parent's `routines[].driver`). */
  parentDriver: string | null;
}

export interface TimelineDriverEvent {
  timeMs: number;
  host?: string;
  kind: 'load' | 'unload';
  name: string;
  /** NTSTATUS name or value of the load (`STATUS_SUCCESS`), when known. */
  status?: string;
}

export interface TimelineBugCheck {
  timeMs: number;
  host?: string;
  /** The bug check code (0x7e, 0xce, …). */
  code: number;
  /** Its symbolic name (`SYSTEM_THREAD_EXCEPTION_NOT_HANDLED`). */
  name: string;
  /** P1…P4 as `0x…` strings. */
  parameters: string[];
  /** The driver blamed, when known. */
  driver: string | null;
  message: string;
}

/** Driver code stopped by `--timeout`. */
export interface TimelineWatchdogStop {
  timeMs: number;
  host?: string;
  driver: string | null;
  /** What it was doing (`DriverEntry`, `notify routine for kernel32.dll`, …). */
  doing: string;
}

/** A Sigma rule that matched the record of notification `seq`. */
export interface TimelineMatch {
  seq: number;
  ruleId: string;
  title: string;
  /** Sigma level: informational, low, medium, high, critical. */
  level: string;
}

/** A line a driver printed, after notification `afterSeq` began (0: before any). */
export interface TimelineLog {
  afterSeq: number;
  line: string;
}

/** One run of psnotify: the input of renderHtml and renderTrace. */
export interface RunTimeline {
  /** Scenario name, `demo`, or the replayed file. */
  title: string;
  build: number;
  buildName: string;
  /** The kernel's machine (`amd64`). */
  machine: string;
  seed?: number;
  /** Replays: one kernel per host; lanes are grouped by host when present. */
  hosts?: string[];
  processes: TimelineProcess[];
  notifications: TimelineNotification[];
  driverEvents: TimelineDriverEvent[];
  bugChecks: TimelineBugCheck[];
  watchdog: TimelineWatchdogStop[];
  matches: TimelineMatch[];
  logs?: TimelineLog[];
}

/** A bug check code as the data-bugcheck attribute spells it: lower-case `0x7e`. */
export function bugCheckCode(code: number): string {
  return `0x${(code >>> 0).toString(16)}`;
}

/** The last component of an NT or DOS path (`kernel32.dll`; only `\\` separates); `(null)` for a missing name. */
export function imageLeaf(fullImageName: string | null): string {
  if (fullImageName === null) return '(null)';
  const cut = fullImageName.lastIndexOf('\\');
  const leaf = fullImageName.slice(cut + 1);
  return leaf === '' ? fullImageName : leaf;
}

/** Routine calls in the whole run. */
export function routineCallCount(timeline: RunTimeline): number {
  let calls = 0;
  for (const n of timeline.notifications) calls += n.routines.length;
  return calls;
}

/** Driver names that own at least one called routine, in first-called order, with their call counts. */
export function driverCallCounts(timeline: RunTimeline): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of timeline.notifications) {
    for (const r of n.routines) counts.set(r.driver, (counts.get(r.driver) ?? 0) + 1);
  }
  return counts;
}

/**
 * What is wrong with a timeline, as messages naming the place (empty: usable).
 * The renderers tolerate all of these (an unknown parent is drawn as not nested,
 * an unknown pid gets a lane of its own), but a producer should not emit them.
 */
export function checkTimeline(timeline: RunTimeline): string[] {
  const problems: string[] = [];
  const seqs = new Map<number, TimelineNotification>();
  const hosts = new Set(timeline.hosts ?? []);
  const hostOk = (where: string, host: string | undefined) => {
    if (host !== undefined && timeline.hosts !== undefined && !hosts.has(host)) problems.push(`${where}: host ${JSON.stringify(host)} is not in hosts`);
  };
  const finite = (where: string, value: number) => {
    if (!Number.isFinite(value)) problems.push(`${where}: not a finite number`);
  };
  const pids = new Set<string>();
  timeline.processes.forEach((p, i) => {
    const key = `${p.host ?? ''}|${p.pid}`;
    if (pids.has(key)) problems.push(`processes[${i}]: pid ${p.pid} appears twice${p.host === undefined ? '' : ` on host ${p.host}`}`);
    pids.add(key);
    hostOk(`processes[${i}]`, p.host);
    finite(`processes[${i}].startMs`, p.startMs);
    if (p.endMs !== null) finite(`processes[${i}].endMs`, p.endMs);
  });
  timeline.notifications.forEach((n, i) => {
    if (!Number.isInteger(n.seq)) problems.push(`notifications[${i}].seq: not an integer`);
    if (seqs.has(n.seq)) problems.push(`notifications[${i}]: seq ${n.seq} appears twice`);
    seqs.set(n.seq, n);
    finite(`notifications[${i}].timeMs`, n.timeMs);
    hostOk(`notifications[${i}]`, n.host);
  });
  timeline.notifications.forEach((n, i) => {
    if (n.parentSeq === null) return;
    const parent = seqs.get(n.parentSeq);
    if (parent === undefined) {
      problems.push(`notifications[${i}].parentSeq: no notification ${n.parentSeq}`);
      return;
    }
    if (n.parentSeq >= n.seq) problems.push(`notifications[${i}].parentSeq: ${n.parentSeq} is not dispatched before ${n.seq}`);
    if (n.parentDriver !== null && !parent.routines.some((r) => r.driver === n.parentDriver)) {
      problems.push(`notifications[${i}].parentDriver: ${n.parentDriver} has no routine called for ${n.parentSeq}`);
    }
  });
  timeline.matches.forEach((m, i) => {
    if (!seqs.has(m.seq)) problems.push(`matches[${i}].seq: no notification ${m.seq}`);
  });
  timeline.driverEvents.forEach((e, i) => hostOk(`driverEvents[${i}]`, e.host));
  timeline.bugChecks.forEach((b, i) => hostOk(`bugChecks[${i}]`, b.host));
  timeline.watchdog.forEach((w, i) => hostOk(`watchdog[${i}]`, w.host));
  return problems;
}
