// validateTrace: does a Chrome Trace Event file carry, on every event, the fields
// its phase needs (the Trace Event Format document), and do its events fit
// together the way Perfetto and chrome://tracing read them? Returns the problems
// found, each naming the event by index; an empty list means valid.
//
// Checked, per event: an object with a known `ph`; `name` a string (E may omit
// it); `pid` and `tid` numbers (tid may be a string); `ts` a finite number ≥ 0
// except on metadata (M), whose ts the format ignores; `args` an object when
// present. Per phase: X needs `dur` ≥ 0; instants (i, I) need `s` of g/p/t
// (stricter than the document, which defaults it to t); flows (s, t, f) need
// `id` and `cat`, and `bp` if present must be `e`; async events (b, n, e) need
// `id` (or `id2`) and `cat`; counters (C) need numeric args; metadata needs
// `args.name` for process_name/thread_name, `args.labels` for process_labels
// and a numeric `args.sort_index` for the *_sort_index events. Across events:
// every E closes a B on its thread; complete events on one thread nest (none
// overlaps another partially); every flow step or end follows a start with the
// same cat, name and id.

const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'b', 'n', 'e', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M', 'R', 'c', '(', ')', 'V', 'v']);
const NAME_METADATA = new Set(['process_name', 'thread_name']);
const SORT_METADATA = new Set(['process_sort_index', 'thread_sort_index']);
/** Nesting tolerance, µs: timestamps are written with three decimals. */
const EPSILON = 0.0015;
const MAX_PROBLEMS = 200;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The problems of a trace (JSON Object Format `{ traceEvents: [...] }` or JSON Array Format); empty when valid. */
export function validateTrace(trace: unknown): string[] {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
    else if (problems.length === MAX_PROBLEMS) problems.push('… (more problems not listed)');
  };
  let events: unknown[];
  if (Array.isArray(trace)) events = trace;
  else if (isObject(trace) && Array.isArray(trace['traceEvents'])) {
    events = trace['traceEvents'];
    const unit = trace['displayTimeUnit'];
    if (unit !== undefined && unit !== 'ms' && unit !== 'ns') problem(`displayTimeUnit: ${JSON.stringify(unit)} is neither "ms" nor "ns"`);
  } else return ['not a trace: expected { traceEvents: [...] } or an array of events'];

  const complete = new Map<string, { ts: number; end: number; at: number }[]>();
  const begins = new Map<string, { ts: number; at: number }[]>();
  const ends = new Map<string, { ts: number; at: number }[]>();
  const flowStarts = new Map<string, number>();
  const flowLater: { key: string; ts: number; at: number; ph: string }[] = [];

  events.forEach((raw, at) => {
    const where = `traceEvents[${at}]`;
    if (!isObject(raw)) {
      problem(`${where}: not an object`);
      return;
    }
    const e = raw;
    const ph = e['ph'];
    if (typeof ph !== 'string' || !PHASES.has(ph)) {
      problem(`${where}: ph ${JSON.stringify(ph)} is not a Trace Event phase`);
      return;
    }
    const label = `${where} (ph ${ph}${typeof e['name'] === 'string' ? ` "${e['name']}"` : ''})`;
    if (typeof e['name'] !== 'string' && ph !== 'E') problem(`${label}: name missing or not a string`);
    if (!finite(e['pid'])) problem(`${label}: pid missing or not a number`);
    if (!finite(e['tid']) && typeof e['tid'] !== 'string') problem(`${label}: tid missing or not a number`);
    if (ph !== 'M' && (!finite(e['ts']) || e['ts'] < 0)) problem(`${label}: ts missing, negative or not a number`);
    if (e['args'] !== undefined && !isObject(e['args'])) problem(`${label}: args is not an object`);
    const args = isObject(e['args']) ? e['args'] : undefined;
    const thread = `${String(e['pid'])}|${String(e['tid'])}`;
    const ts = finite(e['ts']) ? e['ts'] : 0;
    const hasId = typeof e['id'] === 'string' || finite(e['id']);
    switch (ph) {
      case 'X': {
        const dur = e['dur'];
        if (!finite(dur) || dur < 0) {
          problem(`${label}: dur missing, negative or not a number`);
          break;
        }
        const list = complete.get(thread) ?? [];
        list.push({ ts, end: ts + dur, at });
        complete.set(thread, list);
        break;
      }
      case 'B': {
        const list = begins.get(thread) ?? [];
        list.push({ ts, at });
        begins.set(thread, list);
        break;
      }
      case 'E': {
        const list = ends.get(thread) ?? [];
        list.push({ ts, at });
        ends.set(thread, list);
        break;
      }
      case 'i':
      case 'I':
        if (e['s'] !== 'g' && e['s'] !== 'p' && e['s'] !== 't') problem(`${label}: s (scope) must be "g", "p" or "t"`);
        break;
      case 's':
      case 't':
      case 'f': {
        if (!hasId) problem(`${label}: flow event without id`);
        if (typeof e['cat'] !== 'string') problem(`${label}: flow event without cat`);
        if (e['bp'] !== undefined && e['bp'] !== 'e') problem(`${label}: bp must be "e" when present`);
        const key = `${String(e['cat'])}|${String(e['name'])}|${String(e['id'])}`;
        if (ph === 's') {
          if (flowStarts.has(key)) problem(`${label}: a second flow start with id ${String(e['id'])}`);
          flowStarts.set(key, ts);
        } else flowLater.push({ key, ts, at, ph });
        break;
      }
      case 'b':
      case 'n':
      case 'e':
        if (!hasId && e['id2'] === undefined) problem(`${label}: async event without id`);
        if (typeof e['cat'] !== 'string') problem(`${label}: async event without cat`);
        break;
      case 'C':
        if (args === undefined || Object.keys(args).length === 0 || !Object.values(args).every((v) => finite(v))) {
          problem(`${label}: counter args must be numbers`);
        }
        break;
      case 'M': {
        const name = e['name'];
        if (args === undefined) problem(`${label}: metadata without args`);
        else if (typeof name === 'string' && NAME_METADATA.has(name) && typeof args['name'] !== 'string') problem(`${label}: args.name missing`);
        else if (name === 'process_labels' && typeof args['labels'] !== 'string') problem(`${label}: args.labels missing`);
        else if (typeof name === 'string' && SORT_METADATA.has(name) && !finite(args['sort_index'])) problem(`${label}: args.sort_index missing`);
        break;
      }
      default:
        break;
    }
  });

  // B/E pairs per thread: in time order, every E closes an open B.
  for (const thread of new Set([...begins.keys(), ...ends.keys()])) {
    const marks = [
      ...(begins.get(thread) ?? []).map((b) => ({ ...b, open: 1 })),
      ...(ends.get(thread) ?? []).map((e) => ({ ...e, open: -1 })),
    ].sort((a, b) => a.ts - b.ts || a.at - b.at);
    let depth = 0;
    for (const mark of marks) {
      depth += mark.open;
      if (depth < 0) {
        problem(`thread ${thread}: E event traceEvents[${mark.at}] closes no B`);
        depth = 0;
      }
    }
    if (depth > 0) problem(`thread ${thread}: ${depth} B event(s) never closed by an E`);
  }

  // Complete events on one thread must nest.
  for (const [thread, list] of complete) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end || a.at - b.at);
    const stack: { ts: number; end: number; at: number }[] = [];
    for (const ev of list) {
      while (stack.length > 0 && stack.at(-1)!.end <= ev.ts + EPSILON) stack.pop();
      const top = stack.at(-1);
      if (top !== undefined && ev.end > top.end + EPSILON) {
        problem(`thread ${thread}: traceEvents[${ev.at}] [${ev.ts}, ${ev.end}] overlaps traceEvents[${top.at}] [${top.ts}, ${top.end}] without nesting in it`);
      }
      stack.push(ev);
    }
  }

  // Flow steps and ends follow their start.
  for (const f of flowLater) {
    const start = flowStarts.get(f.key);
    if (start === undefined) problem(`traceEvents[${f.at}] (ph ${f.ph}): no flow start (ph s) with the same cat, name and id`);
    else if (f.ts < start) problem(`traceEvents[${f.at}] (ph ${f.ph}): before its flow start`);
  }
  return problems;
}
