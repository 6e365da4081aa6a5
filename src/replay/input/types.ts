// The items that reading recordings yields: a normalized record, a record that could not be used,
// and an error that concerns a whole file (or zip member). Shared by every reader in this folder.

/** Where a record came from. `record` is 1-based and counts records (blank lines are not records). */
export interface RecordPlace {
  /** The input as given (a path, or `-` for standard input). */
  file: string;
  /** For a zip archive: the member's name; record numbers then count within that member. */
  member?: string;
  /** 1-based index of the record in its file, or in its zip member when `member` is set. */
  record: number;
  /** JSON text: the 1-based line on which the record starts (of the decompressed text). */
  line?: number;
  /** EVTX: the byte offset of the event record in the (decompressed) .evtx data. */
  offset?: number;
}

/** Which of the known layouts a record had (docs/replay-input.md, "Normalization"). */
export type RecordShape =
  /** Fields at the top level, as OTRF and NXLog write them (`EventID`, `Hostname`, `Channel`, …). */
  | 'flat'
  /** Winlogbeat / Elastic: `winlog.event_id`, `winlog.event_data`, `host.name`. */
  | 'winlogbeat'
  /** A Windows event object: `Event.System` + `Event.EventData` (EVTX, or EVTX converted to JSON). */
  | 'event';

export interface ReplayRecord extends RecordPlace {
  kind: 'record';
  shape: RecordShape;
  /** The computer the event was logged on, exactly as recorded; null when the record names none. */
  host: string | null;
  /** `host` case-folded, for grouping (`WORKSTATION5` and `workstation5` are one host). */
  hostKey: string | null;
  /** The event log channel as recorded (`Microsoft-Windows-Sysmon/Operational`, `security`, …). */
  channel: string | null;
  /** The event provider (`Microsoft-Windows-Sysmon`, …) when the record names it. */
  provider: string | null;
  eventId: number;
  /**
   * The event's own time: Sysmon's `UtcTime` field when present (`2023-08-16 04:53:48.177`), else
   * the log's creation time as recorded. Collectors' creation times can be far from `UtcTime`.
   */
  utcTime: string | null;
  /** The event's data fields, each value a string as the recording shows it. */
  fields: Record<string, string>;
  /** The record as read (parsed JSON, or the object built from EVTX). */
  raw: unknown;
}

/** Why a record was not usable. Every bad record has exactly one code. */
export type BadCode =
  /** Not parseable as JSON (truncated line, garbage, unterminated string, …). */
  | 'invalid-json'
  /** Valid JSON, but not an object (a number, a string, an array inside an array, null). */
  | 'not-object'
  /** The record lacks a field it needs (`field` names it). */
  | 'missing-field'
  /** A field is present but unusable (an EventID that is not an integer, …). */
  | 'invalid-field'
  /** The record is larger than `limits.maxRecordBytes`. */
  | 'too-large'
  /** An EVTX event record that could not be decoded (bad signature, size or Binary XML). */
  | 'evtx-record';

export interface BadRecord extends RecordPlace {
  kind: 'bad';
  code: BadCode;
  /** What was wrong, in words, naming the field when there is one. */
  reason: string;
  field?: string;
  /** The event id, when the record got far enough to have one (a Sysmon record missing a field). */
  eventId?: number;
  /** The first characters of the offending text, when there is text. */
  excerpt?: string;
}

/** Why a whole file (or zip member) could not be read, or stopped being read. */
export type FileErrorCode =
  | 'not-found'
  | 'unreadable'
  /** A directory, device, socket, or a FIFO without `allowPipes`. */
  | 'not-regular'
  /** Standard input was asked for twice, or is not available. */
  | 'stdin'
  /** Not a format this reader knows (or a zip that is not on a seekable file). */
  | 'unsupported'
  | 'corrupt-gzip'
  | 'corrupt-zip'
  | 'corrupt-evtx'
  /** An encrypted zip member: refused. */
  | 'encrypted'
  /** A size or ratio cap was reached (zip bomb guard, directory size, nesting). */
  | 'too-large';

export interface FileError {
  kind: 'file-error';
  file: string;
  member?: string;
  code: FileErrorCode;
  message: string;
  /** True when reading of this file/member stopped here; false for a damaged part that was skipped. */
  stopped: boolean;
  /** Records of this file/member already yielded before the error. */
  recordsBefore: number;
}

export type ReplayItem = ReplayRecord | BadRecord | FileError;

/**
 * A good record that the caller's `select` turned down (readRecordBatches): it passed every check a
 * ReplayRecord passes, but its fields were not built. Carries what a caller needs to account for it.
 */
export interface SkippedRecord extends RecordPlace {
  kind: 'skipped';
  eventId: number;
  /** isSysmon(channel, provider). */
  sysmon: boolean;
}

/** What readRecordBatches yields: ReplayItems, plus SkippedRecords when a `select` is given. */
export type ReadItem = ReplayItem | SkippedRecord;

/** Caps that bound memory and time on hostile input (docs/replay-input.md, "Limits"). */
export interface ReadLimits {
  /** Largest JSON record (one line, or one object) in bytes. Default 16 MiB. */
  maxRecordBytes: number;
  /** Largest decompressed size of one gzip stream or zip member. Default 4 GiB. */
  maxInflatedBytes: number;
  /** Largest decompressed : compressed ratio, checked once `inflateRatioGrace` bytes are out. Default 250. */
  maxInflateRatio: number;
  /** Output allowed before the ratio is checked. Default 16 MiB. */
  inflateRatioGrace: number;
  /** Most entries in a zip central directory. Default 65,536. */
  maxZipEntries: number;
  /** Largest zip central directory in bytes. Default 16 MiB. */
  maxZipDirectoryBytes: number;
  /** Deepest nesting of compressed containers (gzip inside gzip, gzip inside zip). Default 3. */
  maxContainerDepth: number;
  /** EVTX: deepest element nesting, and deepest template-in-substitution nesting. Defaults 64 and 8. */
  maxEvtxElementDepth: number;
  maxEvtxTemplateDepth: number;
  /** EVTX: most XML nodes and characters one event may expand to. Defaults 100,000 and 16 Mi. */
  maxEvtxNodes: number;
  maxEvtxChars: number;
}

export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxRecordBytes: 16 * 1024 * 1024,
  maxInflatedBytes: 4 * 1024 * 1024 * 1024,
  maxInflateRatio: 250,
  inflateRatioGrace: 16 * 1024 * 1024,
  maxZipEntries: 65536,
  maxZipDirectoryBytes: 16 * 1024 * 1024,
  maxContainerDepth: 3,
  maxEvtxElementDepth: 64,
  maxEvtxTemplateDepth: 8,
  maxEvtxNodes: 100_000,
  maxEvtxChars: 16 * 1024 * 1024,
});

/** What a format reader yields before normalization: a parsed value, or a located failure. */
export type RawItem =
  | { kind: 'value'; value: unknown; record: number; line?: number; offset?: number }
  | { kind: 'bad'; record: number; line?: number; offset?: number; code: BadCode; reason: string; excerpt?: string }
  | { kind: 'file-error'; code: FileErrorCode; message: string; stopped: boolean };
