// The encoding modifiers of Sigma (appendix "Modifiers", Encoding): the UTF-16
// transforms (`wide` = `utf16le`, `utf16be`, `utf16` with a byte order
// mark), `base64`, and `base64offset`'s three shifted encodings. A byte string
// is carried as a JS string of code units 0–255 ("latin1"), so an encoded
// value is still an ordinary string to match.
import { Buffer } from 'node:buffer';

/** UTF-16LE bytes of `text`, as a latin1 string (`cmd` → `c\0m\0d\0`). */
export function utf16le(text: string): string {
  return Buffer.from(text, 'utf16le').toString('latin1');
}

/** UTF-16BE bytes of `text`, as a latin1 string (`cmd` → `\0c\0m\0d`). */
export function utf16be(text: string): string {
  const b = Buffer.from(text, 'utf16le');
  b.swap16();
  return b.toString('latin1');
}

/** The bytes a value stands for: its latin1 code units when it is already bytes, else its UTF-8 encoding. */
export function toBytes(value: string, isBytes: boolean): Buffer {
  return isBytes ? Buffer.from(value, 'latin1') : Buffer.from(value, 'utf8');
}

export function base64(bytes: Buffer): string {
  return bytes.toString('base64');
}

/**
 * The three encodings `base64offset` matches: the value preceded by 0, 1 or
 * 2 unknown bytes, with the leading characters that depend on those bytes
 * and the trailing characters that depend on the bytes after the value (and
 * the padding) cut off. What remains is present in the base64 of any
 * string that holds the value at an offset of that residue mod 3.
 */
export function base64Offsets(bytes: Buffer): string[] {
  const out: string[] = [];
  const startCut = [0, 2, 3];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]);
    const enc = padded.toString('base64');
    const rem = (bytes.length + shift) % 3;
    const endCut = rem === 0 ? 0 : rem === 1 ? 3 : 2;
    out.push(enc.slice(startCut[shift], enc.length - endCut));
  }
  return out;
}
