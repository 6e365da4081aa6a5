// Replay input formats: JSON lines, concatenated and pretty-printed JSON, top-level arrays, gzip, zip
// (several members, zip64), UTF-16 text and standard input, with record numbering and lines.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readRecords, ReadTally, type ReplayItem, type ReplayRecord } from '../src/replay/input/index.js';
import { buildZip, readAll, regressionData, sysmonData, tempDir } from './helpers/replay-input.js';

const SAMPLE = join(sysmonData, 'otrf-aptsimulator-cobaltstrike.jsonl');

function event(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    EventID: 7,
    Hostname: 'WS1',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    UtcTime: `2024-01-01 00:00:0${n}.000`,
    ProcessGuid: `{00000000-0000-0000-0000-00000000000${n}}`,
    ProcessId: String(1000 + n),
    Image: 'C:\\Windows\\notepad.exe',
    ImageLoaded: `C:\\Windows\\System32\\dll${n}.dll`,
    ...extra,
  };
}

function records(items: ReplayItem[]): ReplayRecord[] {
  return items.filter((i): i is ReplayRecord => i.kind === 'record');
}

function places(items: ReplayItem[]): Array<[string, number, number | undefined]> {
  return items.map((i) => [i.kind, i.kind === 'file-error' ? -1 : i.record, i.kind === 'file-error' ? undefined : i.line]);
}

test('JSON lines: CRLF, blank lines, BOM; records numbered without blanks, lines kept', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'a.jsonl');
  writeFileSync(path, `\ufeff${JSON.stringify(event(1))}\r\n\r\n${JSON.stringify(event(2))}\n   \n${JSON.stringify(event(3))}`);
  const items = await readAll([path]);
  assert.deepEqual(places(items), [
    ['record', 1, 1],
    ['record', 2, 3],
    ['record', 3, 5],
  ]);
  assert.deepEqual(
    records(items).map((r) => r.fields['ImageLoaded']),
    ['C:\\Windows\\System32\\dll1.dll', 'C:\\Windows\\System32\\dll2.dll', 'C:\\Windows\\System32\\dll3.dll'],
  );
  assert.equal(records(items)[0]!.file, path);
  assert.equal(records(items)[0]!.member, undefined);
});

test('concatenated pretty-printed objects, several per file, with their first lines', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'events.json');
  const text = `${JSON.stringify(event(1), null, 2)}\n${JSON.stringify(event(2), null, 4)}{"EventID":"7","Channel":"x","Hostname":"h"}\n\n${JSON.stringify(event(3), null, 2)}\n`;
  writeFileSync(path, text);
  const items = await readAll([path]);
  const lines = JSON.stringify(event(1), null, 2).split('\n').length;
  assert.deepEqual(places(items), [
    ['record', 1, 1],
    ['record', 2, lines + 1],
    ['record', 3, lines + JSON.stringify(event(2), null, 4).split('\n').length],
    ['record', 4, lines + JSON.stringify(event(2), null, 4).split('\n').length + 2],
  ]);
  assert.equal(records(items)[2]!.eventId, 7, 'EventID as a string');
  assert.equal(records(items)[3]!.fields['ProcessId'], '1003');
});

test('the sigma regression JSON files (several objects per file) read as Windows event objects', async (t) => {
  const path = join(regressionData, 'rules', 'windows', 'process_creation', 'proc_creation_win_reg_system_restore_modification', '7c06ab9b-b1d2-4ba9-b06e-09491ded20d9.json');
  if (!existsSync(path)) return t.skip(`${path} not found: shared sigma regression data missing`);
  const items = await readAll([path]);
  assert.equal(items.length, 4);
  const first = records(items)[0]!;
  assert.equal(first.shape, 'event');
  assert.equal(first.eventId, 1);
  assert.equal(first.channel, 'Microsoft-Windows-Sysmon/Operational');
  assert.equal(first.provider, 'Microsoft-Windows-Sysmon');
  assert.equal(typeof (first.raw as { Event: { EventData: { ProcessId: unknown } } }).Event.EventData.ProcessId, 'number');
  assert.equal(first.fields['ProcessId'], String((first.raw as { Event: { EventData: { ProcessId: number } } }).Event.EventData.ProcessId));
  assert.deepEqual(
    items.map((i) => (i.kind === 'record' ? i.line : 0)),
    [1, 67, 133, 199],
  );
});

test('a top-level array of objects, and arrays one after another', async (t) => {
  const dir = tempDir(t);
  const one = join(dir, 'array.json');
  writeFileSync(one, JSON.stringify([event(1), event(2), event(3)], null, 2));
  const two = join(dir, 'arrays.json');
  writeFileSync(two, `[${JSON.stringify(event(1))}]\n[${JSON.stringify(event(2))},\n${JSON.stringify(event(3))}, 42]`);
  const a = await readAll([one]);
  assert.deepEqual(records(a).map((r) => [r.record, r.fields['ProcessId']]), [
    [1, '1001'],
    [2, '1002'],
    [3, '1003'],
  ]);
  const b = await readAll([two]);
  assert.deepEqual(places(b), [
    ['record', 1, 1],
    ['record', 2, 2],
    ['record', 3, 3],
    ['bad', 4, 3],
  ]);
  assert.equal(b[3]!.kind === 'bad' && b[3]!.code, 'not-object');
});

test('gzip: the same records as the plain file, and gzip inside gzip', async (t) => {
  if (!existsSync(SAMPLE)) return t.skip(`${SAMPLE} not found: shared Sysmon sample missing`);
  const dir = tempDir(t);
  const text = readFileSync(SAMPLE);
  const gz = join(dir, 'sample.jsonl.gz');
  writeFileSync(gz, gzipSync(text));
  const noExtension = join(dir, 'sample-data');
  writeFileSync(noExtension, gzipSync(gzipSync(text)));
  const plain = records(await readAll([SAMPLE]));
  const fromGz = records(await readAll([gz]));
  const fromGzGz = records(await readAll([noExtension]));
  assert.equal(plain.length, 984);
  assert.deepEqual(
    fromGz.map((r) => r.fields),
    plain.map((r) => r.fields),
  );
  assert.deepEqual(
    fromGzGz.map((r) => [r.record, r.line, r.fields['ImageLoaded']]),
    plain.map((r) => [r.record, r.line, r.fields['ImageLoaded']]),
  );
});

test('zip: every member in central-directory order, numbered per member, mixed formats', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'set.zip');
  writeFileSync(
    path,
    buildZip([
      { name: 'b/first.jsonl', data: Buffer.from(`${JSON.stringify(event(1))}\n${JSON.stringify(event(2))}\n`) },
      { name: 'a/', data: Buffer.alloc(0), method: 0 },
      { name: 'a/second.json', data: Buffer.from(JSON.stringify([event(3), event(4)], null, 2)), method: 0 },
      { name: 'c/third.jsonl.gz', data: gzipSync(`${JSON.stringify(event(5))}\n`) },
      { name: 'd/empty.json', data: Buffer.alloc(0) },
    ]),
  );
  const tally = new ReadTally();
  const items = await readAll([path], { tally });
  assert.deepEqual(
    items.map((i) => [i.kind, i.member, i.kind === 'file-error' ? 0 : i.record, i.kind === 'record' ? i.fields['ProcessId'] : null]),
    [
      ['record', 'b/first.jsonl', 1, '1001'],
      ['record', 'b/first.jsonl', 2, '1002'],
      ['record', 'a/second.json', 1, '1003'],
      ['record', 'a/second.json', 2, '1004'],
      ['record', 'c/third.jsonl.gz', 1, '1005'],
    ],
  );
  assert.deepEqual(
    tally.sources().map((s) => [s.member, s.records]),
    [
      ['b/first.jsonl', 2],
      ['a/second.json', 2],
      ['c/third.jsonl.gz', 1],
    ],
  );
});

test('zip64 archives read like plain ones', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'set64.zip');
  writeFileSync(
    path,
    buildZip(
      [
        { name: 'one.jsonl', data: Buffer.from(`${JSON.stringify(event(1))}\n`) },
        { name: 'two.jsonl', data: Buffer.from(`${JSON.stringify(event(2))}\n`), method: 0 },
      ],
      { zip64: true },
    ),
  );
  const items = await readAll([path]);
  assert.deepEqual(
    items.map((i) => [i.kind, i.member]),
    [
      ['record', 'one.jsonl'],
      ['record', 'two.jsonl'],
    ],
  );
});

test('zip members are streamed: the first record comes before the second member is read', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'big.zip');
  // Incompressible-ish padding so each member is several MiB compressed.
  const pad = (seed: number): string => {
    let x = seed;
    let s = '';
    for (let i = 0; i < 4096; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      s += x.toString(36);
    }
    return s;
  };
  const member = (n: number): Buffer => Buffer.from(Array.from({ length: 150 }, (_, i) => JSON.stringify(event(n, { Pad: pad(n * 1000 + i) }))).join('\n'));
  const zip = buildZip([
    { name: 'm1.jsonl', data: member(1), method: 0 },
    { name: 'm2.jsonl', data: member(2) },
  ]);
  writeFileSync(path, zip);
  let read = 0;
  let atFirst = -1;
  let atSecondMember = -1;
  const tally = new ReadTally();
  for await (const item of readRecords([path], { tally, onProgress: (n) => (read = n) })) {
    if (atFirst < 0) atFirst = read;
    if (item.kind === 'record' && item.member === 'm2.jsonl' && atSecondMember < 0) atSecondMember = read;
  }
  assert.equal(tally.records, 300);
  assert.ok(zip.length > 5 * 1024 * 1024, `archive of ${zip.length} bytes`);
  assert.ok(atFirst > 0 && atFirst <= 1024 * 1024, `first record after ${atFirst} of ${zip.length} bytes`);
  assert.ok(atSecondMember > zip.length / 2, 'the second member is read when its turn comes');
});

test('standard input: a Readable given as stdin, read for "-", in small pieces', async () => {
  const text = Buffer.from(`${JSON.stringify(event(1, { Description: 'Été — ünïcode' }))}\n${JSON.stringify(event(2))}\n`);
  const pieces: Buffer[] = [];
  for (let i = 0; i < text.length; i += 7) pieces.push(text.subarray(i, i + 7));
  const items = await readAll(['-'], { stdin: Readable.from(pieces) });
  assert.deepEqual(
    items.map((i) => [i.kind, i.file, i.kind === 'record' ? i.fields['Description'] ?? null : null]),
    [
      ['record', '-', 'Été — ünïcode'],
      ['record', '-', null],
    ],
  );
  const twice = await readAll(['-', '-'], { stdin: Readable.from([Buffer.from(`${JSON.stringify(event(3))}\n`)]) });
  assert.deepEqual(
    twice.map((i) => [i.kind, i.kind === 'file-error' ? i.code : null]),
    [
      ['record', null],
      ['file-error', 'stdin'],
    ],
  );
});

test('standard input may hold gzip data, but not a zip archive (it needs seeking)', async () => {
  const gz = await readAll(['-'], { stdin: Readable.from([gzipSync(`${JSON.stringify(event(1))}\n`)]) });
  assert.deepEqual(gz.map((i) => i.kind), ['record']);
  const zip = await readAll(['-'], { stdin: Readable.from([buildZip([{ name: 'x.jsonl', data: Buffer.from('{}') }])]) });
  assert.equal(zip.length, 1);
  assert.equal(zip[0]!.kind === 'file-error' && zip[0]!.code, 'unsupported');
});

test('UTF-16 text (as Windows PowerShell writes it) is read like UTF-8', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'ps.json');
  writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${JSON.stringify(event(1, { Company: 'Ünïcode' }))}\r\n${JSON.stringify(event(2))}\r\n`, 'utf16le')]));
  const items = records(await readAll([path]));
  assert.deepEqual(
    items.map((r) => r.fields['Company'] ?? null),
    ['Ünïcode', null],
  );
});

test('inputs are read in order, and each names its file', async (t) => {
  const dir = tempDir(t);
  const a = join(dir, 'a.jsonl');
  const b = join(dir, 'b.json');
  writeFileSync(a, `${JSON.stringify(event(1))}\n`);
  writeFileSync(b, JSON.stringify(event(2), null, 2));
  const items = await readAll([b, a]);
  assert.deepEqual(
    items.map((i) => [i.file, i.kind === 'record' ? i.fields['ProcessId'] : null]),
    [
      [b, '1002'],
      [a, '1001'],
    ],
  );
});
