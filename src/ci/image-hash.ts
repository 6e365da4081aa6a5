// The Authenticode PE image hash: the file's bytes except the CheckSum field,
// the security directory entry and the certificate table itself — headers,
// then section data in file order, then whatever follows up to the table.
import { createHash } from 'node:crypto';
import type { PeImage } from '../pe/types.js';

export function authenticodeImageHash(bytes: Uint8Array, image: PeImage, algorithm: string): Buffer {
  const hash = createHash(algorithm);
  const security = image.dataDirectories[4];
  const tableStart = security && security.virtualAddress !== 0 && security.size !== 0 ? security.virtualAddress : bytes.length;
  const end = Math.min(tableStart, bytes.length);
  const checksum = image.checksumOffset;
  const entry = image.securityDirectoryOffset;
  // Headers: everything before SizeOfHeaders, less the two skipped fields.
  const headerEnd = Math.min(image.sizeOfHeaders, end);
  hash.update(bytes.subarray(0, checksum));
  if (entry >= 0) {
    hash.update(bytes.subarray(checksum + 4, entry));
    hash.update(bytes.subarray(entry + 8, headerEnd));
  } else {
    hash.update(bytes.subarray(checksum + 4, headerEnd));
  }
  // Sections in PointerToRawData order, then the rest of the file before the table.
  let covered = headerEnd;
  const sections = image.sections.filter((s) => s.sizeOfRawData > 0).sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  for (const s of sections) {
    const from = Math.max(s.pointerToRawData, 0);
    const to = Math.min(s.pointerToRawData + s.sizeOfRawData, end);
    if (to > from) hash.update(bytes.subarray(from, to));
    covered = Math.max(covered, to);
  }
  if (covered < end) hash.update(bytes.subarray(covered, end));
  return hash.digest();
}
