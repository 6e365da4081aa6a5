// `psnotify replay` on the shared real recordings (OTRF Security-Datasets): every Sysmon event 7 of
// the input comes back out of the sysmon driver once, with its identity fields unchanged, in the
// input's UtcTime order per host; the accounting adds up; a user's own driver module sees what the
// sysmon driver sees; shards and host globs split the hosts. Skipped, saying so, without the data.
import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { replayCommand, type ReplayCliOptions, type ReplayIo } from '../src/cli/replay.js';
import { isSysmon, readRecords } from '../src/replay/input/index.js';
import { parseUtcTime, replay, type ReplayStatsJson } from '../src/replay/index.js';
import { exampleDriverFile } from '../src/scenario/user-driver.js';
import { otrfData, sysmonData } from './helpers/replay-input.js';

const IDENTITY = ['ProcessId', 'Image', 'ImageLoaded', 'Signed', 'Signature', 'SignatureStatus', 'UtcTime'] as const;
const jsonl = join(sysmonData, 'otrf-aptsimulator-cobaltstrike.jsonl');
const covenant = join(otrfData, 'covenant_wmi_wbemcomn_dll_hijack.zip');
/** The LSASS recording (53,698 records) is replayed in one test only. */
const lsass = join(otrfData, 'metasploit_logonpasswords_lsass_memory_dump.zip');
const recordings = [
  jsonl,
  ...['cmd_sharpview_pcre_net.zip', 'psh_mavinject_dll_notepad.zip', 'covenant_wmi_wbemcomn_dll_hijack.zip', 'proxylogon_ssrf_rce_poc.zip', 'cmd_dumping_ntds_dit_file_ntdsutil.zip'].map((f) => join(otrfData, f)),
  lsass,
];
const missing = recordings.filter((f) => !existsSync(f));
const skip = missing.length > 0 ? `shared Sysmon recordings not found (${missing.map((f) => basename(f)).join(', ')}): skipped` : false;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  stats: ReplayStatsJson;
}

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'psnotify-replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function run(t: TestContext, files: string[], options: ReplayCliOptions, stdin?: ReplayIo['stdin']): Promise<Run> {
  const statsFile = join(scratch(t), 'stats.json');
  let stdout = '';
  let stderr = '';
  const code = await replayCommand(files, { ...options, stats: statsFile }, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    ...(stdin !== undefined ? { stdin } : {}),
  });
  return { code, stdout, stderr, stats: JSON.parse(readFileSync(statsFile, 'utf8')) as ReplayStatsJson };
}

const sumSkipped = (stats: ReplayStatsJson) => Object.values(stats.skipped).reduce((a, b) => a + b, 0);
const identity = (r: Record<string, unknown>) => JSON.stringify(IDENTITY.map((k) => r[k]));

/** The input's Sysmon event 7s per host (lower-cased), in UtcTime order (a stable sort: ties keep input order). */
async function expectedLoads(file: string, order: 'input' | 'utc' = 'input'): Promise<Map<string, string[]>> {
  const byHost = new Map<string, { t: number; i: number; id: string }[]>();
  let i = 0;
  for await (const item of readRecords([file])) {
    if (item.kind !== 'record' || item.eventId !== 7 || !isSysmon(item.channel, item.provider)) continue;
    const key = item.hostKey ?? '(no host)';
    if (!byHost.has(key)) byHost.set(key, []);
    byHost.get(key)!.push({ t: parseUtcTime(item.utcTime)!, i: i++, id: identity(item.fields) });
  }
  const sorted = (v: { t: number; i: number; id: string }[]) => (order === 'utc' ? v.sort((a, b) => a.t - b.t || a.i - b.i) : v);
  return new Map([...byHost].map(([k, v]) => [k, sorted(v).map((x) => x.id)]));
}

function outputLoads(stdout: string): Map<string, string[]> {
  const byHost = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    assert.equal(typeof record.Hostname, 'string', 'every output record names its host');
    if (record.EventID !== 7) continue;
    const key = String(record.Hostname).toLowerCase();
    if (!byHost.has(key)) byHost.set(key, []);
    byHost.get(key)!.push(identity(record));
  }
  return byHost;
}

test('--sysmon --stats on every shared recording: each input event 7 comes out once, identity fields equal, in the input\'s order per host (and in UtcTime order with --order utc)', { skip, timeout: 180_000 }, async (t) => {
  for (const file of recordings) {
    const order = basename(file).startsWith('covenant') ? 'utc' : 'input';
    const r = await run(t, [file], { sysmon: true, ...(order === 'utc' ? { order } : {}) });
    assert.equal(r.code, 0, `${basename(file)}: ${r.stderr}`);
    const expected = await expectedLoads(file, order);
    const actual = outputLoads(r.stdout);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), basename(file));
    for (const [host, loads] of expected) assert.deepEqual(actual.get(host), loads, `${basename(file)}: ${host}`);
    assert.equal(r.stats.records, r.stats.replayed + sumSkipped(r.stats), basename(file));
    assert.equal(r.stats.hosts, expected.size, basename(file));
    assert.equal(r.stats.byEventId['7'], [...expected.values()].reduce((n, l) => n + l.length, 0), basename(file));
    assert.match(r.stderr, new RegExp(`psnotify replay: ${r.stats.records} records, ${r.stats.replayed} replayed`));
  }
});

test('the covenant recording: 3 hosts, 5 unrendered event 7s reported with their place and field, the rest replayed', { skip }, async (t) => {
  const r = await run(t, [covenant], { sysmon: true });
  assert.equal(r.code, 0);
  assert.equal(r.stats.hosts, 3);
  assert.equal(r.stats.records, 8947);
  assert.equal(r.stats.skipped['missing-field'], 5);
  const located = r.stderr.split('\n').filter((l) => /covenant_wmi_wbemcomn_dll_hijack\.zip:covenant_wmi_wbemcomn_dll_hijack_[^ ]+\.json record \d+ \(line \d+\): Sysmon event 7 has no ProcessId field/.test(l));
  assert.equal(located.length, 5);
  assert.equal(r.stats.byEventId['7'], 670);
});

const COUNTER = `// A user's own driver: it sees every image load and says which (pid, file) it saw.
import { PsRemoveLoadImageNotifyRoutine, PsSetLoadImageNotifyRoutine, type DriverOutput, type Kernel, type LoadImageNotifyRoutine } from 'psnotify';

export const fileName = 'counter.sys';

export function create(kernel: Kernel, output: DriverOutput) {
  let images = 0;
  const onImage: LoadImageNotifyRoutine = (name, pid) => {
    if (name === null) return;
    images++;
    output.event({ pid, image: kernel.fileFacts(name)?.path ?? name });
  };
  return {
    DriverEntry(driverObject: { DriverUnload: unknown }) {
      driverObject.DriverUnload = () => PsRemoveLoadImageNotifyRoutine(onImage);
      return PsSetLoadImageNotifyRoutine(onImage);
    },
    finish: () => [\`counter: \${images} images\`],
  };
}
`;

test('a user\'s own driver module attached to a replay sees the same (pid, image) sequence as the sysmon driver', { skip }, async (t) => {
  const dir = scratch(t);
  const counter = join(dir, 'counter.ts');
  writeFileSync(counter, COUNTER);
  for (const file of [jsonl, covenant]) {
    const seen = new Map<string, { sysmon: string[]; counter: string[] }>();
    const at = (host: string) => seen.get(host) ?? (seen.set(host, { sysmon: [], counter: [] }), seen.get(host)!);
    const result = await replay([file], {
      drivers: [{ name: 'sysmon', file: exampleDriverFile('sysmon'), example: 'sysmon' }, { name: 'counter.ts', file: counter }],
      observer: {
        onRecord: (record, source) => {
          if (source.driver === 'sysmon' && (record.EventID === 7 || record.EventID === 6)) at(source.host).sysmon.push(`${record.ProcessId ?? 0} ${record.ImageLoaded}`);
          if (source.driver === 'counter.ts') at(source.host).counter.push(`${record.pid} ${record.image}`);
        },
      },
    });
    assert.equal(result.outcome, 'ok');
    assert.ok(seen.size >= 1);
    for (const [host, { sysmon, counter: mine }] of seen) {
      assert.ok(sysmon.length > 50, host);
      assert.deepEqual(mine, sysmon, `${basename(file)} ${host}`);
    }
    assert.deepEqual(result.finish.map((f) => f.lines[0]), [...seen.values()].map((s) => `counter: ${s.counter.length} images`));
  }
  // From the command line, with --sysmon and only the user's driver: the sysmon records still come
  // (its recorder watches the dispatches, as on `run`), the same as with the sysmon driver.
  const own = await run(t, [jsonl], { sysmon: true, driver: [counter] });
  const withSysmon = await run(t, [jsonl], { sysmon: true });
  assert.equal(own.code, 0, own.stderr);
  assert.deepEqual(outputLoads(own.stdout), outputLoads(withSysmon.stdout));
  assert.match(own.stderr, /\nWORKSTATION5:\ncounter: 911 images\n/);
});

test('--shard 0/2 and 1/2 split the covenant recording\'s 3 hosts disjointly and completely; --hosts takes a glob', { skip }, async (t) => {
  const all = await run(t, [covenant], { sysmon: true });
  const hostsOf = (r: Run) => r.stats.perHost.map((h) => h.host.toLowerCase()).sort();
  const shards = [await run(t, [covenant], { sysmon: true, shard: '0/2' }), await run(t, [covenant], { sysmon: true, shard: '1/2' })];
  const [a, b] = shards.map(hostsOf) as [string[], string[]];
  assert.ok(a.length > 0 && b.length > 0, 'both shards get hosts');
  assert.deepEqual(a.filter((h) => b.includes(h)), []);
  assert.deepEqual([...a, ...b].sort(), hostsOf(all));
  assert.equal(shards[0]!.stats.replayed + shards[1]!.stats.replayed, all.stats.replayed);
  for (const shard of shards) {
    assert.equal(shard.stats.records, all.stats.records);
    assert.ok(shard.stats.skipped['other-shard']! > 0);
    // Each shard's output holds its own hosts only.
    assert.deepEqual([...outputLoads(shard.stdout).keys()].sort(), hostsOf(shard));
  }
  const workstations = await run(t, [covenant], { sysmon: true, hosts: 'WORKSTATION*' });
  assert.deepEqual(hostsOf(workstations), ['workstation5.theshire.local', 'workstation6.theshire.local']);
  assert.ok(workstations.stats.skipped['host-filtered']! > 0);
});

test('standard input (-) replays a real recording exactly as the file', { skip }, async (t) => {
  const fromFile = await run(t, [jsonl], { sysmon: true });
  const fromStdin = await run(t, ['-'], { sysmon: true }, createReadStream(jsonl));
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.equal(fromStdin.stdout, fromFile.stdout);
  assert.equal(fromStdin.stats.records, 984);
});
