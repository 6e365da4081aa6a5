// `psnotify replay <file…>`: real Sysmon recordings through one kernel per host and the drivers
// given (docs/replay.md). Prints what `run` prints — the table (with the host), --json, or
// --sysmon — streaming, with output backpressure; writes --stats; ends with a one-line summary on
// standard error, and a progress bar there on a terminal.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { format } from 'node:util';
import cliProgress from 'cli-progress';
import { bugCheckName, buildProfile, type Kernel } from '../index.js';
import { loadRuleSet, ruleSummary } from './detect.js';
import { timelineNotification, writeReports } from './timeline.js';
import type { CompiledRule } from '../detect/index.js';
import type { RunTimeline, TimelineProcess } from '../report/index.js';
import { replay, type ReplayDriver, type ReplayNotification, type ReplayProblem, type ReplayResult } from '../replay/index.js';
import { hostMatcher, parseShard, type Shard } from '../replay/shard.js';
import type { DriverWatch } from '../scenario/driver-watch.js';
import { EXAMPLE_DRIVERS } from '../scenario/schema.js';
import { exampleDriverFile } from '../scenario/user-driver.js';
import { analyze, ImageNamer, notificationJson, RoutineLegend, TABLE_HEADER, tableRow } from './format.js';

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Where the command writes (compatible with main.ts's Io), and what `-` reads. */
export interface ReplayIo {
  stdout: Stream;
  stderr: Stream;
  stdin?: Readable;
  /** Where the progress bar draws (a terminal's raw stream: the bar's escape codes must reach it). */
  progress?: Stream;
}

export interface ReplayCliOptions {
  /** Example driver names or module paths; default ['sysmon']. */
  driver?: string[];
  build?: string | number;
  json?: boolean;
  sysmon?: boolean;
  stats?: string;
  hosts?: string;
  shard?: string;
  strict?: boolean;
  wide?: boolean;
  /** Reorder window in milliseconds (default 30000). */
  reorderWindow?: string | number;
  /** 'input' (default: the recording's order per host) or 'utc' (UtcTime order within the window). */
  order?: string;
  /** Kernel seed for every host (default: derived from the host name). */
  seed?: string | number;
  /** Read FIFOs given as paths. */
  allowPipes?: boolean;
  /** Sigma rules evaluated on the Sysmon records of the replay. */
  rules?: string[];
  html?: string;
  trace?: string;
}

export const REPLAY_EXIT_OK = 0;
export const REPLAY_EXIT_BAD_INPUT = 2;
export const REPLAY_EXIT_BUGCHECK = 3;

/** What --sysmon writes: ProcessCreate, DriverLoad, ImageLoad. */
const SYSMON_EVENTS = new Set([1, 6, 7]);
/** Problems shown per kind before the rest are only counted. */
const PROBLEMS_SHOWN = 20;
const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const HOST_WIDTH = 15;

class UsageError extends Error {}

/** Batches output lines into large writes and keeps to the stream's backpressure. */
class Writer {
  readonly #stream: Stream;
  #parts: string[] = [];
  #size = 0;
  #drain: Promise<void> | null = null;

  constructor(stream: Stream) {
    this.#stream = stream;
  }

  line(text: string): void {
    this.#parts.push(text, '\n');
    this.#size += text.length + 1;
    if (this.#size >= 65536) this.flush();
  }

  flush(): void {
    if (this.#parts.length === 0) return;
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    const ok = this.#stream.write(chunk);
    if (ok === false && this.#drain === null && typeof this.#stream.once === 'function') {
      this.#drain = new Promise((done) => this.#stream.once!('drain', () => done()));
    }
  }

  /** A promise to wait on when the stream asked to slow down, else null. */
  pending(): Promise<void> | null {
    const drain = this.#drain;
    this.#drain = null;
    return drain;
  }
}

function resolveDrivers(names: readonly string[]): ReplayDriver[] {
  return names.map((name) => {
    if ((EXAMPLE_DRIVERS as readonly string[]).includes(name)) return { name, file: exampleDriverFile(name), example: name };
    const file = isAbsolute(name) ? name : resolve(name);
    if (!MODULE_EXTENSIONS.includes(extname(file))) {
      throw new UsageError(`--driver ${name}: not an example driver (${EXAMPLE_DRIVERS.join(', ')}) nor a module file (.ts, .mts, .js, .mjs)`);
    }
    if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`--driver ${name}: no such file ${file}`);
    return { name: file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1), file };
  });
}

function integerOption(name: string, value: string | number | undefined, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || !check(n)) throw new UsageError(`${name}: expected ${expected}, got ${JSON.stringify(value)}`);
  return n;
}

/** What the command line's supervisor gives a command (src/cli/main.ts). */
export interface ReplayCommandContext {
  /** Told when driver code runs (the watchdog behind --timeout). */
  watch?: DriverWatch;
}

/** Runs `psnotify replay`; resolves to the exit code (API.md: 0, 2 bad input, 3 bug check). */
export async function replayCommand(files: string[], options: ReplayCliOptions, io: ReplayIo, context: ReplayCommandContext = {}): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);
  let drivers: ReplayDriver[];
  let build: number | undefined;
  let shard: Shard | undefined;
  let windowMs: number | undefined;
  let seed: number | undefined;
  try {
    if (files.length === 0) throw new UsageError('give at least one recording (or - for standard input)');
    if (options.json && options.sysmon) throw new UsageError('choose one of --json and --sysmon');
    build = integerOption('--build', options.build, (n) => n >= 7601, 'a Windows build number from 7601 on');
    if (build !== undefined) buildProfile(build);
    windowMs = integerOption('--reorder-window', options.reorderWindow, (n) => n >= 0, 'milliseconds (0 or more)');
    seed = integerOption('--seed', options.seed, () => true, 'an integer');
    if (options.order !== undefined && options.order !== 'input' && options.order !== 'utc') throw new UsageError(`--order: expected input or utc, got ${JSON.stringify(options.order)}`);
    if (options.shard !== undefined) shard = parseShard(options.shard);
    if (options.hosts !== undefined) hostMatcher(options.hosts);
    drivers = resolveDrivers(options.driver === undefined || options.driver.length === 0 ? ['sysmon'] : options.driver);
  } catch (error) {
    // Bad options (UsageError), and RangeErrors from parsing them, or a missing example driver.
    if (!(error instanceof Error)) throw error;
    err(`psnotify replay: ${error.message}`);
    return REPLAY_EXIT_BAD_INPUT;
  }

  const rules = options.rules !== undefined && options.rules.length > 0 ? loadRuleSet(options.rules, io.stderr) : null;
  if (options.rules !== undefined && options.rules.length > 0 && rules === null) return REPLAY_EXIT_BAD_INPUT;
  const ruleCounts = new Map<CompiledRule, number>();
  /** Matches of the dispatch in progress: shown with its notification. */
  let pendingMatches: { rule: CompiledRule; host: string; event: Record<string, unknown> }[] = [];
  // --html / --trace: the replay as a timeline, every host's lanes (kept only when asked for).
  const timeline: RunTimeline | null = options.html !== undefined || options.trace !== undefined
    ? { title: files.join(', '), build: 0, buildName: '', machine: '', hosts: [], processes: [], notifications: [], driverEvents: [], bugChecks: [], watchdog: [], matches: [], logs: [] }
    : null;
  const lanes = new Map<string, TimelineProcess>();
  let timelineSeq = 0;
  const mode: 'table' | 'json' | 'sysmon' = options.json ? 'json' : options.sysmon ? 'sysmon' : 'table';
  const out = new Writer(io.stdout);
  // What drivers print goes in place in the table, or to standard error (stdout stays parseable).
  const side = mode === 'table' ? (line: string) => out.line(line) : (line: string) => err(line);
  const legend = new RoutineLegend();
  /** Per host and process: the table's short image names (forgotten when the process ends). */
  const namers = new Map<string, ImageNamer>();
  const shownProblems = new Map<string, number>();
  let firstKernel: Kernel | null = null;
  let headerDone = false;
  const started = Date.now();

  let bar: cliProgress.SingleBar | null = null;
  let barTotal: number | null = null;
  const tty = (io.progress ?? io.stderr).isTTY === true;
  const progress = tty
    ? (p: { bytesRead: number; totalBytes: number | null; records: number }) => {
        const seconds = (Date.now() - started) / 1000;
        if (bar === null) {
          if (seconds < 1) return;
          barTotal = p.totalBytes;
          bar = new cliProgress.SingleBar(
            {
              stream: (io.progress ?? io.stderr) as unknown as NodeJS.WritableStream,
              format: barTotal === null ? 'replay {records} records | {rate} records/s' : 'replay |{bar}| {percentage}% of bytes | {records} records | {rate} records/s',
              hideCursor: true,
              clearOnComplete: true,
              fps: 5,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(barTotal ?? 1, 0, { records: 0, rate: 0 });
        }
        bar.update(barTotal === null ? 0 : p.bytesRead, { records: p.records, rate: Math.round(p.records / Math.max(seconds, 0.001)) });
      }
    : undefined;

  const showProblem = (problem: ReplayProblem) => {
    const shown = shownProblems.get(problem.kind) ?? 0;
    shownProblems.set(problem.kind, shown + 1);
    if (shown < PROBLEMS_SHOWN) err(`psnotify: ${problem.message}${problem.field !== undefined && !problem.message.includes(problem.field) ? ` (field ${problem.field})` : ''}`);
  };

  const namerOf = (n: ReplayNotification) => {
    const key = `${n.host}\0${n.processId}`;
    let namer = namers.get(key);
    if (namer === undefined) namers.set(key, (namer = new ImageNamer()));
    return namer;
  };

  /** A match is shown right after the notification whose dispatch produced its record. */
  function showMatches(n: ReplayNotification): void {
    for (const m of pendingMatches) {
      if (mode === 'json') out.line(JSON.stringify({ rule: { id: m.rule.id ?? null, title: m.rule.title, level: m.rule.level ?? null }, host: m.host, record: n.record, file: n.file, event: m.event }));
      else out.line(`${' '.repeat(HOST_WIDTH)}   ! sigma ${m.rule.level ?? '-'}: ${m.rule.title} (${m.rule.id ?? 'no id'})`);
      timeline?.matches.push({ seq: timelineSeq, ruleId: m.rule.id ?? m.rule.title, title: m.rule.title, level: m.rule.level ?? 'unknown' });
    }
    pendingMatches = [];
  }

  /** The notification on the timeline, on a simulated clock of 0.25 ms a notification (as runs have). */
  function recordTimeline(n: ReplayNotification): void {
    const t = timeline!;
    timelineSeq++;
    const key = `${n.host}\0${n.processId}`;
    if (n.processId !== 0 && !lanes.has(key)) {
      const lane: TimelineProcess = { host: n.host, pid: n.processId, name: n.process, path: null, wow64: false, machine: t.machine, startMs: timelineSeq * 0.25, endMs: null };
      lanes.set(key, lane);
      t.processes.push(lane);
    }
    t.notifications.push({ ...timelineNotification({ ...n, seq: timelineSeq, timeMs: timelineSeq * 0.25 }), host: n.host });
  }

  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = consoleMethods.map((name) => console[name]);
  for (const name of consoleMethods) console[name] = (...args: unknown[]) => side(format(...args));

  // A slow input (a live stream on standard input) still sees its output promptly.
  const flusher = setInterval(() => out.flush(), 250);
  flusher.unref?.();
  let result: ReplayResult;
  try {
    result = await replay(files, {
      drivers,
      ...(build !== undefined ? { build } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(windowMs !== undefined ? { reorderWindowMs: windowMs } : {}),
      ...(options.order !== undefined ? { order: options.order as 'input' | 'utc' } : {}),
      ...(options.hosts !== undefined ? { hosts: options.hosts } : {}),
      ...(shard !== undefined ? { shard } : {}),
      ...(io.stdin !== undefined ? { stdin: io.stdin } : {}),
      ...(options.allowPipes ? { allowPipes: true } : {}),
      strict: options.strict === true,
      ...(context.watch !== undefined ? { watch: context.watch } : {}),
      ...((mode === 'sysmon' || rules !== null) && !drivers.some((d) => d.example === 'sysmon') ? { sysmonRecords: true, sysmonFile: exampleDriverFile('sysmon') } : {}),
      backpressure: () => out.pending(),
      observer: {
        onHost: ({ kernel, driverFiles, host }) => {
          firstKernel ??= kernel;
          if (timeline !== null) {
            timeline.hosts!.push(host);
            timeline.build = kernel.profile.build;
            timeline.buildName = kernel.profile.name;
            timeline.machine = kernel.machine;
            timeline.processes.push({ host, pid: 0, name: 'System', path: null, wow64: false, machine: kernel.machine, startMs: 0, endMs: null, system: true });
          }
          for (const file of driverFiles) legend.letterOf(file);
          if (mode !== 'table' || headerDone) return;
          headerDone = true;
          out.line(`psnotify replay: ${files.join(', ')} — build ${kernel.profile.build} (${kernel.profile.name}), ${kernel.machine}`);
          out.line('routines (in slot order):');
          for (const line of legend.lines()) out.line(line);
          out.line(`${'host'.padEnd(HOST_WIDTH)} ${TABLE_HEADER}`);
        },
        ...(mode === 'sysmon' && timeline === null
          ? {}
          : {
              onNotification: (n: ReplayNotification) => {
                if (timeline !== null) recordTimeline(n);
                if (mode === 'sysmon') return;
                if (mode === 'json') {
                  const json: Record<string, unknown> = { host: n.host, ...notificationJson(n), file: n.file };
                  if (n.member !== undefined) json.member = n.member;
                  json.record = n.record;
                  json.utcTime = n.utcTime;
                  out.line(JSON.stringify(json));
                } else {
                  const host = n.host.length > HOST_WIDTH ? `${n.host.slice(0, HOST_WIDTH - 1)}…` : n.host.padEnd(HOST_WIDTH);
                  out.line(`${host} ${tableRow(n, options.wide === true, legend, namerOf(n))}`);
                }
                showMatches(n);
              },
            }),
        onRecord: (record, source) => {
          if (mode === 'sysmon' && source.example === 'sysmon' && SYSMON_EVENTS.has(record.EventID as number)) out.line(JSON.stringify(record));
          if (rules !== null && source.example === 'sysmon') {
            for (const rule of rules.set.match(record)) {
              ruleCounts.set(rule, (ruleCounts.get(rule) ?? 0) + 1);
              if (mode === 'sysmon') err(`psnotify: sigma ${rule.level ?? '-'}: ${rule.title} (${rule.id ?? 'no id'}) on ${source.host}: ${String(record.Image ?? '')} ${String(record.ImageLoaded ?? '')}`);
              else pendingMatches.push({ rule, host: source.host, event: record });
            }
          }
        },
        onLog: (line, source) => side(mode === 'table' ? `  ${line}` : `${source.host}: ${line}`),
        onProblem: showProblem,
        onProcessExit: (host, pid) => {
          namers.delete(`${host}\0${pid}`);
          const lane = lanes.get(`${host}\0${pid}`);
          if (lane !== undefined) {
            lane.endMs = Math.max(lane.startMs, timelineSeq * 0.25);
            lanes.delete(`${host}\0${pid}`);
          }
        },
        ...(progress !== undefined ? { onProgress: progress } : {}),
      },
    });
  } catch (error) {
    out.flush();
    (bar as cliProgress.SingleBar | null)?.stop();
    err(`psnotify replay: ${(error as Error)?.message ?? String(error)}`);
    return REPLAY_EXIT_BAD_INPUT;
  } finally {
    clearInterval(flusher);
    consoleMethods.forEach((name, i) => (console[name] = saved[i]!));
  }
  (bar as cliProgress.SingleBar | null)?.stop();

  const { stats } = result;
  if (rules !== null) {
    err(`sigma: ${rules.rules.length} rules, ${[...ruleCounts.values()].reduce((a, b) => a + b, 0)} matches`);
    for (const line of ruleSummary(ruleCounts)) err(line);
  }
  if (timeline !== null) {
    if (result.bugCheck !== null) {
      const b = result.bugCheck;
      timeline.bugChecks.push({ host: result.stoppedHost ?? undefined, timeMs: timelineSeq * 0.25, code: b.code, name: bugCheckName(b.code), parameters: b.parameters.map((p) => `0x${p.toString(16)}`), driver: b.driver, message: b.message } as RunTimeline['bugChecks'][number]);
    }
    writeReports(timeline, { html: options.html, trace: options.trace });
  }
  if (mode === 'table') out.line(`${stats.replayed} records replayed; ${stats.hosts} host${stats.hosts === 1 ? '' : 's'}`);
  for (const { host, lines } of result.finish) {
    side('');
    side(`${host}:`);
    for (const line of lines) side(line);
  }
  out.flush();
  const kernel = firstKernel as Kernel | null;
  if (kernel !== null && !kernel.imageNotifyEnabled) err('psnotify replay: no routine was ever registered, so the kernels dispatched nothing (attach a driver that registers one, e.g. --driver sysmon)');
  for (const [kind, count] of shownProblems) {
    if (count > PROBLEMS_SHOWN) err(`psnotify: … ${count - PROBLEMS_SHOWN} more ${kind} problems not shown (${options.stats ? 'see --stats' : 'counted in --stats'})`);
  }
  let code = result.outcome === 'bug-check' ? REPLAY_EXIT_BUGCHECK : result.outcome === 'bad-input' ? REPLAY_EXIT_BAD_INPUT : REPLAY_EXIT_OK;
  if (result.bugCheck !== null) {
    err('');
    err(`psnotify replay: the machine of host ${result.stoppedHost ?? '?'} stopped; the replay stopped there`);
    for (const line of analyze(result.bugCheck)) err(line);
  }
  if (result.deadlock !== null) err(`psnotify replay: deadlock on host ${result.stoppedHost ?? '?'}: ${result.deadlock.message}`);
  if (result.stoppedBy !== null) err(`psnotify replay: stopped at the first bad input (--strict): ${result.stoppedBy.message}`);
  if (options.stats !== undefined) {
    try {
      writeFileSync(options.stats, `${JSON.stringify(stats.toJSON(), null, 2)}\n`);
    } catch (error) {
      err(`psnotify replay: cannot write --stats ${options.stats}: ${(error as Error).message}`);
      if (code === REPLAY_EXIT_OK) code = REPLAY_EXIT_BAD_INPUT;
    }
  }
  err(stats.summary((Date.now() - started) / 1000));
  return code;
}
