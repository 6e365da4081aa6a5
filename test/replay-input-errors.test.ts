// Replay input errors: bad records are located (file, member, record, line, field) and reading goes on;
// every record is counted once as good or bad; strict mode throws at the first problem; whole-file
// failures are file errors of a named kind.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readRecords, ReadTally, ReplayInputError, type BadRecord, type FileError, type ReplayItem } from '../src/replay/input/index.js';
import { buildZip, readAll, tempDir } from './helpers/replay-input.js';

const GOOD = (pid: number): string =>
  JSON.stringify({
    EventID: 7,
    Hostname: 'WS1',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    UtcTime: '2024-01-01 00:00:00.000',
    ProcessGuid: '{00000000-0000-0000-0000-000000000001}',
    ProcessId: String(pid),
    Image: 'C:\\a.exe',
    ImageLoaded: 'C:\\b.dll',
  });

function bads(items: ReplayItem[]): BadRecord[] {
  return items.filter((i): i is BadRecord => i.kind === 'bad');
}

test('a truncated line, a missing field, a non-object: reported where they are, the rest still read', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'mixed.jsonl');
  const lines = [
    GOOD(1),
    GOOD(2).slice(0, 60), // truncated
    JSON.stringify({ Hostname: 'WS1', Channel: 'Security' }), // no EventID
    GOOD(3).replace('"ImageLoaded"', '"Loaded"'), // Sysmon 7 without ImageLoaded
    '',
    '42',
    JSON.stringify({ EventID: 'seven', Channel: 'Security' }),
    GOOD(4),
  ];
  writeFileSync(path, lines.join('\n'));
  const tally = new ReadTally();
  const items = await readAll([path], { tally });
  assert.deepEqual(
    items.map((i) => (i.kind === 'bad' ? [i.record, i.line, i.code, i.field ?? null] : [i.kind === 'record' ? i.record : -1, i.kind])),
    [
      [1, 'record'],
      [2, 2, 'invalid-json', null],
      [3, 3, 'missing-field', 'EventID'],
      [4, 4, 'missing-field', 'ImageLoaded'],
      [5, 6, 'not-object', null],
      [6, 7, 'invalid-field', 'EventID'],
      [7, 'record'],
    ],
  );
  const [truncated, noId, noImage, number, notInteger] = bads(items);
  assert.equal(truncated!.file, path);
  assert.match(truncated!.reason, /^invalid JSON: /);
  assert.equal(truncated!.excerpt, lines[1]);
  assert.match(noId!.reason, /no event id \(EventID\)/);
  assert.equal(noImage!.reason, 'Sysmon event 7 has no ImageLoaded field');
  assert.equal(noImage!.eventId, 7);
  assert.match(number!.reason, /a number, not a JSON object/);
  assert.match(notInteger!.reason, /EventID is "seven"/);
  assert.equal(tally.records, 7);
  assert.equal(tally.good, 2);
  assert.equal(tally.bad, 5);
  assert.deepEqual(tally.badByCode(), { 'invalid-json': 1, 'missing-field': 2, 'not-object': 1, 'invalid-field': 1 });
});

test('a damaged first line of a .jsonl file stays one bad record', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'cut-first.jsonl');
  writeFileSync(path, `{"EventID":1,\n${GOOD(1)}\n${GOOD(2)}\n`);
  const items = await readAll([path]);
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'file-error' ? 0 : i.record]),
    [
      ['bad', 1],
      ['record', 2],
      ['record', 3],
    ],
  );
});

test('strict: the first bad record throws a ReplayInputError with file, record and field', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'strict.jsonl');
  writeFileSync(path, [GOOD(1), GOOD(2), JSON.stringify({ EventID: 7, Channel: 'Microsoft-Windows-Sysmon/Operational', UtcTime: 'x', ProcessGuid: 'g', Image: 'i', ImageLoaded: 'l' }), GOOD(4)].join('\n'));
  const seen: number[] = [];
  await assert.rejects(
    async () => {
      for await (const item of readRecords([path], { strict: true })) if (item.kind === 'record') seen.push(item.record);
    },
    (error: unknown) => {
      assert.ok(error instanceof ReplayInputError);
      assert.equal(error.file, path);
      assert.equal(error.record, 3);
      assert.equal(error.field, 'ProcessId');
      assert.equal(error.code, 'missing-field');
      assert.match(error.message, /strict\.jsonl: record 3 \(line 3\): Sysmon event 7 has no ProcessId field/);
      return true;
    },
  );
  assert.deepEqual(seen, [1, 2]);
  await assert.rejects(readAll([join(dir, 'missing.jsonl')], { strict: true }), (error: unknown) => error instanceof ReplayInputError && error.code === 'not-found');
});

test('a line over the record cap is one bad record, skipped to its end; the next line reads', async () => {
  const long = JSON.stringify({ EventID: 1, Channel: 'Security', Pad: 'x'.repeat(5000) });
  const text = `${GOOD(1)}\n${long}\n${GOOD(2)}\n${long}`;
  // In 100-byte pieces, so the long lines span many chunks.
  const buf = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 100) pieces.push(buf.subarray(i, i + 100));
  const items = await readAll(['-'], { stdin: Readable.from(pieces), limits: { maxRecordBytes: 1000 } });
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'file-error' ? 0 : i.record, i.kind === 'file-error' ? 0 : i.line, i.kind === 'bad' ? i.code : null]),
    [
      ['record', 1, 1, null],
      ['bad', 2, 2, 'too-large'],
      ['record', 3, 3, null],
      ['bad', 4, 4, 'too-large'],
    ],
  );
});

test('concatenated JSON: a raw line break inside a string is reported and reading resumes; a truncated end too', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'broken.json');
  const pretty = JSON.stringify(JSON.parse(GOOD(1)), null, 2);
  writeFileSync(path, `${pretty}\n{\n  "EventID": 7,\n  "Image": "C:\\\\cut\n${pretty}\n${pretty.slice(0, 80)}`);
  const items = await readAll([path]);
  const lines = pretty.split('\n').length;
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'file-error' ? 0 : i.record, i.kind === 'file-error' ? 0 : i.line]),
    [
      ['record', 1, 1],
      ['bad', 2, lines + 1],
      ['record', 3, lines + 4],
      ['bad', 4, 2 * lines + 4],
    ],
  );
  const [cut, end] = bads(items);
  assert.match(cut!.reason, /line break inside a string/);
  assert.match(end!.reason, /ends inside this value/);
});

test('a JSON value over the cap in concatenated JSON is reported without buffering it', async () => {
  const big = JSON.stringify({ EventID: 1, Channel: 'Security', Pad: 'y'.repeat(50_000) }, null, 2);
  const small = JSON.stringify({ EventID: 2, Channel: 'Security' }, null, 2);
  const items = await readAll(['-'], { stdin: Readable.from([Buffer.from(`${small}\n${big}\n${small}`)]), limits: { maxRecordBytes: 10_000 } });
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'bad' ? i.code : i.kind === 'record' ? i.eventId : null]),
    [
      ['record', 2],
      ['bad', 'too-large'],
      ['record', 2],
    ],
  );
});

test('whole-file errors have a kind, and reading goes on with the next input', async (t) => {
  const dir = tempDir(t);
  const good = join(dir, 'good.jsonl');
  writeFileSync(good, `${GOOD(1)}\n`);
  const text = join(dir, 'notes.txt.bin');
  writeFileSync(text, 'hello, not JSON');
  const badGz = join(dir, 'cut.jsonl.gz');
  writeFileSync(badGz, gzipSync(`${GOOD(1)}\n${GOOD(2)}\n`.repeat(2000)).subarray(0, 400));
  const badZip = join(dir, 'cut.zip');
  writeFileSync(badZip, buildZip([{ name: 'a.jsonl', data: Buffer.from(`${GOOD(1)}\n`) }]).subarray(0, 60));
  const badEvtx = join(dir, 'short.evtx');
  writeFileSync(badEvtx, Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.alloc(200)]));
  const items = await readAll([join(dir, 'nope.jsonl'), dir, text, badGz, badZip, badEvtx, good]);
  const errors = items.filter((i): i is FileError => i.kind === 'file-error');
  assert.deepEqual(
    errors.map((e) => [e.file, e.code, e.stopped]),
    [
      [join(dir, 'nope.jsonl'), 'not-found', true],
      [dir, 'not-regular', true],
      [text, 'unsupported', true],
      [badGz, 'corrupt-gzip', true],
      [badZip, 'corrupt-zip', true],
      [badEvtx, 'corrupt-evtx', true],
    ],
  );
  // The cut gzip stream gave the records before the cut, then its error.
  const fromGz = items.filter((i) => i.file === badGz && i.kind !== 'file-error');
  assert.ok(fromGz.length > 0);
  assert.equal(errors[3]!.recordsBefore, fromGz.length);
  assert.match(errors[3]!.message, /damaged compressed data/);
  assert.match(errors[2]!.message, /starts with "hello, not JSON"/);
  assert.equal(items[items.length - 1]!.kind, 'record');
  assert.equal(items[items.length - 1]!.file, good);
});

test('zip: an encrypted member and an unsupported method are refused alone; a bad CRC comes after its records', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'members.zip');
  const data = Buffer.from(`${GOOD(1)}\n${GOOD(2)}\n`);
  writeFileSync(
    path,
    buildZip([
      { name: 'secret.jsonl', data, encrypted: true },
      { name: 'bzip2.jsonl', data, method: 12 },
      { name: 'damaged.jsonl', data, crc: 0x12345678 },
      { name: 'fine.jsonl', data },
    ]),
  );
  const tally = new ReadTally();
  const items = await readAll([path], { tally });
  assert.deepEqual(
    items.map((i) => [i.member, i.kind, i.kind === 'file-error' ? i.code : i.record]),
    [
      ['secret.jsonl', 'file-error', 'encrypted'],
      ['bzip2.jsonl', 'file-error', 'unsupported'],
      ['damaged.jsonl', 'record', 1],
      ['damaged.jsonl', 'record', 2],
      ['damaged.jsonl', 'file-error', 'corrupt-zip'],
      ['fine.jsonl', 'record', 1],
      ['fine.jsonl', 'record', 2],
    ],
  );
  const crc = items[4] as FileError;
  assert.match(crc.message, /CRC-32 mismatch/);
  assert.equal(crc.recordsBefore, 2);
  assert.match((items[0] as FileError).message, /encrypted: refused/);
  assert.equal(tally.fileErrors, 3);
  assert.deepEqual(tally.fileErrorsByCode(), { encrypted: 1, unsupported: 1, 'corrupt-zip': 1 });
  assert.equal(tally.records, 4);
});
