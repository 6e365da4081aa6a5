// The builtin system volume (src/system/): every image parses and links, and
// processes and drivers started from it report the orders of SEMANTICS.md §5B/§5C.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_I386,
  Kernel,
  parsePe,
  SE_SIGNING_LEVEL_WINDOWS,
  SeImageSignatureCatalogCached,
  STATUS_SUCCESS,
  type ImageInfo,
  type MachineName,
  type PeImage,
} from '../src/index.js';
import { builtinApiSetHost } from '../src/ldr/api-set-map.js';
import { apiSetMatchKey, isApiSetName } from '../src/ldr/dll-name.js';
import { builtinFiles as catalogFiles } from '../src/catalog/builtin.js';
import { CATALOG } from '../src/catalog/catalog.js';
import { releaseCatalog, type ReleaseId } from '../src/catalog/releases.js';

const MACHINES: readonly [MachineName, number][] = [
  ['amd64', IMAGE_FILE_MACHINE_AMD64],
  ['arm64', IMAGE_FILE_MACHINE_ARM64],
  ['x86', IMAGE_FILE_MACHINE_I386],
];
const SYSTEM32 = 'C:\\Windows\\System32';
const SYSWOW64 = 'C:\\Windows\\SysWOW64';
const RESIDENT = new Set(['ntoskrnl.exe', 'hal.dll']);

interface Report {
  name: string | null;
  pid: number;
  info: ImageInfo;
}

function recordAll(kernel: Kernel): Report[] {
  const reports: Report[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid, info) => void reports.push({ name, pid, info }));
  return reports;
}

/** `\Device\HarddiskVolume3\Windows\SysWOW64\kernel32.dll` → `SysWOW64\kernel32.dll`. */
function short(name: string | null): string {
  return (name ?? '(null)').replace(/^\\Device\\HarddiskVolume\d+\\Windows\\/, '');
}

function builtinFiles(kernel: Kernel): { path: string; image: PeImage }[] {
  return kernel.fs.list().map((path) => ({ path, image: parsePe(kernel.fs.readFile(path)) }));
}

for (const [machine, native] of MACHINES) {
  test(`builtin (${machine}): every image parses, with its directory's machine and the catalog's size`, () => {
    const kernel = new Kernel({ machine, seed: 1 });
    const files = builtinFiles(kernel);
    assert.ok(files.length >= 40, `only ${files.length} files`);
    for (const { path, image } of files) {
      // 32-bit copies: SysWOW64, and the .NET Framework's 32-bit folders.
      const wow = path.startsWith(`${SYSWOW64}\\`) || /\\(Framework|NativeImages_v4\.0\.30319_32|GAC_32)\\/.test(path);
      assert.equal(image.machine, wow ? IMAGE_FILE_MACHINE_I386 : native, path);
      const name = path.slice(path.lastIndexOf('\\') + 1);
      const entry = releaseCatalog(kernel.release.id as ReleaseId).image(name);
      assert.ok(entry, `${path} is not in the catalog`);
      const is64 = !wow && machine !== 'x86';
      assert.equal(image.magic, is64 ? 0x20b : 0x10b, path);
      assert.equal(image.sizeOfImage, is64 ? entry.size64 : entry.size32 || entry.size64, path);
      assert.equal((image.characteristics & 0x2000) !== 0, entry.kind === 'dll', `${path}: DLL bit`);
      assert.ok(image.containsCode, path);
    }
    const has = (p: string) => kernel.fs.exists(p);
    assert.equal(has(`${SYSWOW64}\\kernel32.dll`), machine !== 'x86');
    assert.equal(has(`${SYSTEM32}\\wow64.dll`), machine !== 'x86');
    assert.equal(has(`${SYSTEM32}\\wow64cpu.dll`), machine === 'amd64');
    assert.equal(has(`${SYSTEM32}\\xtajit.dll`), machine === 'arm64');
    assert.ok(has(`${SYSTEM32}\\WindowsPowerShell\\v1.0\\powershell.exe`));
    assert.ok(has('C:\\Windows\\explorer.exe'));
    assert.ok(!has(`${SYSTEM32}\\apisetschema.dll`), 'the loader uses its builtin API-set map');
  });

  test(`builtin (${machine}): every import resolves to an exported function`, () => {
    const kernel = new Kernel({ machine, seed: 1 });
    const files = builtinFiles(kernel);
    const byPath = new Map(files.map((f) => [f.path.toLowerCase(), f.image]));
    let checked = 0;
    for (const { path, image } of files) {
      const dir = path.slice(0, path.lastIndexOf('\\'));
      const systemDir = path.toLowerCase().startsWith(SYSWOW64.toLowerCase()) ? SYSWOW64 : SYSTEM32;
      for (const entry of image.imports) {
        let dll = entry.dll.toLowerCase();
        if (isApiSetName(dll)) {
          const host = builtinApiSetHost(apiSetMatchKey(dll));
          assert.ok(host, `${path} imports ${entry.dll}, which the builtin API-set map does not resolve`);
          dll = host;
        }
        const candidates = [`${dir}\\${dll}`, `${systemDir}\\${dll}`, `${systemDir}\\drivers\\${dll}`];
        const target = candidates.map((c) => byPath.get(c.toLowerCase())).find((t) => t !== undefined);
        assert.ok(target, `${path} imports ${entry.dll} (${dll}), which is not on the volume`);
        if (RESIDENT.has(dll)) assert.ok(path.includes('\\drivers\\'), `${path}: only drivers import ${dll}`);
        for (const fn of entry.functions) {
          assert.equal(typeof fn, 'string', `${path}: ordinal imports are not used`);
          assert.ok(target.exports.some((e) => e.name === fn), `${path} imports ${String(fn)} from ${entry.dll} (${dll}), which does not export it`);
          checked++;
        }
      }
    }
    assert.ok(checked > 500, `only ${checked} imports checked`);
  });
}

const NATIVE_HEAD = ['System32\\ntdll.dll', 'System32\\kernel32.dll', 'System32\\KernelBase.dll'];

test('builtin: native notepad reports EXE, ntdll, kernel32, KernelBase, then its imports depth-first (§5B)', () => {
  const kernel = new Kernel({ seed: 2 });
  const reports = recordAll(kernel);
  const process = kernel.createProcess(`${SYSTEM32}\\notepad.exe`);
  const names = reports.map((r) => short(r.name));
  assert.deepEqual(names.slice(0, 4), ['System32\\notepad.exe', ...NATIVE_HEAD]);
  assert.deepEqual(names.slice(4, 12), ['gdi32.dll', 'win32u.dll', 'gdi32full.dll', 'msvcp_win.dll', 'ucrtbase.dll', 'user32.dll', 'msvcrt.dll', 'combase.dll'].map((n) => `System32\\${n}`));
  assert.ok(reports.every((r) => r.pid === process.pid));
  assert.equal(new Set(names).size, names.length, 'each image is reported once');
  assert.deepEqual(reports.slice(0, 2).map((r) => r.info.Properties), [0x403, 0x403]);
  // Windows-signed through the catalog: ImageSignatureLevel 0xC, ImageSignatureType 3 (§1).
  for (const r of reports.slice(2)) {
    assert.equal(r.info.ImageSignatureLevel, SE_SIGNING_LEVEL_WINDOWS, names[reports.indexOf(r)]);
    assert.equal(r.info.ImageSignatureType, SeImageSignatureCatalogCached);
    assert.equal(r.info.Properties, 0x403 | (0xc << 12) | (3 << 16));
  }
});

for (const [machine, cpu] of [['amd64', 'wow64cpu.dll'], ['arm64', 'xtajit.dll']] as const) {
  test(`builtin (${machine}, 19041): a WoW64 notepad reports EXE, both ntdlls, wow64, wow64win, ${cpu}, then 32-bit kernel32, KernelBase (§5B)`, () => {
    const kernel = new Kernel({ machine, seed: 3, build: 19041 });
    const reports = recordAll(kernel);
    const process = kernel.createProcess(`${SYSWOW64}\\notepad.exe`);
    assert.equal(process.wow64, true);
    const names = reports.map((r) => short(r.name));
    assert.deepEqual(names.slice(0, 8), [
      'SysWOW64\\notepad.exe', 'System32\\ntdll.dll', 'SysWOW64\\ntdll.dll', 'System32\\wow64.dll', 'System32\\wow64win.dll',
      `System32\\${cpu}`, 'SysWOW64\\kernel32.dll', 'SysWOW64\\KernelBase.dll',
    ]);
    assert.ok(names.slice(8).length > 10);
    assert.ok(names.slice(8).every((n) => n.startsWith('SysWOW64\\')), 'the imports come from SysWOW64');
    assert.deepEqual(reports.slice(0, 3).map((r) => r.info.Properties), [0x403, 0x403, 0x403]);
    assert.ok(reports.every((r) => r.info.MachineTypeMismatch === 0));
  });
}

// Real first-load orders (Sysmon event 7, Windows 10 1903, OTRF aptsimulator_cobaltstrike,
// WORKSTATION5, build 18362); the process id names the recorded run. The static import closure
// (runtimeLoads: false) must be the recorded head exactly; with run-time loads the whole recorded
// sequence, filtered to the DLLs the old catalog shipped, must come out in its order.
const OBSERVED: readonly [string, string[], number][] = [
  ['cmd.exe', ['msvcrt', 'combase', 'ucrtbase', 'rpcrt4', 'bcryptprimitives', 'sechost'], 6], // pid 3948
  ['sc.exe', ['msvcrt', 'rpcrt4', 'sechost'], 3], // pid 6116
  ['timeout.exe', ['user32', 'win32u', 'gdi32', 'gdi32full', 'msvcp_win', 'ucrtbase', 'ws2_32', 'rpcrt4', 'shlwapi', 'msvcrt', 'combase', 'bcryptprimitives', 'version', 'imm32'], 14], // pid 7100
  ['conhost.exe', ['msvcp_win', 'ucrtbase', 'SHCore', 'msvcrt', 'rpcrt4', 'combase', 'bcryptprimitives', 'advapi32', 'sechost', 'user32', 'win32u', 'gdi32', 'gdi32full', 'imm32', 'shell32', 'shlwapi', 'oleaut32'], 15], // pid 6388
];

for (const [exe, dlls, head] of OBSERVED) {
  test(`builtin (18362): ${exe} loads what the real one loaded, in the recorded order`, () => {
    const kernel = new Kernel({ seed: 4, build: 18362 });
    const reports = recordAll(kernel);
    kernel.createProcess(`${SYSTEM32}\\${exe}`, { runtimeLoads: false });
    assert.deepEqual(
      reports.map((r) => short(r.name)),
      [`System32\\${exe}`, ...NATIVE_HEAD, ...dlls.slice(0, head).map((d) => `System32\\${d}.dll`)],
    );
    reports.length = 0;
    kernel.createProcess(`${SYSTEM32}\\${exe}`, { commandLine: `${exe} /c` });
    const wanted = dlls.map((d) => `System32\\${d}.dll`.toLowerCase());
    const seen = reports.map((r) => short(r.name).toLowerCase()).filter((n) => wanted.includes(n));
    assert.deepEqual(seen, wanted);
  });
}

for (const [machine] of MACHINES) {
  test(`builtin (${machine}): every program starts, natively and under WoW64`, () => {
    const kernel = new Kernel({ machine, seed: 5 });
    const programs = kernel.fs.list().filter((p) => p.endsWith('.exe') && !p.endsWith('\\ntoskrnl.exe')).map((dosPath) => ({ dosPath }));
    assert.ok(programs.length >= (machine === 'x86' ? 9 : 15), `${programs.length} programs`);
    for (const file of programs) {
      const process = kernel.createProcess(file.dosPath);
      assert.equal(process.wow64, file.dosPath.startsWith(SYSWOW64));
      assert.ok(process.modules.length >= 4, `${file.dosPath}: ${process.modules.length} modules`);
    }
  });
}

test('builtin: loading tcpip.sys reports the kernel-mode DLLs it imports first, depth-first (§5C)', () => {
  const kernel = new Kernel({ seed: 6 });
  const reports = recordAll(kernel);
  assert.equal(kernel.loadDriver(`${SYSTEM32}\\drivers\\tcpip.sys`), STATUS_SUCCESS);
  assert.deepEqual(
    reports.map((r) => short(r.name)),
    ['msrpc.sys', 'cng.sys', 'ksecdd.sys', 'netio.sys', 'ndis.sys', 'tcpip.sys'].map((n) => `System32\\drivers\\${n}`),
  );
  for (const r of reports) {
    assert.equal(r.pid, 0);
    assert.equal(r.info.Properties, 0x503 | (0xc << 12) | (3 << 16), 'driver, Windows-signed, catalog');
  }
});

for (const [machine] of MACHINES) {
  test(`builtin (${machine}): every driver loads on a fresh kernel, after the kernel DLLs it imports`, () => {
    const drivers = CATALOG.filter((c) => c.kind === 'driver');
    assert.ok(drivers.length >= 8);
    for (const driver of drivers) {
      const kernel = new Kernel({ machine, seed: 7 });
      const reports = recordAll(kernel);
      const path = `${SYSTEM32}\\drivers\\${driver.name}`;
      assert.equal(kernel.loadDriver(path), STATUS_SUCCESS, `${path}: ${kernel.lastError?.message ?? ''}`);
      const names = reports.map((r) => short(r.name).toLowerCase());
      assert.equal(names.at(-1), `system32\\drivers\\${driver.name}`);
      const image = parsePe(kernel.fs.readFile(path));
      for (const { dll } of image.imports) {
        if (RESIDENT.has(dll.toLowerCase())) continue;
        assert.ok(names.slice(0, -1).includes(`system32\\drivers\\${dll.toLowerCase()}`), `${driver.name}: ${dll} reported first`);
      }
      assert.ok(!names.some((n) => n.endsWith('ntoskrnl.exe') || n.endsWith('hal.dll')), 'resident images are never reported');
    }
  });
}

test('builtin: the catalog images are built once per machine and handed out as copies', () => {
  // (How long a kernel takes to start is a benchmark's question, not a test's.)
  assert.equal(catalogFiles(IMAGE_FILE_MACHINE_AMD64, 'win11'), catalogFiles(IMAGE_FILE_MACHINE_AMD64, 'win11'), 'the built images are memoised');
  const a = new Kernel({ seed: 1 }).fs.readFile(`${SYSTEM32}\\kernel32.dll`);
  const b = new Kernel({ seed: 2 }).fs.readFile(`${SYSTEM32}\\kernel32.dll`);
  assert.deepEqual(a, b, 'the same bytes');
  a[0] = 0;
  assert.equal(new Kernel({ seed: 3 }).fs.readFile(`${SYSTEM32}\\kernel32.dll`)[0], 0x4d, 'readFile hands out a copy');
});
