// The EVTX reader: every record of the sigma regression .evtx files equals its .json twin field for
// field; synthetic files cover templates (inline and reused), substitutions of many types, Binary XML
// values, and hostile input (cyclic templates, huge counts, deep nesting, budgets, damaged chunks).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { normalizeRecord, type ReplayItem, type ReplayRecord } from '../src/replay/input/index.js';
import { BinXml, EvtxBuilder, evtxFile, readAll, regressionData, tempDir, u16Value, u32Value, utf16Value } from './helpers/replay-input.js';

function findEvtx(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (name.endsWith('.evtx')) out.push(p);
    }
  }
  return out.sort();
}

function twins(path: string): unknown[] {
  // The twins hold pretty-printed objects one after another.
  return readFileSync(path, 'utf8')
    .split(/\n(?=\{)/)
    .map((t) => JSON.parse(t) as unknown);
}

function only(items: ReplayItem[]): ReplayRecord[] {
  assert.deepEqual(
    items.filter((i) => i.kind !== 'record'),
    [],
  );
  return items as ReplayRecord[];
}

test('sigma regression .evtx files: every record equals its .json twin, field for field', async (t) => {
  let evtx: string[];
  try {
    evtx = findEvtx(regressionData);
  } catch {
    return t.skip(`${regressionData} not found: shared sigma regression data missing`);
  }
  assert.ok(evtx.length >= 15, `${evtx.length} .evtx files`);
  let records = 0;
  let whole = 0;
  const trimmed: string[] = [];
  for (const path of evtx) {
    const fromEvtx = only(await readAll([path]));
    const expected = twins(path.replace(/\.evtx$/, '.json'));
    assert.equal(fromEvtx.length, expected.length, `${path}: record count`);
    for (let i = 0; i < expected.length; i++) {
      const mine = fromEvtx[i]!;
      const theirs = normalizeRecord(expected[i], { file: 'twin', record: i + 1 });
      assert.equal(theirs.kind, 'record');
      if (theirs.kind !== 'record') continue;
      records++;
      assert.equal(mine.shape, 'event');
      assert.equal(mine.offset !== undefined && mine.offset >= 4096 + 512, true);
      assert.equal(mine.eventId, theirs.eventId, `${path} #${i + 1}: EventID`);
      assert.equal(mine.host, theirs.host, 'Computer');
      assert.equal(mine.channel, theirs.channel, 'Channel');
      assert.equal(mine.provider, theirs.provider, 'Provider');
      assert.equal(mine.utcTime, theirs.utcTime);
      assert.deepEqual(Object.keys(mine.fields), Object.keys(theirs.fields), 'the same EventData fields, in order');
      for (const [name, value] of Object.entries(theirs.fields)) {
        const got = mine.fields[name]!;
        if (got === value) continue;
        // The converter that made the twins trims text values; the EVTX bytes keep the space
        // (cmd.exe's ParentCommandLine ends with one, as in the OTRF recordings).
        assert.equal(got.trim(), value, `${path} #${i + 1}: ${name}`);
        assert.notEqual(got, got.trim());
        trimmed.push(name);
      }
      // The whole System part equals the twin's as well (times, record ids, execution, security).
      const system = (x: unknown): unknown => (x as { Event: { System: unknown } }).Event.System;
      assert.deepEqual(system(mine.raw), system(expected[i]), `${path} #${i + 1}: System`);
      if (isDeepStrictEqual(mine.raw, expected[i])) whole++;
    }
  }
  assert.equal(records, 20);
  assert.deepEqual([...new Set(trimmed)], ['ParentCommandLine']);
  assert.equal(whole, records - trimmed.length, 'all other records are equal as whole objects');
});

// -------------------------------------------------------------------------------- synthetic files

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function guidValue(): { type: number; data: Buffer } {
  return { type: 0x0f, data: Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex') };
}

/** An event template: System (EventID, Computer, Channel, an optional attribute) + EventData. */
function sysmonTemplate(b: BinXml): void {
  b.fragment();
  b.open('Event', true).attribute('xmlns').text('http://schemas.microsoft.com/win/2004/08/events/event').closeStart();
  b.open('System').closeStart();
  b.open('Provider', true).attribute('Name').text('Microsoft-Windows-Sysmon').closeEmpty();
  b.open('EventID').closeStart().sub(0, 0x06).end();
  b.open('Correlation', true).attribute('ActivityID').sub(7, 0x0f, true).closeEmpty();
  b.open('Channel').closeStart().sub(2, 0x01).end();
  b.open('Computer').closeStart().sub(1, 0x01).end();
  b.end(); // System
  b.open('EventData').closeStart();
  const data = (name: string, index: number, type: number): void => {
    b.open('Data', true).attribute('Name').text(name).closeStart().sub(index, type).end();
  };
  data('UtcTime', 3, 0x01);
  data('ProcessGuid', 4, 0x0f);
  data('ProcessId', 5, 0x08);
  data('Image', 6, 0x01);
  data('ImageLoaded', 8, 0x01);
  b.end(); // EventData
  b.end(); // Event
  b.eof();
}

function sysmonValues(pid: number, computer: string): Array<{ type: number; data: Buffer }> {
  return [u16Value(7), utf16Value(computer), utf16Value(SYSMON), utf16Value('2024-05-06 07:08:09.123\0'), guidValue(), u32Value(pid), utf16Value('C:\\a b.exe'), { type: 0x00, data: Buffer.alloc(0) }, utf16Value('C:\\x.dll')];
}

test('synthetic EVTX: an inline template, then the same template reused by offset', async (t) => {
  const dir = tempDir(t);
  const builder = new EvtxBuilder();
  let defOffset = 0;
  builder.record((b) => {
    b.fragment();
    defOffset = b.instance(sysmonValues(4242, 'HOST-A'), sysmonTemplate).defOffset;
    b.eof();
  });
  builder.record((b) => {
    b.fragment();
    b.instance(sysmonValues(99, 'host-b'), null, defOffset);
    b.eof();
  });
  const path = join(dir, 'two.evtx');
  writeFileSync(path, evtxFile(builder.chunk()));
  const [a, b] = only(await readAll([path]));
  assert.equal(a!.eventId, 7);
  assert.equal(a!.host, 'HOST-A');
  assert.equal(a!.channel, SYSMON);
  assert.equal(a!.provider, 'Microsoft-Windows-Sysmon');
  assert.deepEqual(a!.fields, {
    UtcTime: '2024-05-06 07:08:09.123',
    ProcessGuid: '0C0D0E0F-0A0B-0809-0706-050403020100',
    ProcessId: '4242',
    Image: 'C:\\a b.exe',
    ImageLoaded: 'C:\\x.dll',
  });
  assert.equal(a!.utcTime, '2024-05-06 07:08:09.123');
  const system = (a!.raw as { Event: { System: Record<string, unknown> } }).Event.System;
  assert.equal(system['Correlation'], null, 'an optional substitution without a value drops its attribute');
  assert.equal(b!.record, 2);
  assert.equal(b!.hostKey, 'host-b');
  assert.equal(b!.fields['ProcessId'], '99');
});

/** A Security-like template whose UserData is substitution 2, a Binary XML value. */
function userDataTemplate(d: BinXml): void {
  d.fragment();
  d.open('Event').closeStart();
  d.open('System').closeStart();
  d.open('EventID').closeStart().sub(0, 0x06).end();
  d.open('Channel').closeStart().sub(1, 0x01).end();
  d.end();
  d.open('UserData').closeStart().sub(2, 0x21).end();
  d.end();
  d.eof();
}

/** The Binary XML value: elements without dependency ids, as inside a substitution. */
function logonInfo(x: BinXml): void {
  x.open('LogonInfo', false, false).closeStart();
  x.open('TargetUserName', false, false).closeStart().text('alice').end();
  x.open('LogonType', false, false).closeStart().text('3').end();
  x.end();
  x.eof();
}

test('synthetic EVTX: a Binary XML value (no dependency ids) becomes UserData fields', async (t) => {
  const dir = tempDir(t);
  const builder = new EvtxBuilder();
  builder.record((b) => {
    b.fragment();
    // Offsets inside the value are chunk-relative: lay the instance out once to learn where the
    // value's bytes land (it is the last value), then write it for real.
    const sized = new BinXml(0, new Map());
    logonInfo(sized);
    const length = sized.bytes().length;
    const probe = new BinXml(b.pos, new Map());
    probe.instance([u16Value(4624), utf16Value('Security'), { type: 0x21, data: Buffer.alloc(length) }], userDataTemplate);
    const value = new BinXml(b.pos + probe.bytes().length - length, new Map());
    logonInfo(value);
    b.instance([u16Value(4624), utf16Value('Security'), { type: 0x21, data: value.bytes() }], userDataTemplate);
    b.eof();
  });
  const path = join(dir, 'userdata.evtx');
  writeFileSync(path, evtxFile(builder.chunk()));
  const [record] = only(await readAll([path]));
  assert.equal(record!.eventId, 4624);
  assert.equal(record!.channel, 'Security');
  assert.deepEqual(record!.fields, { TargetUserName: 'alice', LogonType: '3' });
  assert.deepEqual((record!.raw as { Event: { UserData: unknown } }).Event.UserData, { LogonInfo: { TargetUserName: 'alice', LogonType: '3' } });
});

test('hostile EVTX: a cyclic template, a huge value count and deep nesting are bad records, not hangs', async (t) => {
  const dir = tempDir(t);
  const builder = new EvtxBuilder();
  // 1: a template whose body instantiates itself.
  builder.record((b) => {
    b.fragment();
    const at = b.pos + 10;
    b.instance([], (d) => {
      d.fragment();
      d.open('Event').closeStart();
      d.instance([], null, at);
      d.end();
      d.eof();
    });
    b.eof();
  });
  // 2: an instance claiming 0xFFFFFFFF values.
  builder.record((b) => {
    b.fragment();
    b.u8(0x0c).u8(1).u32(0);
    const at = b.pos + 4;
    const body = new BinXml(at + 24, new Map()).fragment().open('E').closeEmpty().eof().bytes();
    b.u32(at).u32(0).raw(Buffer.alloc(16)).u32(body.length).raw(body);
    b.u32(0xffffffff);
  });
  // 3: elements nested 200 deep.
  builder.record((b) => {
    b.fragment();
    for (let i = 0; i < 200; i++) b.open('N').closeStart();
    for (let i = 0; i < 200; i++) b.end();
    b.eof();
  });
  // 4: a good record after them.
  builder.record((b) => {
    b.fragment();
    b.instance(sysmonValues(1, 'ok'), sysmonTemplate);
    b.eof();
  });
  const path = join(dir, 'hostile.evtx');
  writeFileSync(path, evtxFile(builder.chunk()));
  const items = await readAll([path]);
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'file-error' ? 0 : i.record, i.kind === 'bad' ? i.code : null]),
    [
      ['bad', 1, 'evtx-record'],
      ['bad', 2, 'evtx-record'],
      ['bad', 3, 'evtx-record'],
      ['record', 4, null],
    ],
  );
  const reasons = items.map((i) => (i.kind === 'bad' ? i.reason : ''));
  assert.match(reasons[0]!, /refers to itself/);
  assert.match(reasons[1]!, /4294967295 values does not fit/);
  assert.match(reasons[2]!, /nested deeper than 64/);
});

test('hostile EVTX: one value substituted many times hits the character budget', async (t) => {
  const dir = tempDir(t);
  const builder = new EvtxBuilder();
  builder.record((b) => {
    b.fragment();
    b.instance([utf16Value('z'.repeat(2000))], (d) => {
      d.fragment();
      d.open('Event').closeStart();
      for (let i = 0; i < 3000; i++) d.sub(0, 0x01);
      d.end();
      d.eof();
    });
    b.eof();
  });
  const path = join(dir, 'budget.evtx');
  writeFileSync(path, evtxFile(builder.chunk()));
  const items = await readAll([path], { limits: { maxEvtxChars: 1_000_000 } });
  assert.equal(items.length, 1);
  assert.equal(items[0]!.kind, 'bad');
  assert.match(items[0]!.kind === 'bad' ? items[0]!.reason : '', /more than 1000000 characters/);
});

test('damaged EVTX: a garbage chunk is skipped and said so, a truncated chunk ends the file', async (t) => {
  const dir = tempDir(t);
  const good = new EvtxBuilder()
    .record((b) => {
      b.fragment();
      b.instance(sysmonValues(5, 'h'), sysmonTemplate);
      b.eof();
    })
    .chunk();
  const garbage = Buffer.alloc(65536, 0x41);
  const path = join(dir, 'damaged.evtx');
  writeFileSync(path, Buffer.concat([evtxFile(good, garbage, good), good.subarray(0, 1000)]));
  const items = await readAll([path]);
  assert.deepEqual(
    items.map((i) => [i.kind, i.kind === 'file-error' ? [i.code, i.stopped] : i.record]),
    [
      ['record', 1],
      ['file-error', ['corrupt-evtx', false]],
      ['record', 2],
      ['file-error', ['corrupt-evtx', true]],
    ],
  );
  const bad = new EvtxBuilder().rawRecord(Buffer.concat([Buffer.from([0x2a, 0x2a, 0, 0, 0xff, 0xff, 0, 0]), Buffer.alloc(40)])).chunk();
  const badPath = join(dir, 'badsize.evtx');
  writeFileSync(badPath, evtxFile(bad));
  const badItems = await readAll([badPath]);
  assert.equal(badItems.length, 1);
  assert.equal(badItems[0]!.kind === 'bad' && badItems[0]!.code, 'evtx-record');
  assert.match(badItems[0]!.kind === 'bad' ? badItems[0]!.reason : '', /bad size/);
});
