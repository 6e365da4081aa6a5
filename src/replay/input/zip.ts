// A zip reader on a seekable file: the central directory (zip64 included) is read and checked up front,
// then each member is streamed in central-directory order, stored or deflated (node:zlib inflateRaw),
// with its CRC-32 and size checked at its end. Encrypted members and other methods are refused per member.
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { Chunks } from './bytes.js';
import { FormatError } from './errors.js';
import { inflate } from './inflate.js';
import type { ReadLimits } from './types.js';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const READ_CHUNK = 1024 * 1024;

// Code page 437, bytes 0x80-0xFF: for member names without the UTF-8 flag (bit 11).
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeName(bytes: Buffer, utf8: boolean): string {
  if (utf8) return bytes.toString('utf8');
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return out;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buffer : buffer.subarray(0, got);
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError('corrupt-zip', `a 64-bit zip field is too large (${value})`);
  return Number(value);
}

/** Reads and checks the central directory. Throws FormatError('corrupt-zip' | 'too-large'). */
export async function readZipDirectory(fh: FileHandle, fileSize: number, limits: ReadLimits): Promise<ZipEntry[]> {
  const tailSize = Math.min(fileSize, 22 + 65535);
  const tail = await readAt(fh, fileSize - tailSize, tailSize);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new FormatError('corrupt-zip', 'no end-of-central-directory record (not a zip, or truncated)');
  const eocdOffset = fileSize - tailSize + at;
  const disk = tail.readUInt16LE(at + 4);
  const cdDisk = tail.readUInt16LE(at + 6);
  let entries = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  let cdEnd = eocdOffset;
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    if (at < 20 || tail.readUInt32LE(at - 20) !== SIG_EOCD64_LOCATOR) {
      throw new FormatError('corrupt-zip', 'zip64 values without a zip64 end-of-central-directory locator');
    }
    const eocd64Offset = u64(tail, at - 20 + 8);
    if (eocd64Offset + 56 > eocdOffset) throw new FormatError('corrupt-zip', 'zip64 end-of-central-directory record out of place');
    const eocd64 = await readAt(fh, eocd64Offset, 56);
    if (eocd64.length < 56 || eocd64.readUInt32LE(0) !== SIG_EOCD64) throw new FormatError('corrupt-zip', 'bad zip64 end-of-central-directory record');
    entries = u64(eocd64, 32);
    cdSize = u64(eocd64, 40);
    cdOffset = u64(eocd64, 48);
    cdEnd = eocd64Offset;
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new FormatError('unsupported', 'multi-disk (split) zip archives are not supported');
  }
  if (entries > limits.maxZipEntries) throw new FormatError('too-large', `${entries} zip entries exceed limits.maxZipEntries (${limits.maxZipEntries})`);
  if (cdSize > limits.maxZipDirectoryBytes) {
    throw new FormatError('too-large', `a ${cdSize}-byte central directory exceeds limits.maxZipDirectoryBytes (${limits.maxZipDirectoryBytes})`);
  }
  if (cdOffset + cdSize > cdEnd) throw new FormatError('corrupt-zip', 'central directory overlaps its end record (truncated or not a zip)');
  const cd = await readAt(fh, cdOffset, cdSize);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) throw new FormatError('corrupt-zip', `central directory entry ${n + 1} is damaged`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw new FormatError('corrupt-zip', `central directory entry ${n + 1} runs past the directory`);
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLength), (flags & 0x800) !== 0);
    // Zip64 extended information: present values replace those that are 0xFFFFFFFF, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (e + 4 + len > extraEnd) break;
      if (id === 0x0001) {
        let q = e + 4;
        const take = (): number => {
          if (q + 8 > e + 4 + len) throw new FormatError('corrupt-zip', `member ${name}: short zip64 extra field`);
          const v = u64(cd, q);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      e += 4 + len;
    }
    out.push({ name, method, flags, crc, compressedSize, size, localOffset });
    p = end;
  }
  // Members must lie before the directory and must not overlap (overlap is how some zip bombs multiply).
  const byOffset = [...out].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 0; i < byOffset.length; i++) {
    const entry = byOffset[i]!;
    const minEnd = entry.localOffset + 30 + entry.compressedSize;
    const next = i + 1 < byOffset.length ? byOffset[i + 1]!.localOffset : cdOffset;
    if (minEnd > next) {
      throw new FormatError('corrupt-zip', `member ${entry.name} overlaps ${i + 1 < byOffset.length ? `member ${byOffset[i + 1]!.name}` : 'the central directory'} (damaged, or a zip bomb)`);
    }
  }
  return out;
}

export function isDirectoryEntry(entry: ZipEntry): boolean {
  return entry.name.endsWith('/') && entry.size === 0;
}

/** Why a member cannot be read, or null when it can (checked before streaming it). */
export function memberRefusal(entry: ZipEntry, limits: ReadLimits): FormatError | null {
  if ((entry.flags & 0x1) !== 0 || (entry.flags & 0x40) !== 0 || entry.method === 99) {
    return new FormatError('encrypted', `member ${entry.name} is encrypted: refused (decrypt it first)`);
  }
  if (entry.method !== 0 && entry.method !== 8) {
    return new FormatError('unsupported', `member ${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`);
  }
  if (entry.size > limits.maxInflatedBytes) {
    return new FormatError('too-large', `member ${entry.name} declares ${entry.size} bytes, over limits.maxInflatedBytes (${limits.maxInflatedBytes})`);
  }
  if (entry.size > limits.inflateRatioGrace && entry.size > limits.maxInflateRatio * Math.max(entry.compressedSize, 1)) {
    return new FormatError('too-large', `member ${entry.name} declares a ${Math.round(entry.size / Math.max(entry.compressedSize, 1))}:1 ratio, over limits.maxInflateRatio (${limits.maxInflateRatio}): refused as a possible zip bomb`);
  }
  return null;
}

async function* readRange(fh: FileHandle, start: number, length: number, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  let done = 0;
  while (done < length) {
    const want = Math.min(READ_CHUNK, length - done);
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await fh.read(buffer, 0, want, start + done);
    if (bytesRead === 0) throw new FormatError('corrupt-zip', 'the archive ends inside a member (truncated)');
    done += bytesRead;
    onBytes(bytesRead);
    yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
  }
}

/**
 * The member's uncompressed bytes, streamed. At the end the size and CRC-32 are checked against the
 * central directory (FormatError 'corrupt-zip'); more bytes than declared stop the stream at once.
 */
export async function* zipMemberChunks(fh: FileHandle, entry: ZipEntry, limits: ReadLimits, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const local = await readAt(fh, entry.localOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== SIG_LOCAL) throw new FormatError('corrupt-zip', `member ${entry.name}: bad local header`);
  const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const raw = readRange(fh, dataStart, entry.compressedSize, onBytes);
  const body: Chunks =
    entry.method === 0
      ? raw
      : inflate(raw, 'deflate', {
          maxBytes: limits.maxInflatedBytes,
          maxRatio: limits.maxInflateRatio,
          ratioGrace: limits.inflateRatioGrace,
          corrupt: 'corrupt-zip',
          what: `member ${entry.name}`,
        });
  let size = 0;
  let crc = 0;
  for await (const chunk of body) {
    size += chunk.length;
    // Declared sizes were checked against the caps, so this also bounds a member that lies about its size.
    if (size > entry.size) throw new FormatError('corrupt-zip', `member ${entry.name} holds more than its declared ${entry.size} bytes`);
    crc = crc32(chunk, crc);
    yield chunk;
  }
  if (size !== entry.size) throw new FormatError('corrupt-zip', `member ${entry.name} holds ${size} bytes, not the declared ${entry.size}`);
  if (crc >>> 0 !== entry.crc >>> 0) throw new FormatError('corrupt-zip', `member ${entry.name}: CRC-32 mismatch (damaged data)`);
}
