// The attribute certificate table (WIN_CERTIFICATE entries). Its directory
// entry holds a file offset, not an RVA. Each entry is at least 8 bytes and
// costs one work unit, so a table yields at most one entry per 8 file bytes.
import type { WorkBudget } from './limits.js';
import { type ByteReader, malformed } from './reader.js';
import type { PeCertificate, PeDataDirectory } from './types.js';

export function readCertificates(r: ByteReader, directory: PeDataDirectory | undefined, budget: WorkBudget): PeCertificate[] {
  if (!directory || directory.virtualAddress === 0 || directory.size === 0) return [];
  const start = directory.virtualAddress;
  const end = start + directory.size;
  if (end > r.length) {
    throw malformed('IMAGE_DIRECTORY_ENTRY_SECURITY', `certificate table 0x${start.toString(16)}..0x${end.toString(16)} runs past the end of the ${r.length}-byte file`);
  }
  const certificates: PeCertificate[] = [];
  let at = start;
  for (let index = 0; at + 8 <= end; index++) {
    const field = `WIN_CERTIFICATE[${index}]`;
    budget.spend(1, field);
    const length = r.u32(at, `${field}.dwLength`);
    if (length < 8 || at + length > end) {
      throw malformed(`${field}.dwLength`, `${length} does not fit the certificate table (entry at 0x${at.toString(16)}, table ends at 0x${end.toString(16)})`);
    }
    certificates.push({
      revision: r.u16(at + 4, `${field}.wRevision`),
      certificateType: r.u16(at + 6, `${field}.wCertificateType`),
      data: r.bytes.subarray(at + 8, at + length),
    });
    at += (length + 7) & ~7; // entries are 8-byte aligned
  }
  return certificates;
}
