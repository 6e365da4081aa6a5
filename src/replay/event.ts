// A Sysmon record that drives the kernel (events 1, 5, 6, 7), reduced to what replay keeps while it
// waits in a host's reorder window: the fields replay reads, the place, the time. Neither the parsed
// record (`raw`) nor its other fields are kept, so a window costs a few hundred bytes per record.
import type { ReplayRecord } from './input/index.js';
import type { Timed } from './reorder.js';

export type DrivingEventId = 1 | 5 | 6 | 7;

export const DRIVING_EVENTS: ReadonlySet<number> = new Set([1, 5, 6, 7]);

/** The fields replay reads (docs/replay.md): what the kernel calls take, and the file facts. */
export type EventFields = {
  readonly Image: string | undefined;
  readonly ImageLoaded: string | undefined;
  readonly ProcessGuid: string | undefined;
  readonly ParentProcessId: string | undefined;
  readonly CommandLine: string | undefined;
  readonly FileVersion: string | undefined;
  readonly Description: string | undefined;
  readonly Product: string | undefined;
  readonly Company: string | undefined;
  readonly OriginalFileName: string | undefined;
  readonly Hashes: string | undefined;
  readonly Signed: string | undefined;
  readonly Signature: string | undefined;
  readonly SignatureStatus: string | undefined;
};

/** Every field replay reads from a record: EventFields, ProcessId and UtcTime (the reader builds only these). */
export const READ_FIELDS: readonly string[] = [
  'UtcTime',
  'ProcessId',
  'Image',
  'ImageLoaded',
  'ProcessGuid',
  'ParentProcessId',
  'CommandLine',
  'FileVersion',
  'Description',
  'Product',
  'Company',
  'OriginalFileName',
  'Hashes',
  'Signed',
  'Signature',
  'SignatureStatus',
];

/** Copies what replay reads out of a record's fields (one object shape for all events). */
function eventFields(fields: Record<string, string>): EventFields {
  return {
    Image: fields.Image,
    ImageLoaded: fields.ImageLoaded,
    ProcessGuid: fields.ProcessGuid,
    ParentProcessId: fields.ParentProcessId,
    CommandLine: fields.CommandLine,
    FileVersion: fields.FileVersion,
    Description: fields.Description,
    Product: fields.Product,
    Company: fields.Company,
    OriginalFileName: fields.OriginalFileName,
    Hashes: fields.Hashes,
    Signed: fields.Signed,
    Signature: fields.Signature,
    SignatureStatus: fields.SignatureStatus,
  };
}

export interface ReplayEvent extends Timed {
  eventId: DrivingEventId;
  /** The host as recorded (first spelling seen for its key), and its key. */
  host: string;
  hostKey: string;
  /** ProcessId (events 1, 5, 7); 0 for event 6. */
  pid: number;
  utcTime: string;
  fields: EventFields;
  file: string;
  member?: string;
  record: number;
  line?: number;
  offset?: number;
  /** Event 7 of an image under \SysWOW64\ (look-ahead: the process is a WoW64 one). */
  wow64Load: boolean;
  /** Event 1 already applied ahead of its turn (an image load of its process came first). */
  done: boolean;
}

export function eventOf(record: ReplayRecord, host: string, hostKey: string, utcMs: number, seq: number, pid: number): ReplayEvent {
  const event: ReplayEvent = {
    utcMs,
    rank: record.eventId === 1 ? 0 : record.eventId === 5 ? 2 : 1,
    seq,
    eventId: record.eventId as DrivingEventId,
    host,
    hostKey,
    pid,
    utcTime: record.utcTime ?? '',
    fields: eventFields(record.fields),
    file: record.file,
    record: record.record,
    wow64Load: record.eventId === 7 && /\\syswow64\\/i.test(record.fields.ImageLoaded ?? ''),
    done: false,
  };
  if (record.member !== undefined) event.member = record.member;
  if (record.line !== undefined) event.line = record.line;
  if (record.offset !== undefined) event.offset = record.offset;
  return event;
}

/** `file[:member] record N (line L)`: where a record is, as problems name it. */
export function placeOf(place: { file: string; member?: string; record?: number; line?: number; offset?: number }): string {
  let text = place.member === undefined ? place.file : `${place.file}:${place.member}`;
  if (place.record !== undefined) text += ` record ${place.record}`;
  if (place.line !== undefined) text += ` (line ${place.line})`;
  else if (place.offset !== undefined) text += ` (offset ${place.offset})`;
  return text;
}
