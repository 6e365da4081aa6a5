// Relative virtual addresses to file offsets, through the section table.
import type { PeSection } from './types.js';
import { type ByteReader, malformed } from './reader.js';

export interface RvaMap {
  sections: readonly PeSection[];
  sizeOfHeaders: number;
  fileAlignment: number;
}

/** The file offset holding `rva`, or -1 when no file byte backs it (beyond raw data, or unmapped). */
export function rvaToOffset(image: RvaMap, rva: number, fileLength: number): number {
  for (const s of image.sections) {
    const span = Math.max(s.virtualSize, s.sizeOfRawData);
    if (rva >= s.virtualAddress && rva < s.virtualAddress + span) {
      const delta = rva - s.virtualAddress;
      if (delta >= s.sizeOfRawData) return -1; // zero-filled tail: not in the file
      // The loader reads raw data from a sector-aligned start when FileAlignment allows.
      const raw = image.fileAlignment >= 0x200 ? s.pointerToRawData & ~0x1ff : s.pointerToRawData;
      const offset = raw + delta;
      return offset < fileLength ? offset : -1;
    }
  }
  // Before the first section: the headers, mapped 1:1.
  const firstSection = image.sections.reduce((low, s) => Math.min(low, s.virtualAddress), Number.MAX_SAFE_INTEGER);
  if (rva < Math.min(firstSection, Math.max(image.sizeOfHeaders, 1)) || (image.sections.length === 0 && rva < fileLength)) {
    return rva < fileLength ? rva : -1;
  }
  return -1;
}

/** Like rvaToOffset, but a missing byte is malformed input naming `field`. */
export function offsetOf(r: ByteReader, image: RvaMap, rva: number, field: string): number {
  const offset = rvaToOffset(image, rva, r.length);
  if (offset < 0) throw malformed(field, `RVA 0x${rva.toString(16)} is not backed by any byte of the file`);
  return offset;
}
