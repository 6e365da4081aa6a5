// The timeline as the page embeds it: the same data, packed. A run of 50,000
// notifications is ~45 MB as plain JSON (every notification repeats its field
// names, its IMAGE_INFO keys and its routines' driver names and addresses) and
// ~7 MB packed, which the browser parses in a fraction of the time. Packing:
//
// - `s`: a string table; strings of notifications (process, FullImageName,
//   source, host, driver names, routine addresses, FILE_OBJECT names) are
//   indices into it, -1 standing for null/absent;
// - `k`: the key lists of imageInfo records ("shapes"), so each record is only
//   its values;
// - `n`: one array per notification: [seq, timeMs, host, processId, process,
//   fullImageName, source, properties, shape, values, fileObject, routines,
//   (parentSeq, parentDriver)] where fileObject is 0 or [FileName, address],
//   routines a flat list of `rw` entries per call (driver, slot, address, and
//   flags when rw is 4, null when a call has none) and the last two are present
//   only for nested dispatches;
// - everything else (header, processes, driver events, bug checks, watchdog
//   stops, matches, logs) as in the model.
//
// PAGE_DECODER (the page's `decodePageData`) turns it back into a RunTimeline;
// the report tests check the round trip.
import type { RunTimeline } from './timeline.js';

export interface PackedTimeline {
  v: 1;
  h: { title: string; build: number; buildName: string; machine: string; seed?: number; hosts?: string[] };
  s: string[];
  k: string[][];
  rw: 3 | 4;
  n: unknown[][];
  p: RunTimeline['processes'];
  d: RunTimeline['driverEvents'];
  b: RunTimeline['bugChecks'];
  w: RunTimeline['watchdog'];
  m: RunTimeline['matches'];
  l?: RunTimeline['logs'];
}

export function packTimeline(timeline: RunTimeline): PackedTimeline {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const str = (value: string | null | undefined): number => {
    if (value === null || value === undefined) return -1;
    let at = stringIndex.get(value);
    if (at === undefined) {
      at = strings.length;
      strings.push(value);
      stringIndex.set(value, at);
    }
    return at;
  };
  const shapes: string[][] = [];
  const shapeIndex = new Map<string, number>();
  const shape = (keys: string[]): number => {
    const key = JSON.stringify(keys);
    let at = shapeIndex.get(key);
    if (at === undefined) {
      at = shapes.length;
      shapes.push(keys);
      shapeIndex.set(key, at);
    }
    return at;
  };
  const withFlags = timeline.notifications.some((n) => n.routines.some((r) => r.flags !== undefined));
  const rows = timeline.notifications.map((n) => {
    const keys = Object.keys(n.imageInfo);
    const routines: unknown[] = [];
    for (const r of n.routines) {
      routines.push(str(r.driver), r.slot, str(r.address));
      if (withFlags) routines.push(r.flags ?? null);
    }
    const row: unknown[] = [
      n.seq,
      n.timeMs,
      str(n.host),
      n.processId,
      str(n.process),
      str(n.fullImageName),
      str(n.source),
      n.properties,
      shape(keys),
      keys.map((k) => n.imageInfo[k]),
      n.fileObject === null ? 0 : [str(n.fileObject.FileName), str(n.fileObject.address)],
      routines,
    ];
    if (n.parentSeq !== null || n.parentDriver !== null) row.push(n.parentSeq, str(n.parentDriver));
    return row;
  });
  const header: PackedTimeline['h'] = { title: timeline.title, build: timeline.build, buildName: timeline.buildName, machine: timeline.machine };
  if (timeline.seed !== undefined) header.seed = timeline.seed;
  if (timeline.hosts !== undefined) header.hosts = timeline.hosts;
  const packed: PackedTimeline = {
    v: 1,
    h: header,
    s: strings,
    k: shapes,
    rw: withFlags ? 4 : 3,
    n: rows,
    p: timeline.processes,
    d: timeline.driverEvents,
    b: timeline.bugChecks,
    w: timeline.watchdog,
    m: timeline.matches,
  };
  if (timeline.logs !== undefined) packed.l = timeline.logs;
  return packed;
}

/** The page's unpacker (plain JS, inlined into the page script): `decodePageData(packed)` → RunTimeline. */
export const PAGE_DECODER = String.raw`function decodePageData(D) {
  var S = D.s, K = D.k, RW = D.rw;
  var notifications = new Array(D.n.length);
  for (var i = 0; i < D.n.length; i++) {
    var r = D.n[i], keys = K[r[8]], vals = r[9], info = {};
    for (var k = 0; k < keys.length; k++) info[keys[k]] = vals[k];
    var rt = r[11], routines = [];
    for (k = 0; k < rt.length; k += RW) {
      var call = { driver: S[rt[k]], slot: rt[k + 1], address: S[rt[k + 2]] };
      if (RW === 4 && rt[k + 3] !== null) call.flags = rt[k + 3];
      routines.push(call);
    }
    var n = { seq: r[0], timeMs: r[1] };
    if (r[2] >= 0) n.host = S[r[2]];
    n.processId = r[3];
    n.process = S[r[4]];
    n.fullImageName = r[5] < 0 ? null : S[r[5]];
    n.source = S[r[6]];
    n.properties = r[7];
    n.imageInfo = info;
    n.fileObject = r[10] === 0 ? null : { FileName: S[r[10][0]], address: S[r[10][1]] };
    n.routines = routines;
    n.parentSeq = r.length > 12 ? r[12] : null;
    n.parentDriver = r.length > 12 && r[13] >= 0 ? S[r[13]] : null;
    notifications[i] = n;
  }
  var T = {};
  Object.keys(D.h).forEach(function (key) { T[key] = D.h[key]; });
  T.processes = D.p;
  T.notifications = notifications;
  T.driverEvents = D.d;
  T.bugChecks = D.b;
  T.watchdog = D.w;
  T.matches = D.m;
  if (D.l !== undefined) T.logs = D.l;
  return T;
}`;
