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
import { cli } from './helpers/cli.js';

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
