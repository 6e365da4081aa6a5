// Running a scenario: boot the machine, load its drivers, run the steps, check
// the expectations, and record every notification (with the routines called).
import { isAbsolute, resolve } from 'node:path';
import {
  buildPe,
  BugCheck,
  Deadlock,
  Kernel,
  NT_SUCCESS,
  NtStatusError,
  statusName,
  type DispatchedRoutine,
  type DriverOutput,
  type HostedDriver,
  imageInfoEx,
  type Process,
  MAX_IMAGE_FILE_BYTES,
  readFileBounded,
} from '../index.js';
import type { RuleSet } from '../detect/index.js';
import { checkExpectation, type RuleMatch } from './expect.js';
import { peBuildSpec } from './semantics.js';
import type { DriverEvent, Notification, ProcessLifetime } from './notification.js';

export type { Notification } from './notification.js';
import type { DriverRef, Scenario, Step } from './schema.js';
import { NO_WATCH, watchDriver, type DriverWatch } from './driver-watch.js';
import { exampleDriverFile, loadDriverModule, loadRecorder } from './user-driver.js';

/** Where drivers are installed: C:\Windows\System32\drivers\<name>. */
export function driverPath(fileName: string): string {
  return `C:\\Windows\\System32\\drivers\\${fileName}`;
}

export interface ScenarioResult {
  kernel: Kernel;
  notifications: Notification[];
  /** Failed expectations and unexpected step failures. */
  failures: string[];
  /** The bug check that stopped the machine, and whether an `expect` asked for it. */
  bugCheck: BugCheck | null;
  bugCheckExpected: boolean;
  /** End-of-run reports of the drivers (inventory lists, policy findings). */
  finish: string[];
  /** Sigma matches on the run's Sysmon records, in order. */
  matches: RuleMatch[];
  /** Every process the scenario created, with when it started and ended. */
  processes: ProcessLifetime[];
  drivers: DriverEvent[];
  /** Simulated time of the bug check, if one stopped the machine. */
  bugCheckMs: number | null;
}

export interface RunOptions {
  /** Folder that relative paths in the scenario are taken from. */
  baseDirectory: string;
  output: DriverOutput;
  /** Called for each notification as its dispatch begins (its routines are still to be called). */
  onNotification?: (n: Notification) => void;
  /** Called when a notification's dispatch has returned: its routines list is complete. */
  onNotificationDone?: (n: Notification) => void;
  /** Called with the machine as soon as it is built. */
  onKernel?: (kernel: Kernel) => void;
  /** Called once the drivers the scenario loads at boot are loaded, before the first step. */
  onBoot?: () => void;
  /** Told whenever driver code starts and returns (the CLI's watchdog). */
  watch?: DriverWatch;
  /**
   * Sigma rules evaluated on every Sysmon record of the run (the scenario's
   * own `rules:` are added by the caller); Sysmon records are then made even
   * without --sysmon, by the output-only recorder.
   */
  rules?: RuleSet;
  /** Called for each rule match, with the notification that caused it. */
  onMatch?: (match: RuleMatch) => void;
  /**
   * Sysmon records of every dispatch (--sysmon), from the sysmon example's
   * recorder called by the dispatch tracer: no driver is loaded for it, so the
   * machine (slots, pids, addresses) is the same with or without. A scenario
   * that loads the sysmon driver itself gets that driver's records instead.
   */
  sysmonRecords?: boolean;
}


export const BOOT_TIME = Date.UTC(2026, 0, 1, 8, 0, 0);

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const system = scenario.system === undefined ? 'builtin' : typeof scenario.system === 'string' ? scenario.system : { root: resolve(options.baseDirectory, scenario.system.root) };
  const kernel = new Kernel({
    ...(scenario.build !== undefined ? { build: scenario.build } : {}),
    ...(scenario.machine !== undefined ? { machine: scenario.machine } : {}),
    system,
    seed: scenario.seed ?? 1,
    verifier: scenario.verifier ?? false,
  });
  options.onKernel?.(kernel);
  const notifications: Notification[] = [];
  const failures: string[] = [];
  const processes = new Map<string, Process>();
  const drivers = new Map<string, { path: string; driver: HostedDriver }>();
  /** Default process names: the next free `#n` per EXE name, so naming stays O(1). */
  const nextOrdinal = new Map<string, number>();
  let clock = 0;
  let stepIndex = -1;
  let lastStatus: number | null = null;
  let bugCheck: BugCheck | null = null;
  let bugCheckExpected = false;
  const sysmonClock = () => new Date(BOOT_TIME + clock);

  const loadsSysmon = (scenario.drivers ?? []).some((ref) => ref === 'sysmon' || (typeof ref === 'object' && 'example' in ref && ref.example === 'sysmon'));
  // Every Sysmon record the run makes passes the rules, whichever driver made it.
  const matches: RuleMatch[] = [];
  const rules = options.rules ?? null;
  const output: DriverOutput = rules === null ? options.output : {
    log: (line) => options.output.log(line),
    event: (record) => {
      options.output.event(record);
      for (const rule of rules.match(record)) {
        const match: RuleMatch = { rule: { id: rule.id, title: rule.title, level: rule.level, author: rule.author }, seq: notifications.length, event: record };
        matches.push(match);
        options.onMatch?.(match);
      }
    },
  };
  const wantRecords = options.sysmonRecords === true || rules !== null;
  const sysmon = wantRecords && !loadsSysmon ? await loadRecorder(exampleDriverFile('sysmon'), kernel, output, { clock: sysmonClock }) : null;

  const watch = options.watch ?? NO_WATCH;
  const byRoutines = new WeakMap<DispatchedRoutine[], Notification>();
  /** Dispatches in progress, outermost first: a dispatch that starts inside another's routine is nested in it. */
  const inFlight: Notification[] = [];
  const startReports = new Map<number, number>();
  const lifetimes = new Map<number, ProcessLifetime>();
  const driverEvents: DriverEvent[] = [];
  let bugCheckMs: number | null = null;
  /** Process-start reports (§5B): the EXE and ntdll(s), first, without signature bits. */
  const sourceOf = (name: string | null, pid: number, properties: number): Notification['source'] => {
    if (pid === 0) return 'driver';
    const reported = startReports.get(pid) ?? 0;
    const process = kernel.process(pid);
    const base = name?.slice(name.lastIndexOf('\\') + 1).toLowerCase();
    const isStartImage = base === 'ntdll.dll' || base === process?.image?.name.toLowerCase();
    if (reported < (process?.wow64 ? 3 : 2) && isStartImage && (properties & 0xff800) === 0) {
      startReports.set(pid, reported + 1);
      return 'process-start';
    }
    return 'image-view';
  };
  kernel.dispatchTracer = (fullImageName, processId, info) => {
    clock += 0.25;
    sysmon?.(fullImageName, processId, info);
    const routines: DispatchedRoutine[] = [];
    if (watch !== NO_WATCH) {
      // Each routine is appended just before it is called: that is when driver code starts.
      watch.enter(`the dispatch of ${fullImageName ?? '(null)'} (pid ${processId})`, false);
      routines.push = (...blocks: DispatchedRoutine[]) => {
        for (const block of blocks) {
          watch.switchTo(`${block.owner?.fileName ?? 'a harness routine'}: its load-image routine for ${fullImageName ?? '(null)'} (pid ${processId})`);
        }
        return Array.prototype.push.apply(routines, blocks);
      };
    }
    const process = processId === 0 ? 'System' : (kernel.process(processId)?.image?.name ?? `pid ${processId}`);
    const outer = inFlight[inFlight.length - 1];
    const fileObject = imageInfoEx(info)?.FileObject ?? null;
    const notification: Notification = {
      seq: notifications.length + 1, timeMs: clock, step: stepIndex, processId, process, fullImageName,
      imageInfo: info.toJSON(), properties: info.Properties, imageBase: info.ImageBase, imageSize: info.ImageSize, routines,
      source: sourceOf(fullImageName, processId, info.Properties),
      fileObject: fileObject === null ? null : { FileName: fileObject.FileName, address: fileObject.address },
      parentSeq: outer?.seq ?? null,
      parentDriver: outer === undefined ? null : (outer.routines.at(-1)?.owner?.fileName ?? 'harness'),
    };
    inFlight.push(notification);
    notifications.push(notification);
    byRoutines.set(routines, notification);
    options.onNotification?.(notification);
    return routines;
  };
  kernel.dispatchCompleted = (routines) => {
    if (watch !== NO_WATCH) watch.leave();
    const notification = byRoutines.get(routines);
    if (notification === undefined) return;
    inFlight.splice(inFlight.lastIndexOf(notification), 1);
    options.onNotificationDone?.(notification);
  };

  const nameProcess = (process: Process, alias?: string) => {
    let name = alias;
    if (name === undefined) {
      const base = process.image?.name.toLowerCase() ?? `pid${process.pid}`;
      let n = nextOrdinal.get(base) ?? 1;
      name = n === 1 ? base : `${base}#${n}`;
      while (processes.has(name)) name = `${base}#${++n}`;
      nextOrdinal.set(base, n + 1);
    }
    processes.set(name.toLowerCase(), process);
  };
  const findProcess = (name: string): Process => {
    const byAlias = processes.get(name.toLowerCase());
    if (byAlias) return byAlias;
    throw new Error(`no process named ${JSON.stringify(name)} (known: ${[...processes.keys()].join(', ') || 'none yet'})`);
  };
  const loadDriverRef = async (ref: DriverRef): Promise<number> => {
    // Examples and user modules load alike; every module gets the simulated clock.
    const example = typeof ref === 'string' ? ref : 'example' in ref ? ref.example : null;
    const module = typeof ref === 'object' && 'module' in ref ? ref : null;
    const file = module === null ? exampleDriverFile(example!) : isAbsolute(module.module) ? module.module : resolve(options.baseDirectory, module.module);
    watch.enter(`loading driver module ${file} (its top-level code and create())`, true);
    let loaded;
    try {
      loaded = await loadDriverModule(file, kernel, output, { clock: sysmonClock });
    } finally {
      watch.leave();
    }
    const { fileName } = loaded;
    const driver = watchDriver(loaded.driver, fileName, watch);
    const path = module?.as ?? driverPath(fileName);
    if (!kernel.fs.exists(path)) {
      kernel.fs.writeFile(path, buildPe({
        machine: kernel.nativeMachine,
        driver: true,
        imports: { 'ntoskrnl.exe': ['PsSetLoadImageNotifyRoutine', 'PsRemoveLoadImageNotifyRoutine', 'MmGetSystemRoutineAddress'] },
      }));
    }
    drivers.set(module?.module ?? example!, { path, driver });
    return recordDriver('load', path, () => kernel.loadDriver(path, driver));
  };
  const checkStatus = (what: string, status: number, nextIsStatusExpect: boolean) => {
    lastStatus = status;
    if (!NT_SUCCESS(status) && !nextIsStatusExpect) {
      failures.push(`${what} returned ${statusName(status)}: ${kernel.lastError?.message ?? ''}`.trim());
      return false;
    }
    return true;
  };

  try {
    for (const [i, ref] of (scenario.drivers ?? []).entries()) {
      if (typeof ref === 'string' && drivers.has(ref)) continue;
      if (!checkStatus(`drivers[${i}]`, await loadDriverRef(ref), false)) return finish();
    }
  } catch (error) {
    // A DriverEntry that throws stops the machine before any step runs.
    if (!(error instanceof BugCheck)) throw error;
    bugCheck = error;
    return finish();
  }

  options.onBoot?.();
  for (const [index, step] of scenario.steps.entries()) {
    stepIndex = index;
    clock = Math.floor(clock) + 10;
    const where = `steps[${index}].${step.kind}`;
    const next = scenario.steps[index + 1];
    const nextExpectsStatus = next?.kind === 'expect' && next.args.status !== undefined;
    const nextExpectsBugCheck = next?.kind === 'expect' && next.args.bugCheck !== undefined;
    if (step.kind === 'expect') {
      const failure = checkExpectation(step.args, { kernel, notifications, lastStatus, findProcess, processes, matches });
      if (failure) failures.push(`${where}: ${failure}`);
      if (step.args.bugCheck !== undefined && bugCheck) bugCheckExpected = failure === null;
      continue;
    }
    if (bugCheck) {
      // A stopped machine runs nothing more: say which steps did not run.
      const rest = scenario.steps.slice(index).map((s, i) => (s.kind === 'expect' ? null : `steps[${index + i}].${s.kind}`)).filter((s) => s !== null);
      failures.push(`the machine stopped with bug check 0x${bugCheck.code.toString(16).toUpperCase()}; ${rest.length} step(s) did not run: ${rest.join(', ')}`);
      break;
    }
    try {
      lastStatus = null;
      const status = await runStep(step, where);
      if (status !== null && !checkStatus(where, status, nextExpectsStatus)) break;
    } catch (error) {
      if (error instanceof BugCheck) {
        bugCheck = error;
        if (!nextExpectsBugCheck) break;
      } else if (error instanceof NtStatusError) {
        lastStatus = error.status;
        if (!nextExpectsStatus) {
          failures.push(`${where} failed: ${error.message}`);
          break;
        }
      } else if (error instanceof Deadlock) {
        failures.push(`${where}: deadlock: ${error.message}`);
        break;
      } else {
        failures.push(`${where} failed: ${(error as Error).message}`);
        break;
      }
    }
  }
  return finish();

  function recordDriver(kind: DriverEvent['kind'], path: string, body: () => number): number {
    const timeMs = clock;
    const status = body();
    driverEvents.push({ timeMs, kind, name: path.slice(path.lastIndexOf('\\') + 1), status });
    return status;
  }

  function finish(): ScenarioResult {
    const lines: string[] = [];
    for (const { driver } of drivers.values()) if (driver.finish && !bugCheck) lines.push(...driver.finish());
    kernel.dispatchTracer = null;
    kernel.dispatchCompleted = null;
    if ((bugCheck ?? kernel.bugCheck) !== null) bugCheckMs ??= clock;
    return {
      kernel, notifications, failures, bugCheck: bugCheck ?? kernel.bugCheck, bugCheckExpected, finish: lines, matches,
      processes: [...lifetimes.values()], drivers: driverEvents, bugCheckMs,
    };
  }

  async function runStep(step: Step, where: string): Promise<number | null> {
    switch (step.kind) {
      case 'createProcess': {
        const { path, suspended, as, parent, commandLine, runtimeLoads } = step.args;
        const startMs = clock;
        const process = kernel.createProcess(path, {
          ...(suspended !== undefined ? { suspended } : {}),
          ...(parent ? { parentPid: findProcess(parent).pid } : {}),
          ...(commandLine !== undefined ? { commandLine } : {}),
          ...(runtimeLoads !== undefined ? { runtimeLoads } : {}),
        });
        lifetimes.set(process.pid, { pid: process.pid, name: process.image?.name ?? `pid ${process.pid}`, path: process.image?.dosPath ?? null, wow64: process.wow64, machine: process.machine, startMs, endMs: null });
        nameProcess(process, as);
        return null;
      }
      case 'resume':
        findProcess(step.args.process).resume();
        return null;
      case 'loadLibrary':
        return findProcess(step.args.process).loadLibrary(step.args.path).status;
      case 'mapImage': {
        const { process, path, ...opts } = step.args;
        return findProcess(process).mapImage(path, opts).status;
      }
      case 'unmapImage': {
        const target = findProcess(step.args.process);
        const file = kernel.fs.lookup(step.args.path);
        const view = file === null ? undefined : [...target.modules].reverse().find((m) => m.path === file.dosPath);
        if (!view) throw new Error(`${step.args.path} is not mapped in ${step.args.process}`);
        return target.unmapView(view.base);
      }
      case 'terminate': {
        const process = findProcess(step.args.process);
        process.terminate();
        const life = lifetimes.get(process.pid);
        if (life !== undefined) life.endMs = clock;
        return null;
      }
      case 'loadDriver': {
        const args = step.args;
        return 'path' in args ? recordDriver('load', args.path, () => kernel.loadDriver(args.path)) : loadDriverRef(args.driver);
      }
      case 'unloadDriver': {
        const args = step.args;
        if ('path' in args) return recordDriver('unload', args.path, () => kernel.unloadDriver(args.path));
        const loaded = drivers.get(args.driver);
        if (!loaded) throw new Error(`driver ${args.driver} was not loaded by this scenario`);
        return recordDriver('unload', loaded.path, () => kernel.unloadDriver(loaded.path));
      }
      case 'writeFile': {
        const args = step.args;
        const bytes = 'from' in args
          ? readFileBounded(isAbsolute(args.from) ? args.from : resolve(options.baseDirectory, args.from), MAX_IMAGE_FILE_BYTES, `steps[${stepIndex}].writeFile.from`)
          : buildPe(peBuildSpec(args.pe));
        kernel.fs.writeFile(args.path, bytes, args.label);
        return null;
      }
      case 'expect':
        return null;
    }
    throw new Error(`${where}: unknown step`);
  }
}
