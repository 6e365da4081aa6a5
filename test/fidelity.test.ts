// Issue #13's measure and what it measures: the sequence metrics, the recorded starts of real
// recordings, the builtin machine of each release (catalog, run-time loads, WoW64, managed starts),
// and the fidelity report on the shared recordings against the targets.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RELEASES, releaseCatalog } from '../src/catalog/releases.js';
import { compareRecordings, imageKey, lcsLength, meetsTargets, recordedStarts, scoreStart, startSequence, TARGETS } from '../src/fidelity/index.js';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, Kernel } from '../src/index.js';
import { writeFileSync } from 'node:fs';
import { cli, scratch } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sysmon = join(root, '..', 'shared', 'data', 'sysmon');
const recordings = existsSync(join(sysmon, 'otrf'))
  ? [...readdirSync(join(sysmon, 'otrf')).filter((f) => f.endsWith('.zip')).map((f) => join(sysmon, 'otrf', f)), join(sysmon, 'otrf-aptsimulator-cobaltstrike.jsonl')]
  : [];

test('fidelity: image keys keep the two ntdlls apart and ignore folders otherwise', () => {
  assert.equal(imageKey('C:\\Windows\\System32\\NTDLL.dll'), 'ntdll.dll');
  assert.equal(imageKey('C:\\Windows\\SysWOW64\\ntdll.dll'), 'syswow64\\ntdll.dll');
  assert.equal(imageKey('C:\\Windows\\assembly\\NativeImages_v4.0.30319_64\\mscorlib\\0a1b\\mscorlib.ni.dll'), 'mscorlib.ni.dll');
});

test('fidelity: a start sequence puts the EXE first and ntdll second, first loads only', () => {
  const seq = startSequence('C:\\x\\reg.exe', ['C:\\W\\System32\\kernel32.dll', 'C:\\W\\System32\\ntdll.dll', 'C:\\x\\reg.exe', 'C:\\W\\System32\\sechost.dll', 'C:\\W\\System32\\SECHOST.dll']);
  assert.deepEqual(seq, ['reg.exe', 'ntdll.dll', 'kernel32.dll', 'sechost.dll']);
});

test('fidelity: LCS, first-8, coverage and the first disagreement', () => {
  assert.equal(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e']), 3);
  assert.equal(lcsLength([], ['a']), 0);
  const same = scoreStart(['a', 'b'], ['a', 'b']);
  assert.deepEqual(same, { first8: true, lcs: 1, coverage: 1, disagreement: null });
  const rec = ['e', 'n', 'k', 'b', 'm', 'c', 'u', 'r', 's'];
  const score = scoreStart(rec, ['e', 'n', 'k', 'b', 'm', 'c', 'u', 'x', 'r']);
  assert.equal(score.first8, false);
  assert.deepEqual(score.disagreement, { index: 7, recorded: 'r', model: 'x' });
  assert.equal(score.lcs, 8 / 9);
  assert.equal(score.coverage, 8 / 9);
  // A model that stops early fails first-8 even when what it has is right.
  assert.equal(scoreStart(rec, rec.slice(0, 5)).first8, false);
});

test('catalog: every release resolves and its plans are what the loader walk gives (no deviations)', () => {
  let previous = 7600;
  for (const release of RELEASES) {
    assert.equal(release.firstBuild, previous + 1, `${release.id} starts where the last ended`);
    previous = release.lastBuild;
    const catalog = releaseCatalog(release.id);
    assert.deepEqual(catalog.deviations, [], release.id);
    assert.ok(catalog.plans.has('cmd.exe'), `${release.id} has a cmd plan`);
  }
});

test('kernel: each build gets the release covering it', () => {
  const cases: [number, string][] = [[7601, 'ws2016'], [14393, 'ws2016'], [17763, 'ws2019'], [18362, 'win10-1903'], [18363, 'win10-1903'], [19041, 'win10-2004'], [19045, 'win10-2004'], [20348, 'ws2022'], [22000, 'win11'], [26100, 'win11']];
  for (const [build, release] of cases) assert.equal(new Kernel({ build, seed: 1, system: 'none' }).release.id, release, String(build));
});

function starts(kernel: Kernel): { names: string[] } {
  const state = { names: [] as string[] };
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name) => void state.names.push((name ?? '').replace(/^\\Device\\HarddiskVolume\d+\\Windows\\/, '')));
  return state;
}

test('run-time loads: cmd /c and interactive cmd differ on 2004; runtimeLoads: false keeps the static closure', () => {
  const kernel = new Kernel({ build: 19041, seed: 1 });
  const seen = starts(kernel);
  const cmd = 'C:\\Windows\\System32\\cmd.exe';
  kernel.createProcess(cmd, { commandLine: 'cmd.exe /c whoami' });
  assert.deepEqual(seen.names.slice(4).map((n) => n.slice('System32\\'.length)), ['msvcrt.dll', 'combase.dll', 'ucrtbase.dll', 'rpcrt4.dll', 'sechost.dll']);
  seen.names.length = 0;
  kernel.createProcess(cmd);
  assert.deepEqual(seen.names.slice(8).map((n) => n.slice('System32\\'.length)), ['winbrand.dll', 'wldp.dll', 'advapi32.dll', 'sechost.dll']);
  seen.names.length = 0;
  kernel.createProcess(cmd, { runtimeLoads: false });
  assert.equal(seen.names.length, 8, seen.names.join(' '));
  assert.throws(() => kernel.createProcess(cmd, { runtimeLoads: 'no' as unknown as boolean }), /options\.runtimeLoads: expected a boolean/);
});

test('run-time loads: a suspended process makes them after resume, and svchost follows its -k/-s', () => {
  const kernel = new Kernel({ build: 19041, seed: 1 });
  const seen = starts(kernel);
  const svchost = kernel.createProcess('C:\\Windows\\System32\\svchost.exe', { suspended: true, commandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s seclogon' });
  assert.equal(seen.names.length, 0);
  svchost.resume();
  assert.deepEqual(seen.names.slice(-3), ['System32\\advapi32.dll', 'System32\\sspicli.dll', 'System32\\seclogon.dll']);
  assert.ok(svchost.modules.some((m) => m.path.endsWith('seclogon.dll')));
});

test('WoW64 on Server 2022 maps wow64base and wow64con; on 1903 it does not', () => {
  for (const [build, expected] of [[20348, true], [18362, false]] as const) {
    const kernel = new Kernel({ build, seed: 1 });
    const seen = starts(kernel);
    kernel.createProcess('C:\\Windows\\SysWOW64\\cmd.exe');
    const wow = seen.names.slice(3, expected ? 8 : 6);
    assert.deepEqual(wow, expected
      ? ['System32\\wow64.dll', 'System32\\wow64base.dll', 'System32\\wow64win.dll', 'System32\\wow64con.dll', 'System32\\wow64cpu.dll']
      : ['System32\\wow64.dll', 'System32\\wow64win.dll', 'System32\\wow64cpu.dll'], String(build));
  }
});

test('a managed (.NET) EXE maps mscoree right after ntdll, then the CLR starts', () => {
  const kernel = new Kernel({ build: 18362, seed: 1 });
  const seen = starts(kernel);
  kernel.fs.writeFile('C:\\tools\\app.exe', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, clr: true, imports: { 'mscoree.dll': ['_CorExeMain'] } }));
  kernel.createProcess('C:\\tools\\app.exe');
  const names = seen.names.map((n) => n.slice(n.lastIndexOf('\\') + 1));
  assert.deepEqual(names.slice(0, 8), ['app.exe', 'ntdll.dll', 'mscoree.dll', 'kernel32.dll', 'KernelBase.dll', 'advapi32.dll', 'msvcrt.dll', 'sechost.dll']);
  assert.ok(names.includes('clr.dll') && names.includes('mscorlib.ni.dll'), names.join(' '));
  assert.ok(seen.names.some((n) => n.startsWith('Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll')), 'clr.dll from the Framework folder');
});

/** One flat Sysmon record, as OTRF writes them. */
function sysmonLine(eventId: number, fields: Record<string, string>, host = 'WS1'): string {
  return JSON.stringify({ Channel: 'Microsoft-Windows-Sysmon/Operational', SourceName: 'Microsoft-Windows-Sysmon', Hostname: host, EventID: eventId, ...fields });
}

test('recorded starts: pid and image tie loads to their start (not the guid); pid reuse closes a start; the build comes from ntdll', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'starts.jsonl');
  const cmd = 'C:\\Windows\\System32\\cmd.exe';
  const load = (pid: string, guid: string, dll: string, time: string, version = '10.0.19041.1 (WinBuild.160101.0800)') =>
    sysmonLine(7, { UtcTime: `2024-01-01 00:00:${time}`, ProcessGuid: guid, ProcessId: pid, Image: cmd, ImageLoaded: dll, FileVersion: version });
  writeFileSync(file, [
    // A load before its event 1 (recording order), then the event 1 with another guid.
    load('100', '{b}', 'C:\\Windows\\System32\\ntdll.dll', '00.001', '10.0.19041.1949 (WinBuild.160101.0800)'),
    sysmonLine(1, { UtcTime: '2024-01-01 00:00:00.000', ProcessGuid: '{a}', ProcessId: '100', Image: cmd, CommandLine: 'cmd /c dir' }),
    load('100', '{b}', cmd, '00.002'),
    load('100', '{b}', 'C:\\Windows\\System32\\kernel32.dll', '00.002'),
    // Another program with the same pid's loads are not cmd's.
    sysmonLine(7, { UtcTime: '2024-01-01 00:00:00.003', ProcessGuid: '{b}', ProcessId: '100', Image: 'C:\\x\\other.exe', ImageLoaded: 'C:\\x\\evil.dll' }),
    // The pid's next event 1 closes the first start.
    sysmonLine(1, { UtcTime: '2024-01-01 00:00:05.000', ProcessGuid: '{c}', ProcessId: '100', Image: cmd, CommandLine: 'cmd' }),
    load('100', '{c}', 'C:\\Windows\\System32\\ntdll.dll', '05.001'),
    '{"truncated": ',
  ].join('\n'));
  const problems: string[] = [];
  const starts = [];
  for await (const start of recordedStarts([file], { onProblem: (p) => problems.push(p) })) starts.push(start);
  assert.equal(starts.length, 2);
  assert.equal(starts[0]!.commandLine, 'cmd /c dir');
  assert.equal(starts[0]!.build, 19041);
  assert.deepEqual(startSequence(starts[0]!.image, starts[0]!.loads), ['cmd.exe', 'ntdll.dll', 'kernel32.dll']);
  assert.deepEqual(starts[1]!.loads, ['C:\\Windows\\System32\\ntdll.dll']);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /record 8/);
});

test('recorded starts: a host with no ntdll load takes its build from another inbox image', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'weak.jsonl');
  writeFileSync(file, sysmonLine(1, { UtcTime: '2024-01-01 00:00:00.000', ProcessGuid: '{a}', ProcessId: '8', Image: 'C:\\Windows\\System32\\sc.exe', CommandLine: 'sc query', FileVersion: '10.0.17763.1 (WinBuild.160101.0800)' }));
  const starts = [];
  for await (const start of recordedStarts([file])) starts.push(start);
  assert.equal(starts.length, 1);
  assert.equal(starts[0]!.build, 17763);
});

test('recorded starts: the shared recordings give starts with their host build', async (t) => {
  if (recordings.length === 0) return t.skip(`shared recordings not found (${sysmon})`);
  const builds = new Map<number | null, number>();
  let cmd = 0;
  for await (const start of recordedStarts(recordings)) {
    builds.set(start.build, (builds.get(start.build) ?? 0) + 1);
    if (/\\cmd\.exe$/i.test(start.image) && start.loads.length > 0) cmd++;
  }
  assert.deepEqual([...builds.keys()].sort(), [14393, 17763, 18362, 19041, 20348]);
  assert.ok(cmd >= 80, `${cmd} cmd starts`);
});

test('fidelity report: the shared recordings meet the targets, per build', async (t) => {
  if (recordings.length === 0) return t.skip(`shared recordings not found (${sysmon})`);
  const report = await compareRecordings(recordings);
  assert.ok(report.starts >= 150, `${report.starts} starts compared`);
  assert.ok(meetsTargets(report), `first-8 ${report.first8}, LCS ${report.lcs}, coverage ${report.coverage} (targets ${JSON.stringify(TARGETS)})`);
  const builds = new Set(report.groups.map((g) => g.build));
  for (const build of [14393, 17763, 18362, 19041, 20348]) assert.ok(builds.has(build), `starts of build ${build}`);
  for (const program of ['cmd.exe', 'conhost.exe', 'svchost.exe', 'powershell.exe', 'sc.exe', 'notepad.exe']) {
    assert.ok(report.groups.some((g) => g.program === program), program);
  }
  // Without run-time loads the model covers much less: the measure sees the difference.
  const staticOnly = await compareRecordings(recordings, { runtimeLoads: false });
  assert.ok(staticOnly.coverage < report.coverage - 0.1, `static ${staticOnly.coverage} vs ${report.coverage}`);
});

test('cli: replay --compare --json reports per program and build; replay-only options are refused', async (t) => {
  const lsass = recordings.find((r) => r.includes('metasploit'));
  if (lsass === undefined) return t.skip(`shared recordings not found (${sysmon})`);
  const { code, stdout, stderr } = await cli('replay', lsass, '--compare', '--json');
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as { starts: number; meetsTargets: boolean; groups: { program: string; build: number; release: string }[] };
  assert.ok(report.meetsTargets);
  assert.ok(report.groups.some((g) => g.program === 'conhost.exe' && g.build === 19041 && g.release === 'win10-2004'));
  assert.match(stderr, /compared \d+ starts: first-8 [\d.]+%/);
  const refused = await cli('replay', lsass, '--compare', '--sysmon');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--sysmon: not used by --compare/);
  const details = await cli('replay', lsass, '--details');
  assert.equal(details.code, 2);
  assert.match(details.stderr, /--details needs --compare/);
});
