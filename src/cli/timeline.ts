// A run as a timeline (src/report's model), and the --html / --trace files
// written from it: processes and their lifetimes, every notification with
// its routines in slot order and its nesting, driver loads and unloads, the
// bug check, the Sigma matches, what drivers printed.
import { writeFileSync } from 'node:fs';
import { bugCheckName, machineName, type Kernel } from '../index.js';
import { renderHtml, renderTrace, type RunTimeline, type TimelineNotification } from '../report/index.js';
import type { RuleMatch } from '../scenario/expect.js';
import type { ScenarioResult } from '../scenario/run.js';
import type { Notification } from '../scenario/notification.js';

const hex = (value: number | bigint) => `0x${value.toString(16)}`;

/** The slot each registered routine had, by address (routines keep their slot until removed). */
function slotsOf(kernel: Kernel): Map<bigint, number> {
  return new Map(kernel.notifyRoutines.map((r) => [r.address, r.slot]));
}

/** One notification on the timeline (slots by address when known, else in call order). */
export function timelineNotification(n: Notification, slots: Map<bigint, number> = new Map()): TimelineNotification {
  const info: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(n.imageInfo)) info[key] = typeof value === 'bigint' ? hex(value) : (value as number | string);
  return {
    seq: n.seq,
    timeMs: n.timeMs,
    processId: n.processId,
    process: n.process,
    fullImageName: n.fullImageName,
    source: n.source ?? (n.processId === 0 ? 'driver' : 'image-view'),
    properties: n.properties,
    imageInfo: info,
    fileObject: n.fileObject ? { FileName: n.fileObject.FileName, address: hex(n.fileObject.address) } : null,
    routines: n.routines.map((r, i) => ({ driver: r.owner?.fileName ?? 'harness', slot: slots.get(r.address) ?? i, address: hex(r.address), flags: r.flags })),
    parentSeq: n.parentSeq ?? null,
    parentDriver: n.parentDriver ?? null,
  };
}

export interface TimelineExtras {
  title: string;
  logs: { afterSeq: number; line: string }[];
}

/** The timeline of a scenario run. */
export function runTimeline(result: ScenarioResult, extras: TimelineExtras): RunTimeline {
  const kernel = result.kernel;
  const slots = slotsOf(kernel);
  const endMs = result.notifications.at(-1)?.timeMs ?? 0;
  return {
    title: extras.title,
    build: kernel.profile.build,
    buildName: kernel.profile.name,
    machine: kernel.machine,
    seed: kernel.seed,
    processes: [
      { pid: 0, name: 'System', path: null, wow64: false, machine: machineName(kernel.nativeMachine), startMs: 0, endMs: null, system: true },
      ...result.processes.map((p) => ({ pid: p.pid, name: p.name, path: p.path, wow64: p.wow64, machine: machineName(p.machine), startMs: p.startMs, endMs: p.endMs })),
    ],
    notifications: result.notifications.map((n) => timelineNotification(n, slots)),
    driverEvents: result.drivers.map((d) => ({ timeMs: d.timeMs, kind: d.kind, name: d.name, status: hex(d.status >>> 0) })),
    bugChecks: result.bugCheck === null ? [] : [{
      timeMs: result.bugCheckMs ?? endMs,
      code: result.bugCheck.code,
      name: bugCheckName(result.bugCheck.code),
      parameters: result.bugCheck.parameters.map((p) => hex(p)),
      driver: result.bugCheck.driver,
      message: result.bugCheck.message,
    }],
    watchdog: [],
    matches: result.matches.map((m: RuleMatch) => ({ seq: m.seq, ruleId: m.rule.id ?? m.rule.title, title: m.rule.title, level: m.rule.level ?? 'unknown' })),
    logs: extras.logs,
  };
}

/** Writes the page and/or the trace the options ask for. */
export function writeReports(timeline: RunTimeline, files: { html?: string; trace?: string }): void {
  if (files.html !== undefined) writeFileSync(files.html, renderHtml(timeline));
  if (files.trace !== undefined) writeFileSync(files.trace, `${JSON.stringify(renderTrace(timeline))}\n`);
}
