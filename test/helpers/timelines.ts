// Timelines for the report tests, written by hand as the CLI would emit them:
// a demo-like run (3 drivers, 4 processes with a WoW64 one, injections nested in
// another image's notification, driver loads), a run that ends in a bug check
// with Sigma matches and a watchdog stop, a replay of two hosts, and a generator
// of large runs.
import { decodeProperties } from '../../src/report/properties.js';
import type {
  NotificationSource,
  RunTimeline,
  TimelineNotification,
  TimelineProcess,
} from '../../src/report/timeline.js';

// Properties words (SEMANTICS.md §1): addressing mode 3, ExtendedInfoPresent, …
export const PROPS = {
  processStart: 0x403, // usr 0/0
  windows: 0x3c403, // usr C/3: SE_SIGNING_LEVEL_WINDOWS, catalog cached
  unsigned: 0x1403, // usr 1/0
  mismatchPartial: 0x81c03, // usr 1/0 mismatch partial
  driverUnsigned: 0x1503, // sys 1/0
  driverWindows: 0x3c503, // sys C/3
} as const;

const DEVICE = '\\Device\\HarddiskVolume3';

let addressSeed = 0x7ffa_0000_0000;

/** A notification with every IMAGE_INFO field filled in from `properties`. */
export function notification(
  seq: number,
  timeMs: number,
  process: { pid: number; name: string; host?: string },
  path: string,
  source: NotificationSource,
  properties: number,
  drivers: string[],
  parent: { seq: number; driver: string } | null = null,
): TimelineNotification {
  const d = decodeProperties(properties);
  addressSeed += 0x10000;
  const base = d.SystemModeImage ? 0xfffff80600000000n + BigInt(seq) * 0x100000n : BigInt(addressSeed);
  const volumeRelative = path.replace(/^[A-Za-z]:/, '');
  return {
    seq,
    timeMs,
    ...(process.host === undefined ? {} : { host: process.host }),
    processId: process.pid,
    process: process.name,
    fullImageName: `${DEVICE}${volumeRelative}`,
    source,
    properties,
    imageInfo: {
      Properties: properties,
      ...d,
      ImageBase: `0x${base.toString(16)}`,
      ImageSelector: 0,
      ImageSize: 0x1000 * (3 + (seq % 40)),
      ImageSectionNumber: 0,
    },
    fileObject: d.ExtendedInfoPresent ? { FileName: volumeRelative, address: `0xffffc08${(0x1000000 + seq * 0x150).toString(16)}` } : null,
    routines: drivers.map((driver) => ({ driver, slot: DRIVER_SLOTS[driver] ?? 0, address: `0xfffff8061${(DRIVER_SLOTS[driver] ?? 9).toString(16)}001000` })),
    parentSeq: parent?.seq ?? null,
    parentDriver: parent?.driver ?? null,
  };
}

/** Notify-table slots of the drivers the fixtures use. */
const DRIVER_SLOTS: Record<string, number> = {
  'sysmon.sys': 0,
  'inventory.sys': 1,
  'injector.sys': 2,
  'leaky.sys': 1,
  'edr.sys': 1,
};

const ALL3 = ['sysmon.sys', 'inventory.sys', 'injector.sys'];
const SYS32 = 'C:\\Windows\\System32\\';
const WOW = 'C:\\Windows\\SysWOW64\\';

/** Like `psnotify demo`: boot drivers, explorer, cmd, a WoW64 notepad; the injector maps a DLL from inside kernel32's notification. */
export function demoTimeline(): RunTimeline {
  const system = { pid: 0, name: 'System' };
  const explorer = { pid: 360, name: 'explorer.exe' };
  const cmd = { pid: 460, name: 'cmd.exe' };
  const notepad = { pid: 532, name: 'notepad.exe' };
  const processes: TimelineProcess[] = [
    { pid: 0, name: 'System', path: null, wow64: false, machine: 'AMD64', startMs: 0, endMs: null, system: true },
    { pid: 360, name: 'explorer.exe', path: 'C:\\Windows\\explorer.exe', wow64: false, machine: 'AMD64', startMs: 10, endMs: null },
    { pid: 460, name: 'cmd.exe', path: `${SYS32}cmd.exe`, wow64: false, machine: 'AMD64', startMs: 25, endMs: 48 },
    { pid: 532, name: 'notepad.exe', path: `${WOW}notepad.exe`, wow64: true, machine: 'I386', startMs: 37, endMs: null },
  ];
  const n: TimelineNotification[] = [
    notification(1, 0.25, system, `${SYS32}drivers\\inventory.sys`, 'driver', PROPS.driverUnsigned, ['sysmon.sys']),
    notification(2, 0.5, system, `${SYS32}drivers\\injector.sys`, 'driver', PROPS.driverUnsigned, ['sysmon.sys', 'inventory.sys']),
    notification(3, 10.25, explorer, 'C:\\Windows\\explorer.exe', 'process-start', PROPS.processStart, ALL3),
    notification(4, 10.5, explorer, `${SYS32}ntdll.dll`, 'process-start', PROPS.processStart, ALL3),
    notification(5, 10.75, explorer, `${SYS32}kernel32.dll`, 'image-view', PROPS.windows, ALL3),
    notification(6, 11.0, explorer, 'C:\\ProgramData\\injector\\inject64.dll', 'image-view', PROPS.unsigned, ALL3, { seq: 5, driver: 'injector.sys' }),
    notification(7, 11.25, explorer, `${SYS32}KernelBase.dll`, 'image-view', PROPS.windows, ALL3),
    notification(8, 25.25, cmd, `${SYS32}cmd.exe`, 'process-start', PROPS.processStart, ALL3),
    notification(9, 25.5, cmd, `${SYS32}ntdll.dll`, 'process-start', PROPS.processStart, ALL3),
    notification(10, 25.75, cmd, `${SYS32}kernel32.dll`, 'image-view', PROPS.windows, ALL3),
    notification(11, 26.0, cmd, 'C:\\ProgramData\\injector\\inject64.dll', 'image-view', PROPS.unsigned, ALL3, { seq: 10, driver: 'injector.sys' }),
    notification(12, 26.25, cmd, `${SYS32}KernelBase.dll`, 'image-view', PROPS.windows, ALL3),
    notification(13, 37.25, notepad, `${WOW}notepad.exe`, 'process-start', PROPS.processStart, ALL3),
    notification(14, 37.5, notepad, `${SYS32}ntdll.dll`, 'process-start', PROPS.processStart, ALL3),
    notification(15, 37.75, notepad, `${WOW}ntdll.dll`, 'process-start', PROPS.processStart, ALL3),
    notification(16, 38.0, notepad, `${SYS32}wow64.dll`, 'image-view', PROPS.windows, ALL3),
    notification(17, 38.75, notepad, `${WOW}kernel32.dll`, 'image-view', PROPS.windows, ALL3),
    notification(18, 39.0, notepad, 'C:\\ProgramData\\injector\\inject32.dll', 'image-view', PROPS.unsigned, ALL3, { seq: 17, driver: 'injector.sys' }),
    // An x64 DLL mapped into the WoW64 process through a partial view: only sysmon registered with CONFLICTING_ARCHITECTURE.
    notification(19, 40.0, notepad, 'C:\\Tools\\helper64.dll', 'image-view', PROPS.mismatchPartial, ['sysmon.sys']),
  ];
  return {
    title: 'demo',
    build: 22631,
    buildName: 'Windows 11 23H2',
    machine: 'amd64',
    seed: 1,
    processes,
    notifications: n,
    driverEvents: [
      { timeMs: 0, kind: 'load', name: 'sysmon.sys', status: 'STATUS_SUCCESS' },
      { timeMs: 0.25, kind: 'load', name: 'inventory.sys', status: 'STATUS_SUCCESS' },
      { timeMs: 0.5, kind: 'load', name: 'injector.sys', status: 'STATUS_SUCCESS' },
      { timeMs: 50, kind: 'unload', name: 'injector.sys' },
    ],
    bugChecks: [],
    watchdog: [],
    matches: [],
    logs: [
      { afterSeq: 6, line: 'injector: inject64.dll mapped into explorer.exe (pid 360) at 0x7ffad60c0000' },
      { afterSeq: 11, line: 'injector: inject64.dll mapped into cmd.exe (pid 460) at 0x7ffad60c0000' },
      { afterSeq: 18, line: 'injector: inject32.dll mapped into notepad.exe (pid 532) at 0x72ed0000' },
    ],
  };
}

/** A run that Sigma flags twice and that ends in bug check 0x7E (a routine threw), after a watchdog stop. */
export function bugCheckTimeline(): RunTimeline {
  const system = { pid: 4, name: 'System' };
  const svchost = { pid: 700, name: 'svchost.exe' };
  const dropper = { pid: 812, name: 'invoice.pdf.exe' };
  const drivers = ['sysmon.sys', 'leaky.sys'];
  return {
    title: 'leaky-driver',
    build: 19045,
    buildName: 'Windows 10 22H2',
    machine: 'amd64',
    seed: 7,
    processes: [
      { pid: 4, name: 'System', path: null, wow64: false, machine: 'AMD64', startMs: 0, endMs: null, system: true },
      { pid: 700, name: 'svchost.exe', path: `${SYS32}svchost.exe`, wow64: false, machine: 'AMD64', startMs: 10, endMs: null },
      { pid: 812, name: 'invoice.pdf.exe', path: 'C:\\Users\\alice\\Downloads\\invoice.pdf.exe', wow64: false, machine: 'AMD64', startMs: 20, endMs: null },
    ],
    notifications: [
      notification(1, 0.25, system, `${SYS32}drivers\\leaky.sys`, 'driver', PROPS.driverUnsigned, ['sysmon.sys']),
      notification(2, 10.25, svchost, `${SYS32}svchost.exe`, 'process-start', PROPS.processStart, drivers),
      notification(3, 10.5, svchost, `${SYS32}ntdll.dll`, 'process-start', PROPS.processStart, drivers),
      notification(4, 10.75, svchost, `${SYS32}kernel32.dll`, 'image-view', PROPS.windows, drivers),
      notification(5, 20.25, dropper, 'C:\\Users\\alice\\Downloads\\invoice.pdf.exe', 'process-start', PROPS.processStart, drivers),
      notification(6, 20.5, dropper, `${SYS32}ntdll.dll`, 'process-start', PROPS.processStart, drivers),
      notification(7, 20.75, dropper, 'C:\\Users\\alice\\AppData\\Local\\Temp\\beacon.dll', 'image-view', PROPS.unsigned, drivers),
      notification(8, 21.0, dropper, `${SYS32}dbghelp.dll`, 'image-view', PROPS.windows, ['sysmon.sys']),
    ],
    driverEvents: [
      { timeMs: 0, kind: 'load', name: 'sysmon.sys', status: 'STATUS_SUCCESS' },
      { timeMs: 0.25, kind: 'load', name: 'leaky.sys', status: 'STATUS_SUCCESS' },
      { timeMs: 5, kind: 'load', name: 'broken.sys', status: 'STATUS_PROCEDURE_NOT_FOUND' },
    ],
    bugChecks: [
      {
        timeMs: 21.0,
        code: 0x7e,
        name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED',
        parameters: ['0xe06d7363', '0xfffff80611001000', '0x0', '0x0'],
        driver: 'leaky.sys',
        message: 'leaky.sys: the load-image notify routine threw: TypeError: cannot read properties of undefined',
      },
    ],
    watchdog: [{ timeMs: 20.9, driver: 'leaky.sys', doing: 'notify routine for dbghelp.dll' }],
    matches: [
      { seq: 5, ruleId: 'b2d4f1a0-0000-4000-8000-000000000001', title: 'Executable with a double extension started', level: 'high' },
      { seq: 7, ruleId: 'c3e5a2b1-0000-4000-8000-000000000002', title: 'Unsigned DLL loaded from a temp folder', level: 'medium' },
      { seq: 7, ruleId: 'd4f6b3c2-0000-4000-8000-000000000003', title: 'DLL loaded by a process started from Downloads', level: 'low' },
    ],
    logs: [{ afterSeq: 8, line: 'leaky: about to read a freed context' }],
  };
}

/** A replay of two hosts: each its own kernel, pids that repeat across hosts, driver loads on each. */
export function replayTimeline(): RunTimeline {
  const hosts = ['WKS-01', 'DC-01'];
  const processes: TimelineProcess[] = [];
  const notifications: TimelineNotification[] = [];
  let seq = 1;
  hosts.forEach((host, h) => {
    const system = { pid: 4, name: 'System', host };
    processes.push({ host, pid: 4, name: 'System', path: null, wow64: false, machine: 'AMD64', startMs: 0, endMs: null, system: true });
    notifications.push(notification(seq++, 0.25 + h, system, `${SYS32}drivers\\sysmon.sys`, 'driver', PROPS.driverWindows, []));
    const shared = { host, pid: 1234, name: h === 0 ? 'outlook.exe' : 'lsass.exe' };
    const other = { host, pid: 2000 + h * 8, name: h === 0 ? 'rundll32.exe' : 'dsamain.exe' };
    processes.push({ host, pid: 1234, name: shared.name, path: `C:\\Program Files\\${shared.name}`, wow64: h === 0, machine: h === 0 ? 'I386' : 'AMD64', startMs: 5 + h, endMs: null });
    processes.push({ host, pid: other.pid, name: other.name, path: `${SYS32}${other.name}`, wow64: false, machine: 'AMD64', startMs: 12 + h, endMs: 30 + h });
    for (const [p, start] of [[shared, 5 + h], [other, 12 + h]] as const) {
      notifications.push(notification(seq++, start + 0.25, p, `C:\\Program Files\\${p.name}`, 'process-start', PROPS.processStart, ['sysmon.sys']));
      notifications.push(notification(seq++, start + 0.5, p, `${SYS32}ntdll.dll`, 'process-start', PROPS.processStart, ['sysmon.sys']));
      notifications.push(notification(seq++, start + 0.75, p, `${SYS32}kernel32.dll`, 'image-view', PROPS.windows, ['sysmon.sys']));
    }
  });
  return {
    title: 'replay: two-hosts.jsonl',
    build: 22631,
    buildName: 'Windows 11 23H2',
    machine: 'amd64',
    hosts,
    processes,
    notifications,
    driverEvents: hosts.map((host, h) => ({ timeMs: h, host, kind: 'load' as const, name: 'sysmon.sys', status: 'STATUS_SUCCESS' })),
    bugChecks: [],
    watchdog: [],
    matches: [{ seq: 6, ruleId: 'e5a7c4d3-0000-4000-8000-000000000004', title: 'rundll32 without arguments', level: 'medium' }],
  };
}

/** Deterministic small PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DLLS = [
  'ntdll.dll', 'kernel32.dll', 'KernelBase.dll', 'user32.dll', 'win32u.dll', 'gdi32.dll', 'gdi32full.dll', 'msvcp_win.dll',
  'ucrtbase.dll', 'combase.dll', 'rpcrt4.dll', 'sechost.dll', 'advapi32.dll', 'shell32.dll', 'ole32.dll', 'oleaut32.dll',
  'shlwapi.dll', 'imm32.dll', 'bcryptprimitives.dll', 'msvcrt.dll', 'ws2_32.dll', 'crypt32.dll', 'wintrust.dll', 'version.dll',
];
const EXES = ['svchost.exe', 'chrome.exe', 'msedge.exe', 'powershell.exe', 'rundll32.exe', 'conhost.exe', 'notepad.exe', 'excel.exe'];

/**
 * A large run: `count` notifications over `processes` processes, about a dozen
 * running at once (each starts with its EXE and ntdll, then maps DLLs; every
 * notification 0.25 ms after the last), 4 drivers, an injection nested in the
 * kernel32 notification of every 50th process, WoW64 processes, Sigma matches
 * and a bug check at the end.
 */
export function largeTimeline(count = 20_000, options: { processes?: number; seed?: number } = {}): RunTimeline {
  const rnd = random(options.seed ?? 42);
  const processCount = Math.max(1, Math.min(count, options.processes ?? Math.ceil(count / 60)));
  const perProcess = Math.max(3, Math.ceil(count / processCount));
  const drivers = ['sysmon.sys', 'inventory.sys', 'injector.sys', 'edr.sys'];
  const processes: TimelineProcess[] = [
    { pid: 4, name: 'System', path: null, wow64: false, machine: 'AMD64', startMs: 0, endMs: null, system: true },
  ];
  const notifications: TimelineNotification[] = [];
  const matches: RunTimeline['matches'] = [];
  let t = 1;
  let seq = 1;
  for (const name of drivers.slice(1)) {
    notifications.push(notification(seq++, t, { pid: 0, name: 'System' }, `${SYS32}drivers\\${name}`, 'driver', PROPS.driverWindows, drivers.slice(0, drivers.indexOf(name))));
    t += 0.25;
  }
  interface Running { index: number; pid: number; name: string; dir: string; left: number; k: number }
  const running: Running[] = [];
  let started = 0;
  while (notifications.length < count) {
    if (running.length === 0 && started === processCount) break;
    if (started < processCount && (running.length < 12 || rnd() < 0.02)) {
      const p = started++;
      const exe = EXES[p % EXES.length]!;
      const wow64 = p % 7 === 3;
      const dir = wow64 ? WOW : SYS32;
      const pid = 1000 + p * 4;
      processes.push({ pid, name: exe, path: `${dir}${exe}`, wow64, machine: wow64 ? 'I386' : 'AMD64', startMs: t, endMs: null });
      const proc = { pid, name: exe };
      notifications.push(notification(seq++, t += 0.25, proc, `${dir}${exe}`, 'process-start', PROPS.processStart, drivers));
      if (notifications.length < count) notifications.push(notification(seq++, t += 0.25, proc, `${SYS32}ntdll.dll`, 'process-start', PROPS.processStart, drivers));
      running.push({ index: p, pid, name: exe, dir, left: perProcess - 2, k: 2 });
      continue;
    }
    const at = Math.floor(rnd() * running.length);
    const r = running[at]!;
    const proc = { pid: r.pid, name: r.name };
    const dll = DLLS[(r.k++ + r.index) % DLLS.length]!;
    const unsigned = rnd() < 0.03;
    const seqHere = seq;
    notifications.push(notification(seq++, t += 0.25, proc, `${r.dir}${dll}`, 'image-view', unsigned ? PROPS.unsigned : PROPS.windows, drivers));
    if (unsigned && rnd() < 0.3) matches.push({ seq: seqHere, ruleId: 'f0000000-0000-4000-8000-00000000000a', title: 'Unsigned image', level: 'low' });
    if (dll === 'kernel32.dll' && r.index % 50 === 0 && notifications.length < count) {
      notifications.push(notification(seq++, t += 0.25, proc, 'C:\\ProgramData\\injector\\inject64.dll', 'image-view', PROPS.unsigned, drivers, { seq: seqHere, driver: 'injector.sys' }));
    }
    if (--r.left <= 0) {
      running.splice(at, 1);
      if (r.index % 3 === 0) processes.find((p) => p.pid === r.pid)!.endMs = t + 0.1;
    }
  }
  return {
    title: `large: ${notifications.length} notifications`,
    build: 22631,
    buildName: 'Windows 11 23H2',
    machine: 'amd64',
    seed: options.seed ?? 42,
    processes,
    notifications,
    driverEvents: drivers.map((name, i) => ({ timeMs: i * 0.25, kind: 'load' as const, name, status: 'STATUS_SUCCESS' })),
    bugChecks: [{ timeMs: t + 0.5, code: 0xce, name: 'DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS', parameters: ['0xfffff80612001000', '0x8', '0xfffff80612001000', '0x0'], driver: 'edr.sys', message: 'edr.sys unloaded with a routine registered' }],
    watchdog: [],
    matches,
  };
}

/** Every routine call of a timeline, as data-routine values in document order. */
export function routineDrivers(timeline: RunTimeline): string[] {
  return timeline.notifications.flatMap((n) => n.routines.map((r) => r.driver));
}

/** What a hostile image name looks like: markup, a script end tag, control and bidi characters. */
export const EVIL = '</script><img src=x onerror=alert(1)>\u0001\u0007\u001b[31m\u202Egpj.exe';

/** The demo with hostile strings wherever the data carries text: title, names, paths, drivers, rules, logs. */
export function evilTimeline(): RunTimeline {
  const t = demoTimeline();
  t.title = `demo ${EVIL}`;
  const explorer = t.processes.find((p) => p.pid === 360)!;
  explorer.name = `explorer${EVIL}`;
  explorer.path = `C:\\${EVIL}\\explorer.exe`;
  for (const n of t.notifications) {
    if (n.processId === 360) n.process = explorer.name;
  }
  const target = t.notifications.find((n) => n.seq === 6)!;
  target.fullImageName = `\\Device\\HarddiskVolume3\\ProgramData\\${EVIL}`;
  target.fileObject = { FileName: `\\ProgramData\\${EVIL}`, address: '0xffffc08100000000' };
  target.imageInfo['ImageBase'] = `0x7ff${EVIL}`;
  const evilDriver = `evil${EVIL}.sys`;
  target.routines.push({ driver: evilDriver, slot: 3, address: `0x${EVIL}` });
  t.driverEvents.push({ timeMs: 1, kind: 'load', name: evilDriver, status: EVIL });
  t.matches.push({ seq: 6, ruleId: `rule-${EVIL}`, title: `title ${EVIL}`, level: `high${EVIL}` });
  t.bugChecks.push({ timeMs: 45, code: 0x7e, name: `NAME${EVIL}`, parameters: [EVIL, '0x0'], driver: evilDriver, message: EVIL });
  t.watchdog.push({ timeMs: 44, driver: evilDriver, doing: EVIL });
  t.logs!.push({ afterSeq: 6, line: EVIL });
  return t;
}
