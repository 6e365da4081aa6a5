// Bounds-checked little-endian reads over the caller's bytes (no copy). Every
// failure is STATUS_INVALID_IMAGE_FORMAT naming the field that was being read.
import { NtStatusError, STATUS_INVALID_IMAGE_FORMAT } from '../nt/status.js';

export function malformed(field: string, why: string): NtStatusError {
  return new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `${field}: ${why}`);
}

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly length: number;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }

  /** Throws unless [offset, offset + size) lies in the file. */
  need(offset: number, size: number, field: string): void {
    if (!(offset >= 0 && size >= 0 && offset + size <= this.length)) {
      throw malformed(field, `bytes 0x${offset.toString(16)}..0x${(offset + size).toString(16)} lie outside the ${this.length}-byte file`);
    }
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.bytes[offset]!;
  }
  u16(offset: number, field: string): number {
    this.need(offset, 2, field);
    return this.view.getUint16(offset, true);
  }
  u32(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.view.getUint32(offset, true);
  }
  u64(offset: number, field: string): bigint {
    this.need(offset, 8, field);
    return this.view.getBigUint64(offset, true);
  }

  /** A NUL-terminated single-byte string of at most `max` bytes (the NUL may follow them). */
  cString(offset: number, field: string, max = 4096): string {
    this.need(offset, 1, field);
    const end = nulWithin(this.bytes, offset, max);
    if (end < 0) throw malformed(field, `string at 0x${offset.toString(16)} has no terminating NUL within ${max} bytes`);
    return latin1(this.bytes, offset, end);
  }
}

/**
 * The offset of the NUL ending the string at `offset` when the string has at
 * most `max` bytes, else -1. Looks at no more than max + 1 bytes.
 */
export function nulWithin(bytes: Uint8Array, offset: number, max: number): number {
  const window = bytes.subarray(offset, Math.min(bytes.length, offset + max + 1));
  const at = window.indexOf(0);
  return at < 0 ? -1 : offset + at;
}

/** Bytes [start, end) as ISO-8859-1 text (one char per byte), decoded natively past a few bytes. */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 8) {
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
    return text;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}
