// JSON lines: one record per line, split on LF (a CR before it is dropped), blank lines skipped and not
// counted. A line over the record cap is reported once and skipped up to its end, never buffered whole.
import type { Chunks } from './bytes.js';
import type { RawItem } from './types.js';

const EXCERPT = 120;

export function excerptOf(text: string): string {
  return text.length <= EXCERPT ? text : `${text.slice(0, EXCERPT)}…`;
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

export async function* readJsonLines(chunks: Chunks, maxRecordBytes: number): AsyncGenerator<RawItem> {
  let record = 0;
  let line = 0;
  let pending: Buffer[] = [];
  let pendingSize = 0;
  /** Inside a line that already went over the cap: drop bytes up to the next LF. */
  let skipping = false;
  let first = true;

  function* handle(buf: Buffer, lineNo: number): Generator<RawItem> {
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    if (end > maxRecordBytes) {
      record++;
      yield { kind: 'bad', record, line: lineNo, code: 'too-large', reason: `line is longer than the ${maxRecordBytes}-byte record cap` };
      return;
    }
    const text = buf.toString('utf8', 0, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (isBlank(text)) return;
      record++;
      yield { kind: 'bad', record, line: lineNo, code: 'invalid-json', reason: `invalid JSON: ${(error as Error).message}`, excerpt: excerptOf(text) };
      return;
    }
    if (Array.isArray(value)) {
      // A line holding an array of records: each element is a record of its own.
      for (const element of value) yield { kind: 'value', value: element, record: ++record, line: lineNo };
      return;
    }
    yield { kind: 'value', value, record: ++record, line: lineNo };
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
        yield* handle(joined, line);
      } else {
        yield* handle(chunk.subarray(start, newline), line);
      }
      start = newline + 1;
    }
    if (skipping || start >= chunk.length) continue;
    const rest = chunk.subarray(start);
    if (pendingSize + rest.length > maxRecordBytes + 1) {
      // Over the cap with no line end in sight: report now, then skip to the next LF.
      record++;
      yield { kind: 'bad', record, line: line + 1, code: 'too-large', reason: `line is longer than the ${maxRecordBytes}-byte record cap` };
      pending = [];
      pendingSize = 0;
      skipping = true;
      continue;
    }
    // Copy: the chunk may be large, and only its tail is needed.
    pending.push(Buffer.from(rest));
    pendingSize += rest.length;
  }
  if (!skipping && pendingSize > 0) {
    line++;
    yield* handle(Buffer.concat(pending, pendingSize), line);
  }
}
