// What a sensor learns by opening an image file (the way Sysmon fills event 7):
// version-resource strings, hashes with the import hash, and the signature,
// formatted as Sysmon prints them, '-' where the file has nothing.
import { createHash } from 'node:crypto';
import { signerOf } from '../ci/code-integrity.js';
import type { VolumeFile } from '../fs/volume.js';
import type { SectionCache } from '../mm/section.js';
import { SE_SIGNING_LEVEL_AUTHENTICODE, SE_SIGNING_LEVEL_MICROSOFT, SE_SIGNING_LEVEL_WINDOWS } from '../nt/constants.js';
import { NtStatusError } from '../nt/status.js';
import { imphash } from '../pe/imphash.js';
import { readVersionInfo } from '../pe/version-info.js';

/** Sysmon's file fields for one image file. */
export interface ImageFileFacts {
  /** `C:\…` path of the file. */
  path: string;
  FileVersion: string;
  Description: string;
  Product: string;
  Company: string;
  OriginalFileName: string;
  /** `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (upper-case hex). */
  Hashes: string;
  /** 'true' or 'false'. */
  Signed: string;
  Signature: string;
  /** 'Valid' or 'Unavailable'. */
  SignatureStatus: string;
}

const hex = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex').toUpperCase();

/** The facts of `file`; a file that is no valid image still has hashes (its version and signature are '-'). */
export function fileFacts(file: VolumeFile, sections: SectionCache): ImageFileFacts {
  const bytes = file.bytes;
  let section;
  try {
    section = sections.sectionFor(file);
  } catch (error) {
    if (!(error instanceof NtStatusError)) throw error;
    section = null;
  }
  const version = section === null ? {} : (readVersionInfo(bytes, section.image) ?? {});
  const imports = section === null ? null : imphash(section.image);
  const signingLevel = section === null ? 0 : section.label.signingLevel;
  const signed = signingLevel >= SE_SIGNING_LEVEL_AUTHENTICODE;
  const signature = !signed
    ? '-'
    : signingLevel >= SE_SIGNING_LEVEL_WINDOWS
      ? 'Microsoft Windows'
      : signingLevel === SE_SIGNING_LEVEL_MICROSOFT
        ? 'Microsoft Corporation'
        : (signerOf(bytes) ?? 'Unknown');
  return {
    path: file.dosPath,
    FileVersion: version.FileVersion ?? '-',
    Description: version.FileDescription ?? '-',
    Product: version.ProductName ?? '-',
    Company: version.CompanyName ?? '-',
    OriginalFileName: version.OriginalFilename ?? '-',
    Hashes: `SHA1=${hex('sha1', bytes)},MD5=${hex('md5', bytes)},SHA256=${hex('sha256', bytes)},IMPHASH=${imports ? imports.toUpperCase() : '00000000000000000000000000000000'}`,
    Signed: signed ? 'true' : 'false',
    Signature: signature,
    SignatureStatus: signed ? 'Valid' : 'Unavailable',
  };
}
