#!/usr/bin/env node
// The psnotify command line: run a scenario, the demo, or inspect a PE file.
import { readFileSync, realpathSync } from 'node:fs';
import { format } from 'node:util';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { NtStatusError } from '../index.js';
import { loadScenario, ScenarioError } from '../scenario/load.js';
import { runScenario, type Notification } from '../scenario/run.js';
import type { Scenario } from '../scenario/schema.js';
import { demoScenario } from './demo.js';
import { safeStream } from './terminal.js';
import { detectCommand, loadRuleSet, type DetectOptions } from './detect.js';
import { compareReplay } from './compare.js';
import { replayCommand, type ReplayCliOptions } from './replay.js';
import { EXAMPLE_DRIVERS } from '../scenario/schema.js';
import type { RuleMatch } from '../scenario/expect.js';
import { runTimeline, writeReports } from './timeline.js';
import { DEFAULT_TIMEOUT_SECONDS, runAsProgram } from './supervise.js';
import type { DriverWatch } from '../scenario/driver-watch.js';
import type { Kernel } from '../index.js';
import { analyze, ImageNamer, notificationJson, RoutineLegend, TABLE_HEADER, tableRow } from './format.js';
import { inspectFile } from './inspect.js';

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const EXIT_OK = 0;
export const EXIT_EXPECTATION_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_BUGCHECK = 3;

/** What --sysmon writes: ProcessCreate, DriverLoad, ImageLoad. */
const SYSMON_EVENTS = new Set([1, 6, 7]);

interface OutputOptions {
  json?: boolean;
  sysmon?: boolean;
  wide?: boolean;
  rules?: string[];
  html?: string;
  trace?: string;
}

function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}

async function execute(scenario: Scenario, baseDirectory: string, options: OutputOptions, io: Io, fileName?: string, watch?: DriverWatch): Promise<number> {
  if (options.json && options.sysmon) {
    io.stderr.write('psnotify: choose one of --json and --sysmon\n');
    return EXIT_BAD_INPUT;
  }
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const table = !options.json && !options.sysmon;
  // Rules: the scenario's own (relative to it) and --rules; none loadable is bad input.
  const rulePaths = [...(scenario.rules ?? []).map((p) => resolve(baseDirectory, p)), ...(options.rules ?? [])];
  const loadedRules = rulePaths.length > 0 ? loadRuleSet(rulePaths, io.stderr) : null;
  if (rulePaths.length > 0 && loadedRules === null) return EXIT_BAD_INPUT;
  const matchesOf = new Map<number, RuleMatch[]>();
  // What drivers print goes where their messages go: in place in the table, to
  // standard error with --json/--sysmon (standard output stays parseable).
  const side = table ? out : (line: string) => io.stderr.write(`${line}\n`);
  // Output streams as the run goes, so that what happened is printed even if
  // driver code never returns (the watchdog stops the run): a notification is
  // printed once its dispatch has returned, in seq order; the table waits for
  // the boot drivers so that its legend can come first.
  const pending: Notification[] = [];
  const completed = new Set<number>();
  const logs: { afterSeq: number; line: string }[] = [];
  const legend = new RoutineLegend();
  const names = new ImageNamer();
  let seq = 0;
  let kernel: Kernel | null = null;
  let headed = !table;
  const head = () => {
    if (headed || kernel === null) return;
    headed = true;
    out(`psnotify: ${scenario.name ?? fileName ?? 'scenario'} — build ${kernel.profile.build} (${kernel.profile.name}), ${kernel.machine}, seed ${kernel.seed}`);
    for (const row of kernel.notifyRoutines) legend.letterOf(row.driver ?? 'harness');
    for (const n of pending) for (const r of n.routines) legend.letterOf(r.owner?.fileName ?? 'harness');
    out('routines (in slot order):');
    for (const line of legend.lines()) out(line);
    out(TABLE_HEADER);
  };
  const printMatches = (n: Notification) => {
    const found = matchesOf.get(n.seq);
    if (found === undefined) return;
    matchesOf.delete(n.seq);
    for (const m of found) {
      if (options.json) out(JSON.stringify({ rule: { id: m.rule.id ?? null, title: m.rule.title, level: m.rule.level ?? null }, seq: m.seq, event: m.event }));
      else if (table) out(`  ! sigma ${m.rule.level ?? '-'}: ${m.rule.title} (${m.rule.id ?? 'no id'})`);
    }
  };
  const print = (n: Notification) => {
    if (!table) {
      out(JSON.stringify(notificationJson(n)));
      return printMatches(n);
    }
    for (const r of n.routines) {
      const driver = r.owner?.fileName ?? 'harness';
      if (!legend.has(driver)) out(`  ${legend.letterOf(driver)} = ${driver}`);
    }
    out(tableRow(n, options.wide === true, legend, names));
    printMatches(n);
  };
  const flush = (all: boolean) => {
    if (!headed) return;
    while (pending.length > 0 && (all || completed.has(pending[0]!.seq))) {
      const n = pending.shift()!;
      completed.delete(n.seq);
      if (!options.sysmon) print(n);
      while (logs.length > 0 && logs[0]!.afterSeq <= n.seq) side(`  ${logs.shift()!.line}`);
    }
  };
  const allLogs: { afterSeq: number; line: string }[] = [];
  const log = (line: string) => {
    allLogs.push({ afterSeq: seq, line });
    if (!table) side(line);
    else if (pending.length === 0 && headed) side(`  ${line}`);
    else logs.push({ afterSeq: seq, line });
  };
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = consoleMethods.map((name) => console[name]);
  for (const name of consoleMethods) console[name] = (...args: unknown[]) => log(format(...args));
  const result = await runScenario(scenario, {
    baseDirectory,
    sysmonRecords: options.sysmon === true,
    ...(watch ? { watch } : {}),
    ...(loadedRules ? { rules: loadedRules.set } : {}),
    onMatch: (m: RuleMatch) => {
      const list = matchesOf.get(m.seq);
      if (list) list.push(m);
      else matchesOf.set(m.seq, [m]);
    },
    onKernel: (k) => void (kernel = k),
    onNotification: (n: Notification) => {
      seq = n.seq;
      pending.push(n);
    },
    onNotificationDone: (n: Notification) => {
      completed.add(n.seq);
      flush(false);
    },
    onBoot: () => {
      head();
      flush(false);
    },
    output: {
      event: (record) => {
        if (options.sysmon && SYSMON_EVENTS.has(record.EventID as number)) out(JSON.stringify(record));
      },
      log,
    },
  }).finally(() => consoleMethods.forEach((name, i) => (console[name] = saved[i]!)));
  kernel = result.kernel;
  head();
  flush(true);
  if (options.html !== undefined || options.trace !== undefined) {
    writeReports(runTimeline(result, { title: scenario.name ?? fileName ?? 'scenario', logs: allLogs }), { html: options.html, trace: options.trace });
  }
  for (const { line } of logs.splice(0)) side(`  ${line}`);
  if (table) {
    const k = result.kernel;
    out(`${result.notifications.length} notifications; ${k.processes.length - 1} processes, ${k.loadedDrivers.length} drivers loaded`);
  }
  if (loadedRules !== null) {
    // One line per rule that fired, most matches first, crediting its authors (Detection Rule License).
    const counts = new Map<string, number>();
    for (const { rule } of result.matches) {
      const label = `${rule.level ?? '-'}  ${rule.title} (${rule.id ?? 'no id'})${rule.author ? `, by ${rule.author}` : ''}`;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    side(`sigma: ${loadedRules.rules.length} rules, ${result.matches.length} matches`);
    for (const [rule, n] of [...counts].sort((a, b) => b[1] - a[1])) side(`  ${String(n).padStart(6)}  ${rule}`);
  }
  if (!result.kernel.imageNotifyEnabled) side('(no routine was ever registered, so the kernel dispatched nothing: add drivers, e.g. `drivers: [sysmon]`)');
  if (result.finish.length) {
    side('');
    for (const line of result.finish) side(line);
  }
  if (result.bugCheck && result.bugCheckExpected) {
    const b = result.bugCheck;
    side(`machine stopped as the scenario expects: BugCheck ${b.code.toString(16).toUpperCase()}, {${b.parameters.map((p) => p.toString(16)).join(', ')}} caused by ${b.driver ?? 'unknown'}`);
  }
  if (result.bugCheck && !result.bugCheckExpected) {
    side('');
    for (const line of analyze(result.bugCheck)) side(line);
    return EXIT_BUGCHECK;
  }
  if (result.failures.length) {
    for (const failure of result.failures) io.stderr.write(`psnotify: FAILED ${failure}\n`);
    return EXIT_EXPECTATION_FAILED;
  }
  return EXIT_OK;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export interface MainOptions {
  /** Told when driver code runs (the worker's side of the watchdog, src/cli/supervise.ts). */
  watch?: DriverWatch;
}

export async function main(argv: string[], rawIo: Io, mainOptions: MainOptions = {}): Promise<number> {
  // Nothing from a file or a driver reaches a terminal raw (src/cli/terminal.ts).
  const io: Io = { stdout: safeStream(rawIo.stdout), stderr: safeStream(rawIo.stderr) };
  let code = EXIT_OK;
  const program = new Command()
    .name('psnotify')
    .description('An executable model of the Windows load-image notification subsystem.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  const withOutput = (command: Command) =>
    command
      .option('--json', 'one JSON object per notification (docs/output.md)')
      .option('--sysmon', 'Sysmon event 1/6/7 records as JSON lines (an output mode: the machine is the same without it)')
      .option('--wide', 'full NT image names in the table')
      .option('--rules <path...>', 'Sigma rules (.yml files or folders) evaluated on the run\'s Sysmon records')
      .option('--html <file>', 'write the run as a self-contained HTML timeline (docs/report.md)')
      .option('--trace <file>', 'write the run as Chrome Trace Event JSON, for Perfetto (docs/report.md)')
      .option('--timeout <seconds>', `stop driver code that runs longer without returning (exit 4; default ${DEFAULT_TIMEOUT_SECONDS}, 0: never)`, parseTimeout);
  withOutput(program.command('run').argument('<scenario>', 'a scenario file (.yaml, .yml or .json)').description('run a scenario file'))
    .action(async (file: string, options: OutputOptions) => {
      const scenario = loadScenario(file);
      code = await execute(scenario, dirname(resolve(file)), options, io, basename(file), mainOptions.watch);
    });
  withOutput(program.command('demo').description('run the builtin demo machine (what npm start shows)'))
    .action(async (options: OutputOptions) => {
      code = await execute(demoScenario, process.cwd(), options, io, undefined, mainOptions.watch);
    });
  program
    .command('replay')
    .argument('<file...>', 'Sysmon recordings: JSON lines, concatenated JSON, .gz, .zip, .evtx, or - for standard input')
    .option('--driver <name|path...>', `example drivers (${EXAMPLE_DRIVERS.join(', ')}) or driver modules; default sysmon`)
    .option('--build <n>', 'Windows build of every host\'s kernel (from 7601 on); default 22631')
    .option('--json', 'one JSON object per notification, with its host and record')
    .option('--sysmon', 'the sysmon driver\'s records as JSON lines, each with Hostname')
    .option('--wide', 'full NT image names in the table')
    .option('--stats <file>', 'write the accounting as JSON (records = replayed + skipped)')
    .option('--hosts <glob>', 'replay only the hosts whose name matches')
    .option('--shard <i/n>', 'replay only the hosts of shard i of n (a hash of the host name)')
    .option('--strict', 'stop at the first bad record (exit 2)')
    .option('--reorder-window <ms>', 'how far out of UtcTime order a record may come (default 30000)')
    .option('--order <input|utc>', 'replay each host in the recording\'s order (input, default) or in UtcTime order (utc)')
    .option('--seed <n>', 'the seed of every host\'s kernel (default: from the host name)')
    .option('--allow-pipes', 'read named pipes given as paths')
    .option('--rules <path...>', 'Sigma rules evaluated on the replay\'s Sysmon records')
    .option('--html <file>', 'write the replay as a self-contained HTML timeline')
    .option('--trace <file>', 'write the replay as Chrome Trace Event JSON')
    .option('--timeout <seconds>', `stop driver code that runs longer without returning (exit 4; default ${DEFAULT_TIMEOUT_SECONDS}, 0: never)`, parseTimeout)
    .option('--compare', 'instead of replaying: start each recorded process start on the builtin machine of its host\'s build and report the fidelity (docs/loader.md)')
    .option('--no-runtime-loads', 'with --compare: the static import closure only, no run-time loads')
    .option('--details', 'with --compare --json: each start\'s recorded and model sequences')
    .description('replay real Sysmon recordings through one kernel per host and the drivers (docs/replay.md)')
    .action(async (files: string[], options: ReplayCliOptions & { compare?: boolean; runtimeLoads?: boolean; details?: boolean }) => {
      if (options.compare) {
        code = await compareReplay(files, options as unknown as Record<string, unknown>, io);
        return;
      }
      if (options.details || options.runtimeLoads === false) {
        io.stderr.write(`psnotify replay: ${options.details ? '--details' : '--no-runtime-loads'} needs --compare\n`);
        code = 2;
        return;
      }
      const progress = (rawIo.stderr as { isTTY?: boolean }).isTTY === true ? { progress: rawIo.stderr } : {};
      code = await replayCommand(files, options, { ...io, stdin: process.stdin, ...progress }, mainOptions.watch ? { watch: mainOptions.watch } : {});
    });
  program
    .command('detect')
    .argument('<file...>', 'recordings: JSON lines, concatenated JSON, .gz, .zip, .evtx, or - for standard input')
    .requiredOption('--rules <path...>', 'Sigma rules: .yml files or folders of them')
    .option('--stats <file>', 'write the accounting as JSON')
    .description('evaluate Sigma rules on recorded events (one JSON line per match)')
    .action(async (files: string[], options: DetectOptions) => {
      code = await detectCommand(files, options, io);
    });
  program
    .command('inspect')
    .argument('<pe-file>', 'a PE image on the host')
    .description('show what parsePe and the Authenticode check see in a PE file')
    .action((file: string) => {
      let lines: string[];
      try {
        lines = inspectFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') {
          throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`);
        }
        throw error;
      }
      for (const line of lines) io.stdout.write(`${line}\n`);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof ScenarioError || error instanceof InputError || error instanceof NtStatusError) {
      io.stderr.write(`psnotify: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr.write(`psnotify: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_BAD_INPUT;
  }
}

class InputError extends Error {}

/** --timeout: seconds, a non-negative number (0: no watchdog). */
function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError(`--timeout: expected a number of seconds ≥ 0, got ${JSON.stringify(value)}`);
  }
  return seconds;
}

/** True when this file is the program node was started with (not imported). */
function isProgram(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram()) await runAsProgram();
