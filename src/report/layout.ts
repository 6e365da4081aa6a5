// Where things go on the page: the time range, one lane per process (grouped by
// host), the kernel's lane, and the nesting depth of every notification.
import type { RunTimeline } from './timeline.js';

export type LaneKind = 'process' | 'kernel' | 'orphan';

export interface Lane {
  /** Unique within the page: `host|pid`, `host|kernel`. */
  key: string;
  host: string | undefined;
  /**
   * `process`: a process of `timeline.processes` (its index in `processIndex`);
   * `kernel`: a lane made for driver loads on a host that lists no System process;
   * `orphan`: a lane made for notifications whose pid is not in `processes`.
   */
  kind: LaneKind;
  processIndex: number | null;
  pid: number | null;
  /** This lane takes driver loads, driver events and kernel notifications (pid 0/4) of its host. */
  kernel: boolean;
  /** Indices into timeline.notifications, by time then seq. */
  notifications: number[];
  /** Indices into timeline.driverEvents. */
  driverEvents: number[];
  /** Rows of marks: 1 + the deepest nesting level in the lane. */
  rows: number;
}

export interface LaneGroup {
  /** Undefined when the timeline has no `hosts`. */
  host: string | undefined;
  lanes: Lane[];
}

export interface Layout {
  startMs: number;
  endMs: number;
  groups: LaneGroup[];
  lanes: Lane[];
  /** Lane index (into `lanes`) of each notification. */
  laneOf: number[];
  /** Nesting depth of each notification: 0 for a dispatch not raised from a routine. */
  depth: number[];
  /** Index into notifications by seq. */
  bySeq: Map<number, number>;
}

const hostKey = (host: string | undefined) => host ?? '';

/** Is this process the kernel's own (driver loads are reported in its context)? */
function isKernelProcess(p: RunTimeline['processes'][number]): boolean {
  return p.system === true || ((p.pid === 0 || p.pid === 4) && p.name.toLowerCase() === 'system');
}

export function layoutTimeline(timeline: RunTimeline): Layout {
  const bySeq = new Map<number, number>();
  timeline.notifications.forEach((n, i) => {
    if (!bySeq.has(n.seq)) bySeq.set(n.seq, i);
  });

  // Time range: everything that has a time, from boot (0) at the latest.
  let start = 0;
  let end = 0;
  const see = (t: number | null | undefined) => {
    if (t === null || t === undefined || !Number.isFinite(t)) return;
    if (t < start) start = t;
    if (t > end) end = t;
  };
  for (const p of timeline.processes) {
    see(p.startMs);
    see(p.endMs);
  }
  for (const n of timeline.notifications) see(n.timeMs);
  for (const e of timeline.driverEvents) see(e.timeMs);
  for (const b of timeline.bugChecks) see(b.timeMs);
  for (const w of timeline.watchdog) see(w.timeMs);
  const span = end - start;
  end += span > 0 ? Math.max(span * 0.02, 0.5) : 1;

  // Lanes: one per process, a kernel lane per host, orphans for unknown pids.
  const lanes: Lane[] = [];
  const byKey = new Map<string, number>();
  const kernelOf = new Map<string, number>();
  const addLane = (lane: Omit<Lane, 'notifications' | 'driverEvents' | 'rows'>): number => {
    lanes.push({ ...lane, notifications: [], driverEvents: [], rows: 1 });
    byKey.set(lane.key, lanes.length - 1);
    return lanes.length - 1;
  };
  timeline.processes.forEach((p, i) => {
    const key = `${hostKey(p.host)}|${p.pid}`;
    if (byKey.has(key)) return; // a duplicate pid: checkTimeline reports it
    const kernel = isKernelProcess(p) && !kernelOf.has(hostKey(p.host));
    const index = addLane({ key, host: p.host, kind: 'process', processIndex: i, pid: p.pid, kernel });
    if (kernel) kernelOf.set(hostKey(p.host), index);
  });
  const kernelLane = (host: string | undefined): number => {
    const known = kernelOf.get(hostKey(host));
    if (known !== undefined) return known;
    const index = addLane({ key: `${hostKey(host)}|kernel`, host, kind: 'kernel', processIndex: null, pid: null, kernel: true });
    kernelOf.set(hostKey(host), index);
    return index;
  };

  const laneOf: number[] = [];
  timeline.notifications.forEach((n) => {
    const exact = byKey.get(`${hostKey(n.host)}|${n.processId}`);
    let lane: number;
    if (exact !== undefined) lane = exact;
    else if (n.processId === 0 || n.processId === 4) lane = kernelLane(n.host);
    else {
      const key = `${hostKey(n.host)}|orphan:${n.processId}`;
      lane = byKey.get(key) ?? addLane({ key, host: n.host, kind: 'orphan', processIndex: null, pid: n.processId, kernel: false });
    }
    laneOf.push(lane);
  });
  timeline.driverEvents.forEach((e, i) => lanes[kernelLane(e.host)]!.driverEvents.push(i));

  // Nesting depth, following parentSeq (which names an earlier dispatch; guarded against loops).
  const depth: number[] = new Array<number>(timeline.notifications.length).fill(-1);
  const depthOf = (i: number): number => {
    const path: number[] = [];
    let at = i;
    let base = 0;
    for (;;) {
      if (depth[at]! >= 0) {
        base = depth[at]! + 1;
        break;
      }
      if (path.includes(at)) {
        base = 0;
        break;
      }
      path.push(at);
      const parentSeq = timeline.notifications[at]!.parentSeq;
      const parent = parentSeq === null ? undefined : bySeq.get(parentSeq);
      if (parent === undefined) break;
      at = parent;
    }
    for (let k = path.length - 1; k >= 0; k--) depth[path[k]!] = base++;
    return depth[i]!;
  };
  timeline.notifications.forEach((_, i) => depthOf(i));

  timeline.notifications.forEach((_, i) => {
    const lane = lanes[laneOf[i]!]!;
    lane.notifications.push(i);
    lane.rows = Math.max(lane.rows, depth[i]! + 1);
  });
  const notes = timeline.notifications;
  for (const lane of lanes) {
    lane.notifications.sort((a, b) => notes[a]!.timeMs - notes[b]!.timeMs || notes[a]!.seq - notes[b]!.seq);
  }

  // Groups: by host in `hosts` order when there are hosts; kernel lane first, then by start.
  const order = (a: number, b: number): number => {
    const la = lanes[a]!;
    const lb = lanes[b]!;
    const rank = (l: Lane) => (l.kernel ? 0 : l.kind === 'orphan' ? 2 : 1);
    if (rank(la) !== rank(lb)) return rank(la) - rank(lb);
    const startOf = (l: Lane) => (l.processIndex === null ? Infinity : timeline.processes[l.processIndex]!.startMs);
    return startOf(la) - startOf(lb) || (la.pid ?? 0) - (lb.pid ?? 0) || a - b;
  };
  const groupHosts: (string | undefined)[] = timeline.hosts === undefined ? [undefined] : [...timeline.hosts];
  const groupOf = (lane: Lane): number => {
    if (timeline.hosts === undefined) return 0;
    const at = lane.host === undefined ? -1 : timeline.hosts.indexOf(lane.host);
    if (at >= 0) return at;
    if (groupHosts.length === timeline.hosts.length) groupHosts.push(undefined);
    return groupHosts.length - 1;
  };
  const members: number[][] = groupHosts.map(() => []);
  lanes.forEach((lane, i) => {
    const g = groupOf(lane);
    while (members.length <= g) members.push([]);
    members[g]!.push(i);
  });
  const orderedLanes: Lane[] = [];
  const remap = new Map<number, number>();
  const groups: LaneGroup[] = members.map((list, g) => {
    list.sort(order);
    for (const i of list) {
      remap.set(i, orderedLanes.length);
      orderedLanes.push(lanes[i]!);
    }
    return { host: groupHosts[g], lanes: list.map((i) => lanes[i]!) };
  }).filter((g) => g.lanes.length > 0 || g.host !== undefined);

  return {
    startMs: start,
    endMs: end,
    groups,
    lanes: orderedLanes,
    laneOf: laneOf.map((l) => remap.get(l)!),
    depth,
    bySeq,
  };
}
