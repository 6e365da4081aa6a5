// Concatenated JSON: top-level values one after another (pretty-printed over many lines or not),
// optionally inside top-level arrays whose elements are then the records. A byte scanner finds where
// each value ends (string/escape/nesting state); only the current value is buffered, up to the cap.
// A raw line break inside a string is not JSON: the value is reported and scanning resumes there.
// Items come out in batches, one per input chunk, each through the caller's `convert` (json-lines.ts).
import type { Chunks } from './bytes.js';
import { excerptOf, type Convert } from './json-lines.js';
import type { RawItem } from './types.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Ends a bare primitive (number, true, false, null, or garbage). */
function isDelimiter(b: number): boolean {
  return isSpace(b) || b === 0x2c || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d || b === QUOTE;
}

export async function* readJsonStream<T>(chunks: Chunks, maxRecordBytes: number, convert: Convert<T>): AsyncGenerator<T[]> {
  let record = 0;
  let newlines = 0;
  // Between values, or inside one:
  let inValue = false;
  let depth = 0;
  let inString = false;
  let escape = false;
  let primitive = false;
  let inArray = false;
  // The current value: its first line, the bytes collected so far, and whether it went over the cap.
  let startLine = 0;
  let parts: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let first = true;
  let out: T[] = [];
  const emit = (item: RawItem): void => {
    out.push(convert(item));
  };

  function finish(chunk: Buffer, from: number, to: number): Exclude<RawItem, { kind: 'file-error' }> {
    record++;
    inValue = false;
    primitive = false;
    if (tooLarge || size + (to - from) > maxRecordBytes) {
      tooLarge = false;
      parts = [];
      size = 0;
      return { kind: 'bad', record, line: startLine, code: 'too-large', reason: `JSON value is larger than the ${maxRecordBytes}-byte record cap` };
    }
    parts.push(chunk.subarray(from, to));
    const text = Buffer.concat(parts, size + to - from).toString('utf8');
    parts = [];
    size = 0;
    try {
      return { kind: 'value', value: JSON.parse(text), record, line: startLine };
    } catch (error) {
      return { kind: 'bad', record, line: startLine, code: 'invalid-json', reason: `invalid JSON: ${(error as Error).message}`, excerpt: excerptOf(text) };
    }
  }

  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let from = 0;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!;
      if (inValue) {
        if (inString) {
          if (escape) escape = false;
          else if (b === BACKSLASH) escape = true;
          else if (b === QUOTE) {
            inString = false;
            if (depth === 0) emit(finish(chunk, from, i + 1));
          } else if (b === LF) {
            // JSON strings hold no raw line break: the value is broken; resume after this line.
            newlines++;
            inString = false;
            escape = false;
            depth = 0;
            const item = finish(chunk, from, i);
            emit(
              item.kind === 'bad' && item.code === 'too-large'
                ? item
                : { kind: 'bad', record: item.record, line: startLine, code: 'invalid-json', reason: 'invalid JSON: line break inside a string (truncated value?)', excerpt: item.kind === 'bad' ? item.excerpt : undefined },
            );
          }
          continue;
        }
        if (primitive) {
          if (isDelimiter(b)) {
            emit(finish(chunk, from, i));
            i--; // look at the delimiter again, between values
          }
          continue;
        }
        if (b === QUOTE) inString = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if (b === 0x7d || b === 0x5d) {
          depth--;
          if (depth === 0) emit(finish(chunk, from, i + 1));
        } else if (b === LF) newlines++;
        continue;
      }
      // Between values.
      if (b === LF) {
        newlines++;
        continue;
      }
      if (isSpace(b) || b === 0x2c /* , */) continue;
      if (b === 0x5b && !inArray) {
        inArray = true;
        continue;
      }
      if (b === 0x5d && inArray) {
        inArray = false;
        continue;
      }
      inValue = true;
      startLine = newlines + 1;
      from = i;
      depth = 0;
      if (b === 0x7b || b === 0x5b) depth = 1;
      else if (b === QUOTE) inString = true;
      else if (b === 0x7d || b === 0x5d) {
        // A stray closing bracket: a one-byte bad value.
        emit(finish(chunk, i, i + 1));
      } else primitive = true;
    }
    if (inValue) {
      const tail = chunk.subarray(from);
      if (!tooLarge && size + tail.length > maxRecordBytes) {
        tooLarge = true;
        parts = [];
        size = 0;
      }
      if (!tooLarge) {
        parts.push(Buffer.from(tail));
        size += tail.length;
      }
      from = 0;
    }
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  if (inValue) {
    if (primitive) {
      emit(finish(Buffer.alloc(0), 0, 0));
    } else {
      record++;
      emit({
        kind: 'bad',
        record,
        line: startLine,
        code: tooLarge ? 'too-large' : 'invalid-json',
        reason: tooLarge ? `JSON value is larger than the ${maxRecordBytes}-byte record cap` : 'invalid JSON: the input ends inside this value (truncated)',
      });
    }
  }
  if (out.length > 0) yield out;
}
