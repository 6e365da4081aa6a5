// Reading for replay: records in batches (readRecordBatches), the records a caller turns down left
// unbuilt (normalizeSelected → SkippedRecord), and kept records limited to the fields the caller
// reads. Each must give exactly what normalizeRecord / readRecords give: the same bad records, the
// same values, the same accounting.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { imageLoadRecord, envelope } from '../drivers/sysmon-record.js';
import {
  isSysmon,
  messageHasField,
  normalizeRecord,
  normalizeSelected,
  readRecordBatches,
  readRecords,
  ReadTally,
  ReplayInputError,
  REQUIRED_SYSMON_FIELDS,
  type NormalizeOptions,
  type ReadItem,
  type ReplayItem,
} from '../src/replay/input/index.js';
import { READ_FIELDS } from '../src/replay/event.js';
import { otrfData, sysmonData, tempDir } from './helpers/replay-input.js';

const PLACE = { file: 'f.jsonl', member: 'm.json', record: 3, line: 9 };
const DRIVING = new Set([1, 5, 6, 7]);
const replaySelect = (eventId: number, sysmon: boolean) => sysmon && DRIVING.has(eventId);

/** normalizeSelected(value) against normalizeRecord(value): equal but for what the selection leaves out. */
function compare(value: unknown, keep: boolean, names: readonly string[] | undefined, options: NormalizeOptions = {}): void {
  const full = normalizeRecord(value, PLACE, options);
  let asked: [number, boolean] | null = null;
  const got = normalizeSelected(value, PLACE, options, (eventId, sysmon) => ((asked = [eventId, sysmon]), keep), names);
  if (full.kind === 'bad') {
    assert.deepEqual(got, full);
    return;
  }
  const sysmon = isSysmon(full.channel, full.provider);
  assert.deepEqual(asked, [full.eventId, sysmon]);
  if (!keep) {
    assert.deepEqual(got, { kind: 'skipped', ...PLACE, eventId: full.eventId, sysmon });
    return;
  }
  assert.equal(got.kind, 'record');
  if (got.kind !== 'record') return;
  if (names === undefined) {
    assert.deepEqual(got, full);
    return;
  }
  const { fields, ...rest } = got;
  const { fields: fullFields, ...fullRest } = full;
  assert.deepEqual(rest, fullRest);
  for (const [name, text] of Object.entries(fields)) assert.equal(text, fullFields[name], `field ${name}`);
  for (const name of [...names, ...(REQUIRED_SYSMON_FIELDS[full.eventId] ?? ['UtcTime'])]) assert.equal(fields[name], fullFields[name], `field ${name}`);
}

const FIELD_NAMES = ['UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'ImageLoaded', 'Hashes', 'CommandLine', 'User', 'Signed'];

const arbValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('C:\\Windows\\System32\\x.dll', '2023-08-16 04:53:48.177', '{g}', '7848', '', 'a: b') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 9999 }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(null, { nested: 1 }, [1, 2]) },
);

/** A rendered message: a title, `Key: Value` lines, now and then a continuation line or a stray last line. */
const arbMessage = fc.option(
  fc
    .record({
      lines: fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES, 'RuleName', '__proto__'), fc.constantFrom('v1', 'C:\\x.exe', '2023-08-16 04:53:48.177', 'x: y')), { maxLength: 8 }),
      continuation: fc.boolean(),
      tail: fc.constantFrom('', '\r\n', '\r\nnot a field', '\r\nKey:nospace'),
    })
    .map(({ lines, continuation, tail }) => `Image loaded:${lines.map(([k, v], i) => `\r\n${k}: ${v}${continuation && i === 0 ? '\r\n  more' : ''}`).join('')}${tail}`),
  { nil: undefined },
);

const arbFlat = fc
  .record({
    EventID: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(1, 5, 6, 7, 10, 4688, '7', ' 12 ') }, { weight: 1, arbitrary: fc.constantFrom(undefined, null, -1, 1.5, 'x', {}) }),
    Channel: fc.constantFrom(undefined, 'Microsoft-Windows-Sysmon/Operational', 'microsoft-windows-sysmon/operational', 'Security', 'ForwardedEvents'),
    SourceName: fc.constantFrom(undefined, 'Microsoft-Windows-Sysmon', 'MICROSOFT-WINDOWS-SYSMON', 'ESENT'),
    Hostname: fc.constantFrom(undefined, 'WS01', 'ws01.corp'),
    TimeCreated: fc.constantFrom(undefined, '2023-08-15T09:53:59.757Z'),
    Message: arbMessage,
    structured: fc.dictionary(fc.constantFrom(...FIELD_NAMES), arbValue, { maxKeys: FIELD_NAMES.length }),
    proto: fc.boolean(),
  })
  .map(({ structured, proto, ...envelope }) => {
    const text = JSON.stringify({ ...envelope, ...structured });
    // A `__proto__` key as JSON.parse makes it: an own property (never a field).
    return JSON.parse(proto ? `{"__proto__":"p",${text.slice(1)}` : text) as unknown;
  });

const arbOther = fc.oneof(
  fc.constantFrom(null, 3, 'text', [1]),
  fc.record({ winlog: fc.record({ event_id: fc.constantFrom(7, 10), channel: fc.constantFrom('Microsoft-Windows-Sysmon/Operational', 'Security'), event_data: fc.dictionary(fc.constantFrom(...FIELD_NAMES), arbValue) }), message: arbMessage }),
  fc.record({ Event: fc.record({ System: fc.record({ EventID: fc.constantFrom(1, 7, '7'), Channel: fc.constantFrom('Microsoft-Windows-Sysmon/Operational', 'Security') }), EventData: fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.constantFrom('a', 'C:\\y.dll')) }) }),
);

test('normalizeSelected gives normalizeRecord\'s result: bad records alike, turned-down records skipped, kept ones equal', () => {
  fc.assert(
    fc.property(fc.oneof({ weight: 4, arbitrary: arbFlat }, { weight: 1, arbitrary: arbOther }), fc.boolean(), fc.boolean(), fc.boolean(), (value, keep, project, require) => {
      const options = require ? {} : { requireSysmonFields: false };
      compare(value, keep, project ? READ_FIELDS : undefined, options);
      compare(value, keep, project ? ['Image'] : undefined, options);
    }),
    { numRuns: 3000 },
  );
});

test('normalizeSelected: a Sysmon record missing a required field is bad even when turned down', () => {
  const record = { EventID: 10, Channel: 'Microsoft-Windows-Sysmon/Operational', Message: 'Process accessed:\r\nRuleName: -' };
  const got = normalizeSelected(record, PLACE, {}, () => false);
  assert.equal(got.kind, 'bad');
  assert.deepEqual(got, normalizeRecord(record, PLACE));
  const inMessage = { ...record, Message: 'Process accessed:\r\nUtcTime: 2023-08-16 04:53:48.177' };
  assert.deepEqual(normalizeSelected(inMessage, PLACE, {}, () => false), { kind: 'skipped', ...PLACE, eventId: 10, sysmon: true });
  const kept = normalizeSelected({ ...inMessage, EventID: 7, ProcessGuid: 'g', ProcessId: 8, Image: 'i', ImageLoaded: 'l' }, PLACE, {}, () => true, READ_FIELDS);
  assert.equal(kept.kind === 'record' && kept.fields.ProcessId, '8');
  assert.equal(kept.kind === 'record' && kept.utcTime, '2023-08-16 04:53:48.177');
});

test('messageHasField: a `Key: ` line after the title, and nothing else', () => {
  const message = 'UtcTime: title\r\nRuleName: -\r\nImage: C:\\x.exe\r\n  Signed: continued\r\nHashes:none';
  assert.equal(messageHasField(message, 'RuleName'), true);
  assert.equal(messageHasField(message, 'Image'), true);
  assert.equal(messageHasField(message, 'UtcTime'), false, 'the title line is no field');
  assert.equal(messageHasField(message, 'Signed'), false, 'an indented line continues a value');
  assert.equal(messageHasField(message, 'Hashes'), false, 'no space after the colon');
  assert.equal(messageHasField(message, 'Rule'), false);
});

/** Both readers in step over `files`: readRecordBatches (replay's selection) against readRecords. */
async function lockstep(files: string[]): Promise<{ records: number; kept: number; skipped: number; batches: number }> {
  const full: ReplayItem[] = [];
  for await (const item of readRecords(files)) full.push(item);
  const tally = new ReadTally();
  let i = 0;
  let kept = 0;
  let skipped = 0;
  let batches = 0;
  for await (const batch of readRecordBatches(files, { select: replaySelect, fieldNames: READ_FIELDS, tally })) {
    assert.ok(batch.length > 0, 'no empty batch');
    batches++;
    for (const item of batch) {
      const expected = full[i++]!;
      if (item.kind === 'skipped') {
        skipped++;
        assert.equal(expected.kind, 'record');
        if (expected.kind !== 'record') continue;
        assert.deepEqual([item.file, item.member, item.record, item.line, item.eventId, item.sysmon], [expected.file, expected.member, expected.record, expected.line, expected.eventId, isSysmon(expected.channel, expected.provider)]);
        assert.equal(replaySelect(expected.eventId, item.sysmon), false);
      } else if (item.kind === 'record') {
        kept++;
        assert.equal(expected.kind, 'record');
        if (expected.kind !== 'record') continue;
        const { fields, ...rest } = item;
        const { fields: fullFields, ...fullRest } = expected;
        assert.deepEqual(rest, fullRest);
        for (const name of READ_FIELDS) assert.equal(fields[name], fullFields[name], `record ${item.record} ${name}`);
      } else {
        assert.deepEqual(item, expected);
      }
    }
  }
  assert.equal(i, full.length);
  assert.equal(tally.records, full.filter((x) => x.kind !== 'file-error').length);
  return { records: tally.records, kept, skipped, batches };
}

test('shared recordings: replay\'s reading (batches, selection, only the fields it reads) equals readRecords', async (t) => {
  const files = [
    join(otrfData, 'metasploit_logonpasswords_lsass_memory_dump.zip'),
    join(otrfData, 'covenant_wmi_wbemcomn_dll_hijack.zip'),
    join(sysmonData, 'otrf-aptsimulator-cobaltstrike.jsonl'),
  ].filter((f) => existsSync(f));
  if (files.length === 0) return t.skip('shared recordings missing');
  const lsass = files[0]!.endsWith('lsass_memory_dump.zip');
  const counts = await lockstep(files);
  if (lsass) {
    assert.ok(counts.records >= 53698);
    assert.ok(counts.batches < counts.records / 50, `${counts.batches} batches for ${counts.records} records`);
  }
});

test('readRecordBatches: strict stops at the first bad record, after a batch of the records before it', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'strict.jsonl');
  const sysmon = (id: number, more: Record<string, unknown> = {}) => JSON.stringify({ EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational', UtcTime: '2023-08-16 04:53:48.177', ...more });
  writeFileSync(path, [sysmon(10), sysmon(7, { ProcessGuid: 'g', ProcessId: '8', Image: 'i', ImageLoaded: 'l' }), '{oops', sysmon(10)].join('\n'));
  const seen: ReadItem[] = [];
  const tally = new ReadTally();
  await assert.rejects(
    async () => {
      for await (const batch of readRecordBatches([path], { strict: true, select: replaySelect, tally })) seen.push(...batch);
    },
    (error: unknown) => error instanceof ReplayInputError && error.record === 3 && error.code === 'invalid-json',
  );
  assert.deepEqual(
    seen.map((x) => [x.kind, x.kind === 'file-error' ? null : x.record]),
    [
      ['skipped', 1],
      ['record', 2],
    ],
  );
  assert.deepEqual([tally.records, tally.good, tally.bad], [3, 2, 1]);
});

test('the sysmon driver\'s event 7 builder makes envelope(7, …)\'s record, key for key', () => {
  const f = {
    UtcTime: '2023-08-16 04:53:48.177',
    ProcessGuid: '{81056205-5655-64dc-2104-000000000800}',
    ProcessId: '7848',
    Image: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
    ImageLoaded: 'C:\\Windows\\System32\\fltLib.dll',
    FileVersion: '10.0.19041.546 (WinBuild.160101.0800)',
    Description: 'Filter Library',
    Product: 'Microsoft® Windows® Operating System',
    Company: 'Microsoft Corporation',
    OriginalFileName: 'filterLib.dll',
    Hashes: 'SHA1=FDA7D1317BC84FB6C0B8E229CA0954F643188449',
    Signed: 'true',
    Signature: 'Microsoft Windows',
    SignatureStatus: 'Valid',
    User: 'NT AUTHORITY\\NETWORK SERVICE',
  };
  const when = new Date(Date.UTC(2023, 7, 16, 4, 53, 48, 177));
  const made = imageLoadRecord('MKT01', when, f);
  const expected = envelope(7, 'MKT01', when, { RuleName: '-', ...f });
  assert.equal(JSON.stringify(made), JSON.stringify(expected));
  assert.deepEqual(made, expected);
});
