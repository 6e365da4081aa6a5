// renderHtml: one self-contained HTML page showing a run as a timeline. The
// markup is generated here, on the server side, from the model only: every
// process, notification, routine call, bug check and Sigma match is an element
// of the page before any script runs (the data-attribute contract of
// docs/report.md). The inlined script (page-script.ts) adds zoom and pan, the
// filter, the tooltip and the details panel, reading the same model from the
// embedded JSON. Nothing is fetched at view time; a Content-Security-Policy
// admits only the page's own script (by hash) and inline styles.
import { createHash } from 'node:crypto';
import { escapeAttr, escapeText, jsonForScript } from './escape.js';
import { layoutTimeline, type Lane, type Layout } from './layout.js';
import { packTimeline } from './page-data.js';
import { PAGE_SCRIPT } from './page-script.js';
import { LABEL_W, LANE_PAD, MARK_H, ROW_H, DRIVER_COLORS, pageStyle } from './page-style.js';
import { decodeProperties, propertiesLegend } from './properties.js';
import {
  bugCheckCode,
  driverCallCounts,
  routineCallCount,
  type NotificationSource,
  type RunTimeline,
  type TimelineNotification,
} from './timeline.js';

/** Time slices of the run: marks are grouped by slice so the script can hide the slices out of view. */
const SLICES = 64;

const SOURCE_CLASS: Record<NotificationSource, string> = { 'process-start': 'ps', 'image-view': 'iv', driver: 'dv' };
const SOURCE_LABEL: Record<NotificationSource, string> = {
  'process-start': 'process start (B)',
  'image-view': 'image view (A)',
  driver: 'driver load (C)',
};

/** The data the page's script reads, besides the timeline itself. */
interface PageMeta {
  start: number;
  end: number;
  labelW: number;
  rowH: number;
  lanePad: number;
  markH: number;
  props: ReturnType<typeof propertiesLegend>;
  sources: Record<NotificationSource, string>;
  /** Driver names in legend order; a driver's colour class is `d<index % 12>`. */
  drivers: string[];
  /** Parallel to the `.lane` elements (data-lane = index). */
  lanes: { seqs: number[]; text: string; kernel: boolean; events: number[] }[];
  /** Lane index of each notification, parallel to timeline.notifications. */
  laneOf: number[];
  depth: number[];
  /** Smallest positive time between neighbouring marks in one row of one lane (ms); null if none. */
  minGap: number | null;
  /** Number of time slices (mark containers `.mk.c<k>`). */
  slices: number;
}

function pct(t: number, layout: Layout): string {
  const f = ((t - layout.startMs) / (layout.endMs - layout.startMs)) * 100;
  return `${Math.round(f * 1e5) / 1e5}%`;
}

function fmtMs(t: number): string {
  return `${Math.round(t * 1000) / 1000} ms`;
}

/** The lane's own words, for the filter: pid, names, path, host. */
function laneText(timeline: RunTimeline, lane: Lane): string {
  const p = lane.processIndex === null ? null : timeline.processes[lane.processIndex]!;
  const words = [
    lane.pid === null ? '' : `pid:${lane.pid} ${lane.pid}`,
    p?.name ?? (lane.kind === 'kernel' ? 'system kernel' : ''),
    p?.path ?? '',
    lane.host ?? '',
    p?.wow64 ? 'wow64' : '',
  ];
  return words.join(' ').toLowerCase();
}

function laneLabel(timeline: RunTimeline, lane: Lane): string {
  const p = lane.processIndex === null ? null : timeline.processes[lane.processIndex]!;
  if (p === null) {
    if (lane.kind === 'kernel') return '<span class="pid">–</span><span class="nm">System</span><span class="tag sys">kernel</span><span class="path">driver loads (no System process in the run)</span>';
    return `<span class="pid">${lane.pid}</span><span class="nm">pid ${lane.pid}</span><span class="tag orph">not in processes</span>`;
  }
  const tags = [
    p.wow64 ? '<span class="tag w64">WoW64</span>' : '<span class="tag">native</span>',
    `<span class="tag">${escapeText(p.machine)}</span>`,
    lane.kernel ? '<span class="tag sys">kernel</span>' : '',
  ].join('');
  const life = `${fmtMs(p.startMs)} – ${p.endMs === null ? 'end' : fmtMs(p.endMs)}`;
  return `<span class="pid">${p.pid}</span><span class="nm">${escapeText(p.name)}</span>${tags}<span class="path">${escapeText(p.path ?? life)}${p.path === null ? '' : ` · ${life}`}</span>`;
}

function markHtml(
  n: TimelineNotification,
  index: number,
  layout: Layout,
  raisedBy: Map<number, Set<string>>,
  matches: Map<number, RunTimeline['matches']>,
  crossLane: Set<number>,
  left: string,
): string {
  const d = decodeProperties(n.properties);
  const cls = [
    'm',
    SOURCE_CLASS[n.source] ?? 'iv',
    `sl${d.ImageSignatureLevel.toString(16)}`,
    `r${layout.depth[index]}`,
    `w${n.routines.length > 10 ? 10 : n.routines.length}`,
  ];
  if (d.MachineTypeMismatch) cls.push('mm');
  if (d.ImagePartialMap) cls.push('pm');
  if (crossLane.has(index)) cls.push('xp');
  const raised = raisedBy.get(n.seq);
  let ticks = '';
  for (const r of n.routines) ticks += `<i data-routine="${escapeAttr(r.driver)}"${raised?.has(r.driver) ? ' class="rz"' : ''}></i>`;
  let badges = '';
  for (const m of matches.get(n.seq) ?? []) {
    badges += `<em data-rule="${escapeAttr(m.ruleId)}" class="lv-${escapeAttr(m.level.toLowerCase())}"></em>`;
  }
  return `<div class="${cls.join(' ')}" data-seq="${n.seq}" style="left:${left}">${ticks}${badges}</div>`;
}

/** Smallest positive gap (ms) between marks next to each other in one row of a lane. */
function smallestGap(timeline: RunTimeline, layout: Layout): number | null {
  let gap = Infinity;
  for (const lane of layout.lanes) {
    const last = new Map<number, number>();
    for (const i of lane.notifications) {
      const t = timeline.notifications[i]!.timeMs;
      const row = layout.depth[i]!;
      const before = last.get(row);
      if (before !== undefined && t > before) gap = Math.min(gap, t - before);
      last.set(row, t);
    }
  }
  return Number.isFinite(gap) ? gap : null;
}

/**
 * The page for a run: self-contained HTML (CSS, script and data inlined, no
 * network at view time). See docs/report.md for what it shows and the
 * data-attribute contract (`data-pid`, `data-seq`, `data-routine`,
 * `data-bugcheck`, `data-rule`).
 */
export function renderHtml(timeline: RunTimeline): string {
  const layout = layoutTimeline(timeline);
  const notes = timeline.notifications;
  const drivers = driverCallCounts(timeline);
  // Drivers that only appear in loads/unloads still get a legend entry (0 calls).
  const legendDrivers = [...drivers.keys()];
  const driverIndex = new Map(legendDrivers.map((name, i) => [name, i]));
  const driversSeen = new Set<string>(legendDrivers);
  for (const e of timeline.driverEvents) driversSeen.add(e.name);

  // Which drivers' routines raised nested dispatches, per parent seq.
  const raisedBy = new Map<number, Set<string>>();
  const crossLane = new Set<number>();
  notes.forEach((n, i) => {
    if (n.parentSeq === null) return;
    const parent = layout.bySeq.get(n.parentSeq);
    if (parent === undefined) return;
    if (n.parentDriver !== null) {
      const set = raisedBy.get(n.parentSeq) ?? new Set<string>();
      set.add(n.parentDriver);
      raisedBy.set(n.parentSeq, set);
    }
    if (layout.laneOf[parent] !== layout.laneOf[i]) crossLane.add(i);
  });
  const matches = new Map<number, RunTimeline['matches']>();
  const orphanMatches: RunTimeline['matches'] = [];
  for (const m of timeline.matches) {
    if (!layout.bySeq.has(m.seq)) {
      orphanMatches.push(m);
      continue;
    }
    const list = matches.get(m.seq) ?? [];
    list.push(m);
    matches.set(m.seq, list);
  }
  const maxRows = Math.max(1, ...layout.lanes.map((l) => l.rows));
  const sliceOf = (t: number) => Math.min(SLICES - 1, Math.max(0, Math.floor(((t - layout.startMs) / (layout.endMs - layout.startMs)) * SLICES)));
  const sliceStart = (s: number) => layout.startMs + ((layout.endMs - layout.startMs) * s) / SLICES;
  const calls = routineCallCount(timeline);

  const out: string[] = [];
  out.push('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">');
  const scriptHash = createHash('sha256').update(PAGE_SCRIPT, 'utf8').digest('base64');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'">`);
  out.push('<meta name="viewport" content="width=device-width,initial-scale=1">');
  out.push('<meta name="generator" content="psnotify report">');
  out.push(`<title>psnotify: ${escapeText(timeline.title)}</title>`);
  out.push(`<style>${pageStyle(maxRows, 10, legendDrivers)}</style><style id="win"></style></head><body>`);

  // Header: title, build, summary, then every bug check and watchdog stop as a banner.
  out.push('<header>');
  out.push(`<h1>psnotify: ${escapeText(timeline.title)}</h1>`);
  const sub = [
    `build ${timeline.build} (${escapeText(timeline.buildName)})`,
    escapeText(timeline.machine),
    timeline.seed === undefined ? '' : `seed ${timeline.seed}`,
    timeline.hosts === undefined ? '' : `hosts: ${timeline.hosts.map(escapeText).join(', ')}`,
    `${fmtMs(layout.startMs)} – ${fmtMs(layout.endMs)}`,
  ].filter((s) => s !== '');
  out.push(`<div class="sub">${sub.join(' · ')}</div>`);
  const summary: [string, string, number][] = [
    ['processes', 'processes', timeline.processes.length],
    ['notifications', 'notifications', notes.length],
    ['routine-calls', 'routine calls', calls],
    ['drivers', 'drivers', driversSeen.size],
    ['nested', 'nested dispatches', notes.filter((n) => n.parentSeq !== null).length],
    ['driver-events', 'driver loads/unloads', timeline.driverEvents.length],
    ['bugchecks', 'bug checks', timeline.bugChecks.length],
    ['watchdog', 'watchdog stops', timeline.watchdog.length],
    ['matches', 'Sigma matches', timeline.matches.length],
  ];
  out.push('<dl class="sum">');
  for (const [key, label, count] of summary) out.push(`<div><dt>${label}</dt><dd data-count="${key}">${count}</dd></div>`);
  out.push('</dl>');
  timeline.bugChecks.forEach((b, i) => {
    const params = b.parameters.map(escapeText).join(', ');
    const code = `0x${(b.code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    out.push(`<div class="banner bug" data-bugcheck-ref="${i}" role="alert">BUG CHECK at ${fmtMs(b.timeMs)}${b.host === undefined ? '' : ` on ${escapeText(b.host)}`}: *** STOP ${code} (${params}) ${escapeText(b.name)}${b.driver === null ? '' : ` — ${escapeText(b.driver)}`}${b.message === '' ? '' : ` — ${escapeText(b.message)}`}</div>`);
  });
  timeline.watchdog.forEach((w, i) => {
    out.push(`<div class="banner wdg" data-watchdog-ref="${i}">WATCHDOG at ${fmtMs(w.timeMs)}${w.host === undefined ? '' : ` on ${escapeText(w.host)}`}: stopped ${escapeText(w.driver ?? 'driver code')} in ${escapeText(w.doing)}</div>`);
  });
  if (orphanMatches.length > 0) {
    out.push(`<div class="banner orph">Sigma matches on notifications not in the run: ${orphanMatches
      .map((m) => `<span data-rule="${escapeAttr(m.ruleId)}">${escapeText(m.title)} (#${m.seq})</span>`)
      .join(', ')}</div>`);
  }
  out.push('</header>');

  // Toolbar: filter, zoom, legend.
  out.push('<div class="bar">');
  out.push('<input type="search" id="filter" placeholder="filter: process, pid, image, driver, host" aria-label="filter by process, pid, image name, driver or host" autocomplete="off" spellcheck="false">');
  out.push('<span id="shown"></span>');
  out.push('<button type="button" id="zout" title="zoom out (-)" aria-label="zoom out">−</button><button type="button" id="zin" title="zoom in (+)" aria-label="zoom in">+</button><button type="button" id="zfit" title="whole run (0)">fit</button>');
  out.push('<span id="range" aria-live="polite"></span>');
  out.push('<span class="kbd">Ctrl+wheel: zoom · drag: pan · click a mark: details · ←/→: previous/next</span>');
  out.push('</div>');
  out.push('<div class="bar legend" id="legend">');
  out.push('<span class="it"><span class="sw ps"></span>process start (B)</span><span class="it"><span class="sw iv"></span>image view (A)</span><span class="it"><span class="sw dv"></span>driver load (C)</span>');
  out.push('<span class="it" title="ImageSignatureLevel in hex on each mark; a red ring marks SE_SIGNING_LEVEL_UNSIGNED (1)">C = signing level</span>');
  out.push('<span class="it" title="MachineTypeMismatch">▨ orange stripes = mismatch</span><span class="it" title="ImagePartialMap">┈ dashed = partial view</span>');
  out.push('<span class="it" title="a dispatch raised from inside a routine is drawn one row down, joined to the routine that raised it">└ nested</span>');
  out.push('<span class="it">● Sigma match</span><span class="it">▲ driver load ▼ unload</span><span class="it" style="color:var(--red);font-weight:700">| bug check</span>');
  out.push('<span class="it"><b>routine calls:</b></span>');
  legendDrivers.forEach((name, i) => {
    out.push(`<button type="button" class="it" data-driver="${escapeAttr(name)}" title="filter by this driver"><span class="sw d${i % DRIVER_COLORS.length}"></span>${escapeText(name)} <span class="sub">${drivers.get(name)}</span></button>`);
  });
  out.push('</div>');
  out.push('<canvas id="ovw" aria-label="overview of the whole run: notification density, bug checks, and the visible window"></canvas>');

  // The timeline: a column of lane labels (scrolled with the tracks by the
  // script) beside the scroller of tracks, so no label needs position: sticky.
  const labels: string[] = [];
  const tracks: string[] = [];
  const metaLanes: PageMeta['lanes'] = [];
  let laneNo = 0;
  for (const group of layout.groups) {
    if (timeline.hosts !== undefined) {
      const host = escapeAttr(group.host ?? '');
      labels.push(`<div class="hg" data-host-label="${host}">host ${escapeText(group.host ?? '(none)')} · ${group.lanes.length} lanes</div>`);
      tracks.push(`<div class="hrow" data-host-group="${host}"></div>`);
    }
    for (const lane of group.lanes) {
      const height = LANE_PAD * 2 + lane.rows * ROW_H;
      const p = lane.processIndex === null ? null : timeline.processes[lane.processIndex]!;
      const attrs = [`data-lane="${laneNo}"`];
      if (p !== null) attrs.push(`data-pid="${p.pid}"`);
      else attrs.push(`data-lane-pid="${lane.pid ?? ''}"`);
      if (lane.host !== undefined) attrs.push(`data-host="${escapeAttr(lane.host)}"`);
      if (lane.kernel) attrs.push('data-kernel=""');
      labels.push(`<div class="lb" data-lane-label="${laneNo}" style="height:${height}px">${laneLabel(timeline, lane)}</div>`);
      const out = tracks;
      out.push(`<div class="lane" ${attrs.join(' ')} style="height:${height}px">`);
      if (p !== null) {
        const end = p.endMs ?? layout.endMs;
        const left = ((p.startMs - layout.startMs) / (layout.endMs - layout.startMs)) * 100;
        const width = ((end - p.startMs) / (layout.endMs - layout.startMs)) * 100;
        out.push(`<div class="life${p.endMs === null ? ' open' : ''}" style="left:${Math.round(left * 1e5) / 1e5}%;width:${Math.max(0, Math.round(width * 1e5) / 1e5)}%"></div>`);
      }
      // Marks in containers, one per lane and time slice: the dense view hides all
      // containers, and the script hides the slices far from the visible window.
      let slice = -1;
      let c0 = 0;
      let c1 = 0;
      const within = (t: number) => `${Math.round(((t - c0) / (c1 - c0)) * 100 * 1e4) / 1e4}%`;
      for (const i of lane.notifications) {
        const n = notes[i]!;
        const s = sliceOf(n.timeMs);
        if (s !== slice) {
          if (slice >= 0) out.push('</div>');
          slice = s;
          c0 = sliceStart(s);
          c1 = sliceStart(s + 1);
          out.push(`<div class="mk c${s}" style="left:${pct(c0, layout)};width:${100 / SLICES}%">`);
        }
        // A nested dispatch in the same lane: a connector from its parent's mark down to it.
        const parent = n.parentSeq === null || crossLane.has(i) ? undefined : layout.bySeq.get(n.parentSeq);
        if (parent !== undefined) {
          const pn = notes[parent]!;
          const dp = layout.depth[parent]!;
          const dc = layout.depth[i]!;
          const top = LANE_PAD + dp * ROW_H + MARK_H;
          const h = (dc - dp) * ROW_H - MARK_H / 2;
          const a = Math.min(pn.timeMs, n.timeMs);
          const b = Math.max(pn.timeMs, n.timeMs);
          const colour = n.parentDriver === null ? -1 : driverIndex.get(n.parentDriver) ?? -1;
          const width = Math.round(((b - a) / (c1 - c0)) * 100 * 1e4) / 1e4;
          out.push(`<s class="cn${n.timeMs < pn.timeMs ? ' rev' : ''}${colour >= 0 ? ` cd${colour % DRIVER_COLORS.length}` : ''}" data-conn="${n.seq}" style="left:${within(a)};width:${width}%;top:${top}px;height:${h}px"></s>`);
        }
        out.push(markHtml(n, i, layout, raisedBy, matches, crossLane, within(n.timeMs)));
      }
      if (slice >= 0) out.push('</div>');
      for (const e of lane.driverEvents) {
        const ev = timeline.driverEvents[e]!;
        const failed = ev.status !== undefined && !/^(STATUS_SUCCESS|0x0+|0)$/i.test(ev.status);
        out.push(`<div class="de ${ev.kind === 'load' ? 'ld' : 'ul'}${failed ? ' fail' : ''}" data-driver-event="${e}" style="left:${pct(ev.timeMs, layout)}"></div>`);
      }
      out.push('<div class="nls"></div></div>');
      metaLanes.push({
        seqs: lane.notifications.map((i) => notes[i]!.seq),
        text: laneText(timeline, lane),
        kernel: lane.kernel,
        events: lane.driverEvents,
      });
      laneNo++;
    }
  }
  out.push('<main><div id="lbls" aria-hidden="false"><div class="axl">ms since boot</div><div id="lbsc"><div id="lbin">');
  out.push(labels.join(''));
  out.push('</div></div></div>');
  out.push('<div id="tlw"><canvas id="dcv" aria-hidden="true"></canvas><div id="tl" tabindex="0" aria-label="timeline"><div id="cv"><div class="axis"><div id="axt"></div></div>');
  out.push(tracks.join(''));
  // Full-height markers over all lanes: bug checks and watchdog stops (labels left of the line near the end).
  const nearEnd = (t: number) => (t - layout.startMs) / (layout.endMs - layout.startMs) > 0.6;
  out.push('<div class="ovl">');
  timeline.bugChecks.forEach((b, i) => {
    out.push(`<div class="bc${nearEnd(b.timeMs) ? ' end' : ''}" data-bugcheck="${bugCheckCode(b.code)}" data-index="${i}" style="left:${pct(b.timeMs, layout)}"><span>BUG CHECK ${bugCheckCode(b.code)} ${escapeText(b.name)}</span></div>`);
  });
  timeline.watchdog.forEach((w, i) => {
    out.push(`<div class="wd${nearEnd(w.timeMs) ? ' end' : ''}" data-watchdog="${i}" style="left:${pct(w.timeMs, layout)}"><span>WATCHDOG ${escapeText(w.driver ?? '')}</span></div>`);
  });
  out.push('</div>');
  out.push('</div></div></div>');

  // The details panel (filled by the script) and the tooltip.
  out.push('<aside id="side" aria-live="polite"><h2>Details</h2><p class="sub">Hover a mark for a summary; click it for every IMAGE_INFO field, the FILE_OBJECT, the routines called in slot order and the dispatches they raised.</p>');
  out.push('<noscript><p>Zoom, the filter and the details need JavaScript; the marks above are drawn without it.</p></noscript></aside>');
  out.push('</main><div id="tip" class="tip" role="tooltip" hidden></div>');

  const meta: PageMeta = {
    start: layout.startMs,
    end: layout.endMs,
    labelW: LABEL_W,
    rowH: ROW_H,
    lanePad: LANE_PAD,
    markH: MARK_H,
    props: propertiesLegend(),
    sources: SOURCE_LABEL,
    drivers: legendDrivers,
    lanes: metaLanes,
    laneOf: layout.laneOf,
    depth: layout.depth,
    minGap: smallestGap(timeline, layout),
    slices: SLICES,
  };
  out.push(`<script type="application/json" id="psnotify-data">${jsonForScript({ data: packTimeline(timeline), meta })}</script>`);
  out.push(`<script>${PAGE_SCRIPT}</script>`);
  out.push('</body></html>\n');
  return out.join('');
}
