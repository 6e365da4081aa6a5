// Sysmon-shaped records (event 1 ProcessCreate, 6 DriverLoad, 7 ImageLoad),
// with the field names, value formats and collector fields of the public
// Sysmon datasets. File facts (hashes, version strings, signature) come from
// kernel.fileFacts, computed once per file. Event 7, one per image load, has
// its own builder: the same record, made without a field object in between.

import type { ImageFileFacts } from 'psnotify';

// Records come in bursts stamped with the same millisecond: the last stamp is kept (a pure memo).
let lastMs = NaN;
let lastIso = '';
let lastUtc = '';

function stamps(date: Date): void {
  const ms = date.getTime();
  if (ms === lastMs) return;
  const iso = date.toISOString();
  lastMs = ms;
  lastIso = iso;
  // `2021-06-12T01:07:15.634Z`; years past 9999 have a longer form.
  lastUtc = iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : iso.replace('T', ' ').replace('Z', '');
}

/** `2021-06-12 01:07:15.634`. */
export function utcTime(date: Date): string {
  stamps(date);
  return lastUtc;
}

const headers: Record<number, string> = { 1: 'Process Create:', 5: 'Process terminated:', 6: 'Driver loaded:', 7: 'Image loaded:' };

/** The collector fields around a Sysmon event, and its rendered Message. */
export function envelope(eventId: number, hostname: string, when: Date, fields: Record<string, string>): Record<string, unknown> {
  let message = headers[eventId] ?? `Event ${eventId}:`;
  for (const key in fields) message += `\r\n${key}: ${fields[key]}`;
  stamps(when);
  const stamp = lastIso;
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

/**
 * What an event 7 (ImageLoad) record says: the process's fields, then the file's (kernel.fileFacts),
 * then User; imageLoadRecord writes them in Sysmon's order.
 */
export type ImageLoadFields = Omit<ImageFileFacts, 'path'> & {
  UtcTime: string;
  ProcessGuid: string;
  ProcessId: string;
  Image: string;
  ImageLoaded: string;
  User: string;
};

/**
 * `envelope(7, hostname, when, { RuleName: '-', ...f })` — the same keys in the same order, the same
 * Message — built as one object literal (one shape for every record, quick to write as JSON).
 */
export function imageLoadRecord(hostname: string, when: Date, f: ImageLoadFields): Record<string, unknown> {
  stamps(when);
  const stamp = lastIso;
  return {
    SourceName: 'Microsoft-Windows-Sysmon',
    ProviderGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
    Level: '4',
    Keywords: '0x8000000000000000',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Hostname: hostname,
    TimeCreated: stamp,
    '@timestamp': stamp,
    EventID: 7,
    Message:
      `Image loaded:\r\nRuleName: -\r\nUtcTime: ${f.UtcTime}\r\nProcessGuid: ${f.ProcessGuid}\r\nProcessId: ${f.ProcessId}\r\nImage: ${f.Image}` +
      `\r\nImageLoaded: ${f.ImageLoaded}\r\nFileVersion: ${f.FileVersion}\r\nDescription: ${f.Description}\r\nProduct: ${f.Product}` +
      `\r\nCompany: ${f.Company}\r\nOriginalFileName: ${f.OriginalFileName}\r\nHashes: ${f.Hashes}\r\nSigned: ${f.Signed}` +
      `\r\nSignature: ${f.Signature}\r\nSignatureStatus: ${f.SignatureStatus}\r\nUser: ${f.User}`,
    Task: '7',
    RuleName: '-',
    UtcTime: f.UtcTime,
    ProcessGuid: f.ProcessGuid,
    ProcessId: f.ProcessId,
    Image: f.Image,
    ImageLoaded: f.ImageLoaded,
    FileVersion: f.FileVersion,
    Description: f.Description,
    Product: f.Product,
    Company: f.Company,
    OriginalFileName: f.OriginalFileName,
    Hashes: f.Hashes,
    Signed: f.Signed,
    Signature: f.Signature,
    SignatureStatus: f.SignatureStatus,
    User: f.User,
  };
}
