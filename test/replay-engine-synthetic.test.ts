// `psnotify replay` on small hand-made recordings: what each Sysmon event does to the kernel, the
// quirks of real recordings (loads before their event 1, the EXE after ntdll, reused ids, SysWOW64,
// drives other than C:), the reorder window, located bad input and --strict, event 6, standard input.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { replayCommand, type ReplayCliOptions } from '../src/cli/replay.js';
import type { ReplayStatsJson } from '../src/replay/index.js';

type Fields = Record<string, string | number>;

const HOST = 'WS01.corp.example';
const SYSMON = { SourceName: 'Microsoft-Windows-Sysmon', Channel: 'Microsoft-Windows-Sysmon/Operational' };
const SIGNED = { Signed: 'true', Signature: 'Microsoft Windows', SignatureStatus: 'Valid' };
const FACTS = { FileVersion: '10.0.1', Description: 'd', Product: 'p', Company: 'Microsoft Corporation', OriginalFileName: 'o.dll', Hashes: 'SHA256=00' };

/** `2024-01-02 03:04:05.006` + ms. */
function at(ms: number): string {
  return new Date(Date.UTC(2024, 0, 2, 3, 4, 5) + ms).toISOString().replace('T', ' ').replace('Z', '');
}

function create(ms: number, pid: number, image: string, extra: Fields = {}): Fields {
  return { ...SYSMON, Hostname: HOST, EventID: 1, UtcTime: at(ms), ProcessGuid: `{g-${pid}}`, ProcessId: String(pid), Image: image, CommandLine: `"${image}" /x`, ParentProcessId: '4', ...extra };
}
function load(ms: number, pid: number, image: string, loaded: string, extra: Fields = {}): Fields {
  return { ...SYSMON, Hostname: HOST, EventID: 7, UtcTime: at(ms), ProcessGuid: `{g-${pid}}`, ProcessId: String(pid), Image: image, ImageLoaded: loaded, ...FACTS, ...SIGNED, ...extra };
}
function exit(ms: number, pid: number, image: string, extra: Fields = {}): Fields {
  return { ...SYSMON, Hostname: HOST, EventID: 5, UtcTime: at(ms), ProcessGuid: `{g-${pid}}`, ProcessId: String(pid), Image: image, ...extra };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  stats: ReplayStatsJson;
  /** --sysmon: the records; --json: the notifications. */
  lines: Record<string, unknown>[];
}

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'psnotify-replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function run(t: TestContext, records: (Fields | string)[], options: ReplayCliOptions = { sysmon: true, order: 'utc' }, stdin?: string): Promise<Run> {
  const dir = scratch(t);
  const file = join(dir, 'rec.jsonl');
  const text = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
  writeFileSync(file, text);
  let stdout = '';
  let stderr = '';
  const statsFile = join(dir, 'stats.json');
  const code = await replayCommand(stdin === undefined ? [file] : ['-'], { ...options, stats: statsFile }, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
  });
  const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as ReplayStatsJson;
  const lines = stdout.trim() === '' || !(options.sysmon || options.json) ? [] : stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout, stderr, stats, lines };
}

const sumSkipped = (stats: ReplayStatsJson) => Object.values(stats.skipped).reduce((a, b) => a + b, 0);
const loads = (r: Run) => r.lines.filter((l) => l.EventID === 7);

const CMD = 'C:\\Windows\\System32\\cmd.exe';
const NTDLL = 'C:\\Windows\\System32\\ntdll.dll';
const K32 = 'C:\\Windows\\System32\\kernel32.dll';

test('event 1, 7, 5: the recorded process, its images with their recorded identity fields, then its exit', async (t) => {
  const r = await run(t, [
    create(0, 1000, CMD, { CommandLine: 'cmd.exe /c whoami', ParentProcessId: '600' }),
    load(1, 1000, CMD, CMD),
    load(1, 1000, CMD, NTDLL),
    load(2, 1000, CMD, K32, { Signature: 'Microsoft Corporation' }),
    load(3, 1000, CMD, 'C:\\Users\\bob\\evil.dll', { Signed: 'false', Signature: '-', SignatureStatus: 'Unavailable', Company: '-', Hashes: 'SHA256=EE' }),
    exit(9, 1000, CMD),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const seven = loads(r);
  assert.deepEqual(seven.map((l) => [l.ProcessId, l.Image, l.ImageLoaded, l.Signed, l.Signature, l.SignatureStatus, l.UtcTime, l.Hostname]), [
    ['1000', CMD, CMD, 'true', 'Microsoft Windows', 'Valid', at(1), HOST],
    ['1000', CMD, NTDLL, 'true', 'Microsoft Windows', 'Valid', at(1), HOST],
    ['1000', CMD, K32, 'true', 'Microsoft Corporation', 'Valid', at(2), HOST],
    ['1000', CMD, 'C:\\Users\\bob\\evil.dll', 'false', '-', 'Unavailable', at(3), HOST],
  ]);
  assert.equal(seven[3]!.Hashes, 'SHA256=EE');
  assert.equal(seven[0]!.FileVersion, '10.0.1');
  // The sysmon driver's own event 1 carries the recorded command line.
  const one = r.lines.filter((l) => l.EventID === 1);
  assert.equal(one.length, 1);
  assert.equal(one[0]!.CommandLine, 'cmd.exe /c whoami');
  assert.equal(one[0]!.ParentProcessId, '600');
  assert.deepEqual(r.stats.byEventId, { 1: 1, 5: 1, 7: 4 });
  assert.equal(r.stats.records, r.stats.replayed + sumSkipped(r.stats));
  assert.equal(r.stats.hosts, 1);
  assert.match(r.stderr, /psnotify replay: 6 records, 6 replayed/);
  assert.ok(!r.stderr.includes('\u001b'), 'no progress bar when standard error is not a terminal');
});

test('--json: the EXE and ntdll are the process-start reports (0x403) whatever their order; other images carry the recorded signature', async (t) => {
  const r = await run(t, [
    create(0, 1000, CMD),
    load(1, 1000, CMD, NTDLL),
    load(1, 1000, CMD, K32),
    load(2, 1000, CMD, CMD), // the EXE's own event 7 written after ntdll and kernel32
    load(3, 1000, CMD, 'C:\\Tools\\vendor.dll', { Signature: 'Vendor Inc.' }),
    load(4, 1000, CMD, 'C:\\Tools\\unsigned.dll', { Signed: 'false', SignatureStatus: 'Unavailable' }),
  ], { json: true });
  assert.equal(r.code, 0, r.stderr);
  const seen = r.lines.map((n) => [String(n.fullImageName).split('\\').pop(), n.properties, (n.imageInfo as Record<string, number>).ImageSignatureLevel, (n.imageInfo as Record<string, number>).ImageSignatureType]);
  assert.deepEqual(seen, [
    ['ntdll.dll', 0x403, 0, 0],
    ['kernel32.dll', 0x3c403, 0xc, 3],
    ['cmd.exe', 0x403, 0, 0],
    ['vendor.dll', 0x14403, 4, 1],
    ['unsigned.dll', 0x1403, 1, 0],
  ]);
  assert.ok(r.lines.every((n) => n.host === HOST && n.processId === 1000 && typeof n.record === 'number' && typeof n.seq === 'number'));
  assert.deepEqual(r.lines.map((n) => n.record), [2, 3, 4, 5, 6]);
});

test('a load before its process\'s event 1 in UtcTime creates it from that event 1 (command line kept); a process never created is created when first seen', async (t) => {
  const r = await run(t, [
    // Sysmon stamps event 1 after the first loads of the process (seen in every OTRF recording).
    create(10, 2000, CMD, { CommandLine: 'cmd /c early' }),
    load(4, 2000, CMD, CMD),
    load(4, 2000, CMD, NTDLL),
    // A process that was running when the recording began: no event 1 at all.
    load(20, 3000, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\shell32.dll'),
    exit(30, 3000, 'C:\\Windows\\explorer.exe'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(loads(r).map((l) => [l.ProcessId, l.ImageLoaded]), [['2000', CMD], ['2000', NTDLL], ['3000', 'C:\\Windows\\System32\\shell32.dll']]);
  assert.equal(r.lines.find((l) => l.EventID === 1)?.CommandLine, 'cmd /c early');
  assert.equal(r.stats.notes.createdEarly, 1);
  assert.equal(r.stats.notes.firstSeen, 1);
  assert.equal(r.stats.replayed, 5);
});

test('a reused process id: without event 5 the old process is ended (counted); the new one reports its own start', async (t) => {
  const r = await run(t, [
    create(0, 4000, CMD),
    load(1, 4000, CMD, CMD),
    create(50, 4000, 'C:\\Windows\\System32\\whoami.exe', { ProcessGuid: '{g-4000}' }), // Sysmon reused the GUID too
    load(51, 4000, 'C:\\Windows\\System32\\whoami.exe', 'C:\\Windows\\System32\\whoami.exe'),
    exit(60, 4000, 'C:\\Windows\\System32\\whoami.exe'),
    // An exit of a process the replay never saw.
    exit(70, 4400, 'C:\\Windows\\System32\\svchost.exe'),
  ], { json: true });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines.map((n) => [n.process, n.properties]), [['cmd.exe', 0x403], ['whoami.exe', 0x403]]);
  assert.equal(r.stats.notes.pidReused, 1);
  assert.equal(r.stats.skipped['exit-of-unseen-process'], 1);
  assert.equal(r.stats.records, r.stats.replayed + sumSkipped(r.stats));
});

test('a second load of a mapped image unmaps the earlier view first; a SysWOW64 process is a WoW64 one (no mismatch)', async (t) => {
  const x86 = 'C:\\Program Files (x86)\\App\\app.exe';
  const r = await run(t, [
    create(0, 5000, CMD),
    load(1, 5000, CMD, 'C:\\Tools\\plugin.dll'),
    load(2, 5000, CMD, 'C:\\Tools\\plugin.dll'),
    create(10, 5004, x86),
    load(11, 5004, x86, x86),
    load(11, 5004, x86, NTDLL),
    load(11, 5004, x86, 'C:\\Windows\\SysWOW64\\ntdll.dll'),
    load(12, 5004, x86, 'C:\\Windows\\System32\\wow64.dll'),
    load(13, 5004, x86, 'C:\\Windows\\SysWOW64\\kernel32.dll'),
    load(14, 5004, x86, 'C:\\Program Files (x86)\\App\\helper.dll'),
  ], { json: true });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stats.notes.remapped, 1);
  assert.equal(r.stats.notes.wow64Processes, 1);
  const wow = r.lines.filter((n) => n.processId === 5004);
  assert.deepEqual(wow.map((n) => [String(n.fullImageName).split('\\').slice(-2).join('\\'), n.properties]), [
    ['App\\app.exe', 0x403],
    ['System32\\ntdll.dll', 0x403],
    ['SysWOW64\\ntdll.dll', 0x403],
    ['System32\\wow64.dll', 0x3c403],
    ['SysWOW64\\kernel32.dll', 0x3c403],
    ['App\\helper.dll', 0x3c403],
  ]);
  assert.ok(wow.every((n) => (n.imageInfo as Record<string, number>).MachineTypeMismatch === 0));
  // 32-bit images of a WoW64 process sit below 2 GiB.
  assert.ok(wow.filter((n) => /SysWOW64\\kernel32|helper/.test(String(n.fullImageName))).every((n) => BigInt(n.imageBase as string) < 0x80000000n));
});

test('paths on other drives, shares and odd names replay, and the sysmon driver prints them as recorded', async (t) => {
  const odd = ['D:\\Games\\engine.dll', '\\\\fileserver\\tools\\util.dll', '\\\\?\\C:\\Long\\path.dll', 'c:\\windows\\system32\\ADVAPI32.dll', 'C:\\Temp\\we|rd?.dll'];
  const r = await run(t, [create(0, 6000, CMD), ...odd.map((p, i) => load(1 + i, 6000, CMD, p)), load(9, 6000, 'c:\\WINDOWS\\system32\\CMD.EXE', 'C:\\Windows\\System32\\user32.dll')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(loads(r).map((l) => l.ImageLoaded), [...odd, 'C:\\Windows\\System32\\user32.dll']);
  // Image is each record's own spelling, even when it differs from event 1's.
  assert.deepEqual(loads(r).map((l) => l.Image), [...odd.map(() => CMD), 'c:\\WINDOWS\\system32\\CMD.EXE']);
});

test('event 6: the driver image loads in System, reloading when the recording loads it again', async (t) => {
  const driver = (ms: number, extra: Fields = {}) => ({ ...SYSMON, Hostname: HOST, EventID: 6, UtcTime: at(ms), ImageLoaded: 'C:\\Windows\\System32\\drivers\\acme.sys', Hashes: 'SHA256=DD', Signed: 'true', Signature: 'Acme Corp', SignatureStatus: 'Valid', ...extra });
  const r = await run(t, [driver(0), driver(5, { Hashes: 'SHA256=D2' })]);
  assert.equal(r.code, 0, r.stderr);
  const six = r.lines.filter((l) => l.EventID === 6);
  assert.deepEqual(six.map((l) => [l.ImageLoaded, l.Hashes, l.Signature, l.UtcTime, l.Hostname]), [
    ['C:\\Windows\\System32\\drivers\\acme.sys', 'SHA256=DD', 'Acme Corp', at(0), HOST],
    ['C:\\Windows\\System32\\drivers\\acme.sys', 'SHA256=D2', 'Acme Corp', at(5), HOST],
  ]);
  assert.equal(r.stats.notes.driverReloaded, 1);
});

test('bad input is located (file, record, field), counted, and the rest replays; --strict stops at the first (exit 2)', async (t) => {
  const records: (Fields | string)[] = [
    create(0, 7000, CMD),
    load(1, 7000, CMD, CMD),
    '{"EventID": 7, "Channel": "Microsoft-Windows-Sysmon/Operational", "UtcTime": "2024-01-02 03:04:05.00', // truncated
    (() => {
      const r = load(2, 7000, CMD, K32);
      delete r.ImageLoaded;
      return r;
    })(),
    load(3, 7000, CMD, NTDLL),
    load(4, 7000, CMD, 'C:\\x.dll', { ProcessId: '7001' }),
    load(5, 7000, CMD, 'C:\\y.dll', { UtcTime: 'yesterday' }),
  ];
  const r = await run(t, records);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /rec\.jsonl record 3 \(line 3\): invalid JSON/);
  assert.match(r.stderr, /rec\.jsonl record 4 \(line 4\): Sysmon event 7 has no ImageLoaded field/);
  assert.match(r.stderr, /rec\.jsonl record 6 \(line 6\): .*ProcessId "7001" is not a Windows process id/);
  assert.match(r.stderr, /rec\.jsonl record 7 \(line 7\): .*UtcTime "yesterday"/);
  assert.deepEqual(loads(r).map((l) => l.ImageLoaded), [CMD, NTDLL]);
  assert.deepEqual(r.stats.skipped, { 'invalid-field': 2, 'invalid-json': 1, 'missing-field': 1 });
  assert.equal(r.stats.records, 7);
  assert.equal(r.stats.problems, 4);

  const strict = await run(t, records, { sysmon: true, strict: true });
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, /stopped at the first bad input \(--strict\): .*record 3 \(line 3\): invalid JSON/);
  assert.equal(strict.stats.records, strict.stats.replayed + sumSkipped(strict.stats));
  // What came before the bad record replays; nothing after it is read.
  assert.deepEqual(loads(strict).map((l) => l.ImageLoaded), [CMD]);
  assert.equal(strict.stats.records, 3);
  assert.deepEqual(strict.stats.skipped, { 'invalid-json': 1 });
});

test('an image load in a process that has ended contradicts the state: reported with its place and field, replay goes on', async (t) => {
  const records = [create(0, 8000, CMD), load(1, 8000, CMD, CMD), exit(2, 8000, CMD), load(5, 8000, CMD, 'C:\\late.dll'), load(6, 8000 + 4, CMD, CMD)];
  const r = await run(t, records);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /rec\.jsonl record 4 \(line 4\): event 7 on WS01\.corp\.example: image load in process 8000 \(\{g-8000\}\), which has already ended \(field ProcessId\)/);
  assert.equal(r.stats.skipped['process-ended'], 1);
  assert.deepEqual(loads(r).map((l) => l.ProcessId), ['8000', '8004']);
  const strict = await run(t, records, { sysmon: true, strict: true });
  assert.equal(strict.code, 2);
});

test('reorder window: a record slightly out of order is replayed in UtcTime order; one later than the window is reported and replayed at once', async (t) => {
  const dll = (n: number) => `C:\\Tools\\m${n}.dll`;
  const records = [
    create(0, 9000, CMD),
    load(100, 9000, CMD, dll(1)),
    load(300, 9000, CMD, dll(3)),
    load(200, 9000, CMD, dll(2)), // 100 ms out of order: inside a 1 s window
    load(5000, 9000, CMD, dll(5)),
    load(9000, 9000, CMD, dll(9)), // releases everything up to 8000
    load(400, 9000, CMD, dll(4)), // later than the window: late
  ];
  const r = await run(t, records, { sysmon: true, order: 'utc', reorderWindow: 1000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(loads(r).map((l) => l.ImageLoaded), [dll(1), dll(2), dll(3), dll(5), dll(4), dll(9)]);
  assert.equal(r.stats.late, 1);
  assert.equal(r.stats.replayed, 7, 'the late record is replayed, not dropped');
  assert.match(r.stderr, /rec\.jsonl record 7 \(line 7\): event 7 on WS01\.corp\.example: 4600 ms older than a record already replayed/);
  // A window of 0 replays in input order.
  const zero = await run(t, records, { sysmon: true, order: 'utc', reorderWindow: 0 });
  assert.deepEqual(loads(zero).map((l) => l.ImageLoaded), [dll(1), dll(3), dll(2), dll(5), dll(9), dll(4)]);
  assert.equal(zero.stats.late, 2);
  // The default order is the recording's own, with nothing late.
  const input = await run(t, records, { sysmon: true, reorderWindow: 1000 });
  assert.deepEqual(loads(input).map((l) => l.ImageLoaded), [dll(1), dll(3), dll(2), dll(5), dll(9), dll(4)]);
  assert.equal(input.stats.late, 0);
});

test('a late load recorded before its process\'s exit is replayed in the process re-created for it', async (t) => {
  const records = [create(0, 9100, CMD), load(10, 9100, CMD, CMD), exit(20, 9100, CMD), load(5000, 9104, CMD, CMD), load(15, 9100, CMD, 'C:\\slow.dll')];
  const r = await run(t, records, { sysmon: true, order: 'utc', reorderWindow: 1000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(loads(r).map((l) => [l.ProcessId, l.ImageLoaded]), [['9100', CMD], ['9100', 'C:\\slow.dll'], ['9104', CMD]]);
  assert.equal(r.stats.notes.reopened, 1);
  assert.equal(r.stats.late, 1);
});

test('several hosts in one input: one kernel each, records labelled with their host; other channels and event ids are skipped by reason', async (t) => {
  const other = (host: string, fields: Fields) => ({ ...fields, Hostname: host });
  const r = await run(t, [
    create(0, 1000, CMD),
    other('DC01', create(0, 1000, 'C:\\Windows\\System32\\lsass.exe')),
    other('DC01', load(1, 1000, 'C:\\Windows\\System32\\lsass.exe', NTDLL)),
    load(1, 1000, CMD, NTDLL),
    { ...SYSMON, Hostname: HOST, EventID: 10, UtcTime: at(2), SourceProcessId: '1000' },
    { Channel: 'Security', Hostname: HOST, EventID: 4688, TimeCreated: at(2) },
    { Channel: 'Microsoft-Windows-PowerShell/Operational', Hostname: HOST, EventID: 4104 },
  ]);
  assert.equal(r.code, 0, r.stderr);
  // Hosts are replayed apart: the order within a host is defined, the interleaving of hosts is not.
  const byHost = (host: string) => loads(r).filter((l) => l.Hostname === host).map((l) => [l.Image, l.ImageLoaded]);
  assert.deepEqual(byHost('DC01'), [['C:\\Windows\\System32\\lsass.exe', NTDLL]]);
  assert.deepEqual(byHost(HOST), [[CMD, NTDLL]]);
  assert.equal(loads(r).length, 2);
  assert.equal(r.stats.hosts, 2);
  assert.deepEqual(r.stats.skipped, { 'not-sysmon': 2, 'sysmon-event-10': 1 });
  assert.equal(r.stats.records, 7);
});

test('standard input (-) replays as a file does', async (t) => {
  const records = [create(0, 1000, CMD), load(1, 1000, CMD, CMD), load(2, 1000, CMD, K32)];
  const fromFile = await run(t, records);
  const fromStdin = await run(t, [], { sysmon: true }, records.map((r) => JSON.stringify(r)).join('\n'));
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.deepEqual(loads(fromStdin).map((l) => l.ImageLoaded), [CMD, K32]);
  assert.deepEqual(loads(fromStdin), loads(fromFile));
});

test('the table shows the host; bad options exit 2', async (t) => {
  const r = await run(t, [create(0, 1000, CMD), load(1, 1000, CMD, CMD), load(2, 1000, CMD, K32)], {});
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^psnotify replay: .*rec\.jsonl — build 22631 \(Windows 11 23H2\), amd64$/);
  assert.equal(lines[2], '  a = sysmon.sys');
  assert.match(lines[3]!, /^host +ms process +pid image +IMAGE_INFO +called$/);
  assert.match(r.stdout, /\nWS01\.corp\.exam… +1\.00 cmd\.exe +1000 cmd\.exe +usr 0\/0 +a\nWS01\.corp\.exam… +2\.00 cmd\.exe +1000 kernel32\.dll +usr C\/3 +a\n/);
  for (const bad of [{ build: '1234' }, { json: true, sysmon: true }, { shard: '2/2' }, { driver: ['nope'] }, { hosts: ',' }, { reorderWindow: '-5' }] as ReplayCliOptions[]) {
    let stderr = '';
    const code = await replayCommand(['x.jsonl'], bad, { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } });
    assert.equal(code, 2, JSON.stringify(bad));
    assert.match(stderr, /^psnotify replay: /);
  }
});

test('an unreadable input is reported and exits 2 after replaying the others', async (t) => {
  const dir = scratch(t);
  const good = join(dir, 'good.jsonl');
  writeFileSync(good, [create(0, 1000, CMD), load(1, 1000, CMD, CMD)].map((r) => JSON.stringify(r)).join('\n'));
  let stdout = '';
  let stderr = '';
  const code = await replayCommand([join(dir, 'missing.jsonl'), good], { sysmon: true }, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  assert.equal(code, 2);
  assert.match(stderr, /missing\.jsonl: /);
  assert.equal(stdout.trim().split('\n').filter((l) => JSON.parse(l).EventID === 7).length, 1);
});

test('a driver whose routine throws stops the replay with its bug check (exit 3); the accounting still adds up', async (t) => {
  const dir = scratch(t);
  const crasher = join(dir, 'crasher.ts');
  writeFileSync(crasher, [
    "import { PsSetLoadImageNotifyRoutine } from 'psnotify';",
    'let n = 0;',
    'export function DriverEntry() {',
    "  return PsSetLoadImageNotifyRoutine(() => { if (++n === 2) throw new Error('boom'); });",
    '}',
  ].join('\n'));
  const r = await run(t, [create(0, 1000, CMD), load(1, 1000, CMD, CMD), load(2, 1000, CMD, NTDLL), load(3, 1000, CMD, K32), load(4, 1000, CMD, 'C:\\x.dll')], { sysmon: true, driver: ['sysmon', crasher] });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /the machine of host WS01\.corp\.example stopped/);
  assert.match(r.stderr, /SYSTEM_THREAD_EXCEPTION_NOT_HANDLED \(7e\)/);
  assert.match(r.stderr, /Probably caused by : crasher\.sys/);
  assert.equal(r.stats.records, r.stats.replayed + sumSkipped(r.stats));
  assert.ok(r.stats.skipped.stopped! >= 1);
});

test('the engine tells every notification once its routines ran: host, record, source, FileObject, routines', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'r.jsonl');
  writeFileSync(file, [create(0, 1000, CMD), load(1, 1000, CMD, NTDLL), load(2, 1000, CMD, CMD), load(3, 1000, CMD, K32), { ...SYSMON, Hostname: HOST, EventID: 6, UtcTime: at(4), ImageLoaded: 'C:\\Windows\\System32\\drivers\\a.sys', ...SIGNED }].map((r) => JSON.stringify(r)).join('\n'));
  const { replay } = await import('../src/replay/index.js');
  const { exampleDriverFile } = await import('../src/scenario/user-driver.js');
  const seen: { seq: number; source: unknown; record: number; routines: number; file: unknown; host: string }[] = [];
  const records: unknown[] = [];
  const hosts: string[] = [];
  const result = await replay([file], {
    drivers: [{ name: 'sysmon', file: exampleDriverFile('sysmon'), example: 'sysmon' }],
    observer: {
      onHost: (h) => void hosts.push(`${h.host} ${h.driverFiles.join(',')}`),
      onNotification: (n) => void seen.push({ seq: n.seq, source: n.source, record: n.record, routines: n.routines.length, file: n.fileObject?.FileName, host: n.host }),
      onRecord: (r) => void records.push(r.EventID),
    },
  });
  assert.equal(result.outcome, 'ok');
  assert.deepEqual(hosts, [`${HOST} sysmon.sys`]);
  assert.deepEqual(seen, [
    { seq: 1, source: 'process-start', record: 2, routines: 1, file: '\\Windows\\System32\\ntdll.dll', host: HOST },
    { seq: 2, source: 'process-start', record: 3, routines: 1, file: '\\Windows\\System32\\cmd.exe', host: HOST },
    { seq: 3, source: 'image-view', record: 4, routines: 1, file: '\\Windows\\System32\\kernel32.dll', host: HOST },
    { seq: 4, source: 'driver', record: 5, routines: 1, file: '\\Windows\\System32\\drivers\\a.sys', host: HOST },
  ]);
  assert.deepEqual(records, [7, 1, 7, 7, 6]);
});

test('a watchdog is told whenever driver code runs: module loading, DriverEntry, each routine, balanced', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'r.jsonl');
  writeFileSync(file, [create(0, 1000, CMD), load(1, 1000, CMD, CMD), load(2, 1000, CMD, K32)].map((r) => JSON.stringify(r)).join('\n'));
  const { replay } = await import('../src/replay/index.js');
  const { exampleDriverFile } = await import('../src/scenario/user-driver.js');
  const log: string[] = [];
  let depth = 0;
  const watch = {
    enter: (what: string, driver: boolean) => void (depth++, log.push(`enter ${driver ? 'driver' : 'kernel'}: ${what}`)),
    switchTo: (what: string) => void log.push(`switch: ${what}`),
    leave: () => void depth--,
  };
  const result = await replay([file], { drivers: [{ name: 'sysmon', file: exampleDriverFile('sysmon'), example: 'sysmon' }], watch });
  assert.equal(result.outcome, 'ok');
  assert.equal(depth, 0);
  assert.ok(log.some((l) => /^enter driver: loading driver module .*sysmon\.(ts|js) /.test(l)));
  assert.ok(log.includes('enter driver: sysmon.sys: DriverEntry'));
  assert.equal(log.filter((l) => l.startsWith('switch: sysmon.sys: its load-image routine for ')).length, 2);
  assert.ok(log.some((l) => l === `switch: sysmon.sys: its load-image routine for \\Device\\HarddiskVolume3\\Windows\\System32\\kernel32.dll (pid 1000) on ${HOST}`));
});
