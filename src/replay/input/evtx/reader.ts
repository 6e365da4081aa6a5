// EVTX files read front to back from a byte stream: the 4 KiB file header, then 64 KiB chunks one at a
// time (memory: one chunk), each chunk's event records in order. A damaged record is a bad record and
// the chunk goes on when the record's size is trustworthy; a damaged chunk is skipped and said so.
import { ByteReader, type Chunks } from '../bytes.js';
import { FormatError } from '../errors.js';
import type { RawItem, ReadLimits } from '../types.js';
import { EvtxChunk } from './binxml.js';
import { eventToJson } from './to-object.js';

const FILE_HEADER = 4096;
const CHUNK = 65536;
const CHUNK_HEADER = 512;
const RECORD_SIGNATURE = 0x00002a2a;
const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');

function allZero(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Records in file order (chunk by chunk). Throws FormatError('corrupt-evtx') for a bad file header. */
export async function* readEvtx(chunks: Chunks, limits: ReadLimits): AsyncGenerator<RawItem> {
  const reader = new ByteReader(chunks);
  try {
    const header = await reader.read(FILE_HEADER);
    if (header.length < 128 || !header.subarray(0, 8).equals(FILE_MAGIC)) throw new FormatError('corrupt-evtx', 'no EVTX file header (ElfFile)');
    if (header.length < FILE_HEADER) throw new FormatError('corrupt-evtx', `file header truncated (${header.length} of ${FILE_HEADER} bytes)`);
    const major = header.readUInt16LE(38);
    const blockSize = header.readUInt16LE(40);
    if (major !== 3) throw new FormatError('corrupt-evtx', `EVTX format version ${major}.${header.readUInt16LE(36)} (only 3.x is known)`);
    if (blockSize !== FILE_HEADER) throw new FormatError('corrupt-evtx', `header block size ${blockSize} (expected ${FILE_HEADER})`);
    let record = 0;
    let chunkNumber = 0;
    for (;;) {
      const chunkOffset = reader.position;
      const buf = await reader.read(CHUNK);
      if (buf.length === 0) return;
      if (buf.length < CHUNK) {
        if (!allZero(buf)) {
          yield { kind: 'file-error', code: 'corrupt-evtx', message: `chunk ${chunkNumber} at offset ${chunkOffset} is truncated (${buf.length} of ${CHUNK} bytes)`, stopped: true };
        }
        return;
      }
      chunkNumber++;
      if (!buf.subarray(0, 8).equals(CHUNK_MAGIC)) {
        if (!allZero(buf)) {
          yield { kind: 'file-error', code: 'corrupt-evtx', message: `chunk ${chunkNumber - 1} at offset ${chunkOffset} has no ElfChnk signature: skipped`, stopped: false };
        }
        continue;
      }
      const chunk = new EvtxChunk(buf, limits);
      const free = buf.readUInt32LE(48);
      const end = Math.min(Math.max(free, CHUNK_HEADER), CHUNK);
      let p = CHUNK_HEADER;
      while (p + 28 <= end) {
        const signature = buf.readUInt32LE(p);
        if (signature !== RECORD_SIGNATURE) {
          if (signature === 0) break; // zero padding after the last record
          record++;
          yield { kind: 'bad', record, offset: chunkOffset + p, code: 'evtx-record', reason: `no event record signature at chunk ${chunkNumber - 1} offset ${p}: rest of the chunk skipped` };
          break;
        }
        const size = buf.readUInt32LE(p + 4);
        record++;
        if (size < 28 || p + size > CHUNK || buf.readUInt32LE(p + size - 4) !== size) {
          yield { kind: 'bad', record, offset: chunkOffset + p, code: 'evtx-record', reason: `event record with a bad size (${size}) in chunk ${chunkNumber - 1}: rest of the chunk skipped` };
          break;
        }
        const id = buf.readBigUInt64LE(p + 8);
        try {
          const value = eventToJson(chunk.event(p + 24, p + size - 4));
          yield { kind: 'value', value, record, offset: chunkOffset + p };
        } catch (error) {
          // FormatError from the checks, RangeError from a read past the chunk that a check did not foresee.
          if (!(error instanceof FormatError) && !(error instanceof RangeError)) throw error;
          yield { kind: 'bad', record, offset: chunkOffset + p, code: 'evtx-record', reason: `event record ${id}: ${error.message}` };
        }
        p += size;
      }
    }
  } finally {
    await reader.close();
  }
}
