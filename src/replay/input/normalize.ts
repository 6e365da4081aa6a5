// One parsed record → a ReplayRecord (or a located BadRecord): recognizes the flat (OTRF / NXLog),
// Winlogbeat and Windows-event (`Event.System` / `Event.EventData`) shapes, takes host, channel,
// provider, event id and time from where each shape keeps them, flattens the event data to strings,
// and fills fields missing from the structure out of the rendered `Message` text.
import { fillMessageFields, lastMessageFieldPresent } from './message.js';
import { isSysmon, missingSysmonField } from './sysmon.js';
import type { BadRecord, RecordPlace, RecordShape, ReplayRecord } from './types.js';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as the recording shows it; null for anything else (objects, arrays, null). */
function scalar(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return null;
  }
}

/** An XML-ish node's text: the value itself, or `#text` / `_` / `$t` of an object (converters differ). */
function text(value: unknown): string | null {
  if (isObject(value)) {
    const inner = value['#text'] ?? value['_'] ?? value['$t'];
    return Array.isArray(inner) ? inner.map((v) => scalar(v) ?? '').join('') : scalar(inner);
  }
  return scalar(value);
}

/** An attribute of an XML-ish node, as converters write them: `#attributes`, `@Name`, `$`, or a plain key. */
function attribute(node: unknown, name: string): string | null {
  if (!isObject(node)) return null;
  const attrs = node['#attributes'];
  if (isObject(attrs) && attrs[name] !== undefined) return scalar(attrs[name]);
  if (node[`@${name}`] !== undefined) return scalar(node[`@${name}`]);
  const dollar = node['$'];
  if (isObject(dollar) && dollar[name] !== undefined) return scalar(dollar[name]);
  return scalar(node[name]);
}

function firstString(...values: unknown[]): string | null {
  for (const value of values) {
    const s = scalar(value);
    if (s !== null) return s;
  }
  return null;
}

/** Event ids are non-negative integers, as a number or a string of digits. */
function parseEventId(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s.length === 0 || s.length > 10) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const n = Number(s);
  return n <= 0xffffffff ? n : null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Copies the scalar entries of `from` into `fields` (skipping `skip`), stringified. */
function copyScalars(fields: Record<string, string>, from: Obj, skip: string | null): void {
  for (const key in from) {
    if (key === skip || key === '__proto__') continue;
    const value = from[key];
    if (typeof value === 'string') fields[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[key] = String(value);
  }
}

/** `EventData` in any of the converters' layouts → name/value fields. An unnamed `Data` is param<position>. */
function eventDataFields(fields: Record<string, string>, data: unknown): void {
  if (!isObject(data)) return;
  const items = data['Data'];
  if (items !== undefined) {
    const list = Array.isArray(items) ? items : isObject(items) && Array.isArray(items['#text']) && attribute(items, 'Name') === null ? (items['#text'] as unknown[]) : [items];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      // An unnamed Data is named by its position, as Winlogbeat does: param1, param2, …
      const name = (isObject(item) ? attribute(item, 'Name') : null) ?? `param${i + 1}`;
      if (name !== '__proto__' && !Object.hasOwn(fields, name)) fields[name] = text(item) ?? '';
    }
  }
  for (const key in data) {
    if (key === 'Data' || key === '#attributes' || key === '__proto__' || key.startsWith('@') || key === '$') continue;
    const value = data[key];
    // In converted EVTX an empty element is null: the field exists, its value is empty.
    fields[key] = value === null ? '' : text(value) ?? '';
  }
}

/** `UserData` holds one provider-defined element; its children are the fields (as Winlogbeat flattens it). */
function userDataFields(fields: Record<string, string>, data: unknown): void {
  if (!isObject(data)) return;
  for (const key in data) {
    if (key === '#attributes' || key.startsWith('@') || key === '$') continue;
    const inner = data[key];
    if (isObject(inner)) {
      for (const name in inner) {
        if (name === '#attributes' || name === '__proto__' || name.startsWith('@') || name === '$') continue;
        const value = inner[name];
        fields[name] = value === null ? '' : text(value) ?? '';
      }
    }
    return;
  }
}

interface Extracted {
  shape: RecordShape;
  eventId: unknown;
  eventIdField: string;
  host: string | null;
  channel: string | null;
  provider: string | null;
  created: string | null;
  message: string | null;
  fields: Record<string, string>;
}

function extract(obj: Obj): Extracted {
  const event = obj['Event'];
  const system = isObject(event) ? event['System'] : obj['System'];
  if (isObject(system)) {
    const body = isObject(event) ? event : obj;
    const fields: Record<string, string> = {};
    if (body['EventData'] !== undefined) eventDataFields(fields, body['EventData']);
    else userDataFields(fields, body['UserData']);
    const rendering = body['RenderingInfo'];
    const eventIdNode = system['EventID'];
    return {
      shape: 'event',
      eventId: isObject(eventIdNode) ? text(eventIdNode) : eventIdNode,
      eventIdField: 'Event.System.EventID',
      host: text(system['Computer']),
      channel: text(system['Channel']),
      provider: attribute(system['Provider'], 'Name'),
      created: attribute(system['TimeCreated'], 'SystemTime'),
      message: firstString(obj['Message'], isObject(rendering) ? text(rendering['Message']) : null),
      fields,
    };
  }
  const winlog = obj['winlog'];
  if (isObject(winlog)) {
    const fields: Record<string, string> = {};
    const data = winlog['event_data'] ?? winlog['user_data'];
    if (isObject(data)) copyScalars(fields, data, null);
    const host = obj['host'];
    const ecsEvent = obj['event'];
    return {
      shape: 'winlogbeat',
      eventId: winlog['event_id'] ?? (isObject(ecsEvent) ? ecsEvent['code'] : undefined),
      eventIdField: 'winlog.event_id',
      host: firstString(winlog['computer_name'], isObject(host) ? host['name'] : null),
      channel: scalar(winlog['channel']),
      provider: scalar(winlog['provider_name']),
      created: firstString(obj['@timestamp'], winlog['time_created']),
      message: firstString(obj['message'], obj['Message']),
      fields,
    };
  }
  const fields: Record<string, string> = {};
  copyScalars(fields, obj, 'Message');
  return {
    shape: 'flat',
    eventId: obj['EventID'],
    eventIdField: 'EventID',
    host: firstString(obj['Hostname'], obj['Computer'], obj['ComputerName'], obj['MachineName']),
    channel: scalar(obj['Channel']),
    provider: firstString(obj['SourceName'], obj['ProviderName'], obj['Provider_Name']),
    created: firstString(obj['TimeCreated'], obj['@timestamp'], obj['EventTime']),
    message: scalar(obj['Message']),
    fields,
  };
}

export interface NormalizeOptions {
  /** Report Sysmon records that lack REQUIRED_SYSMON_FIELDS as bad (default true). */
  requireSysmonFields?: boolean;
}

function bad(place: RecordPlace, code: BadRecord['code'], reason: string, field?: string): BadRecord {
  const out: BadRecord = { kind: 'bad', ...place, code, reason };
  if (field !== undefined) out.field = field;
  return out;
}

/**
 * Normalizes one parsed record. Not an object, no event id, an event id that is not an integer, or a
 * Sysmon record without a field it needs (REQUIRED_SYSMON_FIELDS, unless `requireSysmonFields` is
 * false) gives a BadRecord naming the field.
 */
export function normalizeRecord(value: unknown, place: RecordPlace, options: NormalizeOptions = {}): ReplayRecord | BadRecord {
  if (!isObject(value)) return bad(place, 'not-object', `record is ${describe(value)}, not a JSON object`);
  const x = extract(value);
  if (x.eventId === undefined || x.eventId === null) {
    return bad(place, 'missing-field', `no event id (${x.eventIdField}) in a ${x.shape} record`, x.eventIdField);
  }
  const eventId = parseEventId(x.eventId);
  if (eventId === null) {
    const shown = JSON.stringify(x.eventId) ?? String(x.eventId);
    return bad(place, 'invalid-field', `${x.eventIdField} is ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}, not a non-negative integer`, x.eventIdField);
  }
  const sysmon = isSysmon(x.channel, x.provider);
  // Structured fields win; Sysmon's rendered message fills in what they lack. It is parsed only when
  // needed: when the structure lacks a required field or the message's last field (docs: Message).
  if (x.message !== null && (sysmon || (x.channel === null && x.provider === null))) {
    if (missingSysmonField(eventId, x.fields) !== null || !lastMessageFieldPresent(x.fields, x.message)) fillMessageFields(x.fields, x.message);
  }
  if (sysmon && options.requireSysmonFields !== false) {
    const missing = missingSysmonField(eventId, x.fields);
    if (missing !== null) {
      const out = bad(place, 'missing-field', `Sysmon event ${eventId} has no ${missing} field`, missing);
      out.eventId = eventId;
      return out;
    }
  }
  const record: ReplayRecord = {
    kind: 'record',
    ...place,
    shape: x.shape,
    host: x.host,
    hostKey: x.host === null ? null : x.host.toLowerCase(),
    channel: x.channel,
    provider: x.provider,
    eventId,
    utcTime: x.fields['UtcTime'] ?? x.created,
    fields: x.fields,
    raw: value,
  };
  return record;
}
