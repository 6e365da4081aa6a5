// What makes a record a Sysmon record, and the fields a Sysmon record must carry to be usable by replay
// (a record without them is reported as bad, naming the first missing field).

export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
export const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';

/** Fields every Sysmon event must have, plus those of the events replay drives the kernel with. */
export const REQUIRED_SYSMON_FIELDS: Readonly<Record<number, readonly string[]>> = Object.freeze({
  1: ['UtcTime', 'ProcessGuid', 'ProcessId', 'Image'],
  5: ['UtcTime', 'ProcessGuid', 'ProcessId', 'Image'],
  6: ['UtcTime', 'ImageLoaded'],
  7: ['UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'ImageLoaded'],
});
const ALWAYS: readonly string[] = ['UtcTime'];

/**
 * A record of the Sysmon channel, or from the Sysmon provider (events forwarded to another channel,
 * such as ForwardedEvents), both compared case-insensitively.
 */
export function isSysmon(channel: string | null, provider: string | null): boolean {
  // The usual spelling first: no lower-cased copy made.
  if (channel === SYSMON_CHANNEL || provider === SYSMON_PROVIDER) return true;
  if (channel !== null && channel.length === SYSMON_CHANNEL.length && channel.toLowerCase() === 'microsoft-windows-sysmon/operational') return true;
  return provider !== null && provider.length === SYSMON_PROVIDER.length && provider.toLowerCase() === 'microsoft-windows-sysmon';
}

/** The fields a Sysmon record of this event must carry. */
export function requiredSysmonFields(eventId: number): readonly string[] {
  return REQUIRED_SYSMON_FIELDS[eventId] ?? ALWAYS;
}

/** The first required field a Sysmon record lacks, or null. */
export function missingSysmonField(eventId: number, fields: Record<string, string>): string | null {
  for (const name of REQUIRED_SYSMON_FIELDS[eventId] ?? ALWAYS) {
    if (!Object.hasOwn(fields, name)) return name;
  }
  return null;
}
