// Reading real Sysmon / Windows event recordings for replay and detection: files (JSON lines,
// concatenated or array JSON, .gz, .zip, .evtx, or standard input) → normalized records, with located
// bad records and file errors and exact accounting. See docs/replay-input.md.
export { readRecordBatches, readRecords, type BatchOptions, type ReadOptions } from './read.js';
export { normalizeRecord, type NormalizeOptions } from './normalize.js';
export { normalizeSelected, type RecordSelector } from './select.js';
export { fillMessageFields, messageHasField, parseMessageFields } from './message.js';
export { ReadTally, type SourceTally } from './tally.js';
export { ReplayInputError } from './errors.js';
export { REQUIRED_SYSMON_FIELDS, SYSMON_CHANNEL, SYSMON_PROVIDER, isSysmon } from './sysmon.js';
export {
  DEFAULT_LIMITS,
  type BadCode,
  type BadRecord,
  type FileError,
  type FileErrorCode,
  type ReadLimits,
  type RecordPlace,
  type ReadItem,
  type RecordShape,
  type ReplayItem,
  type ReplayRecord,
  type SkippedRecord,
} from './types.js';
