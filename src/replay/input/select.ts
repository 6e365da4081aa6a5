// normalizeRecord for a caller that uses only some records, or only some of their fields (replay
// drives the kernel with Sysmon 1/5/6/7, reads a dozen of their fields, and only counts the rest):
// a record is classified from its header first; one the caller turns down is checked as strictly
// as normalizeRecord would (same bad records) but its fields are never built, and for one it keeps,
// a flat record's fields can be limited to the names the caller reads. Results are otherwise
// exactly normalizeRecord's.
import { lastMessageField, messageHasField } from './message.js';
import { build, eventIdOf, firstString, headerOf, isObject, normalizeRecord, recordOf, scalar, type Header, type NormalizeOptions, type Obj } from './normalize.js';
import { isSysmon, missingSysmonField, requiredSysmonFields } from './sysmon.js';
import type { BadRecord, RecordPlace, ReplayRecord, SkippedRecord } from './types.js';

/** Which good records a caller wants built; the others come out as SkippedRecords. */
export type RecordSelector = (eventId: number, sysmon: boolean) => boolean;

/** A field of a flat record's structure, as copyScalars takes it: a scalar at the top level (not Message). */
function flatField(obj: Obj, name: string): string | undefined {
  if (name === 'Message' || name === '__proto__') return undefined;
  const value = obj[name];
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/**
 * Every required field of a flat Sysmon record is there, as a scalar at the top level or as a
 * `Key: Value` line of its Message (what normalizeRecord would find); false when one may be missing.
 */
function flatSysmonFieldsPresent(obj: Obj, eventId: number): boolean {
  let message: string | null | undefined;
  for (const name of requiredSysmonFields(eventId)) {
    if (flatField(obj, name) !== undefined) continue;
    message ??= scalar(obj['Message']);
    if (message === null || !messageHasField(message, name)) return false;
  }
  return true;
}

/**
 * A flat record with only the fields `names` and the required ones (UtcTime among them) built, when its structure has
 * every field normalizeRecord would look for in its Message (so the Message is not read); null when
 * the Message would be parsed: then the whole record must be built.
 */
function flatProjected(obj: Obj, h: Header, eventId: number, sysmon: boolean, place: RecordPlace, options: NormalizeOptions, names: readonly string[]): ReplayRecord | BadRecord | null {
  const message = scalar(obj['Message']);
  if (message !== null && (sysmon || (h.channel === null && h.provider === null))) {
    // normalizeRecord parses the message when a required field or the message's last one is missing.
    const last = lastMessageField(message);
    if (last === null || (last !== '' && flatField(obj, last) === undefined)) return null;
    for (const name of requiredSysmonFields(eventId)) if (flatField(obj, name) === undefined) return null;
  }
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = flatField(obj, name);
    if (value !== undefined) fields[name] = value;
  }
  // The required fields (UtcTime among them: it is the record's utcTime) are always built.
  for (const name of requiredSysmonFields(eventId)) {
    const value = flatField(obj, name);
    if (value !== undefined) fields[name] = value;
  }
  if (sysmon && options.requireSysmonFields !== false && missingSysmonField(eventId, fields) !== null) return null; // the full path words the bad record
  const host = firstString(obj['Hostname'], obj['Computer'], obj['ComputerName'], obj['MachineName']);
  const created = firstString(obj['TimeCreated'], obj['@timestamp'], obj['EventTime']);
  return recordOf(obj, h, eventId, place, host, created, fields);
}

/**
 * normalizeRecord, with a selection: a good record `select` turns down comes out as a SkippedRecord,
 * decided from its header before its fields are built (bad records are exactly normalizeRecord's).
 * With `fieldNames`, a kept record's `fields` may hold only those names (and the required Sysmon
 * ones): each as normalizeRecord gives it when the record has it.
 */
export function normalizeSelected(value: unknown, place: RecordPlace, options: NormalizeOptions, select: RecordSelector, fieldNames?: readonly string[]): ReplayRecord | BadRecord | SkippedRecord {
  if (!isObject(value)) return normalizeRecord(value, place, options);
  const h = headerOf(value);
  const eventId = eventIdOf(h, place);
  if (typeof eventId !== 'number') return eventId;
  const sysmon = isSysmon(h.channel, h.provider);
  if (select(eventId, sysmon)) {
    if (fieldNames !== undefined && h.shape === 'flat') {
      const projected = flatProjected(value, h, eventId, sysmon, place, options, fieldNames);
      if (projected !== null) return projected;
    }
    return build(value, h, eventId, sysmon, place, options);
  }
  if (sysmon && options.requireSysmonFields !== false && !(h.shape === 'flat' && flatSysmonFieldsPresent(value, eventId))) {
    // A field may be missing: the full check words the bad record.
    const full = build(value, h, eventId, sysmon, place, options);
    if (full.kind === 'bad') return full;
  }
  const out: SkippedRecord = { kind: 'skipped', file: place.file, record: place.record, eventId, sysmon };
  if (place.member !== undefined) out.member = place.member;
  if (place.line !== undefined) out.line = place.line;
  if (place.offset !== undefined) out.offset = place.offset;
  return out;
}
