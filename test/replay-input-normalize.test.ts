// Normalization rules per shape (flat, Winlogbeat, Windows event objects) and the Message parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fillMessageFields, normalizeRecord, parseMessageFields, type BadRecord, type ReplayRecord } from '../src/replay/input/index.js';

const PLACE = { file: 'f.json', record: 3, line: 9 };

function good(value: unknown): ReplayRecord {
  const out = normalizeRecord(value, PLACE);
  assert.equal(out.kind, 'record', JSON.stringify(out));
  return out as ReplayRecord;
}

function bad(value: unknown): BadRecord {
  const out = normalizeRecord(value, PLACE);
  assert.equal(out.kind, 'bad', JSON.stringify(out));
  return out as BadRecord;
}

const MESSAGE =
  'Image loaded:\r\nRuleName: -\r\nUtcTime: 2023-08-16 04:53:48.177\r\nProcessGuid: {81056205-5655-64dc-2104-000000000800}\r\nProcessId: 7848\r\n' +
  'Image: C:\\Windows\\System32\\wbem\\WmiPrvSE.exe\r\nImageLoaded: C:\\Windows\\System32\\fltLib.dll\r\nDescription: Filter: Library \r\n' +
  'Description: second\r\nSigned: true\r\nUser: NT AUTHORITY\\NETWORK SERVICE';

test('parseMessageFields: title skipped, ": " inside values, first occurrence, CR trimmed, spaces kept', () => {
  assert.deepEqual(parseMessageFields(MESSAGE), {
    RuleName: '-',
    UtcTime: '2023-08-16 04:53:48.177',
    ProcessGuid: '{81056205-5655-64dc-2104-000000000800}',
    ProcessId: '7848',
    Image: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
    ImageLoaded: 'C:\\Windows\\System32\\fltLib.dll',
    Description: 'Filter: Library ',
    Signed: 'true',
    User: 'NT AUTHORITY\\NETWORK SERVICE',
  });
});

test('parseMessageFields: display text is not fields; a multi-line value keeps its lines', () => {
  const security = 'The audit log was cleared.\r\nSubject:\r\n\tSecurity ID:\tS-1-5-21\r\n\tAccount Name:\twardog\r\nLogon ID:\t0xC61D9';
  assert.deepEqual(parseMessageFields(security), {});
  assert.deepEqual(parseMessageFields('Process Create:\r\nNoSpace:x\r\nCommandLine: powershell -c "\r\n  write-host hi\r\n"\r\nUser: bob\r\n__proto__: x\r\nEmpty: '), {
    CommandLine: 'powershell -c "\r\n  write-host hi\r\n"',
    User: 'bob',
    Empty: '',
  });
  assert.deepEqual(parseMessageFields('just a title'), {});
  const fields: Record<string, string> = { ProcessId: '1' };
  assert.equal(fillMessageFields(fields, 'T:\nProcessId: 2\nImage: x'), 1);
  assert.deepEqual(fields, { ProcessId: '1', Image: 'x' });
});

test('parseMessageFields: a rendered field list parses back to the fields (property)', () => {
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/).filter((k) => k !== '__proto__');
  const value = fc.string({ maxLength: 40 }).filter((v) => !v.includes('\n') && !v.includes('\r'));
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 25 }), fc.constantFrom('\r\n', '\n'), (entries, eol) => {
      const message = ['Some event:', ...entries.map(([k, v]) => `${k}: ${v}`)].join(eol);
      // A value that itself looks like "Key: …" on its own line cannot occur: values have no line breaks.
      assert.deepEqual(parseMessageFields(message), Object.fromEntries(entries));
    }),
  );
});

test('flat (OTRF / NXLog): top-level scalars as strings, Message kept out, host, channel, provider', () => {
  const r = good({
    SourceName: 'Microsoft-Windows-Sysmon',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Hostname: 'WORKSTATION5',
    EventID: 7,
    ExecutionProcessID: 3956,
    Initiated: true,
    tags: ['x'],
    Description: null,
    TimeCreated: '2021-06-11T09:07:15.635Z',
    UtcTime: '2021-06-12 01:07:15.633',
    ProcessGuid: '{e2c04bb9-08c3-60c4-1c17-400100000000}',
    ProcessId: '2164',
    Image: 'C:\\a.exe',
    ImageLoaded: 'C:\\b.dll',
    Message: 'Image loaded:\r\nProcessId: 9999\r\nDescription:  ',
  });
  assert.equal(r.shape, 'flat');
  assert.equal(r.host, 'WORKSTATION5');
  assert.equal(r.hostKey, 'workstation5');
  assert.equal(r.provider, 'Microsoft-Windows-Sysmon');
  assert.equal(r.eventId, 7);
  assert.equal(r.utcTime, '2021-06-12 01:07:15.633', "Sysmon's UtcTime, not the collector's time");
  assert.equal(r.fields['ProcessId'], '2164', 'structure wins over Message');
  assert.equal(r.fields['ExecutionProcessID'], '3956');
  assert.equal(r.fields['Initiated'], 'true');
  assert.equal(r.fields['tags'], undefined);
  assert.equal(r.fields['Message'], undefined);
  assert.equal(r.fields['Description'], ' ', 'a null field is missing; the Message fills it in');
  assert.equal(r.record, 3);
  assert.equal(r.line, 9);
  assert.equal(r.file, 'f.json');
});

test('flat: Message-only Sysmon records get their fields from the Message', () => {
  const r = good({ EventID: '7', Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'MKT01', Message: MESSAGE });
  assert.equal(r.eventId, 7);
  assert.equal(r.fields['ImageLoaded'], 'C:\\Windows\\System32\\fltLib.dll');
  assert.equal(r.fields['ProcessId'], '7848');
  assert.equal(r.fields['EventID'], '7');
  assert.equal(r.utcTime, '2023-08-16 04:53:48.177');
  // Without channel and provider the Message is parsed too; a Security record's is not.
  assert.equal(good({ EventID: 7, Message: MESSAGE }).fields['Signed'], 'true');
  assert.equal(good({ EventID: 4688, Channel: 'Security', Message: 'A process:\r\nNewProcessName: x' }).fields['NewProcessName'], undefined);
});

test('Winlogbeat: winlog.event_data, event_id as a string, computer_name or host.name', () => {
  const r = good({
    '@timestamp': '2024-01-01T00:00:00.000Z',
    host: { name: 'ws2.corp' },
    message: 'Image loaded:\r\nUser: CORP\\bob',
    winlog: {
      event_id: '7',
      channel: 'Microsoft-Windows-Sysmon/Operational',
      provider_name: 'Microsoft-Windows-Sysmon',
      event_data: { UtcTime: '2024-01-01 00:00:00.000', ProcessGuid: '{1}', ProcessId: 44, Image: 'a', ImageLoaded: 'b', Nested: { x: 1 } },
    },
  });
  assert.equal(r.shape, 'winlogbeat');
  assert.equal(r.host, 'ws2.corp');
  assert.equal(r.eventId, 7);
  assert.equal(r.provider, 'Microsoft-Windows-Sysmon');
  assert.deepEqual(r.fields, { UtcTime: '2024-01-01 00:00:00.000', ProcessGuid: '{1}', ProcessId: '44', Image: 'a', ImageLoaded: 'b', User: 'CORP\\bob' });
  assert.equal(good({ winlog: { event_id: 1, computer_name: 'PC9', channel: 'Security' }, host: { name: 'other' } }).host, 'PC9');
  assert.equal(bad({ winlog: { channel: 'Security' } }).field, 'winlog.event_id');
});

test('Windows event objects: EventID with Qualifiers or #text, Data as an array of {Name, #text}', () => {
  const r = good({
    Event: {
      System: {
        Provider: { '@Name': 'Service Control Manager' },
        EventID: { '#text': '7036', '#attributes': { Qualifiers: 16384 } },
        TimeCreated: { '#attributes': { SystemTime: '2024-02-03T04:05:06.000000Z' } },
        Channel: 'System',
        Computer: 'SRV1',
      },
      EventData: { Data: [{ '#attributes': { Name: 'param1' }, '#text': 'Windows Update' }, { Name: 'param2', '#text': 'running' }, 'unnamed'], Binary: '00FF' },
    },
  });
  assert.equal(r.shape, 'event');
  assert.equal(r.eventId, 7036);
  assert.equal(r.provider, 'Service Control Manager');
  assert.equal(r.host, 'SRV1');
  assert.equal(r.channel, 'System');
  assert.equal(r.utcTime, '2024-02-03T04:05:06.000000Z');
  assert.deepEqual(r.fields, { param1: 'Windows Update', param2: 'running', param3: 'unnamed', Binary: '00FF' });
  const flatData = good({ Event: { System: { EventID: 1, Computer: 'c' }, EventData: { CommandLine: 'x', TerminalSessionId: 1, Empty: null } } });
  assert.deepEqual(flatData.fields, { CommandLine: 'x', TerminalSessionId: '1', Empty: '' });
  assert.equal(bad({ Event: { System: { Computer: 'c' } } }).field, 'Event.System.EventID');
});

test('bad records name what was wrong', () => {
  assert.equal(bad([1, 2]).code, 'not-object');
  assert.match(bad(null).reason, /null, not a JSON object/);
  assert.equal(bad({ EventID: -1 }).code, 'invalid-field');
  assert.equal(bad({ EventID: 1.5 }).code, 'invalid-field');
  assert.equal(bad({ EventID: '12a' }).field, 'EventID');
  assert.equal(bad({ Hostname: 'x' }).code, 'missing-field');
  const sysmon = bad({ EventID: 1, Channel: 'microsoft-windows-sysmon/operational', UtcTime: 't', ProcessGuid: 'g', ProcessId: '1' });
  assert.deepEqual([sysmon.field, sysmon.eventId, sysmon.record, sysmon.line], ['Image', 1, 3, 9]);
  // The same record is kept when required fields are not asked for.
  assert.equal(normalizeRecord({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' }, PLACE, { requireSysmonFields: false }).kind, 'record');
  // Forwarded Sysmon events (another channel) are still Sysmon by their provider.
  assert.equal(bad({ EventID: 7, Channel: 'ForwardedEvents', SourceName: 'Microsoft-Windows-Sysmon' }).field, 'UtcTime');
});
