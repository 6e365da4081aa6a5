// A Sysmon record that drives the kernel (events 1, 5, 6, 7), reduced to what replay keeps while it
// waits in a host's reorder window: the fields, the place, the time. The parsed record (`raw`) is
// not kept, so a window costs a few hundred bytes per record.
import type { ReplayRecord } from './input/index.js';
import type { Timed } from './reorder.js';

export type DrivingEventId = 1 | 5 | 6 | 7;

export const DRIVING_EVENTS: ReadonlySet<number> = new Set([1, 5, 6, 7]);

export interface ReplayEvent extends Timed {
  eventId: DrivingEventId;
  /** The host as recorded (first spelling seen for its key), and its key. */
  host: string;
  hostKey: string;
  /** ProcessId (events 1, 5, 7); 0 for event 6. */
  pid: number;
  utcTime: string;
  fields: Record<string, string>;
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
    fields: record.fields,
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
