// ReplayInputError: what `strict` reading throws at the first bad record or file error, located.
import type { BadRecord, FileError } from './types.js';

export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
  readonly file: string;
  readonly member: string | undefined;
  /** The 1-based record number, or for a file error the number of records read before it. */
  readonly record: number;
  readonly field: string | undefined;
  /** A `BadCode` for a bad record, a `FileErrorCode` for a file error. */
  readonly code: string;

  constructor(item: BadRecord | FileError) {
    const where = item.member === undefined ? item.file : `${item.file} [${item.member}]`;
    const line = item.kind === 'bad' && item.line !== undefined ? ` (line ${item.line})` : '';
    super(item.kind === 'bad' ? `${where}: record ${item.record}${line}: ${item.reason}` : `${where}: ${item.code}: ${item.message}`);
    this.record = item.kind === 'bad' ? item.record : item.recordsBefore;
    this.field = item.kind === 'bad' ? item.field : undefined;
    this.file = item.file;
    this.member = item.member;
    this.code = item.code;
  }
}

/** Internal: a located failure inside a format reader, turned into a FileError by the caller. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly code: FileError['code'];
  constructor(code: FileError['code'], message: string) {
    super(message);
    this.code = code;
  }
}
