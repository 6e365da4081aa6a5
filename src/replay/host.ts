// One recorded host: its kernel, the drivers attached to it, and what the replay knows of its
// processes, files and drivers. Records come in through `add` (into the host's reorder window) and
// are applied in UtcTime order: event 1 creates a process with the recorded id (suspended, no
// loader: the recording's loader decides what loads), event 7 maps the recorded image (the EXE and
// ntdll as the process-start reports), event 5 ends the process, event 6 loads the driver.
// docs/replay.md has the rules; the quirks of real recordings are handled here.
import {
  BugCheck,
  buildPe,
  Deadlock,
  IMAGE_FILE_MACHINE_I386,
  imageInfoEx,
  Kernel,
  NT_SUCCESS,
  NtStatusError,
  statusName,
  type DispatchedRoutine,
  type DriverOutput,
  type ImageFileFacts,
  type ImageInfo,
  type LoadImageNotifyRoutine,
  type Process,
} from '../index.js';
import { NO_WATCH, watchDriver, type DriverWatch } from '../scenario/driver-watch.js';
import { loadDriverModule, loadRecorder } from '../scenario/user-driver.js';
import { placeOf, type EventFields, type ReplayEvent } from './event.js';
import { isSystem32Key, isWow64Key, NTDLL, NTDLL32, NTDLL32_KEY, NTDLL_KEY, pathKey, volumePathOf } from './paths.js';
import { ReorderBuffer, type ReplayOrder } from './reorder.js';
import { fnv1a32 } from './shard.js';
import { factsOf, labelOf, WINDOWS_LABEL, type Label } from './signature.js';
import type { HostStats, ReplayStats, SkipReason } from './stats.js';
import type { HostInfo, ReplayDriver, ReplayNotification, ReplayObserver, ReplayProblem } from './types.js';

/** Where the replay installs the drivers it attaches: a folder no recording names. */
export const REPLAY_DRIVER_FOLDER = 'C:\\Windows\\System32\\drivers\\psnotify';

/** An event 1 is applied ahead of its turn for a load or exit at most this far (ms) before it. */
const CREATE_AHEAD_MS = 2000;
/** Ended processes remembered per host (to tell a load in an ended process from a new process). */
const ENDED_MEMORY = 4096;
/** Recorded path spellings remembered per host (their volume paths). */
const PATH_MEMORY = 65536;

const EXE = 1;
const NTDLL_REPORTED = 2;
const NTDLL32_REPORTED = 4;

type FileKind = 'exe' | 'dll' | 'driver';

interface FileState {
  kind: FileKind;
  machine: number;
  /** The facts last given to the kernel for this file (a new file, after a rewrite, has none). */
  facts?: ImageFileFacts;
}

interface ProcessState {
  process: Process;
  /** The Image the recording gives this process (its latest spelling): what sensors print. */
  image: string;
  /** Folded volume path of its EXE. */
  imageKey: string;
  /** ProcessGuids the recording used for it (event 1's and event 7's may differ). */
  guids: string[];
  /** Start images already reported (EXE, NTDLL_REPORTED, NTDLL32_REPORTED bits). */
  reported: number;
  /** Image views this replay mapped, by folded path (a repeated load unmaps the earlier view). */
  views: Map<string, bigint>;
  /** Re-created for a late load recorded before its exit: ends again (at this time) after it. */
  reopenedUntil?: number;
}

interface EndedProcess {
  imageKey: string;
  guids: string[];
  /** UtcTime (ms) of its exit. */
  exitUtcMs: number;
}

interface MappedPath {
  path: string;
  key: string;
}

/** Thrown to stop the replay at a bad record under --strict. */
export class StrictStop extends Error {
  readonly problem: ReplayProblem;
  constructor(problem: ReplayProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

/** What every host shares with the engine. */
export interface HostContext {
  stats: ReplayStats;
  observer: ReplayObserver;
  drivers: readonly ReplayDriver[];
  build: number;
  seed: number | undefined;
  windowMs: number;
  /** Release order: the recording's (default) or UtcTime (docs/replay.md, "Order"). */
  order: ReplayOrder;
  /** The sysmon recorder's module file, when --sysmon asks for records without the sysmon driver. */
  recorderFile: string | null;
  /** Next notification number (shared by all hosts). */
  seq: { value: number };
  /** Built images by kind, shared by the hosts of one replay (the bytes are never changed). */
  images: Map<string, Uint8Array>;
  /** Told whenever driver code starts and returns (a watchdog); NO_WATCH when none. */
  watch: DriverWatch;
  report(problem: ReplayProblem): void;
}

async function watchedAsync<T>(watch: DriverWatch, what: string, body: () => Promise<T>): Promise<T> {
  watch.enter(what, true);
  try {
    return await body();
  } finally {
    watch.leave();
  }
}


export class ReplayHost {
  readonly name: string;
  readonly key: string;
  readonly kernel: Kernel;
  readonly buffer: ReorderBuffer<ReplayEvent>;
  readonly stats: HostStats;
  readonly #context: HostContext;
  readonly #processes = new Map<number, ProcessState>();
  readonly #ended = new Map<number, EndedProcess>();
  /** Buffered event 1s by process id (look-ahead: a load may come before its process's event 1). */
  readonly #pendingCreates = new Map<number, ReplayEvent[]>();
  /** Buffered SysWOW64 image loads by process id (look-ahead: the process is a WoW64 one). */
  readonly #pendingWow64 = new Map<number, number>();
  readonly #files = new Map<string, FileState>();
  readonly #paths = new Map<string, MappedPath>();
  /** Recorded drivers loaded (folded paths). */
  readonly #drivers = new Set<string>();
  readonly #modelDrivers = new Set<string>();
  readonly #notifications: ReplayNotification[] = [];
  readonly #finishers: (() => string[])[] = [];
  #current: ReplayEvent | null = null;
  /** A process-start report is being made (for notifications' `source`). */
  #startReport = false;
  #booting = true;
  /** UtcTime of the host's first replayed record: notification times count from it. */
  #t0: number | null = null;

  private constructor(context: HostContext, name: string, key: string, kernel: Kernel) {
    this.#context = context;
    this.name = name;
    this.key = key;
    this.kernel = kernel;
    this.buffer = new ReorderBuffer(context.windowMs, context.order);
    this.stats = context.stats.host(name, key);
  }

  /** Boots the host's kernel, writes ntdll, and loads the replay's drivers into it. */
  static async boot(context: HostContext, name: string, key: string, firstUtcMs: number): Promise<ReplayHost> {
    const kernel = new Kernel({ build: context.build, system: 'none', seed: context.seed ?? (fnv1a32(key) & 0x7fffffff) });
    const host = new ReplayHost(context, name, key, kernel);
    await host.#boot(firstUtcMs);
    return host;
  }

  async #boot(firstUtcMs: number): Promise<void> {
    const { kernel } = this;
    const context = this.#context;
    const watch = context.watch;
    this.#writeImage(NTDLL, NTDLL_KEY, 'dll', kernel.nativeMachine, WINDOWS_LABEL);
    this.#writeImage(NTDLL32, NTDLL32_KEY, 'dll', IMAGE_FILE_MACHINE_I386, WINDOWS_LABEL);
    const clock = () => new Date(this.#current?.utcMs ?? firstUtcMs);
    const options = { clock, hostname: this.name, imageOf: (pid: number) => this.#processes.get(pid)?.image };
    let recorder: LoadImageNotifyRoutine | null = null;
    if (context.recorderFile !== null) {
      const file = context.recorderFile;
      recorder = await watchedAsync(watch, `loading driver module ${file} (its recorder)`, () => loadRecorder(file, kernel, this.#output({ name: 'sysmon', file, example: 'sysmon' }), options));
    }
    this.#trace(recorder);
    const driverFiles: string[] = [];
    for (const driver of context.drivers) {
      const loaded = await watchedAsync(watch, `loading driver module ${driver.file} (its top-level code and create())`, () => loadDriverModule(driver.file, kernel, this.#output(driver), options));
      const { fileName } = loaded;
      const hosted = watchDriver(loaded.driver, fileName, watch);
      const path = `${REPLAY_DRIVER_FOLDER}\\${fileName}`;
      if (!kernel.fs.exists(path)) kernel.fs.writeFile(path, this.#image('driver', kernel.nativeMachine));
      const status = kernel.loadDriver(path, hosted);
      if (!NT_SUCCESS(status)) {
        throw new Error(`driver ${driver.name} (${fileName}) did not load on host ${this.name}: ${statusName(status)}${kernel.lastError ? ` — ${kernel.lastError.message}` : ''}`);
      }
      this.#modelDrivers.add(pathKey(path));
      driverFiles.push(fileName);
      if (hosted.finish) this.#finishers.push(() => hosted.finish!());
    }
    this.#booting = false;
    const info: HostInfo = { host: this.name, kernel, driverFiles };
    context.observer.onHost?.(info);
  }

  /**
   * The kernel's dispatch tracer, when anything needs it (notifications asked for, the sysmon
   * recorder, a watchdog); otherwise none, which costs the dispatcher nothing. A notification goes
   * to the observer when its dispatch returns (its routines list complete), in seq order.
   */
  #trace(recorder: LoadImageNotifyRoutine | null): void {
    const { kernel } = this;
    const watch = this.#context.watch;
    const observer = this.#context.observer;
    const wantNotifications = observer.onNotification !== undefined;
    if (!wantNotifications && recorder === null && watch === NO_WATCH) return;
    const byRoutines = new WeakMap<DispatchedRoutine[], ReplayNotification>();
    const done = new WeakSet<ReplayNotification>();
    /** Dispatches in progress, outermost first: one that starts inside another's routine is nested in it. */
    const inFlight: ReplayNotification[] = [];
    kernel.dispatchTracer = (fullImageName, processId, info) => {
      if (!this.#booting) recorder?.(fullImageName, processId, info);
      const routines: DispatchedRoutine[] = [];
      if (watch !== NO_WATCH) {
        watch.enter(`the dispatch of ${fullImageName ?? '(null)'} (pid ${processId}) on ${this.name}`, false);
        // Each routine is appended just before it is called: that is when driver code starts.
        routines.push = (...blocks: DispatchedRoutine[]) => {
          for (const block of blocks) watch.switchTo(`${block.owner?.fileName ?? 'a harness routine'}: its load-image routine for ${fullImageName ?? '(null)'} (pid ${processId}) on ${this.name}`);
          return Array.prototype.push.apply(routines, blocks);
        };
      }
      if (wantNotifications && !this.#booting) {
        const outer = inFlight[inFlight.length - 1];
        const n = this.#notification(fullImageName, processId, info, routines, outer);
        byRoutines.set(routines, n);
        inFlight.push(n);
      }
      return routines;
    };
    kernel.dispatchCompleted = (routines) => {
      if (watch !== NO_WATCH) watch.leave();
      const n = byRoutines.get(routines);
      if (n === undefined) return;
      if (inFlight[inFlight.length - 1] === n) inFlight.pop();
      done.add(n);
      // A dispatch inside a routine completes before the one around it: keep seq order.
      const queue = this.#notifications;
      let i = 0;
      while (i < queue.length && done.has(queue[i]!)) observer.onNotification!(queue[i++]!);
      if (i > 0) queue.splice(0, i);
    };
  }

  #output(driver: ReplayDriver): DriverOutput {
    const observer = this.#context.observer;
    const source = { host: this.name, driver: driver.name, ...(driver.example !== undefined ? { example: driver.example } : {}) };
    return {
      event: (record) => {
        if (!this.#booting) observer.onRecord?.(record, source);
      },
      log: (line) => observer.onLog?.(line, source),
    };
  }

  #notification(fullImageName: string | null, processId: number, info: ImageInfo, routines: DispatchedRoutine[], outer: ReplayNotification | undefined): ReplayNotification {
    const ev = this.#current ?? { utcMs: this.#t0 ?? 0, record: 0, file: '', utcTime: '', member: undefined };
    const process = processId === 0 ? 'System' : (this.kernel.process(processId)?.image?.name ?? `pid ${processId}`);
    const fileObject = imageInfoEx(info)?.FileObject ?? null;
    const n: ReplayNotification = {
      seq: ++this.#context.seq.value,
      timeMs: ev.utcMs - (this.#t0 ?? ev.utcMs),
      step: ev.record,
      processId,
      process,
      fullImageName,
      imageInfo: info.toJSON(),
      properties: info.Properties,
      imageBase: info.ImageBase,
      imageSize: info.ImageSize,
      routines,
      source: processId === 0 ? 'driver' : outer === undefined && this.#startReport ? 'process-start' : 'image-view',
      fileObject: fileObject === null ? null : { FileName: fileObject.FileName, address: fileObject.address },
      parentSeq: outer?.seq ?? null,
      parentDriver: outer === undefined ? null : (outer.routines.at(-1)?.owner?.fileName ?? 'harness'),
      host: this.name,
      file: ev.file,
      record: ev.record,
      utcTime: ev.utcTime,
    };
    if (ev.member !== undefined) n.member = ev.member;
    this.#notifications.push(n);
    return n;
  }

  /** Built image bytes of one kind and machine (shared: the volume copies what it is given). */
  #image(kind: FileKind, machine: number): Uint8Array {
    const name = `${kind}:${machine}`;
    let bytes = this.#context.images.get(name);
    if (bytes === undefined) {
      bytes = buildPe({ machine, ...(kind === 'dll' ? { dll: true } : kind === 'driver' ? { driver: true } : {}) });
      this.#context.images.set(name, bytes);
    }
    return bytes;
  }

  #writeImage(path: string, key: string, kind: FileKind, machine: number, label: Label | undefined): void {
    this.kernel.fs.writeFile(path, this.#image(kind, machine), label);
    this.#files.set(key, { kind, machine });
  }

  /**
   * The record's file facts for the file, as sensors will read them (`kernel.setFileFacts`), right
   * before its load; skipped when the file already has exactly these (most loads of a DLL do).
   */
  #setFacts(image: MappedPath, fields: EventFields, loaded: string): void {
    const file = this.#files.get(image.key)!;
    const last = file.facts;
    if (
      last !== undefined &&
      last.path === loaded &&
      last.Hashes === (fields.Hashes ?? '-') &&
      last.Signed === (fields.Signed ?? '-') &&
      last.Signature === (fields.Signature ?? '-') &&
      last.SignatureStatus === (fields.SignatureStatus ?? '-') &&
      last.FileVersion === (fields.FileVersion ?? '-') &&
      last.Description === (fields.Description ?? '-') &&
      last.Product === (fields.Product ?? '-') &&
      last.Company === (fields.Company ?? '-') &&
      last.OriginalFileName === (fields.OriginalFileName ?? '-')
    ) {
      return;
    }
    const facts = factsOf(fields, loaded);
    this.kernel.setFileFacts(image.path, facts);
    file.facts = facts;
  }

  /** The volume path of a recorded path (remembered per spelling). */
  #map(recorded: string): MappedPath {
    let mapped = this.#paths.get(recorded);
    if (mapped === undefined) {
      const path = volumePathOf(recorded);
      mapped = { path, key: pathKey(path) };
      if (this.#paths.size >= PATH_MEMORY) this.#paths.clear();
      this.#paths.set(recorded, mapped);
    }
    return mapped;
  }

  // ---- the reorder window --------------------------------------------------------------------

  /** Takes one record of this host: into the window, then applies what the window releases. */
  add(ev: ReplayEvent): void {
    const late = this.buffer.push(ev);
    if (late > 0) {
      this.#context.stats.late++;
      this.stats.late++;
      this.#problem(ev, 'late', 'late', `${late} ms older than a record already replayed (reorder window ${this.buffer.windowMs} ms): replayed now, out of UtcTime order`, undefined, false);
      this.#apply(ev);
      return;
    }
    if (ev.eventId === 1) {
      const list = this.#pendingCreates.get(ev.pid);
      if (list === undefined) this.#pendingCreates.set(ev.pid, [ev]);
      else list.push(ev);
    } else if (ev.wow64Load) {
      this.#pendingWow64.set(ev.pid, (this.#pendingWow64.get(ev.pid) ?? 0) + 1);
    }
    for (let next = this.buffer.next(); next !== undefined; next = this.buffer.next()) this.#release(next);
  }

  /** End of input: applies everything still in the window. */
  flush(): void {
    for (let next = this.buffer.drain(); next !== undefined; next = this.buffer.drain()) this.#release(next);
  }

  /** Records still in the window (counted as skipped 'stopped' when the replay stops early). */
  abandon(): number {
    let n = 0;
    for (let next = this.buffer.drain(); next !== undefined; next = this.buffer.drain()) if (!next.done) n++;
    return n;
  }

  /** End-of-replay reports of the drivers (inventory lists, …). */
  finish(): string[] {
    if (this.kernel.bugCheck) return [];
    return this.#finishers.flatMap((f) => f());
  }

  #release(ev: ReplayEvent): void {
    if (ev.eventId === 1) this.#unpend(ev);
    else if (ev.wow64Load) {
      const n = (this.#pendingWow64.get(ev.pid) ?? 1) - 1;
      if (n <= 0) this.#pendingWow64.delete(ev.pid);
      else this.#pendingWow64.set(ev.pid, n);
    }
    if (ev.done) return;
    this.#apply(ev);
  }

  #unpend(ev: ReplayEvent): void {
    const list = this.#pendingCreates.get(ev.pid);
    if (list === undefined) return;
    const at = list.indexOf(ev);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.#pendingCreates.delete(ev.pid);
  }

  // ---- applying one record -------------------------------------------------------------------

  #apply(ev: ReplayEvent): void {
    const outer = this.#current;
    this.#current = ev;
    this.#t0 ??= ev.utcMs;
    let skip: SkipReason | null = null;
    try {
      switch (ev.eventId) {
        case 1:
          skip = this.#create(ev);
          break;
        case 5:
          skip = this.#exit(ev);
          break;
        case 6:
          skip = this.#loadDriver(ev);
          break;
        case 7:
          skip = this.#loadImage(ev);
          break;
      }
    } catch (error) {
      if (!(error instanceof NtStatusError) || error instanceof BugCheck || error instanceof Deadlock) {
        // The replay stops: the record counts as not replayed (a --strict stop names its reason).
        this.#context.stats.countSkipped(error instanceof StrictStop ? (error.problem.code as SkipReason) : 'stopped');
        this.#current = outer;
        throw error;
      }
      skip = 'kernel-refused';
      this.#problem(ev, 'refused', 'kernel-refused', `the kernel refused event ${ev.eventId}: ${statusName(error.status)} — ${error.message}`, undefined, false);
    }
    if (skip === null) this.#context.stats.countReplayed(ev.eventId, this.stats);
    else this.#context.stats.countSkipped(skip);
    this.#current = outer;
  }

  #problem(ev: ReplayEvent, kind: ReplayProblem['kind'], code: string, message: string, field: string | undefined, badInput: boolean): void {
    const problem: ReplayProblem = { kind, code, file: ev.file, record: ev.record, host: this.name, eventId: ev.eventId, message: `${placeOf(ev)}: event ${ev.eventId} on ${this.name}: ${message}`, badInput };
    if (ev.member !== undefined) problem.member = ev.member;
    if (ev.line !== undefined) problem.line = ev.line;
    if (ev.offset !== undefined) problem.offset = ev.offset;
    if (field !== undefined) problem.field = field;
    this.#context.report(problem);
  }

  /**
   * Is the live process `state` the one `ev` is about? Its EXE decides: Sysmon gives a reused
   * process id the same ProcessGuid now and then, and event 1 and event 7 of one process may carry
   * different ones, so the GUID cannot.
   */
  #matches(state: ProcessState, ev: ReplayEvent): boolean {
    const image = ev.fields.Image;
    return image === undefined || image === state.image || this.#map(image).key === state.imageKey;
  }

  /** The buffered event 1 that creates the process `ev` (a load or an exit) belongs to, if any. */
  #pendingCreateFor(ev: ReplayEvent): ReplayEvent | null {
    const list = this.#pendingCreates.get(ev.pid);
    if (list === undefined) return null;
    const guid = ev.fields.ProcessGuid;
    const imageKey = this.#map(ev.fields.Image ?? '').key;
    for (const create of list) {
      if (create.done || this.#map(create.fields.Image ?? '').key !== imageKey) continue;
      if ((guid !== undefined && create.fields.ProcessGuid === guid) || Math.abs(create.utcMs - ev.utcMs) <= CREATE_AHEAD_MS) return create;
    }
    return null;
  }

  /** Applies a buffered event 1 now, ahead of its UtcTime (it is then skipped when its turn comes). */
  #createAhead(create: ReplayEvent): void {
    this.#unpend(create);
    create.done = true;
    this.#context.stats.notes.createdEarly++;
    this.#apply(create);
  }

  #endProcess(pid: number, state: ProcessState): void {
    this.#processes.delete(pid);
    if (state.process.state !== 'terminated') state.process.terminate();
    this.#ended.delete(pid);
    this.#ended.set(pid, { imageKey: state.imageKey, guids: state.guids, exitUtcMs: state.reopenedUntil ?? this.#current?.utcMs ?? 0 });
    if (this.#ended.size > ENDED_MEMORY) this.#ended.delete(this.#ended.keys().next().value!);
    this.#context.observer.onProcessExit?.(this.name, pid);
  }

  /** Is the process a WoW64 one? Its EXE under SysWOW64, SysWOW64 loads of it in the window, or its EXE known as 32-bit. */
  #isWow64(pid: number, exeKey: string, ev: ReplayEvent): boolean {
    if (isWow64Key(exeKey)) return true;
    if (ev.wow64Load || (this.#pendingWow64.get(pid) ?? 0) > 0) return true;
    return false;
  }

  /** Makes sure `path` is an EXE of `machine` (rewritten when it is not and nothing maps it). */
  #ensureExe(mapped: MappedPath, machine: number): void {
    const file = this.#files.get(mapped.key);
    if (file !== undefined && file.kind === 'exe' && file.machine === machine) return;
    try {
      this.#writeImage(mapped.path, mapped.key, 'exe', machine, undefined);
    } catch (error) {
      // Mapped (another process runs it): it stays as it is.
      if (!(error instanceof NtStatusError) || file === undefined) throw error;
    }
  }

  /** Creates the process of `ev` (its event 1, or its first record when the recording lacks the event 1). */
  #createProcess(ev: ReplayEvent, fromCreate: boolean): ProcessState {
    const pid = ev.pid;
    const old = this.#processes.get(pid);
    if (old !== undefined) {
      this.#context.stats.notes.pidReused++;
      this.#endProcess(pid, old);
    }
    const image = ev.fields.Image!;
    const exe = this.#map(image);
    const known = this.#files.get(exe.key);
    const wow64 = this.#isWow64(pid, exe.key, ev) || (!fromCreate && known?.kind === 'exe' && known.machine === IMAGE_FILE_MACHINE_I386);
    this.#ensureExe(exe, wow64 ? IMAGE_FILE_MACHINE_I386 : this.kernel.nativeMachine);
    const options: { pid: number; suspended: boolean; loader: boolean; parentPid?: number; commandLine?: string } = { pid, suspended: true, loader: false };
    if (fromCreate) {
      const parent = ev.fields.ParentProcessId;
      if (parent !== undefined && /^\d{1,10}$/.test(parent)) options.parentPid = Number(parent);
      if (ev.fields.CommandLine !== undefined) options.commandLine = ev.fields.CommandLine;
    }
    const process = this.kernel.createProcess(exe.path, options);
    if (process.wow64) this.#context.stats.notes.wow64Processes++;
    this.#ended.delete(pid);
    const state: ProcessState = { process, image, imageKey: exe.key, guids: ev.fields.ProcessGuid ? [ev.fields.ProcessGuid] : [], reported: 0, views: new Map() };
    this.#processes.set(pid, state);
    return state;
  }

  /** Event 1: the process, with the recorded id, image, parent and command line. */
  #create(ev: ReplayEvent): SkipReason | null {
    if (ev.pid <= 4) return 'system-process';
    this.#createProcess(ev, true);
    return null;
  }

  /**
   * The live process a load or an exit belongs to, created or replaced as the recording implies;
   * or the reason to skip the record (it contradicts the state, or ends a process never seen).
   */
  #processFor(ev: ReplayEvent): ProcessState | SkipReason {
    const live = this.#processes.get(ev.pid);
    if (live !== undefined && this.#matches(live, ev)) return live;
    const create = this.#pendingCreateFor(ev);
    if (create !== null) {
      this.#createAhead(create);
      const created = this.#processes.get(ev.pid);
      if (created !== undefined) return created;
    }
    if (live !== undefined) {
      // The id was reused and the old process's exit is missing: an exit ends whatever has the id,
      // a load starts the new process (the old one is ended first).
      return ev.eventId === 5 ? live : this.#createProcess(ev, false);
    }
    const ended = this.#ended.get(ev.pid);
    const guid = ev.fields.ProcessGuid;
    if (ended !== undefined && guid !== undefined && ended.guids.includes(guid) && this.#map(ev.fields.Image ?? '').key === ended.imageKey) {
      if (ev.eventId === 7 && ev.utcMs <= ended.exitUtcMs) {
        // A load recorded before the exit that came later than the window: the process is
        // re-created for it, and ends again right after.
        this.#context.stats.notes.reopened++;
        const state = this.#createProcess(ev, false);
        state.reopenedUntil = ended.exitUtcMs;
        for (const known of ended.guids) if (!state.guids.includes(known)) state.guids.push(known);
        return state;
      }
      const what = ev.eventId === 5 ? 'exit of' : 'image load in';
      this.#problem(ev, 'contradiction', 'process-ended', `${what} process ${ev.pid} (${guid}), which has already ended`, 'ProcessId', true);
      return 'process-ended';
    }
    if (ev.eventId === 5) return 'exit-of-unseen-process';
    // Not seen before: it was running when the recording began (or its event 1 is missing).
    this.#context.stats.notes.firstSeen++;
    return this.#createProcess(ev, false);
  }

  /** Event 5: the process ends. */
  #exit(ev: ReplayEvent): SkipReason | null {
    if (ev.pid <= 4) return 'system-process';
    const state = this.#processFor(ev);
    if (typeof state === 'string') return state;
    this.#endProcess(ev.pid, state);
    return null;
  }

  /** Event 7: the recorded image mapped into the process (the EXE and ntdll as its start reports). */
  #loadImage(ev: ReplayEvent): SkipReason | null {
    if (ev.pid <= 4) return 'system-process';
    const state = this.#processFor(ev);
    if (typeof state === 'string') return state;
    this.#mapInto(state, ev);
    if (state.reopenedUntil !== undefined) this.#endProcess(ev.pid, state);
    return null;
  }

  #mapInto(state: ProcessState, ev: ReplayEvent): void {
    const fields = ev.fields;
    const guid = fields.ProcessGuid;
    if (guid !== undefined && !state.guids.includes(guid) && state.guids.length < 4) state.guids.push(guid);
    if (fields.Image !== undefined) state.image = fields.Image;
    const loaded = fields.ImageLoaded!;
    const image = this.#map(loaded);
    const key = image.key;
    const process = state.process;
    if (!this.#files.has(key)) {
      const machine = isWow64Key(key) || (process.wow64 && !isSystem32Key(key)) ? IMAGE_FILE_MACHINE_I386 : this.kernel.nativeMachine;
      this.#writeImage(image.path, key, key.endsWith('.exe') ? 'exe' : 'dll', machine, labelOf(fields));
    }
    this.#setFacts(image, fields, loaded);
    const start = key === state.imageKey ? EXE : key === NTDLL_KEY ? NTDLL_REPORTED : key === NTDLL32_KEY && process.wow64 ? NTDLL32_REPORTED : 0;
    if (start !== 0 && (state.reported & start) === 0) {
      state.reported |= start;
      this.#startReport = true;
      try {
        process.reportStartImage(image.path);
      } finally {
        this.#startReport = false;
      }
      return;
    }
    const earlier = state.views.get(key);
    if (earlier !== undefined) {
      // Sysmon logs no unload: a second load of a mapped image means it was unloaded in between.
      state.views.delete(key);
      process.unmapView(earlier);
      this.#context.stats.notes.remapped++;
    }
    const { base } = process.mapImage(image.path);
    state.views.set(key, base);
  }

  /** Event 6: the recorded driver image loaded in System (a quiet model driver). */
  #loadDriver(ev: ReplayEvent): SkipReason | null {
    const loaded = ev.fields.ImageLoaded!;
    const image = this.#map(loaded);
    if (this.#modelDrivers.has(image.key)) {
      this.#problem(ev, 'refused', 'kernel-refused', `${loaded} is where the replay installed one of its own drivers`, 'ImageLoaded', false);
      return 'kernel-refused';
    }
    if (!this.#files.has(image.key)) this.#writeImage(image.path, image.key, 'driver', this.kernel.nativeMachine, labelOf(ev.fields));
    this.#setFacts(image, ev.fields, loaded);
    if (this.#drivers.has(image.key)) {
      // Loaded already: a recording that shows it loading again had it unloaded in between.
      this.#drivers.delete(image.key);
      const status = this.kernel.unloadDriver(image.path);
      if (!NT_SUCCESS(status)) throw this.kernel.lastError ?? new NtStatusError(status, `unloading ${loaded} failed`);
      this.#context.stats.notes.driverReloaded++;
    }
    const status = this.kernel.loadDriver(image.path);
    if (!NT_SUCCESS(status)) throw this.kernel.lastError ?? new NtStatusError(status, `loading ${loaded} failed`);
    this.#drivers.add(image.key);
    return null;
  }

  /** Live processes the replay tracks (for tests and reports). */
  get liveProcesses(): number {
    return this.#processes.size;
  }
}
