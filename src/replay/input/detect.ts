// Format detection from the first bytes of a file or member (magic numbers first, the name only as a
// hint for JSON text): gzip, zip, EVTX, UTF-16 text, JSON lines, or concatenated / array JSON.

export type Format = 'gzip' | 'zip' | 'evtx' | 'utf16le' | 'utf16be' | 'json-lines' | 'json-stream' | 'empty' | 'unknown';

/** Bytes of text looked at to tell JSON lines from pretty-printed JSON. */
export const DETECT_BYTES = 64 * 1024;

const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1');

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function jsonNameHint(name: string): boolean {
  return /\.(jsonl|ndjson|json|jsonlines|log|txt)$/i.test(name);
}

/**
 * `head` is the first bytes (up to DETECT_BYTES) and `name` the file or member name.
 * JSON text starting with `{`: JSON lines when the name ends .jsonl/.ndjson/.jsonlines, when its first
 * line is one whole object (`{` … `}`), or when no line break shows up in the first DETECT_BYTES;
 * otherwise concatenated objects.
 * Text starting with `[`: an array of records (or several arrays), read as a JSON stream.
 */
export function detectFormat(head: Buffer, name: string): Format {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) {
    return 'zip';
  }
  if (head.length >= 8 && head.subarray(0, 8).equals(EVTX_MAGIC)) return 'evtx';
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  let i = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && isSpace(head[i]!)) i++;
  if (i >= head.length) return head.length < DETECT_BYTES ? 'empty' : 'unknown';
  const first = head[i]!;
  if (first === 0x5b /* [ */) return 'json-stream';
  if (first === 0x7b /* { */) {
    // Named as JSON lines: trust the name, so a damaged first line cannot switch the mode.
    if (/\.(jsonl|ndjson|jsonlines)$/i.test(name)) return 'json-lines';
    const newline = head.indexOf(0x0a, i);
    if (newline < 0) return 'json-lines';
    let end = newline;
    while (end > i && isSpace(head[end - 1]!)) end--;
    return head[end - 1] === 0x7d /* } */ && end - 1 > i ? 'json-lines' : 'json-stream';
  }
  return jsonNameHint(name) ? 'json-lines' : 'unknown';
}

/** The name without a trailing `.gz`, for detecting what a gzip stream holds. */
export function stripGz(name: string): string {
  return name.replace(/\.gz$/i, '');
}
