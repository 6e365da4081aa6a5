// Recorded process starts, from Sysmon recordings: each event 1 with the event 7s of the same
// process (same host and ProcessId, same Image: a recording's event 1 and event 7 may carry
// different ProcessGuids), closed by its event 5, by the pid's next event 1, or by the end of the
// input. The build of each host comes from the FileVersion of its System32 ntdll, kernel32 or
// KernelBase loads. Memory: the live starts of each host, not the input.
import { isSysmon, readRecords, type ReadOptions, type ReplayRecord } from '../replay/input/index.js';
import { placeOf } from '../replay/event.js';
import { parseUtcTime } from '../replay/time.js';

export interface RecordedStart {
  host: string;
  /** The host's Windows build as its system DLLs' FileVersion gives it; null when none was seen. */
  build: number | null;
  pid: number;
  /** The EXE as recorded. */
  image: string;
  commandLine: string;
  utcTime: string;
  /** ImageLoaded of each event 7 of the process, in UtcTime order (recording order within a millisecond). */
  loads: string[];
  /** Where the event 1 is. */
  file: string;
  record: number;
}

/** Loads kept per start: a long-lived service can load thousands; the measure needs the first ones. */
export const MAX_LOADS_PER_START = 4096;
/** Event 7s of a pid whose event 1 has not been seen, kept for when it comes (a look-ahead of one record burst). */
const MAX_ORPHANS_PER_PID = 64;
/** Pids with such loads kept per host (processes running before the recording began never get an event 1). */
const MAX_ORPHAN_PIDS = 4096;

interface OpenStart {
  start: RecordedStart;
  timed: { utcMs: number; path: string }[];
}

interface HostState {
  build: number | null;
  /** The build another System32 image's FileVersion gives, for hosts with no ntdll/kernel32/KernelBase load. */
  weakBuild: number | null;
  live: Map<number, OpenStart>;
  orphans: Map<number, { utcMs: number; image: string; path: string }[]>;
  /** Starts closed before the host's build was known. */
  waiting: RecordedStart[];
}

const SYSTEM_DLL = /\\windows\\system32\\(ntdll|kernel32|kernelbase)\.dll$/i;
/** Inbox images, whose FileVersion carries the OS build (`10.0.19041.1`). */
const SYSTEM_IMAGE = /\\windows\\(system32|syswow64)\\[^\\]+\.(dll|exe)$/i;
const BUILD_IN_VERSION = /^\s*(?:6\.[0-3]|10\.0)\.(\d{4,5})\./;

/** The build number in a FileVersion such as `10.0.19041.1949 (WinBuild.160101.0800)`. */
export function buildOfFileVersion(version: string | undefined): number | null {
  const match = BUILD_IN_VERSION.exec(version ?? '');
  return match === null ? null : Number(match[1]);
}

function sameImage(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

export interface RecordedStartsOptions extends ReadOptions {
  /** Told of each record that could not be read and each file that could not be read (to the end). */
  onProblem?: (text: string) => void;
}

export async function* recordedStarts(inputs: readonly string[], options: RecordedStartsOptions = {}): AsyncGenerator<RecordedStart> {
  const { onProblem, ...readOptions } = options;
  const hosts = new Map<string, HostState>();
  const close = (host: HostState, open: OpenStart): RecordedStart | null => {
    open.timed.sort((a, b) => a.utcMs - b.utcMs);
    open.start.loads = open.timed.map((t) => t.path);
    open.start.build = host.build;
    if (host.build === null) {
      host.waiting.push(open.start);
      return null;
    }
    return open.start;
  };
  for await (const item of readRecords([...inputs], { ...readOptions, requireSysmonFields: false })) {
    if (item.kind === 'bad') onProblem?.(`${placeOf(item)}: ${item.reason}`);
    else if (item.kind === 'file-error') onProblem?.(`${placeOf(item)}: ${item.message}`);
    if (item.kind !== 'record' || !isSysmon(item.channel, item.provider)) continue;
    if (item.eventId !== 1 && item.eventId !== 5 && item.eventId !== 7) continue;
    const key = item.hostKey ?? '';
    let host = hosts.get(key);
    if (host === undefined) {
      host = { build: null, weakBuild: null, live: new Map(), orphans: new Map(), waiting: [] };
      hosts.set(key, host);
    }
    const f = item.fields;
    const pid = Number(f.ProcessId);
    if (!Number.isSafeInteger(pid)) continue;
    const utcMs = parseUtcTime(item.utcTime) ?? 0;
    if (host.weakBuild === null && item.eventId !== 5 && SYSTEM_IMAGE.test(item.eventId === 7 ? (f.ImageLoaded ?? '') : (f.Image ?? ''))) {
      host.weakBuild = buildOfFileVersion(f.FileVersion);
    }
    if (item.eventId === 7) {
      const path = f.ImageLoaded ?? '';
      if (host.build === null && SYSTEM_DLL.test(path)) {
        host.build = buildOfFileVersion(f.FileVersion);
        if (host.build !== null) {
          for (const start of host.waiting.splice(0)) yield { ...start, build: host.build };
        }
      }
      const open = host.live.get(pid);
      if (open !== undefined && sameImage(open.start.image, f.Image ?? '')) {
        if (open.timed.length < MAX_LOADS_PER_START) open.timed.push({ utcMs, path });
      } else {
        let list = host.orphans.get(pid);
        if (list === undefined) {
          if (host.orphans.size >= MAX_ORPHAN_PIDS) host.orphans.delete(host.orphans.keys().next().value!);
          host.orphans.set(pid, (list = []));
        }
        if (list.length >= MAX_ORPHANS_PER_PID) list.shift();
        list.push({ utcMs, image: f.Image ?? '', path });
      }
      continue;
    }
    const previous = host.live.get(pid);
    if (previous !== undefined) {
      host.live.delete(pid);
      const done = close(host, previous);
      if (done !== null) yield done;
    }
    if (item.eventId === 5) {
      host.orphans.delete(pid);
      continue;
    }
    const open = startOf(item, pid);
    const orphans = host.orphans.get(pid);
    if (orphans !== undefined) {
      host.orphans.delete(pid);
      for (const o of orphans) if (sameImage(o.image, open.start.image) && o.utcMs >= utcMs - 1000) open.timed.push({ utcMs: o.utcMs, path: o.path });
    }
    host.live.set(pid, open);
  }
  for (const host of hosts.values()) {
    for (const open of host.live.values()) {
      const done = close(host, open);
      if (done !== null) yield done;
    }
    // No ntdll, kernel32 or KernelBase load seen: another inbox image's version, if any.
    for (const start of host.waiting) yield { ...start, build: host.weakBuild };
  }
}

function startOf(item: ReplayRecord, pid: number): OpenStart {
  const f = item.fields;
  return {
    start: {
      host: item.host ?? '(no host)',
      build: null,
      pid,
      image: f.Image ?? '',
      commandLine: f.CommandLine ?? '',
      utcTime: item.utcTime ?? '',
      loads: [],
      file: item.file,
      record: item.record,
    },
    timed: [],
  };
}
