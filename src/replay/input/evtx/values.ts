// EVTX substitution values: decoding of each Binary XML value type into the JS value the event object
// carries (integers as numbers, GUIDs, SIDs, times and hex integers as the strings Windows tools show).

import { FormatError } from '../errors.js';

export type XValue = string | number | boolean | XValue[];

export const VT_NULL = 0x00;
export const VT_STRING = 0x01;
export const VT_BINXML = 0x21;
export const VT_ARRAY = 0x80;

const FILETIME_UNIX_EPOCH = 116444736000000000n;

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

function hexUpper(buf: Buffer, start: number, end: number): string {
  return buf.toString('hex', start, end).toUpperCase();
}

function stripNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return end === s.length ? s : s.slice(0, end);
}

function safeInteger(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds), the form the converted-JSON twins use. */
export function formatFiletime(ft: bigint): string {
  const micros = (ft - FILETIME_UNIX_EPOCH) / 10n;
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const fraction = micros - seconds * 1_000_000n;
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return `0x${ft.toString(16)}`;
  return `${date.toISOString().slice(0, 19)}.${pad(fraction, 6)}Z`;
}

function formatSystemtime(buf: Buffer, at: number): string {
  const year = buf.readUInt16LE(at);
  const month = buf.readUInt16LE(at + 2);
  const day = buf.readUInt16LE(at + 6);
  const hour = buf.readUInt16LE(at + 8);
  const minute = buf.readUInt16LE(at + 10);
  const second = buf.readUInt16LE(at + 12);
  const millis = buf.readUInt16LE(at + 14);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(millis, 3)}000Z`;
}

/** `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`, upper case, no braces (as in the regression-data twins). */
export function formatGuid(buf: Buffer, at: number): string {
  const d1 = buf.readUInt32LE(at).toString(16).padStart(8, '0');
  const d2 = buf.readUInt16LE(at + 4).toString(16).padStart(4, '0');
  const d3 = buf.readUInt16LE(at + 6).toString(16).padStart(4, '0');
  return `${d1}-${d2}-${d3}-${buf.toString('hex', at + 8, at + 10)}-${buf.toString('hex', at + 10, at + 16)}`.toUpperCase();
}

function formatSid(buf: Buffer, at: number, size: number): string {
  if (size < 8) throw new FormatError('corrupt-evtx', `SID of ${size} bytes`);
  const revision = buf[at]!;
  const count = buf[at + 1]!;
  if (8 + 4 * count > size) throw new FormatError('corrupt-evtx', `SID with ${count} sub-authorities in ${size} bytes`);
  const authority = buf.readUIntBE(at + 2, 6);
  let out = `S-${revision}-${authority >= 2 ** 32 ? `0x${authority.toString(16).toUpperCase()}` : authority}`;
  for (let i = 0; i < count; i++) out += `-${buf.readUInt32LE(at + 8 + 4 * i)}`;
  return out;
}

/** Byte size of one element of a fixed-size type, or 0 for variable-size types. */
function fixedSize(type: number, size: number): number {
  switch (type) {
    case 0x03:
    case 0x04:
      return 1;
    case 0x05:
    case 0x06:
      return 2;
    case 0x07:
    case 0x08:
    case 0x0b:
    case 0x0d:
    case 0x14:
      return 4;
    case 0x09:
    case 0x0a:
    case 0x0c:
    case 0x11:
    case 0x15:
      return 8;
    case 0x0f:
    case 0x12:
      return 16;
    case 0x10:
      return size === 4 ? 4 : 8;
    default:
      return 0;
  }
}

function scalarValue(buf: Buffer, type: number, at: number, size: number): XValue | null {
  const need = fixedSize(type, size);
  if (need > 0 && size < need) throw new FormatError('corrupt-evtx', `value of type 0x${type.toString(16)} in ${size} bytes`);
  switch (type) {
    case VT_NULL:
      return null;
    case VT_STRING:
      return stripNuls(buf.toString('utf16le', at, at + (size & ~1)));
    case 0x02:
      return stripNuls(buf.toString('latin1', at, at + size));
    case 0x03:
      return buf.readInt8(at);
    case 0x04:
      return buf.readUInt8(at);
    case 0x05:
      return buf.readInt16LE(at);
    case 0x06:
      return buf.readUInt16LE(at);
    case 0x07:
      return buf.readInt32LE(at);
    case 0x08:
      return buf.readUInt32LE(at);
    case 0x09:
      return safeInteger(buf.readBigInt64LE(at));
    case 0x0a:
      return safeInteger(buf.readBigUInt64LE(at));
    case 0x0b:
      return buf.readFloatLE(at);
    case 0x0c:
      return buf.readDoubleLE(at);
    case 0x0d:
      return buf.readUInt32LE(at) !== 0;
    case 0x0f:
      return formatGuid(buf, at);
    case 0x10:
      return `0x${(size === 4 ? BigInt(buf.readUInt32LE(at)) : buf.readBigUInt64LE(at)).toString(16)}`;
    case 0x11:
      return formatFiletime(buf.readBigUInt64LE(at));
    case 0x12:
      return formatSystemtime(buf, at);
    case 0x13:
      return formatSid(buf, at, size);
    case 0x14:
      return `0x${buf.readUInt32LE(at).toString(16)}`;
    case 0x15:
      return `0x${buf.readBigUInt64LE(at).toString(16)}`;
    case 0x0e: // binary
    case 0x20: // EvtHandle
    case 0x23: // EvtXml
      return hexUpper(buf, at, at + size);
    default:
      throw new FormatError('corrupt-evtx', `unknown value type 0x${type.toString(16)}`);
  }
}

/** Decodes a substitution value; null for NULL and for an empty value. Binary XML is not handled here. */
export function decodeValue(buf: Buffer, type: number, at: number, size: number): XValue | null {
  if (size === 0 && type !== VT_STRING) return null;
  if ((type & VT_ARRAY) === 0) return scalarValue(buf, type, at, size);
  const base = type & 0x7f;
  const items: XValue[] = [];
  if (base === VT_STRING || base === 0x02) {
    const text = base === VT_STRING ? buf.toString('utf16le', at, at + (size & ~1)) : buf.toString('latin1', at, at + size);
    const parts = text.split('\0');
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  const step = fixedSize(base, base === 0x10 ? 8 : 0);
  if (step === 0) throw new FormatError('corrupt-evtx', `array of value type 0x${base.toString(16)}`);
  for (let p = at; p + step <= at + size; p += step) {
    const value = scalarValue(buf, base, p, step);
    if (value !== null) items.push(value);
  }
  return items;
}
