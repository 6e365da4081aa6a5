// readRecords: inputs (paths, or `-` for standard input) → a stream of normalized records, bad records
// and file errors, in input order; per input: open safely, detect the format by its first bytes, unwrap
// gzip/zip, read JSON or EVTX records, normalize each, count each, and in strict mode throw at the first
// problem. Memory stays bounded by one read chunk's records (plus one EVTX chunk / the zip directory).
// Inside, items travel in batches (one per input chunk): readRecordBatches hands them out so, with an
// optional `select` that leaves the records a caller will not use unbuilt; readRecords one by one.
import { stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { peek, type Chunks } from './bytes.js';
import { DETECT_BYTES, detectFormat, stripGz } from './detect.js';
import { FormatError, ReplayInputError } from './errors.js';
import { readEvtx } from './evtx/reader.js';
import { inflate } from './inflate.js';
import { readJsonLines, type Convert } from './json-lines.js';
import { readJsonStream } from './json-stream.js';
import { normalizeRecord, type NormalizeOptions } from './normalize.js';
import { normalizeSelected, type RecordSelector } from './select.js';
import { openInput, READ_CHUNK } from './open.js';
import type { ReadTally } from './tally.js';
import { DEFAULT_LIMITS, type FileError, type FileErrorCode, type RawItem, type ReadItem, type ReadLimits, type RecordPlace, type ReplayItem } from './types.js';
import { isDirectoryEntry, memberRefusal, readZipDirectory, zipMemberChunks } from './zip.js';

export interface ReadOptions {
  /** What `-` reads; process.stdin when not given. Standard input can be read once. */
  stdin?: Readable;
  /** Throw a ReplayInputError at the first bad record or file error instead of yielding it. */
  strict?: boolean;
  /** Read FIFOs (named pipes, `/dev/fd/N` of a shell's `<(…)`) given as paths. Off by default. */
  allowPipes?: boolean;
  /**
   * Called as input bytes are read (compressed bytes for .gz/.zip). `totalBytes` is the sum of the
   * regular files' sizes, or null when standard input or a pipe is among the inputs.
   */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /** Counts every item yielded (pass one in to read the totals afterwards). */
  tally?: ReadTally;
  limits?: Partial<ReadLimits>;
  /** Report Sysmon records lacking REQUIRED_SYSMON_FIELDS as bad (default true). */
  requireSysmonFields?: boolean;
}

export interface BatchOptions extends ReadOptions {
  /**
   * Which good records to build (readRecordBatches only): one `select` turns down comes out as a
   * SkippedRecord, checked as strictly as any (a bad record is still a BadRecord) but its fields not
   * built. Default: every record is built.
   */
  select?: RecordSelector;
  /**
   * With `select`: the fields the caller reads. A kept record's `fields` may then hold only these
   * (and the required Sysmon fields), each as it would be. Default: every field.
   */
  fieldNames?: readonly string[];
}

interface Normalize {
  options: NormalizeOptions;
  select: RecordSelector | undefined;
  fieldNames: readonly string[] | undefined;
}

interface Source {
  file: string;
  member?: string;
  /** The name formats are guessed from when magic bytes do not decide (JSON text). */
  name: string;
  depth: number;
}

class Progress {
  readonly #callback: ReadOptions['onProgress'];
  readonly #total: number | null;
  #read = 0;
  constructor(callback: ReadOptions['onProgress'], total: number | null) {
    this.#callback = callback;
    this.#total = total;
  }
  add(n: number): void {
    this.#read += n;
    this.#callback?.(this.#read, this.#total);
  }
}

async function* counted(stream: AsyncIterable<Buffer | string>, progress: Progress): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    progress.add(buf.length);
    yield buf;
  }
}

async function* transcode(chunks: Chunks, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield Buffer.from(tail, 'utf8');
}

function fileError(source: Source, code: FileErrorCode, message: string, stopped: boolean, recordsBefore: number): FileError {
  const out: FileError = { kind: 'file-error', file: source.file, code, message, stopped, recordsBefore };
  if (source.member !== undefined) out.member = source.member;
  return out;
}

function errorOf(error: unknown): { code: FileErrorCode; message: string } {
  if (error instanceof FormatError) return { code: error.code, message: error.message };
  const errno = (error as NodeJS.ErrnoException).code;
  if (errno === 'ENOENT') return { code: 'not-found', message: (error as Error).message };
  return { code: 'unreadable', message: (error as Error).message ?? String(error) };
}

function firstBytes(head: Buffer): string {
  return JSON.stringify(head.subarray(0, 16).toString('latin1'));
}

/** The items of one byte stream, by its detected format, each through `convert`, in batches. */
async function* items(chunks: Chunks, source: Source, limits: ReadLimits, convert: Convert<ReadItem>): AsyncGenerator<ReadItem[]> {
  const { head, rest } = await peek(chunks, DETECT_BYTES);
  const format = detectFormat(head, source.name);
  switch (format) {
    case 'gzip':
      if (source.depth >= limits.maxContainerDepth) throw new FormatError('too-large', `compressed containers nested deeper than ${limits.maxContainerDepth} (limits.maxContainerDepth)`);
      source.depth++;
      source.name = stripGz(source.name);
      yield* items(
        inflate(rest, 'gzip', {
          maxBytes: limits.maxInflatedBytes,
          maxRatio: limits.maxInflateRatio,
          ratioGrace: limits.inflateRatioGrace,
          corrupt: 'corrupt-gzip',
          what: 'gzip stream',
        }),
        source,
        limits,
        convert,
      );
      return;
    case 'zip':
      throw new FormatError('unsupported', 'a zip archive inside a stream (standard input, a pipe, gzip data or a zip member) cannot be read: it needs a seekable file');
    case 'evtx':
      for await (const item of readEvtx(rest, limits)) yield [convert(item)];
      return;
    case 'utf16le':
    case 'utf16be':
      yield* items(transcode(rest, format === 'utf16le' ? 'utf-16le' : 'utf-16be'), source, limits, convert);
      return;
    case 'json-lines':
      yield* readJsonLines(rest, limits.maxRecordBytes, convert);
      return;
    case 'json-stream':
      yield* readJsonStream(rest, limits.maxRecordBytes, convert);
      return;
    case 'empty':
      for await (const chunk of rest) void chunk; // only white space: surfaces a read error held back
      return;
    case 'unknown':
      throw new FormatError('unsupported', `not JSON, JSON lines, gzip, zip or EVTX (starts with ${firstBytes(head)})`);
  }
}

/** Normalized items of one byte stream, in batches; a failure of the stream ends it with a located file error. */
async function* readStream(chunks: Chunks, source: Source, limits: ReadLimits, normalize: Normalize): AsyncGenerator<ReadItem[]> {
  let records = 0;
  const { options, select, fieldNames } = normalize;
  /** A raw item, placed and normalized, as soon as the format reader has it. */
  const convert = (raw: RawItem): ReadItem => {
    if (raw.kind === 'file-error') return fileError(source, raw.code, raw.message, raw.stopped, records);
    records++;
    const place: RecordPlace = { file: source.file, record: raw.record };
    if (source.member !== undefined) place.member = source.member;
    if (raw.line !== undefined) place.line = raw.line;
    if (raw.offset !== undefined) place.offset = raw.offset;
    if (raw.kind === 'value') return select === undefined ? normalizeRecord(raw.value, place, options) : normalizeSelected(raw.value, place, options, select, fieldNames);
    const bad: ReplayItem = { kind: 'bad', ...place, code: raw.code, reason: raw.reason };
    if (raw.excerpt !== undefined) bad.excerpt = raw.excerpt;
    return bad;
  };
  try {
    yield* items(chunks, source, limits, convert);
  } catch (error) {
    const { code, message } = errorOf(error);
    yield [fileError(source, code, message, true, records)];
  }
}

async function* readZip(file: string, handle: FileHandle, size: number, limits: ReadLimits, normalize: Normalize, progress: Progress): AsyncGenerator<ReadItem[]> {
  const archive: Source = { file, name: basename(file), depth: 1 };
  let entries;
  try {
    entries = await readZipDirectory(handle, size, limits);
  } catch (error) {
    const { code, message } = errorOf(error);
    yield [fileError(archive, code, message, true, 0)];
    return;
  }
  for (const entry of entries) {
    if (isDirectoryEntry(entry)) continue;
    const member: Source = { file, member: entry.name, name: entry.name, depth: 1 };
    const refusal = memberRefusal(entry, limits);
    if (refusal !== null) {
      yield [fileError(member, refusal.code, refusal.message, true, 0)];
      continue;
    }
    yield* readStream(zipMemberChunks(handle, entry, limits, (n) => progress.add(n)), member, limits, normalize);
  }
}

/** One input path (or `-`). */
async function* readInput(input: string, options: BatchOptions, limits: ReadLimits, progress: Progress, stdinState: { used: boolean }): AsyncGenerator<ReadItem[]> {
  const source: Source = { file: input, name: basename(input), depth: 0 };
  const normalize: Normalize = { options: { requireSysmonFields: options.requireSysmonFields !== false }, select: options.select, fieldNames: options.fieldNames };
  if (input === '-') {
    if (stdinState.used) {
      yield [fileError(source, 'stdin', 'standard input was already read (give - once)', true, 0)];
      return;
    }
    stdinState.used = true;
    yield* readStream(counted(options.stdin ?? process.stdin, progress), source, limits, normalize);
    return;
  }
  const opened = await openInput(input, options.allowPipes === true);
  if (opened.kind === 'error') {
    yield [fileError(source, opened.code, opened.message, true, 0)];
    return;
  }
  if (opened.kind === 'pipe') {
    yield* readStream(counted(opened.stream, progress), source, limits, normalize);
    return;
  }
  const { handle, size } = opened;
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead === 4 && detectFormat(magic, source.name) === 'zip') {
      yield* readZip(input, handle, size, limits, normalize, progress);
      return;
    }
    const stream = handle.createReadStream({ start: 0, highWaterMark: READ_CHUNK, autoClose: false });
    try {
      yield* readStream(counted(stream, progress), source, limits, normalize);
    } finally {
      stream.destroy();
    }
  } finally {
    await handle.close();
  }
}

async function totalSize(inputs: string[]): Promise<number | null> {
  let total = 0;
  for (const input of inputs) {
    if (input === '-') return null;
    try {
      const stats = await stat(input);
      if (stats.isFIFO()) return null;
      if (stats.isFile()) total += stats.size;
    } catch {
      // A missing file is reported when its turn comes.
    }
  }
  return total;
}

/** Every input's items in batches, in input order; neither counted nor checked for --strict. */
async function* batches(inputs: string[], options: BatchOptions): AsyncGenerator<ReadItem[]> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const progress = new Progress(options.onProgress, options.onProgress === undefined ? null : await totalSize(inputs));
  const stdinState = { used: false };
  for (const input of inputs) {
    for await (const batch of readInput(input, options, limits, progress, stdinState)) if (batch.length > 0) yield batch;
  }
}

/**
 * readRecords in batches (one per input chunk, in input order; never empty), for a caller that pays
 * per await: per record a ReplayRecord or a BadRecord, or — a good record `options.select` turns
 * down — a SkippedRecord; FileErrors as they come. With `strict`, the first BadRecord or FileError is
 * thrown as a ReplayInputError, after a batch of the items before it. `options.tally` counts each
 * batch as it is yielded.
 */
export async function* readRecordBatches(inputs: string[], options: BatchOptions = {}): AsyncGenerator<ReadItem[]> {
  const tally = options.tally;
  const strict = options.strict === true;
  for await (const batch of batches(inputs, options)) {
    if (strict) {
      const at = batch.findIndex((item) => item.kind !== 'record' && item.kind !== 'skipped');
      if (at >= 0) {
        const before = batch.slice(0, at);
        if (before.length > 0) {
          if (tally !== undefined) for (const item of before) tally.count(item);
          yield before;
        }
        tally?.count(batch[at]!);
        throw new ReplayInputError(batch[at] as Exclude<ReadItem, { kind: 'record' | 'skipped' }>);
      }
    }
    if (tally !== undefined) for (const item of batch) tally.count(item);
    yield batch;
  }
}

/**
 * Reads every input in order and yields, per record, a ReplayRecord or a BadRecord (located by file,
 * zip member, record number, and line or EVTX offset), plus a FileError for a file or member that
 * cannot be read (or stops being readable). With `strict`, the first BadRecord or FileError is thrown
 * as a ReplayInputError instead. Every yielded item is counted in `options.tally` when given.
 */
export async function* readRecords(inputs: string[], options: ReadOptions = {}): AsyncGenerator<ReplayItem> {
  const tally = options.tally;
  const strict = options.strict === true;
  // No `select`: every good record is built, so the batches hold ReplayItems only.
  const plain: BatchOptions = { ...options, select: undefined, fieldNames: undefined };
  for await (const batch of batches(inputs, plain)) {
    for (const item of batch as ReplayItem[]) {
      tally?.count(item);
      if (strict && item.kind !== 'record') throw new ReplayInputError(item);
      yield item;
    }
  }
}
