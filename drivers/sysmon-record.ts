// Sysmon-shaped records (event 1 ProcessCreate, 6 DriverLoad, 7 ImageLoad),
// with the field names, value formats and collector fields of the public
// Sysmon datasets. File facts (hashes, version strings, signature) come from
// kernel.fileFacts, computed once per file.

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
