// DER: a minimal encoder (for the test signer) and a pre-scan that measures a
// BER/DER element's nesting depth and element count with an explicit stack,
// so hostile nesting is refused before asn1js (which recurses per level) sees it.

/** Caps on one PKCS#7 signature blob (docs/pe-limits.md). */
export const MAX_DER_DEPTH = 64;
export const MAX_DER_ELEMENTS = 4096;

export interface DerScan {
  /** Elements in the first top-level element (itself included). */
  elements: number;
  /** Deepest nesting of constructed elements (a lone primitive is depth 0). */
  depth: number;
  /** Bytes the first element spans (indefinite lengths resolved). */
  length: number;
}

export class DerLimitError extends Error {}

/**
 * Walks the first BER element of `bytes` without recursion. Throws
 * DerLimitError past `maxDepth` or `maxElements`, or when the encoding is
 * malformed (a length past its parent's end, a truncated header, a primitive
 * with indefinite length). Work: at most one step per element scanned.
 */
export function scanDer(bytes: Uint8Array, maxDepth = MAX_DER_DEPTH, maxElements = MAX_DER_ELEMENTS): DerScan {
  // Each open constructed element: its end offset, or -1 for an indefinite
  // length; and the offset its contents may not pass (its own end, or its
  // nearest definite ancestor's).
  const ends: number[] = [];
  const limits: number[] = [];
  let at = 0;
  let elements = 0;
  let depth = 0;
  const fail = (why: string): never => {
    throw new DerLimitError(`DER at byte ${at}: ${why}`);
  };
  for (;;) {
    // Close every definite element that ends here.
    while (ends.length > 0 && ends[ends.length - 1] === at) {
      ends.pop();
      limits.pop();
    }
    if (elements > 0 && ends.length === 0) return { elements, depth, length: at };
    const limit = limits.length === 0 ? bytes.length : limits[limits.length - 1]!;
    if (at >= limit) fail('an element runs past the end of its parent or of the data');
    // End-of-contents of an indefinite-length element.
    if (ends.length > 0 && ends[ends.length - 1] === -1 && bytes[at] === 0) {
      if (at + 1 >= limit || bytes[at + 1] !== 0) fail('malformed end-of-contents');
      at += 2;
      ends.pop();
      limits.pop();
      continue;
    }
    const tag = bytes[at]!;
    at++;
    if ((tag & 0x1f) === 0x1f) {
      // High tag number: base-128 continuation bytes (at most 4 of them).
      let count = 0;
      while (at < limit && (bytes[at]! & 0x80) !== 0) {
        at++;
        if (++count > 4) fail('tag number too long');
      }
      at++;
    }
    if (at >= limit) fail('truncated element header');
    const first = bytes[at]!;
    at++;
    let length = -1;
    if (first < 0x80) length = first;
    else if (first === 0x80) {
      if ((tag & 0x20) === 0) fail('indefinite length on a primitive element');
    } else {
      const count = first & 0x7f;
      if (count > 4) fail(`a ${count}-byte length`);
      if (at + count > limit) fail('truncated length');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[at++]!;
    }
    if (++elements > maxElements) throw new DerLimitError(`more than ${maxElements} DER elements (cap MAX_DER_ELEMENTS)`);
    if (length >= 0 && at + length > limit) fail(`length ${length} runs past the end of its parent`);
    if ((tag & 0x20) !== 0) {
      ends.push(length < 0 ? -1 : at + length);
      limits.push(length < 0 ? limit : at + length);
      if (ends.length > depth) depth = ends.length;
      if (depth > maxDepth) throw new DerLimitError(`DER nested deeper than ${maxDepth} levels (cap MAX_DER_DEPTH)`);
    } else {
      at += length;
    }
  }
}

// ---- Encoding -------------------------------------------------------------

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return [0x80 | out.length, ...out];
}

/** One element: `tag`, then the concatenated `parts` as its contents. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const header = [tag, ...lengthBytes(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let at = header.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const sequence = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]) => tlv(0x31, ...parts);
export const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
export const nullValue = () => Uint8Array.of(0x05, 0x00);
/** [n] constructed, context-specific (EXPLICIT, or IMPLICIT over a constructed type). */
export const context = (n: number, ...parts: Uint8Array[]) => tlv(0xa0 | n, ...parts);

export function oid(text: string): Uint8Array {
  const arcs = text.split('.').map(Number);
  const body: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    body.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(body));
}

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function integer(magnitude: Uint8Array | number): Uint8Array {
  let bytes: number[];
  if (typeof magnitude === 'number') {
    bytes = [];
    for (let n = magnitude; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    if (bytes.length === 0) bytes = [0];
  } else {
    bytes = [...magnitude];
    while (bytes.length > 1 && bytes[0] === 0) bytes.shift();
  }
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

export function utf8String(text: string): Uint8Array {
  return tlv(0x0c, new TextEncoder().encode(text));
}

export function utcTime(date: Date): Uint8Array {
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return tlv(0x17, new TextEncoder().encode(text));
}

export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(0x03, Uint8Array.of(0), bytes);
}
