// The Authenticode PE image hash: the file's bytes except the CheckSum field,
// the security directory entry and the certificate table itself — headers,
// then section data in file order, then whatever follows up to the table.
//
// Sections whose raw ranges overlap are hashed once each, as the format says,
// so a section table can make the hash read the same bytes many times. The
// total is computed before anything is hashed, and past MAX_HASH_FACTOR ×
// the file size the image is refused (docs/pe-limits.md).
import { createHash } from 'node:crypto';
import { NtStatusError, STATUS_INVALID_IMAGE_FORMAT } from '../nt/status.js';
import type { WorkBudget } from '../pe/limits.js';
import type { PeImage } from '../pe/types.js';

/** Bytes the image hash may read, as a multiple of the file size (overlapping sections re-read theirs). */
export const MAX_HASH_FACTOR = 2;
/** Hashing is cheap: one work unit per this many bytes hashed. */
export const HASH_BYTES_PER_UNIT = 16;

export function authenticodeImageHash(bytes: Uint8Array, image: PeImage, algorithm: string, options: { budget?: WorkBudget } = {}): Buffer {
  const security = image.dataDirectories[4];
  const tableStart = security && security.virtualAddress !== 0 && security.size !== 0 ? security.virtualAddress : bytes.length;
  const end = Math.min(tableStart, bytes.length);
  const checksum = image.checksumOffset;
  const entry = image.securityDirectoryOffset;
  // Headers: everything before SizeOfHeaders, less the two skipped fields.
  const headerEnd = Math.min(image.sizeOfHeaders, end);
  const ranges: [number, number][] = [[0, checksum]];
  if (entry >= 0) ranges.push([checksum + 4, entry], [entry + 8, headerEnd]);
  else ranges.push([checksum + 4, headerEnd]);
  // Sections in PointerToRawData order, then the rest of the file before the table.
  let covered = headerEnd;
  const sections = image.sections.filter((s) => s.sizeOfRawData > 0).sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  for (const s of sections) {
    const from = Math.max(s.pointerToRawData, 0);
    const to = Math.min(s.pointerToRawData + s.sizeOfRawData, end);
    if (to > from) ranges.push([from, to]);
    covered = Math.max(covered, to);
  }
  if (covered < end) ranges.push([covered, end]);
  // subarray clips to the file; so does the count.
  const clip = (n: number) => Math.min(Math.max(n, 0), bytes.length);
  for (const range of ranges) {
    range[0] = clip(range[0]);
    range[1] = clip(range[1]);
  }
  const total = ranges.reduce((n, [from, to]) => n + Math.max(0, to - from), 0);
  const cap = MAX_HASH_FACTOR * bytes.length;
  if (total > cap) {
    throw new NtStatusError(
      STATUS_INVALID_IMAGE_FORMAT,
      `IMAGE_SECTION_HEADER: the raw data of ${sections.length} sections overlaps so that the Authenticode image hash would read ${total} bytes, more than ${MAX_HASH_FACTOR} × the ${bytes.length}-byte file (cap MAX_HASH_FACTOR)`,
    );
  }
  options.budget?.count(Math.ceil(total / HASH_BYTES_PER_UNIT) + ranges.length);
  const hash = createHash(algorithm);
  for (const [from, to] of ranges) if (to > from) hash.update(bytes.subarray(from, to));
  return hash.digest();
}
