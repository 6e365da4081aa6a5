// The replay's pure parts, without a kernel: the reorder window, UtcTime parsing, where recorded
// paths land on the model's volume, the signature label a record implies, sharding and host globs,
// and the accounting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  SE_SIGNING_LEVEL_AUTHENTICODE,
  SE_SIGNING_LEVEL_MICROSOFT,
  SE_SIGNING_LEVEL_UNSIGNED,
  SE_SIGNING_LEVEL_WINDOWS,
  SeImageSignatureCatalogCached,
  SeImageSignatureEmbedded,
  SeImageSignatureNone,
} from '../src/index.js';
import { factsOf, fnv1a32, hostMatcher, HostFilter, labelOf, parseShard, parseUtcTime, ReorderBuffer, ReplayStats, shardOf, volumePathOf } from '../src/replay/index.js';

interface Item {
  utcMs: number;
  rank: number;
  seq: number;
}

function drainAll(buffer: ReorderBuffer<Item>): Item[] {
  const out: Item[] = [];
  for (let x = buffer.drain(); x !== undefined; x = buffer.drain()) out.push(x);
  return out;
}

test('ReorderBuffer releases a record once the newest time is a window past it, oldest first, ties in arrival order', () => {
  const buffer = new ReorderBuffer<Item>(100);
  const released: number[] = [];
  const push = (utcMs: number, seq: number) => {
    assert.equal(buffer.push({ utcMs, rank: 1, seq }), 0);
    for (let x = buffer.next(); x !== undefined; x = buffer.next()) released.push(x.seq);
  };
  push(1000, 1);
  push(1050, 2);
  push(1020, 3); // out of order, inside the window
  push(1020, 4); // a tie: after 3
  assert.deepEqual(released, []);
  push(1130, 5); // newest − window = 1030: releases 1000, 1020, 1020
  assert.deepEqual(released, [1, 3, 4]);
  assert.equal(buffer.releasedUpTo, 1020);
  assert.deepEqual(drainAll(buffer).map((x) => x.seq), [2, 5]);
});

test('ReorderBuffer: a record older than one already released is late, by how much, and is not buffered', () => {
  const buffer = new ReorderBuffer<Item>(10);
  buffer.push({ utcMs: 500, rank: 1, seq: 1 });
  buffer.push({ utcMs: 600, rank: 1, seq: 2 });
  assert.equal(buffer.next()?.seq, 1);
  assert.equal(buffer.push({ utcMs: 480, rank: 1, seq: 3 }), 20);
  assert.equal(buffer.push({ utcMs: 500, rank: 1, seq: 4 }), 0, 'the same time and rank as the last released is not late');
  assert.equal(buffer.push({ utcMs: 500, rank: 0, seq: 5 }), 1, 'a lower rank within the released millisecond is');
  assert.deepEqual(drainAll(buffer).map((x) => x.seq), [4, 2]);
});

test('ReorderBuffer: within one millisecond, rank orders before arrival (creation, loads, exit)', () => {
  const buffer = new ReorderBuffer<Item>(0);
  buffer.push({ utcMs: 7, rank: 2, seq: 1 });
  buffer.push({ utcMs: 7, rank: 1, seq: 2 });
  buffer.push({ utcMs: 7, rank: 0, seq: 3 });
  buffer.push({ utcMs: 7, rank: 1, seq: 4 });
  assert.deepEqual(drainAll(buffer).map((x) => x.seq), [3, 2, 4, 1]);
  assert.throws(() => new ReorderBuffer(-1), RangeError);
});

test('ReorderBuffer output is a stable sort by (time, rank) whenever no record is late', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ t: fc.integer({ min: 0, max: 50 }), rank: fc.integer({ min: 0, max: 2 }) }), { maxLength: 60 }), fc.integer({ min: 0, max: 60 }), (spec, window) => {
      const buffer = new ReorderBuffer<Item>(window);
      const out: Item[] = [];
      const accepted: Item[] = [];
      spec.forEach(({ t, rank }, seq) => {
        const item = { utcMs: t, rank, seq };
        if (buffer.push(item) === 0) accepted.push(item);
        else out.push(item); // late: the caller replays it at once
        for (let x = buffer.next(); x !== undefined; x = buffer.next()) out.push(x);
      });
      out.push(...drainAll(buffer));
      assert.equal(out.length, spec.length);
      const inOrder = out.filter((x) => accepted.includes(x));
      const sorted = [...accepted].sort((a, b) => a.utcMs - b.utcMs || a.rank - b.rank || a.seq - b.seq);
      if (accepted.length === spec.length) assert.deepEqual(inOrder, sorted);
      // Whatever was buffered comes out in non-decreasing time.
      for (let i = 1; i < inOrder.length; i++) assert.ok(inOrder[i]!.utcMs >= inOrder[i - 1]!.utcMs);
    }),
  );
});

test('parseUtcTime reads Sysmon UtcTime (and ISO) to the millisecond, and refuses anything else', () => {
  assert.equal(parseUtcTime('2023-08-16 04:53:48.177'), Date.UTC(2023, 7, 16, 4, 53, 48, 177));
  assert.equal(parseUtcTime('2023-08-16T04:53:48.177Z'), Date.UTC(2023, 7, 16, 4, 53, 48, 177));
  assert.equal(parseUtcTime('2023-08-16 04:53:48'), Date.UTC(2023, 7, 16, 4, 53, 48));
  assert.equal(parseUtcTime('2023-08-16 04:53:48.1779999'), Date.UTC(2023, 7, 16, 4, 53, 48, 177));
  assert.equal(parseUtcTime('2023-08-16 04:53:48.5'), Date.UTC(2023, 7, 16, 4, 53, 48, 500));
  for (const bad of ['', '2023-08-16', '2023-13-16 04:53:48.177', '2023-08-16 24:00:00.000', '16/08/2023 04:53:48', '2023-08-16 04:53:48.', '2023-08-16 04:53:48.177 ', null, undefined]) {
    assert.equal(parseUtcTime(bad), null, String(bad));
  }
});

test('volumePathOf puts every recorded path on C:, keeping other drives, shares and names recognizable', () => {
  const cases: [string, string][] = [
    ['C:\\Windows\\System32\\ntdll.dll', 'C:\\Windows\\System32\\ntdll.dll'],
    ['c:\\windows\\system32\\NTDLL.DLL', 'C:\\windows\\system32\\NTDLL.DLL'],
    ['\\\\?\\C:\\Tools\\a.exe', 'C:\\Tools\\a.exe'],
    ['\\??\\C:\\Tools\\a.exe', 'C:\\Tools\\a.exe'],
    ['D:\\Games\\x.dll', 'C:\\D$\\Games\\x.dll'],
    ['\\\\fileserver\\share\\tool.exe', 'C:\\UNC\\fileserver\\share\\tool.exe'],
    ['\\\\?\\UNC\\fileserver\\share\\tool.exe', 'C:\\UNC\\fileserver\\share\\tool.exe'],
    ['\\SystemRoot\\System32\\drivers\\x.sys', 'C:\\Windows\\System32\\drivers\\x.sys'],
    ['System32\\drivers\\y.sys', 'C:\\Windows\\System32\\drivers\\y.sys'],
    ['\\Device\\HarddiskVolume2\\x.dll', 'C:\\Device\\HarddiskVolume2\\x.dll'],
    ['<unknown process>', 'C:\\Windows\\System32\\_unknown process_'],
    ['C:/Tools/b.dll', 'C:\\Tools\\b.dll'],
    ['C:\\Temp\\a?b*.dll', 'C:\\Temp\\a_b_.dll'],
  ];
  for (const [recorded, expected] of cases) assert.equal(volumePathOf(recorded), expected, recorded);
  // Two spellings of one file land on one file (the volume compares names folded).
  assert.equal(volumePathOf('C:\\A\\B.DLL').toLowerCase(), volumePathOf('c:\\a\\b.dll').toLowerCase());
});

test('labelOf: the signature bits a record implies; factsOf keeps the recorded values', () => {
  const label = (Signed: string, Signature: string, SignatureStatus: string) => labelOf({ Signed, Signature, SignatureStatus });
  assert.deepEqual(label('true', 'Microsoft Windows', 'Valid'), { signingLevel: SE_SIGNING_LEVEL_WINDOWS, signatureType: SeImageSignatureCatalogCached });
  assert.deepEqual(label('true', 'Microsoft Windows Publisher', 'Valid'), { signingLevel: SE_SIGNING_LEVEL_WINDOWS, signatureType: SeImageSignatureCatalogCached });
  assert.deepEqual(label('true', 'Microsoft Corporation', 'Valid'), { signingLevel: SE_SIGNING_LEVEL_MICROSOFT, signatureType: SeImageSignatureCatalogCached });
  assert.deepEqual(label('true', 'Google LLC', 'Valid'), { signingLevel: SE_SIGNING_LEVEL_AUTHENTICODE, signatureType: SeImageSignatureEmbedded });
  assert.deepEqual(label('true', 'Google LLC', 'Expired'), { signingLevel: SE_SIGNING_LEVEL_UNSIGNED, signatureType: SeImageSignatureNone });
  assert.deepEqual(label('false', '-', 'Unavailable'), { signingLevel: SE_SIGNING_LEVEL_UNSIGNED, signatureType: SeImageSignatureNone });
  assert.deepEqual(labelOf({}), { signingLevel: SE_SIGNING_LEVEL_UNSIGNED, signatureType: SeImageSignatureNone });
  const facts = factsOf({ Signed: 'true', Signature: 'X', SignatureStatus: 'Valid', Hashes: 'SHA256=AB', Company: 'C' }, 'D:\\x.dll');
  assert.deepEqual(facts, { path: 'D:\\x.dll', FileVersion: '-', Description: '-', Product: '-', Company: 'C', OriginalFileName: '-', Hashes: 'SHA256=AB', Signed: 'true', Signature: 'X', SignatureStatus: 'Valid' });
});

test('shards: FNV-1a of the lower-cased host, stable and covering; --shard and --hosts parse strictly', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  assert.equal(shardOf('WORKSTATION5', 7), shardOf('workstation5', 7));
  assert.deepEqual(parseShard('1/4'), { index: 1, count: 4 });
  for (const bad of ['4/4', '-1/4', '1/0', '1', 'a/b', '1/4/2']) assert.throws(() => parseShard(bad), RangeError, bad);
  const hosts = Array.from({ length: 200 }, (_, i) => `host-${i}.corp.example`);
  const count = 5;
  const owners = hosts.map((h) => [...Array(count).keys()].filter((i) => new HostFilter(undefined, { index: i, count }).decide(h, h.toLowerCase()) === 'take'));
  assert.ok(owners.every((o) => o.length === 1), 'every host in exactly one shard');
  assert.ok(new Set(owners.map((o) => o[0])).size === count, 'every shard gets hosts');
  const match = hostMatcher('ws-*, DC0[1-3]');
  assert.equal(match('WS-17.corp'), true);
  assert.equal(match('dc02'), true);
  assert.equal(match('dc04'), false);
  assert.equal(match('xws-1'), false);
  assert.throws(() => hostMatcher(' , '), RangeError);
  assert.equal(new HostFilter('ws-*', { index: 0, count: 1 }).decide('dc01', 'dc01'), 'host-filtered');
});

test('ReplayStats: records = replayed + the sum of skipped, per event id and per host', () => {
  const stats = new ReplayStats(30000);
  const a = stats.host('A', 'a');
  stats.countReplayed(7, a);
  stats.countReplayed(7, a);
  stats.countReplayed(1, stats.host('B', 'b'));
  stats.countSkipped('not-sysmon');
  stats.countSkipped('sysmon-event-10');
  stats.countSkipped('not-sysmon');
  const json = stats.toJSON();
  assert.equal(json.records, 6);
  assert.equal(json.replayed, 3);
  assert.deepEqual(json.byEventId, { 1: 1, 7: 2 });
  assert.deepEqual(json.skipped, { 'not-sysmon': 2, 'sysmon-event-10': 1 });
  assert.equal(json.records, json.replayed + Object.values(json.skipped).reduce((x, y) => x + y, 0));
  assert.equal(json.hosts, 2);
  assert.deepEqual(json.perHost.map((h) => [h.host, h.replayed]), [['A', 2], ['B', 1]]);
  assert.match(stats.summary(2), /^psnotify replay: 6 records, 3 replayed \(event 1: 1, 7: 2\), 3 skipped \(not-sysmon 2, sysmon-event-10 1\); 2 hosts/);
});
