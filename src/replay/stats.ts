// The accounting of a replay (API.md, `--stats`): every record read is counted exactly once, as
// replayed or as skipped with one reason, so records = replayed + the sum of skipped.

/** Why a record was not replayed. Stable names: `--stats` and the summary line use them. */
export type SkipReason =
  /** Not a Sysmon record (Security, PowerShell, Application, …). */
  | 'not-sysmon'
  /** A Sysmon event other than 1, 5, 6, 7: `sysmon-event-<id>`. */
  | `sysmon-event-${number}`
  /** A record the reader could not use (docs/replay-input.md): its BadCode. */
  | 'invalid-json'
  | 'not-object'
  | 'missing-field'
  | 'invalid-field'
  | 'too-large'
  | 'evtx-record'
  /** `--hosts` does not take its host. */
  | 'host-filtered'
  /** `--shard` gives its host to another process. */
  | 'other-shard'
  /** An image load or exit in a process that has already ended (contradicts the state). */
  | 'process-ended'
  /** Event 5 of a process the replay never saw (it ended before anything else of it was recorded). */
  | 'exit-of-unseen-process'
  /** Events of the System process (pid 4) or pid 0, which user-mode replay does not drive. */
  | 'system-process'
  /** The kernel refused the operation (its NTSTATUS is reported with the record). */
  | 'kernel-refused'
  /** Read, but the replay stopped (a bug check, or --strict at a bad record) before or while replaying it. */
  | 'stopped';

/** Things the replay did to follow a real recording, counted (docs/replay.md, "Quirks"). */
export interface ReplayNotes {
  /** Processes created at their first record because their event 1 was not in the input. */
  firstSeen: number;
  /** A process id reused while the replay still had a process of it (its event 5 missing): the old one was ended. */
  pidReused: number;
  /** Event 1 applied ahead of its UtcTime, because an image load or exit of its process came first. */
  createdEarly: number;
  /** A second event 7 of an image already mapped in the process: the earlier view was unmapped first. */
  remapped: number;
  /** A repeated event 6 of a loaded driver: it was unloaded first. */
  driverReloaded: number;
  /** Processes created as WoW64 (32-bit) processes. */
  wow64Processes: number;
  /** A late load (recorded before its process's exit, read after it): the process was re-created for it. */
  reopened: number;
}

export interface HostStats {
  host: string;
  replayed: number;
  byEventId: Record<string, number>;
  late: number;
}

/** What `--stats` writes. */
export interface ReplayStatsJson {
  records: number;
  replayed: number;
  byEventId: Record<string, number>;
  skipped: Record<string, number>;
  hosts: number;
  /** Records replayed out of UtcTime order because they came later than the reorder window. */
  late: number;
  /** Files or zip members that could not be read (or not to the end); they hold no records. */
  fileErrors: number;
  /** Problems reported with their place (bad records, contradictions, kernel refusals). */
  problems: number;
  reorderWindowMs: number;
  notes: ReplayNotes;
  perHost: HostStats[];
}

export class ReplayStats {
  records = 0;
  replayed = 0;
  late = 0;
  fileErrors = 0;
  problems = 0;
  readonly byEventId = new Map<number, number>();
  readonly skipped = new Map<string, number>();
  readonly notes: ReplayNotes = { firstSeen: 0, pidReused: 0, createdEarly: 0, remapped: 0, driverReloaded: 0, wow64Processes: 0, reopened: 0 };
  readonly #hosts = new Map<string, HostStats>();
  readonly reorderWindowMs: number;

  constructor(reorderWindowMs: number) {
    this.reorderWindowMs = reorderWindowMs;
  }

  host(name: string, key: string): HostStats {
    let entry = this.#hosts.get(key);
    if (entry === undefined) this.#hosts.set(key, (entry = { host: name, replayed: 0, byEventId: {}, late: 0 }));
    return entry;
  }

  get hosts(): number {
    return this.#hosts.size;
  }

  /** One record replayed (on `host`). */
  countReplayed(eventId: number, host: HostStats): void {
    this.records++;
    this.replayed++;
    this.byEventId.set(eventId, (this.byEventId.get(eventId) ?? 0) + 1);
    host.replayed++;
    host.byEventId[eventId] = (host.byEventId[eventId] ?? 0) + 1;
  }

  /** One record skipped, for `reason`. */
  countSkipped(reason: SkipReason): void {
    this.records++;
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  get skippedTotal(): number {
    let total = 0;
    for (const n of this.skipped.values()) total += n;
    return total;
  }

  toJSON(): ReplayStatsJson {
    const sortedNumeric = (map: Map<number, number>) => Object.fromEntries([...map].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
    return {
      records: this.records,
      replayed: this.replayed,
      byEventId: sortedNumeric(this.byEventId),
      skipped: Object.fromEntries([...this.skipped].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
      hosts: this.hosts,
      late: this.late,
      fileErrors: this.fileErrors,
      problems: this.problems,
      reorderWindowMs: this.reorderWindowMs,
      notes: { ...this.notes },
      perHost: [...this.#hosts.values()].map((h) => ({ ...h, byEventId: { ...h.byEventId } })),
    };
  }

  /** The one-line summary printed at the end. */
  summary(seconds: number): string {
    const by = [...this.byEventId].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`).join(', ');
    const skipped = [...this.skipped].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    const rate = seconds > 0 ? `, ${Math.round(this.records / seconds)} records/s` : '';
    return `psnotify replay: ${this.records} records, ${this.replayed} replayed${by ? ` (event ${by})` : ''}, ${this.skippedTotal} skipped${skipped ? ` (${skipped})` : ''}; ${this.hosts} host${this.hosts === 1 ? '' : 's'}, ${this.late} late, ${this.problems} problem${this.problems === 1 ? '' : 's'}; ${seconds.toFixed(1)} s${rate}`;
  }
}
