// One parsed record → a ReplayRecord (or a located BadRecord): recognizes the flat (OTRF / NXLog),
// Winlogbeat and Windows-event (`Event.System` / `Event.EventData`) shapes, takes host, channel,
// provider, event id and time from where each shape keeps them, flattens the event data to strings,
// and fills fields missing from the structure out of the rendered `Message` text. (select.ts: the
// same for a caller that wants only some records, or only some fields.)
import { fillMessageFields, lastMessageFieldPresent } from './message.js';
import { isSysmon, missingSysmonField } from './sysmon.js';
import type { BadRecord, RecordPlace, RecordShape, ReplayRecord } from './types.js';

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as the recording shows it; null for anything else (objects, arrays, null). */
export function scalar(value: unknown): string | null {
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

export function firstString(...values: unknown[]): string | null {
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

/** What says what a record is — its shape, event id, channel and provider — found without building fields. */
export interface Header {
  shape: RecordShape;
  /** Where the shape keeps the rest: `System` (event), `winlog` (winlogbeat), the record (flat). */
  node: Obj;
  /** The event shape's `Event` (or the record when `System` is at the top). */
  body: Obj;
  eventId: unknown;
  eventIdField: string;
  channel: string | null;
  provider: string | null;
}

export function headerOf(obj: Obj): Header {
  const event = obj['Event'];
  const system = isObject(event) ? event['System'] : obj['System'];
  if (isObject(system)) {
    const eventIdNode = system['EventID'];
    return {
      shape: 'event',
      node: system,
      body: isObject(event) ? event : obj,
      eventId: isObject(eventIdNode) ? text(eventIdNode) : eventIdNode,
      eventIdField: 'Event.System.EventID',
      channel: text(system['Channel']),
      provider: attribute(system['Provider'], 'Name'),
    };
  }
  const winlog = obj['winlog'];
  if (isObject(winlog)) {
    const ecsEvent = obj['event'];
    return {
      shape: 'winlogbeat',
      node: winlog,
      body: obj,
      eventId: winlog['event_id'] ?? (isObject(ecsEvent) ? ecsEvent['code'] : undefined),
      eventIdField: 'winlog.event_id',
      channel: scalar(winlog['channel']),
      provider: scalar(winlog['provider_name']),
    };
  }
  return {
    shape: 'flat',
    node: obj,
    body: obj,
    eventId: obj['EventID'],
    eventIdField: 'EventID',
    channel: scalar(obj['Channel']),
    provider: firstString(obj['SourceName'], obj['ProviderName'], obj['Provider_Name']),
  };
}

interface Rest {
  host: string | null;
  created: string | null;
  message: string | null;
  fields: Record<string, string>;
}

/** The rest of a record: host, creation time, message, and its fields from the structure. */
function extract(obj: Obj, h: Header): Rest {
  const fields: Record<string, string> = {};
  switch (h.shape) {
    case 'event': {
      const { node: system, body } = h;
      if (body['EventData'] !== undefined) eventDataFields(fields, body['EventData']);
      else userDataFields(fields, body['UserData']);
      const rendering = body['RenderingInfo'];
      return {
        host: text(system['Computer']),
        created: attribute(system['TimeCreated'], 'SystemTime'),
        message: firstString(obj['Message'], isObject(rendering) ? text(rendering['Message']) : null),
        fields,
      };
    }
    case 'winlogbeat': {
      const winlog = h.node;
      const data = winlog['event_data'] ?? winlog['user_data'];
      if (isObject(data)) copyScalars(fields, data, null);
      const host = obj['host'];
      return {
        host: firstString(winlog['computer_name'], isObject(host) ? host['name'] : null),
        created: firstString(obj['@timestamp'], winlog['time_created']),
        message: firstString(obj['message'], obj['Message']),
        fields,
      };
    }
    case 'flat':
      copyScalars(fields, obj, 'Message');
      return {
        host: firstString(obj['Hostname'], obj['Computer'], obj['ComputerName'], obj['MachineName']),
        created: firstString(obj['TimeCreated'], obj['@timestamp'], obj['EventTime']),
        message: scalar(obj['Message']),
        fields,
      };
  }
}

export interface NormalizeOptions {
  /** Report Sysmon records that lack REQUIRED_SYSMON_FIELDS as bad (default true). */
  requireSysmonFields?: boolean;
}

export function bad(place: RecordPlace, code: BadRecord['code'], reason: string, field?: string): BadRecord {
  const out: BadRecord = { kind: 'bad', ...place, code, reason };
  if (field !== undefined) out.field = field;
  return out;
}

/** The header's event id, or the bad record saying why there is none. */
export function eventIdOf(h: Header, place: RecordPlace): number | BadRecord {
  if (h.eventId === undefined || h.eventId === null) {
    return bad(place, 'missing-field', `no event id (${h.eventIdField}) in a ${h.shape} record`, h.eventIdField);
  }
  const eventId = parseEventId(h.eventId);
  if (eventId === null) {
    const shown = JSON.stringify(h.eventId) ?? String(h.eventId);
    return bad(place, 'invalid-field', `${h.eventIdField} is ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}, not a non-negative integer`, h.eventIdField);
  }
  return eventId;
}

export function build(value: Obj, h: Header, eventId: number, sysmon: boolean, place: RecordPlace, options: NormalizeOptions): ReplayRecord | BadRecord {
  const x = extract(value, h);
  // Structured fields win; Sysmon's rendered message fills in what they lack. It is parsed only when
  // needed: when the structure lacks a required field or the message's last field (docs: Message).
  if (x.message !== null && (sysmon || (h.channel === null && h.provider === null))) {
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
  return recordOf(value, h, eventId, place, x.host, x.created, x.fields);
}

/** The ReplayRecord of a checked record. */
export function recordOf(value: Obj, h: Header, eventId: number, place: RecordPlace, host: string | null, created: string | null, fields: Record<string, string>): ReplayRecord {
  return {
    kind: 'record',
    ...place,
    shape: h.shape,
    host,
    hostKey: host === null ? null : host.toLowerCase(),
    channel: h.channel,
    provider: h.provider,
    eventId,
    utcTime: fields['UtcTime'] ?? created,
    fields,
    raw: value,
  };
}

/**
 * Normalizes one parsed record. Not an object, no event id, an event id that is not an integer, or a
 * Sysmon record without a field it needs (REQUIRED_SYSMON_FIELDS, unless `requireSysmonFields` is
 * false) gives a BadRecord naming the field.
 */
export function normalizeRecord(value: unknown, place: RecordPlace, options: NormalizeOptions = {}): ReplayRecord | BadRecord {
  if (!isObject(value)) return bad(place, 'not-object', `record is ${describe(value)}, not a JSON object`);
  const h = headerOf(value);
  const eventId = eventIdOf(h, place);
  if (typeof eventId !== 'number') return eventId;
  return build(value, h, eventId, isSysmon(h.channel, h.provider), place, options);
}
