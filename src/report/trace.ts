// renderTrace: a run as Chrome Trace Event JSON (the "JSON Object Format" of the
// Trace Event Format document), which Perfetto UI and chrome://tracing open.
//
// Simulated time becomes trace time (ts = timeMs * 1000 µs). A notification is
// a complete event (ph X) on thread 1 of its process; each routine called is a
// complete event nested inside it, in slot order; a dispatch raised from inside
// a routine is laid out inside that routine's span and joined to it by a flow
// (ph s → ph f, bp e). The simulation gives every notification one instant, so
// the spans are drawn: a notification takes (at most) the time up to the next
// top-level notification, its routines share that time, and a nested dispatch
// may be moved a few µs later than its recorded time to sit inside its routine
// (args.timeMs keeps the recorded time). docs/report.md has the whole mapping.
import { decodeProperties, hex32, propertiesShort, signatureTypeName, signingLevelName } from './properties.js';
import { bugCheckCode, imageLeaf, type RunTimeline, type TimelineNotification } from './timeline.js';

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  cat?: string;
  dur?: number;
  id?: string | number;
  bp?: 'e';
  s?: 'g' | 'p' | 't';
  args?: Record<string, unknown>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  metadata: Record<string, unknown>;
}

/** Thread ids inside each trace process. */
export const TID_NOTIFY = 1;
export const TID_SIGMA = 4;
export const TID_DRIVERS = 2;
export const TID_MESSAGES = 3;

/** Longest span drawn for one top-level notification, µs (the simulation spaces them 250 µs apart). */
const MAX_SPAN = 250;
/** Span of the last notification or one with no room, µs. */
const MIN_SPAN = 20;

const round = (t: number) => Math.round(t * 1000) / 1000;

interface Span {
  start: number;
  end: number;
  routines: { start: number; end: number }[];
}

/** Trace pids: the model's pid, made unique per host (host k's pids become (k+1)·1 000 000 + pid). */
class PidMap {
  readonly #taken = new Set<number>();
  readonly #byKey = new Map<string, number>();
  readonly #hosts: string[] | undefined;
  constructor(hosts: string[] | undefined) {
    this.#hosts = hosts;
  }
  get(host: string | undefined, pid: number, synthetic = false): number {
    const key = `${synthetic ? 'synthetic:' : ''}${host ?? ''}|${pid}`;
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    let want = pid;
    if (this.#hosts !== undefined) {
      const at = host === undefined ? -1 : this.#hosts.indexOf(host);
      want = (at < 0 ? this.#hosts.length + 1 : at + 1) * 1_000_000 + pid;
    }
    while (this.#taken.has(want)) want++;
    this.#taken.add(want);
    this.#byKey.set(key, want);
    return want;
  }
  has(host: string | undefined, pid: number): boolean {
    return this.#byKey.has(`${host ?? ''}|${pid}`);
  }
}

/** Lays out notification spans (µs) so that routines nest in notifications and nested dispatches in routines. */
function layoutSpans(notes: TimelineNotification[]): Span[] {
  const bySeq = new Map<number, number>();
  notes.forEach((n, i) => {
    if (!bySeq.has(n.seq)) bySeq.set(n.seq, i);
  });
  // Children of each notification, by the routine (index) that raised them.
  const children = new Map<number, Map<number, number[]>>();
  const isChild = new Array<boolean>(notes.length).fill(false);
  notes.forEach((n, i) => {
    if (n.parentSeq === null) return;
    const p = bySeq.get(n.parentSeq);
    if (p === undefined || p === i || notes[p]!.timeMs > n.timeMs || notes[p]!.seq >= n.seq) return;
    const parent = notes[p]!;
    let routine = n.parentDriver === null ? -1 : parent.routines.findIndex((r) => r.driver === n.parentDriver);
    if (routine < 0) routine = parent.routines.length - 1; // unknown routine: the last one called (or the notification itself)
    const byRoutine = children.get(p) ?? new Map<number, number[]>();
    const list = byRoutine.get(routine) ?? [];
    list.push(i);
    byRoutine.set(routine, list);
    children.set(p, byRoutine);
    isChild[i] = true;
  });
  const time = (i: number) => notes[i]!.timeMs * 1000;
  for (const byRoutine of children.values()) {
    for (const list of byRoutine.values()) list.sort((a, b) => time(a) - time(b) || notes[a]!.seq - notes[b]!.seq);
  }
  const spans: Span[] = notes.map(() => ({ start: 0, end: 0, routines: [] }));

  const lastDescendant = (i: number): number => {
    let latest = time(i);
    for (const list of children.get(i)?.values() ?? []) {
      for (const c of list) latest = Math.max(latest, lastDescendant(c));
    }
    return latest;
  };

  const place = (i: number, start: number, end: number): void => {
    const n = notes[i]!;
    const span = spans[i]!;
    span.start = start;
    span.end = end;
    const width = end - start;
    const lead = width * 0.06;
    const a = start + lead;
    const b = end - width * 0.03;
    const byRoutine = children.get(i);
    const m = n.routines.length;
    if (m === 0) {
      placeChildren(byRoutine?.get(-1) ?? [], a, b);
      return;
    }
    // First and last child time per routine that raised something.
    const anchors = n.routines.map((_, j) => {
      const list = byRoutine?.get(j);
      if (list === undefined) return null;
      return { first: time(list[0]!), last: time(list.at(-1)!) };
    });
    let cursor = a;
    let j = 0;
    while (j < m) {
      let q = j;
      while (q < m && anchors[q] === null) q++;
      const plain = q - j;
      if (plain > 0) {
        const limit = q < m ? cursor + Math.max(Math.max(0, anchors[q]!.first - cursor) * plain / (plain + 0.5), plain * width * 0.01) : b;
        const w = (limit - cursor) / plain;
        for (let k = 0; k < plain; k++) span.routines.push({ start: cursor + k * w + w * 0.04, end: cursor + (k + 1) * w - w * 0.04 });
        cursor = limit;
      }
      if (q >= m) break;
      // Routine q raised dispatches: it runs from here to past its last child.
      let q2 = q + 1;
      while (q2 < m && anchors[q2] === null) q2++;
      const after = q2 - q - 1;
      const nextLimit = q2 < m ? Math.max(anchors[q]!.last, anchors[q2]!.first) : b;
      const last = Math.max(anchors[q]!.last, cursor);
      let routineEnd = after > 0 ? last + (nextLimit - last) / (after + 1) : nextLimit;
      if (routineEnd <= last) routineEnd = last + Math.max(1, width * 0.02);
      const routineStart = cursor;
      span.routines.push({ start: routineStart, end: routineEnd });
      placeChildren(byRoutine!.get(q)!, routineStart, routineEnd);
      cursor = routineEnd;
      j = q + 1;
    }
  };

  // Children share their routine's span: each from its time (at least just after
  // the routine began) to the next child's time, the last to near the routine's end.
  const placeChildren = (list: number[], from: number, to: number): void => {
    const room = to - from;
    let cursor = from + room * 0.02;
    list.forEach((c, k) => {
      const start = Math.max(time(c), cursor);
      const nextTime = k + 1 < list.length ? time(list[k + 1]!) : Infinity;
      let end = Math.min(nextTime, to) - (to - from) * 0.02;
      if (end <= start) end = start + Math.max(0.01, (to - start) * 0.5);
      if (end > to) end = to - 0.005;
      place(c, start, Math.max(end, start + 0.005));
      cursor = spans[c]!.end + room * 0.005;
    });
  };

  const tops = notes.map((_, i) => i).filter((i) => !isChild[i]);
  tops.sort((x, y) => time(x) - time(y) || notes[x]!.seq - notes[y]!.seq);
  tops.forEach((i, k) => {
    const start = time(i);
    const next = k + 1 < tops.length ? time(tops[k + 1]!) : Infinity;
    const needed = lastDescendant(i);
    let end = Math.min(next, needed + MAX_SPAN);
    if (end - start < MIN_SPAN / 10) end = start + MIN_SPAN;
    end = start + (end - start) * 0.9;
    if (needed >= end) end = needed + (next > needed && next - needed < MIN_SPAN ? (next - needed) * 0.9 : MIN_SPAN);
    place(i, start, end);
  });
  return spans;
}

function propertiesArgs(properties: number): Record<string, unknown> {
  const d = decodeProperties(properties);
  return {
    value: hex32(properties),
    short: propertiesShort(properties),
    ...d,
    ImageSignatureLevelName: signingLevelName(d.ImageSignatureLevel),
    ImageSignatureTypeName: signatureTypeName(d.ImageSignatureType),
  };
}

/**
 * The run as a Chrome Trace Event file (JSON Object Format). Every event carries
 * what validateTrace checks: ph, ts (µs), pid, tid, name; dur on X; id and cat
 * on flows; s on instants; args.name on name metadata.
 */
export function renderTrace(timeline: RunTimeline): TraceFile {
  const events: TraceEvent[] = [];
  const pids = new PidMap(timeline.hosts);
  const notes = timeline.notifications;
  const hostList = timeline.hosts ?? [];
  let sort = 0;

  const processEvents = (pid: number, name: string, labels: string[]): void => {
    events.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: TID_NOTIFY, args: { name } });
    events.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: TID_NOTIFY, args: { sort_index: sort++ } });
    if (labels.length > 0) events.push({ name: 'process_labels', ph: 'M', ts: 0, pid, tid: TID_NOTIFY, args: { labels: labels.join(',') } });
    events.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: TID_NOTIFY, args: { name: 'image notifications' } });
  };

  // Processes, host by host; the kernel's process of each host takes driver events and messages.
  const kernelPid = new Map<string, number>();
  const hostOrder = (h: string | undefined) => (h === undefined ? hostList.length : Math.max(0, hostList.indexOf(h)));
  const order = timeline.processes.map((_, i) => i).sort((a, b) => {
    const pa = timeline.processes[a]!;
    const pb = timeline.processes[b]!;
    return hostOrder(pa.host) - hostOrder(pb.host) || Number(pb.system === true) - Number(pa.system === true) || pa.startMs - pb.startMs || pa.pid - pb.pid;
  });
  for (const i of order) {
    const p = timeline.processes[i]!;
    if (pids.has(p.host, p.pid)) continue;
    const pid = pids.get(p.host, p.pid);
    const name = `${p.name}${p.host === undefined ? '' : ` @ ${p.host}`}`;
    const labels = [p.wow64 ? 'WoW64' : 'native', p.machine];
    if (p.host !== undefined) labels.push(`host ${p.host}`);
    if (pid !== p.pid) labels.push(`pid ${p.pid}`);
    processEvents(pid, name, labels);
    const isKernel = p.system === true || ((p.pid === 0 || p.pid === 4) && p.name.toLowerCase() === 'system');
    if (isKernel && !kernelPid.has(p.host ?? '')) kernelPid.set(p.host ?? '', pid);
  }
  const kernelOf = (host: string | undefined): number => {
    const known = kernelPid.get(host ?? '');
    if (known !== undefined) return known;
    const pid = pids.get(host, 0, true);
    processEvents(pid, `System${host === undefined ? '' : ` @ ${host}`}`, ['kernel (no System process in the run)']);
    kernelPid.set(host ?? '', pid);
    return pid;
  };
  const pidOf = (n: TimelineNotification): number => {
    if (pids.has(n.host, n.processId)) return pids.get(n.host, n.processId);
    if (n.processId === 0 || n.processId === 4) return kernelOf(n.host);
    const pid = pids.get(n.host, n.processId);
    processEvents(pid, `pid ${n.processId} (not in processes)${n.host === undefined ? '' : ` @ ${n.host}`}`, []);
    return pid;
  };

  const spans = layoutSpans(notes);
  const bySeq = new Map<number, number>();
  notes.forEach((n, i) => {
    if (!bySeq.has(n.seq)) bySeq.set(n.seq, i);
  });
  const notePid = notes.map(pidOf);
  const raised = new Map<number, number[]>();
  notes.forEach((n) => {
    if (n.parentSeq === null || !bySeq.has(n.parentSeq)) return;
    const list = raised.get(n.parentSeq) ?? [];
    list.push(n.seq);
    raised.set(n.parentSeq, list);
  });

  const raisedBy = new Map<string, number[]>();
  notes.forEach((n) => {
    if (n.parentSeq === null || n.parentDriver === null) return;
    const key = `${n.parentSeq}|${n.parentDriver}`;
    const list = raisedBy.get(key) ?? [];
    list.push(n.seq);
    raisedBy.set(key, list);
  });

  const sigmaThreads = new Set<number>();
  notes.forEach((n, i) => {
    const span = spans[i]!;
    const pid = notePid[i]!;
    events.push({
      name: imageLeaf(n.fullImageName),
      cat: 'notification',
      ph: 'X',
      ts: round(span.start),
      dur: round(round(span.end) - round(span.start)),
      pid,
      tid: TID_NOTIFY,
      args: {
        seq: n.seq,
        timeMs: n.timeMs,
        process: n.process,
        processId: n.processId,
        ...(n.host === undefined ? {} : { host: n.host }),
        fullImageName: n.fullImageName,
        source: n.source,
        properties: propertiesArgs(n.properties),
        imageInfo: n.imageInfo,
        fileObject: n.fileObject,
        routines: n.routines.length,
        parentSeq: n.parentSeq,
        parentDriver: n.parentDriver,
        raised: raised.get(n.seq) ?? [],
      },
    });
    n.routines.forEach((r, k) => {
      const rs = span.routines[k]!;
      const raisedHere = raisedBy.get(`${n.seq}|${r.driver}`) ?? [];
      events.push({
        name: r.driver,
        cat: 'routine',
        ph: 'X',
        ts: round(rs.start),
        dur: round(round(rs.end) - round(rs.start)),
        pid,
        tid: TID_NOTIFY,
        args: { seq: n.seq, slot: r.slot, address: r.address, ...(r.flags === undefined ? {} : { flags: r.flags }), ...(raisedHere.length > 0 ? { raised: raisedHere } : {}) },
      });
    });
  });

  // Flows: from the routine that raised a dispatch (or its notification) to the dispatch.
  notes.forEach((n, i) => {
    if (n.parentSeq === null) return;
    const p = bySeq.get(n.parentSeq);
    if (p === undefined) return;
    const parent = notes[p]!;
    const parentSpan = spans[p]!;
    const child = spans[i]!;
    const k = n.parentDriver === null ? -1 : parent.routines.findIndex((r) => r.driver === n.parentDriver);
    const from = k >= 0 ? parentSpan.routines[k]! : { start: parentSpan.start, end: parentSpan.end };
    // Strictly inside the raising span and before the child begins, so the flow binds to that span.
    const sTs = from.start + (Math.min(child.start, from.end) - from.start) / 2;
    const childLead = child.routines.length > 0 ? child.routines[0]!.start - child.start : (child.end - child.start) / 2;
    const fTs = child.start + childLead / 2;
    events.push({ name: 'raised', cat: 'nested', ph: 's', id: n.seq, ts: round(sTs), pid: notePid[p]!, tid: TID_NOTIFY, args: { from: parent.seq, driver: n.parentDriver } });
    events.push({ name: 'raised', cat: 'nested', ph: 'f', bp: 'e', id: n.seq, ts: round(fTs), pid: notePid[i]!, tid: TID_NOTIFY, args: { to: n.seq } });
  });

  // Sigma matches: instants on a thread of their own in the notification's process.
  for (const m of timeline.matches) {
    const i = bySeq.get(m.seq);
    if (i === undefined) continue;
    const pid = notePid[i]!;
    if (!sigmaThreads.has(pid)) {
      sigmaThreads.add(pid);
      events.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: TID_SIGMA, args: { name: 'Sigma matches' } });
    }
    events.push({ name: `sigma: ${m.title}`, cat: 'sigma', ph: 'i', s: 't', ts: round(spans[i]!.start), pid, tid: TID_SIGMA, args: { seq: m.seq, ruleId: m.ruleId, title: m.title, level: m.level } });
  }

  // Driver loads/unloads and messages: threads of the kernel's process.
  const kernelThreads = new Set<string>();
  const kernelThread = (pid: number, tid: number, name: string) => {
    if (kernelThreads.has(`${pid}|${tid}`)) return;
    kernelThreads.add(`${pid}|${tid}`);
    events.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name } });
  };
  for (const e of timeline.driverEvents) {
    const pid = kernelOf(e.host);
    kernelThread(pid, TID_DRIVERS, 'driver loads/unloads');
    events.push({ name: `${e.kind} ${e.name}`, cat: 'driver', ph: 'i', s: 't', ts: round(e.timeMs * 1000), pid, tid: TID_DRIVERS, args: { kind: e.kind, driver: e.name, ...(e.status === undefined ? {} : { status: e.status }), ...(e.host === undefined ? {} : { host: e.host }) } });
  }
  for (const g of timeline.logs ?? []) {
    const i = bySeq.get(g.afterSeq);
    const host = i === undefined ? undefined : notes[i]!.host;
    const pid = kernelOf(host);
    kernelThread(pid, TID_MESSAGES, 'driver messages');
    const ts = i === undefined ? 0 : spans[i]!.start;
    events.push({ name: g.line, cat: 'log', ph: 'i', s: 't', ts: round(ts), pid, tid: TID_MESSAGES, args: { afterSeq: g.afterSeq, line: g.line } });
  }

  // Bug checks and watchdog stops: global instants (a line across every track).
  for (const b of timeline.bugChecks) {
    events.push({
      name: `BUGCHECK ${bugCheckCode(b.code)} ${b.name}`,
      cat: 'bugcheck',
      ph: 'i',
      s: 'g',
      ts: round(b.timeMs * 1000),
      pid: kernelOf(b.host),
      tid: TID_NOTIFY,
      args: { code: bugCheckCode(b.code), name: b.name, parameters: b.parameters, driver: b.driver, message: b.message, ...(b.host === undefined ? {} : { host: b.host }) },
    });
  }
  for (const w of timeline.watchdog) {
    events.push({
      name: `watchdog: ${w.driver ?? 'driver code'}`,
      cat: 'watchdog',
      ph: 'i',
      s: 'g',
      ts: round(w.timeMs * 1000),
      pid: kernelOf(w.host),
      tid: TID_NOTIFY,
      args: { driver: w.driver, doing: w.doing, ...(w.host === undefined ? {} : { host: w.host }) },
    });
  }

  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    metadata: {
      generator: 'psnotify report',
      title: timeline.title,
      build: timeline.build,
      buildName: timeline.buildName,
      machine: timeline.machine,
      ...(timeline.seed === undefined ? {} : { seed: timeline.seed }),
      ...(timeline.hosts === undefined ? {} : { hosts: timeline.hosts }),
      time: 'simulated: ts = milliseconds since boot × 1000',
    },
  };
}
