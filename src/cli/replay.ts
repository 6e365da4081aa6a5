// `psnotify replay <file…>`: real Sysmon recordings through one kernel per host and the drivers
// given (docs/replay.md). Prints what `run` prints — the table (with the host), --json, or
// --sysmon — streaming, with output backpressure; writes --stats; ends with a one-line summary on
// standard error, and a progress bar there on a terminal.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { format } from 'node:util';
import cliProgress from 'cli-progress';
import { SUPPORTED_BUILDS, type Kernel } from '../index.js';
import { replay, type ReplayDriver, type ReplayNotification, type ReplayProblem, type ReplayResult } from '../replay/index.js';
import { hostMatcher, parseShard, type Shard } from '../replay/shard.js';
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
  /** Kernel seed for every host (default: derived from the host name). */
  seed?: string | number;
  /** Read FIFOs given as paths. */
  allowPipes?: boolean;
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

/** Runs `psnotify replay`; resolves to the exit code (API.md: 0, 2 bad input, 3 bug check). */
export async function replayCommand(files: string[], options: ReplayCliOptions, io: ReplayIo): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);
  let drivers: ReplayDriver[];
  let build: number | undefined;
  let shard: Shard | undefined;
  let windowMs: number | undefined;
  let seed: number | undefined;
  try {
    if (files.length === 0) throw new UsageError('give at least one recording (or - for standard input)');
    if (options.json && options.sysmon) throw new UsageError('choose one of --json and --sysmon');
    build = integerOption('--build', options.build, (n) => (SUPPORTED_BUILDS as readonly number[]).includes(n), `one of ${SUPPORTED_BUILDS.join(', ')}`);
    windowMs = integerOption('--reorder-window', options.reorderWindow, (n) => n >= 0, 'milliseconds (0 or more)');
    seed = integerOption('--seed', options.seed, () => true, 'an integer');
    if (options.shard !== undefined) shard = parseShard(options.shard);
    if (options.hosts !== undefined) hostMatcher(options.hosts);
    drivers = resolveDrivers(options.driver === undefined || options.driver.length === 0 ? ['sysmon'] : options.driver);
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError || error instanceof Error) {
      err(`psnotify replay: ${(error as Error).message}`);
      return REPLAY_EXIT_BAD_INPUT;
    }
    throw error;
  }

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
  const tty = io.stderr.isTTY === true;
  const progress = tty
    ? (p: { bytesRead: number; totalBytes: number | null; records: number }) => {
        const seconds = (Date.now() - started) / 1000;
        if (bar === null) {
          if (seconds < 1) return;
          barTotal = p.totalBytes;
          bar = new cliProgress.SingleBar(
            {
              stream: io.stderr as unknown as NodeJS.WritableStream,
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

  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = consoleMethods.map((name) => console[name]);
  for (const name of consoleMethods) console[name] = (...args: unknown[]) => side(format(...args));

  let result: ReplayResult;
  try {
    result = await replay(files, {
      drivers,
      ...(build !== undefined ? { build } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(windowMs !== undefined ? { reorderWindowMs: windowMs } : {}),
      ...(options.hosts !== undefined ? { hosts: options.hosts } : {}),
      ...(shard !== undefined ? { shard } : {}),
      ...(io.stdin !== undefined ? { stdin: io.stdin } : {}),
      ...(options.allowPipes ? { allowPipes: true } : {}),
      strict: options.strict === true,
      sysmonRecords: mode === 'sysmon',
      sysmonFile: exampleDriverFile('sysmon'),
      backpressure: () => out.pending(),
      observer: {
        onHost: ({ kernel, driverFiles }) => {
          firstKernel ??= kernel;
          for (const file of driverFiles) legend.letterOf(file);
          if (mode !== 'table' || headerDone) return;
          headerDone = true;
          out.line(`psnotify replay: ${files.join(', ')} — build ${kernel.profile.build} (${kernel.profile.name}), ${kernel.machine}`);
          out.line('routines (in slot order):');
          for (const line of legend.lines()) out.line(line);
          out.line(`${'host'.padEnd(HOST_WIDTH)} ${TABLE_HEADER}`);
        },
        ...(mode === 'sysmon'
          ? {}
          : {
              onNotification: (n: ReplayNotification) => {
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
              },
            }),
        onRecord: (record, source) => {
          if (mode === 'sysmon' && source.example === 'sysmon' && SYSMON_EVENTS.has(record.EventID as number)) out.line(JSON.stringify(record));
        },
        onLog: (line, source) => side(mode === 'table' ? `  ${line}` : `${source.host}: ${line}`),
        onProblem: showProblem,
        onProcessExit: (host, pid) => void namers.delete(`${host}\0${pid}`),
        ...(progress !== undefined ? { onProgress: progress } : {}),
      },
    });
  } catch (error) {
    out.flush();
    (bar as cliProgress.SingleBar | null)?.stop();
    err(`psnotify replay: ${(error as Error)?.message ?? String(error)}`);
    return REPLAY_EXIT_BAD_INPUT;
  } finally {
    consoleMethods.forEach((name, i) => (console[name] = saved[i]!));
  }
  (bar as cliProgress.SingleBar | null)?.stop();

  const { stats } = result;
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
