// Sysmon-shaped records (event 1 ProcessCreate, 6 DriverLoad, 7 ImageLoad),
// with the field names, value formats and collector fields of the public
// Sysmon datasets (shared/data/sysmon). File facts (hashes, version strings,
// signature) are computed once per file.
import { createHash } from 'node:crypto';
import type { Kernel } from '../src/index.js';
import type { VolumeFile } from '../src/fs/volume.js';
import { imphash } from '../src/pe/imphash.js';
import { readVersionInfo } from '../src/pe/version-info.js';
import { SE_SIGNING_LEVEL_AUTHENTICODE, SE_SIGNING_LEVEL_MICROSOFT, SE_SIGNING_LEVEL_WINDOWS } from '../src/nt/constants.js';
import { signerOf } from '../src/ci/code-integrity.js';

export interface FileFacts {
  FileVersion: string;
  Description: string;
  Product: string;
  Company: string;
  OriginalFileName: string;
  Hashes: string;
  Signed: string;
  Signature: string;
  SignatureStatus: string;
}

const factsOf = new WeakMap<VolumeFile, FileFacts>();

const hex = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex').toUpperCase();

/** Hashes, version strings and signature of one file, as Sysmon prints them ('-' when absent). */
export function fileFacts(kernel: Kernel, file: VolumeFile): FileFacts {
  let facts = factsOf.get(file);
  if (facts) return facts;
  const bytes = file.bytes;
  const section = kernel.sections.sectionFor(file);
  const version = readVersionInfo(bytes, section.image) ?? {};
  const imports = imphash(section.image);
  const { signingLevel } = section.label;
  const signed = signingLevel >= SE_SIGNING_LEVEL_AUTHENTICODE;
  const signature = !signed
    ? '-'
    : signingLevel >= SE_SIGNING_LEVEL_WINDOWS
      ? 'Microsoft Windows'
      : signingLevel === SE_SIGNING_LEVEL_MICROSOFT
        ? 'Microsoft Corporation'
        : signerOf(bytes) ?? 'Unknown';
  facts = {
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
  factsOf.set(file, facts);
  return facts;
}

/** `2021-06-12 01:07:15.634`. */
export function utcTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

const headers: Record<number, string> = { 1: 'Process Create:', 5: 'Process terminated:', 6: 'Driver loaded:', 7: 'Image loaded:' };

/** The collector fields around a Sysmon event, and its rendered Message. */
export function envelope(eventId: number, hostname: string, when: Date, fields: Record<string, string>): Record<string, unknown> {
  const message = [headers[eventId] ?? `Event ${eventId}:`, ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  const stamp = when.toISOString();
  return {
    SourceName: 'Microsoft-Windows-Sysmon',
    ProviderGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
    Level: '4',
    Keywords: '0x8000000000000000',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Hostname: hostname,
    TimeCreated: stamp,
    '@timestamp': stamp,
    EventID: eventId,
    Message: message,
    Task: String(eventId),
    ...fields,
  };
}
