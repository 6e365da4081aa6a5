// replay(): recordings in, one kernel per host driven by them, the drivers' output and every
// notification out through the observer, and the accounting back. Streams: a record is read,
// classified, and either counted as skipped at once or put in its host's reorder window; memory is
// the hosts' live state (processes, images, drivers) plus one window of records per host. Records
// come from the reader a chunk's worth at a time; those that do not drive the kernel (other
// channels, other Sysmon events) come already classified, their fields never built.
import { BugCheck, Deadlock } from '../index.js';
import { readRecordBatches, type BadRecord, type FileError, type ReplayRecord } from './input/index.js';
import { NO_WATCH } from '../scenario/driver-watch.js';
import { DRIVING_EVENTS, eventOf, placeOf, READ_FIELDS } from './event.js';
import { ReplayHost, StrictStop, type HostContext } from './host.js';
import { HostFilter } from './shard.js';
import { ReplayStats, type SkipReason } from './stats.js';
import { parseUtcTime } from './time.js';
import type { ReplayOptions, ReplayProblem } from './types.js';

export const DEFAULT_REORDER_WINDOW_MS = 30_000;
export const DEFAULT_BUILD = 22631;

/** The name records without a host are replayed under. */
export const NO_HOST = '(no host)';

export interface ReplayResult {
  stats: ReplayStats;
  /**
   * 'ok'; 'bad-input' when --strict stopped at a problem or an input could not be read (wholly or
   * to its end); 'bug-check' when a host's machine stopped (the replay stops there).
   */
  outcome: 'ok' | 'bad-input' | 'bug-check';
  /** The first problem that stopped a --strict replay. */
  stoppedBy: ReplayProblem | null;
  bugCheck: BugCheck | null;
  /** A Deadlock that stopped a host's machine (a routine that waited on itself). */
  deadlock: Deadlock | null;
  /** The host whose machine stopped. */
  stoppedHost: string | null;
  /** End-of-replay lines of the drivers, per host (inventory lists, …). */
  finish: { host: string; lines: string[] }[];
}

function checkOptions(options: ReplayOptions): void {
  if (options.build !== undefined && !(Number.isSafeInteger(options.build) && options.build >= 7601)) {
    throw new RangeError(`build ${options.build} is not supported: give a Windows build number from 7601 on`);
  }
  if (options.reorderWindowMs !== undefined && !(Number.isFinite(options.reorderWindowMs) && options.reorderWindowMs >= 0)) {
    throw new RangeError(`reorderWindowMs must be a non-negative number, got ${options.reorderWindowMs}`);
  }
  if (options.sysmonRecords && options.sysmonFile === undefined && !(options.drivers ?? []).some((d) => d.example === 'sysmon')) {
    throw new TypeError('sysmonRecords needs sysmonFile (the sysmon example module) when the sysmon driver is not attached');
  }
}

function badProblem(item: BadRecord): ReplayProblem {
  const problem: ReplayProblem = {
    kind: 'bad-record',
    code: item.code,
    file: item.file,
    record: item.record,
    message: `${placeOf(item)}: ${item.reason}${item.field !== undefined && !item.reason.includes(item.field) ? ` (field ${item.field})` : ''}`,
    badInput: true,
  };
  if (item.member !== undefined) problem.member = item.member;
  if (item.line !== undefined) problem.line = item.line;
  if (item.offset !== undefined) problem.offset = item.offset;
  if (item.field !== undefined) problem.field = item.field;
  if (item.eventId !== undefined) problem.eventId = item.eventId;
  return problem;
}

function fileProblem(item: FileError): ReplayProblem {
  const problem: ReplayProblem = {
    kind: 'file-error',
    code: item.code,
    file: item.file,
    message: `${placeOf(item)}: ${item.message}${item.stopped ? (item.recordsBefore > 0 ? ` (after ${item.recordsBefore} records)` : '') : ' (skipped; reading went on)'}`,
    badInput: item.stopped,
  };
  if (item.member !== undefined) problem.member = item.member;
  return problem;
}

function fieldProblem(record: ReplayRecord, field: string, message: string): ReplayProblem {
  const problem: ReplayProblem = {
    kind: 'bad-record',
    code: 'invalid-field',
    file: record.file,
    record: record.record,
    field,
    eventId: record.eventId,
    message: `${placeOf(record)}: Sysmon event ${record.eventId}: ${message}`,
    badInput: true,
  };
  if (record.member !== undefined) problem.member = record.member;
  if (record.line !== undefined) problem.line = record.line;
  if (record.offset !== undefined) problem.offset = record.offset;
  if (record.host !== null) problem.host = record.host;
  return problem;
}

const PID = /^\d{1,10}$/;

const otherEvents: SkipReason[] = [];
/** `sysmon-event-<id>`, made once per id. */
function otherEvent(eventId: number): SkipReason {
  if (eventId >= 256) return `sysmon-event-${eventId}`;
  return (otherEvents[eventId] ??= `sysmon-event-${eventId}`);
}

/**
 * Replays `inputs` (paths, or `-` for standard input; any format docs/replay-input.md reads) through
 * one kernel per host with `options.drivers` attached (default: the sysmon example). Resolves when
 * the input is read and every window flushed, or when --strict or a bug check stopped it.
 */
export async function replay(inputs: string[], options: ReplayOptions = {}): Promise<ReplayResult> {
  checkOptions(options);
  const windowMs = options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  const stats = new ReplayStats(windowMs);
  const observer = options.observer ?? {};
  const filter = new HostFilter(options.hosts, options.shard);
  const drivers = options.drivers ?? [];
  const sysmonAttached = drivers.some((d) => d.example === 'sysmon');
  let stoppedBy: ReplayProblem | null = null;
  let sawFileError = false;
  const context: HostContext = {
    stats,
    observer,
    drivers,
    build: options.build ?? DEFAULT_BUILD,
    seed: options.seed,
    windowMs,
    order: options.order ?? 'input',
    recorderFile: options.sysmonRecords && !sysmonAttached ? options.sysmonFile! : null,
    seq: { value: 0 },
    images: new Map(),
    watch: options.watch ?? NO_WATCH,
    report(problem) {
      stats.problems++;
      observer.onProblem?.(problem);
      if (problem.badInput && options.strict) throw new StrictStop(problem);
    },
  };
  const hosts = new Map<string, ReplayHost>();
  const result: ReplayResult = { stats, outcome: 'ok', stoppedBy: null, bugCheck: null, deadlock: null, stoppedHost: null, finish: [] };
  let seq = 0;
  let current: ReplayHost | null = null;
  /** The host whose kernel is booting (its drivers' DriverEntry may stop it). */
  let booting: string | null = null;

  const skip = (reason: SkipReason) => stats.countSkipped(reason);
  const onProgress = observer.onProgress;
  const readOptions = {
    select: (eventId: number, sysmon: boolean) => sysmon && DRIVING_EVENTS.has(eventId),
    fieldNames: READ_FIELDS,
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.allowPipes !== undefined ? { allowPipes: options.allowPipes } : {}),
    ...(onProgress !== undefined ? { onProgress: (bytesRead: number, totalBytes: number | null) => onProgress({ bytesRead, totalBytes, records: stats.records }) } : {}),
  };

  try {
    for await (const batch of readRecordBatches(inputs, readOptions)) for (const item of batch) {
      if (item.kind === 'skipped') {
        skip(item.sysmon ? otherEvent(item.eventId) : 'not-sysmon');
        continue;
      }
      if (item.kind === 'file-error') {
        stats.fileErrors++;
        if (item.stopped) sawFileError = true;
        context.report(fileProblem(item));
        continue;
      }
      if (item.kind === 'bad') {
        skip(item.code);
        context.report(badProblem(item));
        continue;
      }
      const hostName = item.host ?? NO_HOST;
      const hostKey = item.hostKey ?? NO_HOST;
      const decision = filter.decide(hostName, hostKey);
      if (decision !== 'take') {
        skip(decision);
        continue;
      }
      const utcMs = parseUtcTime(item.utcTime);
      if (utcMs === null) {
        skip('invalid-field');
        context.report(fieldProblem(item, 'UtcTime', `UtcTime ${JSON.stringify(item.utcTime)} is not a time (YYYY-MM-DD HH:MM:SS.mmm)`));
        continue;
      }
      let pid = 0;
      if (item.eventId !== 6) {
        const text = item.fields.ProcessId!;
        pid = PID.test(text) ? Number(text) : NaN;
        if (!(pid % 4 === 0 && pid <= 0xffffffff)) {
          skip('invalid-field');
          context.report(fieldProblem(item, 'ProcessId', `ProcessId ${JSON.stringify(text)} is not a Windows process id (a multiple of 4)`));
          continue;
        }
      }
      let host = hosts.get(hostKey);
      if (host === undefined) {
        booting = hostName;
        host = await ReplayHost.boot(context, hostName, hostKey, utcMs);
        booting = null;
        hosts.set(hostKey, host);
      }
      current = host;
      host.add(eventOf(item, host.name, hostKey, utcMs, ++seq, pid));
      current = null;
      const wait = options.backpressure?.();
      if (wait) await wait;
    }
    for (const host of hosts.values()) {
      current = host;
      host.flush();
    }
    current = null;
  } catch (error) {
    if (error instanceof StrictStop) {
      stoppedBy = error.problem;
      // What was read before the bad input still replays (it is in the reorder windows).
      try {
        for (const host of hosts.values()) {
          current = host;
          host.flush();
        }
        current = null;
      } catch (again) {
        if (!(again instanceof StrictStop || again instanceof BugCheck || again instanceof Deadlock)) throw again;
        if (again instanceof BugCheck) result.bugCheck = again;
        if (again instanceof Deadlock) result.deadlock = again;
        if (!(again instanceof StrictStop)) result.stoppedHost = current?.name ?? null;
      }
    } else if (error instanceof BugCheck) {
      result.bugCheck = error;
      result.stoppedHost = current?.name ?? booting;
    } else if (error instanceof Deadlock) {
      result.deadlock = error;
      result.stoppedHost = current?.name ?? booting;
    } else {
      throw error;
    }
    for (const host of hosts.values()) for (let n = host.abandon(); n > 0; n--) skip('stopped');
  }
  for (const host of hosts.values()) {
    const lines = host.finish();
    if (lines.length > 0) result.finish.push({ host: host.name, lines });
  }
  result.stoppedBy = stoppedBy;
  result.outcome = result.bugCheck !== null || result.deadlock !== null ? 'bug-check' : stoppedBy !== null || sawFileError ? 'bad-input' : 'ok';
  return result;
}
