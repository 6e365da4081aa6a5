// renderTrace: Chrome Trace Event JSON that validateTrace accepts, with one
// event per process, notification and routine call, routines nested in their
// notification and nested dispatches in the routine that raised them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TID_NOTIFY, renderTrace, type TraceEvent } from '../src/report/trace.js';
import { validateTrace } from '../src/report/trace-validate.js';
import { checkTimeline, routineCallCount, type RunTimeline } from '../src/report/timeline.js';
import { bugCheckTimeline, demoTimeline, largeTimeline, replayTimeline } from './helpers/timelines.js';

const fixtures: [string, () => RunTimeline][] = [
  ['demo', demoTimeline],
  ['bug check', bugCheckTimeline],
  ['replay', replayTimeline],
  ['large', () => largeTimeline(20_000)],
];

const notificationsOf = (events: TraceEvent[]) => events.filter((e) => e.ph === 'X' && e.cat === 'notification');
const routinesOf = (events: TraceEvent[]) => events.filter((e) => e.ph === 'X' && e.cat === 'routine');

for (const [name, make] of fixtures) {
  test(`trace (${name}): valid, one event per process, notification and routine call`, () => {
    const timeline = make();
    assert.deepEqual(checkTimeline(timeline), [], 'the fixture itself is consistent');
    const trace = renderTrace(timeline);
    assert.deepEqual(validateTrace(trace), []);
    assert.equal(trace.displayTimeUnit, 'ms');
    const events = trace.traceEvents;
    assert.equal(events.filter((e) => e.ph === 'M' && e.name === 'process_name').length, timeline.processes.length);
    const notes = notificationsOf(events);
    assert.equal(notes.length, timeline.notifications.length);
    assert.deepEqual(notes.map((e) => e.args!['seq']).sort((a, b) => Number(a) - Number(b)), timeline.notifications.map((n) => n.seq));
    assert.equal(routinesOf(events).length, routineCallCount(timeline));
    assert.equal(events.filter((e) => e.ph === 's').length, timeline.notifications.filter((n) => n.parentSeq !== null).length);
    assert.equal(events.filter((e) => e.ph === 'f').length, timeline.notifications.filter((n) => n.parentSeq !== null).length);
    assert.equal(events.filter((e) => e.ph === 'i' && e.s === 'g' && e.cat === 'bugcheck').length, timeline.bugChecks.length);
    assert.equal(events.filter((e) => e.ph === 'i' && e.cat === 'driver').length, timeline.driverEvents.length);
    assert.equal(events.filter((e) => e.ph === 'i' && e.cat === 'sigma').length, timeline.matches.length);
    // The JSON survives a round trip unchanged (no undefined, no bigint).
    assert.deepEqual(JSON.parse(JSON.stringify(trace)), trace);
  });
}

test('trace: top-level notifications start at their simulated time (µs) and carry the decoded Properties', () => {
  const timeline = demoTimeline();
  const events = renderTrace(timeline).traceEvents;
  const kernel32 = notificationsOf(events).find((e) => e.args!['seq'] === 5)!;
  assert.equal(kernel32.ts, 10_750);
  assert.equal(kernel32.name, 'kernel32.dll');
  assert.equal(kernel32.args!['fullImageName'], '\\Device\\HarddiskVolume3\\Windows\\System32\\kernel32.dll');
  const props = kernel32.args!['properties'] as Record<string, unknown>;
  assert.equal(props['value'], '0x0003c403');
  assert.equal(props['ImageSignatureLevel'], 12);
  assert.equal(props['ImageSignatureLevelName'], 'SE_SIGNING_LEVEL_WINDOWS');
  assert.equal(props['ImageSignatureTypeName'], 'SeImageSignatureCatalogCached');
  assert.equal(props['ExtendedInfoPresent'], 1);
  assert.equal(props['short'], 'usr C/3');
  const helper = notificationsOf(events).find((e) => e.args!['seq'] === 19)!;
  assert.equal((helper.args!['properties'] as Record<string, unknown>)['MachineTypeMismatch'], 1);
  assert.equal((helper.args!['properties'] as Record<string, unknown>)['ImagePartialMap'], 1);
});

test('trace: routines nest in their notification in slot order; a nested dispatch sits inside the routine that raised it', () => {
  const timeline = demoTimeline();
  const events = renderTrace(timeline).traceEvents;
  const byName = (seq: number) => notificationsOf(events).find((e) => e.args!['seq'] === seq)!;
  const routinesFor = (seq: number) => routinesOf(events).filter((e) => e.args!['seq'] === seq);
  const inside = (inner: TraceEvent, outer: TraceEvent) => inner.ts >= outer.ts && inner.ts + inner.dur! <= outer.ts + outer.dur!;
  const parent = byName(5);
  const routines = routinesFor(5);
  assert.deepEqual(routines.map((r) => r.name), ['sysmon.sys', 'inventory.sys', 'injector.sys']);
  assert.deepEqual(routines.map((r) => r.args!['slot']), [0, 1, 2]);
  for (const r of routines) assert.ok(inside(r, parent), `${r.name} inside the notification`);
  for (let k = 1; k < routines.length; k++) assert.ok(routines[k]!.ts >= routines[k - 1]!.ts + routines[k - 1]!.dur!, 'slot order, one after another');
  const child = byName(6);
  const injector = routines.find((r) => r.name === 'injector.sys')!;
  assert.ok(inside(child, injector), 'inject64.dll inside injector.sys’s routine');
  assert.ok(!inside(child, routines[0]!) && !inside(child, routines[1]!));
  assert.deepEqual(injector.args!['raised'], [6]);
  // The flow goes from the injector's routine to the nested dispatch.
  const start = events.find((e) => e.ph === 's' && e.id === 6)!;
  const end = events.find((e) => e.ph === 'f' && e.id === 6)!;
  assert.equal(end.bp, 'e');
  assert.ok(start.ts > injector.ts && start.ts < child.ts, 'the flow starts inside the routine, before the child');
  assert.ok(end.ts > child.ts && end.ts < routinesFor(6)[0]!.ts, 'and ends inside the child, before its first routine');
  assert.equal(start.tid, TID_NOTIFY);
});

test('trace: replay pids are unique per host and the host is in the process name', () => {
  const timeline = replayTimeline();
  const events = renderTrace(timeline).traceEvents;
  const names = events.filter((e) => e.ph === 'M' && e.name === 'process_name');
  const pids = names.map((e) => e.pid);
  assert.equal(new Set(pids).size, pids.length);
  const shared = names.filter((e) => String(e.args!['name']).match(/^(outlook|lsass)\.exe @ /));
  assert.equal(shared.length, 2, 'pid 1234 on both hosts: two processes');
  assert.notEqual(shared[0]!.pid, shared[1]!.pid);
  assert.ok(names.some((e) => e.args!['name'] === 'System @ DC-01'));
  // Each notification is in its own host's process.
  for (const e of notificationsOf(events)) {
    const proc = names.find((m) => m.pid === e.pid)!;
    assert.ok(String(proc.args!['name']).endsWith(`@ ${String(e.args!['host'])}`));
  }
});

test('trace: bug checks and watchdog stops are global instants; driver loads are instants on the kernel', () => {
  const timeline = bugCheckTimeline();
  const events = renderTrace(timeline).traceEvents;
  const bug = events.find((e) => e.cat === 'bugcheck')!;
  assert.equal(bug.ph, 'i');
  assert.equal(bug.s, 'g');
  assert.equal(bug.ts, 21_000);
  assert.equal(bug.name, 'BUGCHECK 0x7e SYSTEM_THREAD_EXCEPTION_NOT_HANDLED');
  assert.deepEqual(bug.args!['parameters'], ['0xe06d7363', '0xfffff80611001000', '0x0', '0x0']);
  const dog = events.find((e) => e.cat === 'watchdog')!;
  assert.equal(dog.s, 'g');
  const system = events.find((e) => e.ph === 'M' && e.name === 'process_name' && e.args!['name'] === 'System')!;
  const loads = events.filter((e) => e.cat === 'driver');
  assert.ok(loads.every((e) => e.pid === system.pid && e.s === 't'));
  assert.equal(loads.find((e) => e.name === 'load broken.sys')!.args!['status'], 'STATUS_PROCEDURE_NOT_FOUND');
});

test('validateTrace: a broken trace fails, naming the event and what it lacks', () => {
  const good = renderTrace(demoTimeline());
  assert.deepEqual(validateTrace(good), []);
  const broken = (mutate: (events: Record<string, unknown>[]) => void) => {
    const copy = JSON.parse(JSON.stringify(good)) as { traceEvents: Record<string, unknown>[] };
    mutate(copy.traceEvents);
    return validateTrace(copy);
  };
  const firstX = (events: Record<string, unknown>[]) => events.find((e) => e['ph'] === 'X')!;
  assert.match(broken((ev) => delete firstX(ev)['dur']).join('\n'), /dur missing/);
  assert.match(broken((ev) => delete firstX(ev)['ts']).join('\n'), /ts missing/);
  assert.match(broken((ev) => delete firstX(ev)['pid']).join('\n'), /pid missing/);
  assert.match(broken((ev) => delete firstX(ev)['name']).join('\n'), /name missing/);
  assert.match(broken((ev) => (firstX(ev)['ph'] = 'Q')).join('\n'), /not a Trace Event phase/);
  assert.match(broken((ev) => delete ev.find((e) => e['ph'] === 's')!['id']).join('\n'), /flow event without id/);
  assert.match(broken((ev) => delete ev.find((e) => e['ph'] === 'i')!['s']).join('\n'), /s \(scope\)/);
  assert.match(broken((ev) => ((ev.find((e) => e['name'] === 'process_name')!['args'] as Record<string, unknown>)['name'] = 7)).join('\n'), /args\.name missing/);
  assert.match(broken((ev) => (ev.find((e) => e['ph'] === 'f')!['id'] = 999_999)).join('\n'), /no flow start/);
  // A routine that sticks out of its notification is not properly nested.
  assert.match(broken((ev) => {
    const r = ev.find((e) => e['cat'] === 'routine')!;
    r['dur'] = 1e6;
  }).join('\n'), /overlaps .* without nesting/);
  assert.match(broken((ev) => ev.push({ name: 'x', ph: 'E', ts: 1, pid: 1, tid: 1 })).join('\n'), /closes no B/);
  assert.deepEqual(validateTrace({ nothing: true }), ['not a trace: expected { traceEvents: [...] } or an array of events']);
  assert.match(validateTrace({ traceEvents: [], displayTimeUnit: 's' }).join('\n'), /displayTimeUnit/);
});
