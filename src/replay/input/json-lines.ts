// JSON lines: one record per line, split on LF (a CR before it is dropped), blank lines skipped and not
// counted. A line over the record cap is reported once and skipped up to its end, never buffered whole.
// Items come out in batches, one per input chunk (a few hundred records), so the layers above pay one
// await per chunk rather than per record; each goes through `convert` as soon as it is parsed (the
// caller's normalization), so a batch holds the converted items, not the parsed values.
import type { Chunks } from './bytes.js';
import type { RawItem } from './types.js';

/** What a format reader does with each item it reads (readStream: place and normalize it). */
export type Convert<T> = (item: RawItem) => T;

const EXCERPT = 120;

export function excerptOf(text: string): string {
  return text.length <= EXCERPT ? text : `${text.slice(0, EXCERPT)}…`;
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

export async function* readJsonLines<T>(chunks: Chunks, maxRecordBytes: number, convert: Convert<T>): AsyncGenerator<T[]> {
  let record = 0;
  let line = 0;
  let pending: Buffer[] = [];
  let pendingSize = 0;
  /** Inside a line that already went over the cap: drop bytes up to the next LF. */
  let skipping = false;
  let first = true;
  let out: T[] = [];
  const emit = (item: RawItem): void => {
    out.push(convert(item));
  };

  /** The line `buf[start, end)` (its LF excluded) → out. */
  function handle(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (end - start > maxRecordBytes) {
      record++;
      emit({ kind: 'bad', record, line: lineNo, code: 'too-large', reason: `line is longer than the ${maxRecordBytes}-byte record cap` });
      return;
    }
    const text = buf.toString('utf8', start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (isBlank(text)) return;
      record++;
      emit({ kind: 'bad', record, line: lineNo, code: 'invalid-json', reason: `invalid JSON: ${(error as Error).message}`, excerpt: excerptOf(text) });
      return;
    }
    if (Array.isArray(value)) {
      // A line holding an array of records: each element is a record of its own.
      for (const element of value) emit({ kind: 'value', value: element, record: ++record, line: lineNo });
      return;
    }
    emit({ kind: 'value', value, record: ++record, line: lineNo });
  }

  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline < 0) break;
      line++;
      if (skipping) {
        skipping = false;
      } else if (pendingSize > 0) {
        pending.push(chunk.subarray(start, newline));
        const joined = Buffer.concat(pending, pendingSize + newline - start);
        pending = [];
        pendingSize = 0;
        handle(joined, 0, joined.length, line);
      } else {
        handle(chunk, start, newline, line);
      }
      start = newline + 1;
    }
    if (!skipping && start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingSize + rest.length > maxRecordBytes + 1) {
        // Over the cap with no line end in sight: report now, then skip to the next LF.
        record++;
        emit({ kind: 'bad', record, line: line + 1, code: 'too-large', reason: `line is longer than the ${maxRecordBytes}-byte record cap` });
        pending = [];
        pendingSize = 0;
        skipping = true;
      } else {
        // Copy: the chunk may be large, and only its tail is needed.
        pending.push(Buffer.from(rest));
        pendingSize += rest.length;
      }
    }
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  if (!skipping && pendingSize > 0) {
    line++;
    const joined = Buffer.concat(pending, pendingSize);
    handle(joined, 0, joined.length, line);
  }
  if (out.length > 0) yield out;
}
