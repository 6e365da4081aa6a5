import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { installExampleDriver } from '../drivers/install.js';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, Kernel, STATUS_SUCCESS } from '../src/index.js';
import { imphash } from '../src/pe/imphash.js';
import { parsePe } from '../src/pe/parse.js';
import { collect } from './helpers/output.js';

const dataset = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'sysmon', 'otrf-aptsimulator-cobaltstrike.jsonl');

function realFieldSet(eventId: number): string[] | null {
  try {
    const records = readFileSync(dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const record = records.find((r) => r.EventID === eventId);
    return record ? Object.keys(record).sort() : null;
  } catch {
    return null;
  }
}

test('event 7 for every image of a notepad start, with the dataset field set (plus User)', (t) => {
  const kernel = new Kernel({ seed: 5 });
  const out = collect();
  const clock = () => new Date(Date.UTC(2026, 10, 24, 12, 0, 0, 250));
  assert.equal(installExampleDriver(kernel, 'sysmon', out, { clock }).status, STATUS_SUCCESS);
  const notepad = kernel.createProcess('C:\\Windows\\System32\\notepad.exe');
  const events = out.events.filter((e) => e.EventID === 7);
  assert.ok(events.length >= 10);
  assert.deepEqual(events.slice(0, 4).map((e) => String(e.ImageLoaded).split('\\').pop()), ['notepad.exe', 'ntdll.dll', 'kernel32.dll', 'KernelBase.dll']);
  const first = events[0]!;
  assert.equal(first.ProcessId, String(notepad.pid));
  assert.equal(first.Image, 'C:\\Windows\\System32\\notepad.exe');
  assert.equal(first.UtcTime, '2026-11-24 12:00:00.250');
  assert.match(String(first.ProcessGuid), /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/);
  assert.ok(events.every((e) => e.ProcessGuid === first.ProcessGuid));
  assert.equal(first.Signed, 'true');
  assert.equal(first.Signature, 'Microsoft Windows');
  assert.equal(first.SignatureStatus, 'Valid');
  assert.equal(first.Company, 'Microsoft Corporation');
  assert.match(String(first.Message), /^Image loaded:\r\nRuleName: -\r\nUtcTime: /);
  const real = realFieldSet(7);
  if (real === null) t.diagnostic('shared Sysmon dataset not found: field-set comparison skipped');
  else assert.deepEqual(Object.keys(first).filter((k) => k !== 'User').sort(), real);
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(first))), JSON.stringify(first));
});

test('Hashes are the file bytes\' SHA1, MD5, SHA256 and pefile IMPHASH; unsigned files say so', () => {
  const kernel = new Kernel({ seed: 6 });
  const out = collect();
  installExampleDriver(kernel, 'sysmon', out);
  kernel.fs.writeFile('C:\\Users\\Public\\tool.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, imports: { 'KERNEL32.dll': ['Sleep'] } }));
  const cmd = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
  cmd.loadLibrary('C:\\Users\\Public\\tool.dll');
  for (const event of out.events.filter((e) => e.EventID === 7)) {
    const bytes = kernel.fs.readFile(String(event.ImageLoaded));
    const h = (a: string) => createHash(a).update(bytes).digest('hex').toUpperCase();
    const imp = imphash(parsePe(bytes)).toUpperCase() || '00000000000000000000000000000000';
    assert.equal(event.Hashes, `SHA1=${h('sha1')},MD5=${h('md5')},SHA256=${h('sha256')},IMPHASH=${imp}`);
  }
  const tool = out.events.find((e) => String(e.ImageLoaded).endsWith('tool.dll'))!;
  assert.equal(tool.Signed, 'false');
  assert.equal(tool.Signature, '-');
  assert.equal(tool.SignatureStatus, 'Unavailable');
  assert.equal(tool.Description, '-');
});

test('event 6 for a driver load; the routine is removed on unload', () => {
  const kernel = new Kernel({ seed: 7 });
  const out = collect();
  const { path } = installExampleDriver(kernel, 'sysmon', out);
  kernel.loadDriver('C:\\Windows\\System32\\drivers\\tcpip.sys');
  const sixes = out.events.filter((e) => e.EventID === 6);
  assert.ok(sixes.some((e) => e.ImageLoaded === 'C:\\Windows\\System32\\drivers\\tcpip.sys'));
  const collector = ['SourceName', 'ProviderGuid', 'Level', 'Keywords', 'Channel', 'Hostname', 'TimeCreated', '@timestamp', 'EventID', 'Message', 'Task'];
  assert.deepEqual(
    Object.keys(sixes[0]!).filter((k) => !collector.includes(k)),
    ['RuleName', 'UtcTime', 'ImageLoaded', 'Hashes', 'Signed', 'Signature', 'SignatureStatus'],
  );
  assert.match(String(sixes[0]!.Message), /^Driver loaded:\r\n/);
  assert.equal(kernel.unloadDriver(path), STATUS_SUCCESS);
  assert.equal(kernel.notifyRoutines.length, 0);
});

test('event 1 once per process, when it reports its own EXE, with its parent and the dataset field set', (t) => {
  const kernel = new Kernel({ seed: 8 });
  const out = collect();
  installExampleDriver(kernel, 'sysmon', out);
  const cmd = kernel.createProcess('C:\\Windows\\System32\\cmd.exe');
  const child = kernel.createProcess('C:\\Windows\\System32\\notepad.exe', { parentPid: cmd.pid });
  child.loadLibrary('C:\\Windows\\System32\\notepad.exe');
  const ones = out.events.filter((e) => e.EventID === 1);
  assert.deepEqual(ones.map((e) => e.ProcessId), [String(cmd.pid), String(child.pid)]);
  const [parent, started] = [ones[0]!, ones[1]!];
  assert.equal(started.ParentProcessId, String(cmd.pid));
  assert.equal(started.ParentImage, 'C:\\Windows\\System32\\cmd.exe');
  assert.equal(started.ParentProcessGuid, parent.ProcessGuid);
  assert.equal(started.CommandLine, '"C:\\Windows\\System32\\notepad.exe" ');
  assert.equal(started.CurrentDirectory, 'C:\\Windows\\System32\\');
  assert.equal(parent.ParentImage, '-');
  const sevens = out.events.filter((e) => e.EventID === 7 && e.ProcessId === String(child.pid));
  assert.ok(sevens.every((e) => e.ProcessGuid === started.ProcessGuid));
  assert.ok(out.events.indexOf(started) < out.events.indexOf(sevens[0]!), 'event 1 comes before the process\'s first event 7');
  const real = realFieldSet(1);
  if (real === null) t.diagnostic('shared Sysmon dataset not found: field-set comparison skipped');
  else assert.deepEqual(Object.keys(started).sort(), real);
});
