// Replay input on the real shared recordings: the OTRF zips read with the README's record and event-7
// counts, the hosts they name, exact accounting, streaming, and the Message text giving the same
// fields as the structured record.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSysmon, normalizeRecord, readRecords, ReadTally, type ReplayRecord } from '../src/replay/input/index.js';
import { otrfData, readAll, sysmonData } from './helpers/replay-input.js';

interface Expected {
  file: string;
  records: number;
  event7: number;
  hosts: number;
  /** Sysmon records reported bad because they lack a field (NXLog could not render them). */
  bad: number;
}

// From otrf/README.md (records, Sysmon event 7, hosts); `bad` as measured and explained below.
const TABLE: Expected[] = [
  { file: 'cmd_sharpview_pcre_net.zip', records: 267, event7: 85, hosts: 1, bad: 0 },
  { file: 'psh_mavinject_dll_notepad.zip', records: 509, event7: 100, hosts: 1, bad: 0 },
  { file: 'covenant_wmi_wbemcomn_dll_hijack.zip', records: 8947, event7: 675, hosts: 3, bad: 5 },
  { file: 'proxylogon_ssrf_rce_poc.zip', records: 10487, event7: 427, hosts: 1, bad: 0 },
  { file: 'cmd_dumping_ntds_dit_file_ntdsutil.zip', records: 11184, event7: 437, hosts: 1, bad: 0 },
  { file: 'metasploit_logonpasswords_lsass_memory_dump.zip', records: 53698, event7: 8033, hosts: 1, bad: 0 },
];

const LSASS = join(otrfData, 'metasploit_logonpasswords_lsass_memory_dump.zip');

for (const row of TABLE) {
  test(`${row.file}: ${row.records} records, ${row.event7} Sysmon event 7s, ${row.hosts} host(s)`, async (t) => {
    const path = join(otrfData, row.file);
    if (!existsSync(path)) return t.skip(`${path} not found: shared OTRF recording missing`);
    const tally = new ReadTally();
    let event7 = 0;
    let badEvent7 = 0;
    const hosts = new Set<string>();
    let member: string | undefined;
    let last = 0;
    for await (const item of readRecords([path], { tally })) {
      assert.notEqual(item.kind, 'file-error', JSON.stringify(item));
      if (item.kind === 'file-error') continue;
      member ??= item.member;
      assert.equal(item.member, member, 'one member');
      assert.equal(item.record, last + 1, 'records numbered 1, 2, 3, … within the member');
      last = item.record;
      if (item.kind === 'bad') {
        // NXLog's unresolved Sysmon records (ERROR_EVT_UNRESOLVED, no Message) lack ProcessId.
        assert.equal(item.code, 'missing-field');
        assert.equal(item.field, 'ProcessId');
        assert.equal(item.line, item.record, 'JSON lines: the record is its line');
        if (item.eventId === 7) badEvent7++;
        continue;
      }
      assert.equal(item.shape, 'flat');
      assert.notEqual(item.host, null);
      hosts.add(item.hostKey!);
      if (isSysmon(item.channel, item.provider) && item.eventId === 7) event7++;
    }
    assert.ok(member?.endsWith('.json'), 'records carry the zip member they came from');
    assert.equal(tally.records, row.records);
    assert.equal(tally.good + tally.bad, tally.records);
    assert.equal(tally.bad, row.bad);
    assert.equal(tally.fileErrors, 0);
    assert.equal(event7 + badEvent7, row.event7);
    assert.equal(hosts.size, row.hosts);
    assert.deepEqual(tally.sources().map((s) => [s.member, s.records]), [[member, row.records]]);
  });
}

test('covenant: with requireSysmonFields off, the 5 unresolved records are kept', async (t) => {
  const path = join(otrfData, 'covenant_wmi_wbemcomn_dll_hijack.zip');
  if (!existsSync(path)) return t.skip(`${path} not found: shared OTRF recording missing`);
  const items = await readAll([path], { requireSysmonFields: false });
  const unresolved = items.filter((i): i is ReplayRecord => i.kind === 'record' && (i.raw as Record<string, unknown>)['ERROR_EVT_UNRESOLVED'] === true && i.eventId === 7);
  assert.equal(items.filter((i) => i.kind === 'bad').length, 0);
  assert.equal(unresolved.length, 5);
  assert.ok(unresolved.every((r) => r.fields['ProcessId'] === undefined && r.fields['ProcessGuid']!.startsWith('{')));
  // NXLog also records the collector (`host`) apart from the event's computer (`Hostname`).
  assert.equal(unresolved[0]!.host, 'MORDORDC.theshire.local');
});

test('LSASS recording: known values, strings as recorded, zip member streamed', async (t) => {
  if (!existsSync(LSASS)) return t.skip(`${LSASS} not found: shared OTRF recording missing`);
  let bytesRead = 0;
  let total: number | null = null;
  let readAtFirstRecord = -1;
  let first7: ReplayRecord | null = null;
  const options = {
    onProgress: (read: number, all: number | null) => {
      bytesRead = read;
      total = all;
    },
  };
  for await (const item of readRecords([LSASS], options)) {
    if (readAtFirstRecord < 0) readAtFirstRecord = bytesRead;
    if (item.kind === 'record' && item.eventId === 7 && item.channel === 'Microsoft-Windows-Sysmon/Operational') {
      first7 = item;
      break;
    }
  }
  assert.ok(first7 !== null);
  assert.ok(total !== null && total > 3_000_000);
  assert.ok(readAtFirstRecord > 0 && readAtFirstRecord <= 1024 * 1024, `the first record came out after ${readAtFirstRecord} of ${total} bytes`);
  assert.equal(first7.host, 'MKT01.pandalab.com');
  assert.equal(first7.hostKey, 'mkt01.pandalab.com');
  assert.equal(first7.utcTime, '2023-08-16 04:53:48.177');
  assert.equal(first7.fields['ProcessId'], '7848');
  assert.equal(first7.fields['ProcessGuid'], '{81056205-5655-64dc-2104-000000000800}');
  assert.equal(first7.fields['ImageLoaded'], 'C:\\Windows\\System32\\fltLib.dll');
  assert.equal(first7.fields['Signed'], 'true');
  assert.equal(first7.fields['EventID'], '7');
  assert.equal(first7.fields['Message'], undefined, 'Message is kept in raw, not in fields');
  assert.equal(first7.member, 'metasploit_logonpasswords_lsass_memory_dump.json');
});

/** Keys a Message-only collector would still write (everything else is event data). */
const ENVELOPE = ['SourceName', 'ProviderGuid', 'Level', 'Keywords', 'Channel', 'Hostname', 'TimeCreated', '@timestamp', 'EventID', 'Message', 'Task'];

test('LSASS recording: Message alone gives the fields the structured record has', async (t) => {
  if (!existsSync(LSASS)) return t.skip(`${LSASS} not found: shared OTRF recording missing`);
  let compared = 0;
  let exact = 0;
  const caseOnly = new Map<string, number>();
  let percent = 0;
  const other: string[] = [];
  for await (const item of readRecords([LSASS])) {
    if (item.kind !== 'record' || !isSysmon(item.channel, item.provider)) continue;
    const raw = item.raw as Record<string, unknown>;
    const messageOnly: Record<string, unknown> = {};
    for (const key of ENVELOPE) if (raw[key] !== undefined) messageOnly[key] = raw[key];
    const fromMessage = normalizeRecord(messageOnly, { file: 'x', record: item.record });
    assert.equal(fromMessage.kind, 'record', JSON.stringify(fromMessage));
    if (fromMessage.kind !== 'record') continue;
    compared++;
    assert.deepEqual(Object.keys(fromMessage.fields).sort(), Object.keys(item.fields).sort(), `record ${item.record}: same field names`);
    let same = true;
    for (const [key, value] of Object.entries(item.fields)) {
      const got = fromMessage.fields[key]!;
      if (got === value) continue;
      same = false;
      // Windows renders hex fields in upper case in the message; the structured field is lower case.
      if (got.toLowerCase() === value.toLowerCase()) caseOnly.set(key, (caseOnly.get(key) ?? 0) + 1);
      // The message renderer expands "%5" in a registry path (C:%5CProgram → C:3736CProgram): lossy.
      else if (key === 'TargetObject' && value.includes('%')) percent++;
      else other.push(`record ${item.record} ${key}: ${JSON.stringify(value)} vs ${JSON.stringify(got)}`);
    }
    if (same) exact++;
    assert.equal(fromMessage.utcTime, item.utcTime);
  }
  assert.equal(compared, 47906, 'every Sysmon record of the recording');
  assert.deepEqual(other, []);
  assert.deepEqual([...caseOnly.keys()].sort(), ['GrantedAccess', 'LogonId']);
  assert.equal(percent, 239);
  assert.equal(exact, compared - [...caseOnly.values()].reduce((a, b) => a + b, 0) - percent);
});

test('the aptsimulator sample: 984 Sysmon records, ProcessId kept as the recorded string', async (t) => {
  const path = join(sysmonData, 'otrf-aptsimulator-cobaltstrike.jsonl');
  if (!existsSync(path)) return t.skip(`${path} not found: shared Sysmon sample missing`);
  const items = await readAll([path]);
  const records = items.filter((i): i is ReplayRecord => i.kind === 'record');
  assert.equal(records.length, 984);
  assert.equal(records.filter((r) => r.eventId === 1).length, 37);
  assert.equal(records.filter((r) => r.eventId === 5).length, 36);
  assert.equal(records.filter((r) => r.eventId === 7).length, 911);
  const ping = records[0]!;
  assert.equal(ping.fields['ProcessId'], '2164');
  assert.equal(ping.fields['CommandLine'], 'ping  -n 3 127.0.0.1 ', 'trailing space kept');
  assert.equal(ping.fields['LogonId'], '0x3719fb', 'structured field wins over the Message (0x3719FB)');
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  assert.deepEqual(records[500]!.raw, JSON.parse(lines[500]!));
});
