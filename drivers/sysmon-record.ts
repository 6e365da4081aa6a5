// Sysmon-shaped records (event 1 ProcessCreate, 6 DriverLoad, 7 ImageLoad),
// with the field names, value formats and collector fields of the public
// Sysmon datasets. File facts (hashes, version strings, signature) come from
// kernel.fileFacts, computed once per file.

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
