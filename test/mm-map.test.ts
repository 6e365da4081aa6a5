// Sections and views (SEMANTICS.md §5A, §6): process.mapImage and what it reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildPe,
  imageInfoEx,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_I386,
  Kernel,
  NtStatusError,
  SE_SIGNING_LEVEL_UNSIGNED,
  SE_SIGNING_LEVEL_WINDOWS,
  SeImageSignatureCatalogCached,
  STATUS_IMAGE_MACHINE_TYPE_MISMATCH,
  STATUS_IMAGE_NOT_AT_BASE,
  STATUS_INVALID_IMAGE_NOT_MZ,
  STATUS_INVALID_PAGE_PROTECTION,
  STATUS_INVALID_VIEW_SIZE,
  STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_PROCESS_IS_TERMINATING,
  STATUS_SHARING_VIOLATION,
  STATUS_SUCCESS,
  type ImageInfo,
  type Process,
} from '../src/index.js';
import { testKernel } from './helpers/system.js';
import { imageLabel } from '../src/ci/code-integrity.js';
import { SystemVolume } from '../src/fs/volume.js';
import { SectionCache } from '../src/mm/section.js';

interface Event {
  name: string | null;
  pid: number;
  info: ImageInfo;
  current: number;
}

function setup(options = {}): { kernel: Kernel; process: Process; seen: Event[]; flagged: Event[] } {
  const kernel = testKernel(options);
  const seen: Event[] = [];
  const flagged: Event[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid, info) => void seen.push({ name, pid, info, current: kernel.ntoskrnl.PsGetCurrentProcessId() }));
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutineEx((name, pid, info) => void flagged.push({ name, pid, info, current: kernel.ntoskrnl.PsGetCurrentProcessId() }), 1);
  const process = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  seen.length = 0;
  flagged.length = 0;
  const w = (path: string, bytes: Uint8Array) => kernel.fs.writeFile(path, bytes);
  w('C:\\lib\\plain.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['F'], sizeOfImage: 0x8000, dllCharacteristics: 0 }));
  w('C:\\lib\\x86.dll', buildPe({ machine: IMAGE_FILE_MACHINE_I386, dll: true, exports: ['F'] }));
  w('C:\\lib\\arm64.dll', buildPe({ machine: IMAGE_FILE_MACHINE_ARM64, dll: true, exports: ['F'] }));
  w('C:\\lib\\resources.dll', buildPe({ machine: IMAGE_FILE_MACHINE_I386, dll: true, code: false, versionInfo: { FileDescription: 'strings' } }));
  return { kernel, process, seen, flagged };
}

test('an executable image view notifies with the view, the NT name and the target pid', () => {
  const { kernel, process, seen } = setup();
  const result = process.mapImage('c:\\LIB\\Plain.DLL');
  assert.equal(result.status, STATUS_SUCCESS);
  assert.equal(result.viewSize, 0x8000);
  assert.equal(seen.length, 1);
  const event = seen[0]!;
  assert.equal(event.name, '\\Device\\HarddiskVolume3\\lib\\plain.dll'); // the stored spelling
  assert.equal(event.pid, process.pid);
  assert.equal(event.current, process.pid);
  assert.equal(event.info.ImageBase, result.base);
  assert.equal(event.info.ImageSize, 0x8000);
  assert.equal(event.info.Properties, 0x403 | (SE_SIGNING_LEVEL_UNSIGNED << 12));
  assert.equal(imageInfoEx(event.info)!.FileObject!.FileName, '\\lib\\plain.dll');
  assert.equal(result.base % 0x10000n, 0n);
  assert.deepEqual(process.modules.at(-1), { path: 'C:\\lib\\plain.dll', base: result.base, size: 0x8000 });
  assert.equal(kernel.bugCheck, null);
});

test('the preferred base when free, else elsewhere with STATUS_IMAGE_NOT_AT_BASE', () => {
  const { process, seen } = setup();
  const first = process.mapImage('C:\\lib\\plain.dll');
  assert.equal(first.base, 0x180000000n); // no DYNAMIC_BASE: the header's ImageBase
  const second = process.mapImage('C:\\lib\\plain.dll');
  assert.equal(second.status, STATUS_IMAGE_NOT_AT_BASE);
  assert.notEqual(second.base, first.base);
  assert.ok(second.base >= first.base + 0x10000n || second.base + 0x10000n <= first.base, 'views do not overlap');
  assert.equal(seen.length, 2); // informational statuses still notify
});

test('the same seed gives the same addresses', () => {
  const bases = [1, 2].map(() => {
    const kernel = testKernel({ seed: 99 });
    const p = kernel.createProcess('C:\\Windows\\System32\\app.exe');
    return [p.pid, ...p.modules.map((m) => m.base)];
  });
  assert.deepEqual(bases[0], bases[1]);
});

test('SEC_IMAGE_NO_EXECUTE: read-only, never notified; writable → STATUS_INVALID_PAGE_PROTECTION', () => {
  const { process, seen, flagged } = setup();
  const result = process.mapImage('C:\\lib\\plain.dll', { noExecute: true });
  assert.equal(result.status, STATUS_SUCCESS);
  assert.equal(seen.length + flagged.length, 0);
  assert.throws(() => process.mapImage('C:\\lib\\plain.dll', { noExecute: true, readOnly: false }), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_INVALID_PAGE_PROTECTION);
  assert.equal(process.modules.filter((m) => m.path === 'C:\\lib\\plain.dll').length, 1);
});

test('partial views set ImagePartialMap and report the view size', () => {
  const { process, seen } = setup();
  const result = process.mapImage('C:\\lib\\plain.dll', { viewSize: 0x2800 });
  assert.equal(result.viewSize, 0x3000); // rounded to pages
  assert.equal(seen[0]!.info.ImageSize, 0x3000);
  assert.equal(seen[0]!.info.ImagePartialMap, 1);
  process.mapImage('C:\\lib\\plain.dll', { viewSize: 0x8000 });
  assert.equal(seen[1]!.info.ImagePartialMap, 0);
  assert.throws(() => process.mapImage('C:\\lib\\plain.dll', { viewSize: 0x9000 }), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_INVALID_VIEW_SIZE);
  assert.throws(() => process.mapImage('C:\\lib\\plain.dll', { viewSize: -1 }), (e: unknown) => e instanceof RangeError && /viewSize/.test(e.message));
});

test('mismatch: an x86 DLL into a native x64 process reaches only flagged routines, with the bit set', () => {
  const { process, seen, flagged } = setup();
  const result = process.mapImage('C:\\lib\\x86.dll');
  assert.equal(result.status, STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
  assert.equal(seen.length, 0);
  assert.equal(flagged.length, 1);
  assert.equal(flagged[0]!.info.MachineTypeMismatch, 1);
  assert.equal(process.mapImage('C:\\lib\\arm64.dll').status, STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
  // A resource-only image is never a mismatch.
  assert.equal(process.mapImage('C:\\lib\\resources.dll').status, STATUS_SUCCESS);
  assert.equal(seen.at(-1)!.info.MachineTypeMismatch, 0);
});

test('mismatch in a WoW64 process: x86 no, the native x64 DLLs no, ARM64 yes', () => {
  const { kernel, seen, flagged } = setup();
  kernel.fs.writeFile('C:\\Windows\\SysWOW64\\app32.exe', buildPe({ machine: IMAGE_FILE_MACHINE_I386, imports: { 'kernel32.dll': ['X'] } }));
  const wow = kernel.createProcess('C:\\Windows\\SysWOW64\\app32.exe');
  assert.equal(wow.wow64, true);
  assert.equal(wow.machine, IMAGE_FILE_MACHINE_I386);
  seen.length = 0;
  flagged.length = 0;
  assert.equal(wow.mapImage('C:\\lib\\x86.dll').status, STATUS_SUCCESS);
  assert.equal(wow.mapImage('C:\\lib\\plain.dll').status, STATUS_SUCCESS);
  assert.equal(wow.mapImage('C:\\lib\\arm64.dll').status, STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
  assert.equal(seen.length, 2);
  assert.equal(flagged.length, 3);
});

test('a terminating process: STATUS_PROCESS_IS_TERMINATING, nothing notified', () => {
  const { kernel, process, seen } = setup();
  const pid = process.pid;
  process.terminate();
  assert.equal(kernel.process(pid), undefined);
  assert.deepEqual(process.modules, []);
  assert.throws(() => process.mapImage('C:\\lib\\plain.dll'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_PROCESS_IS_TERMINATING);
  assert.equal(seen.length, 0);
});

test('unmapping never notifies and frees the range', () => {
  const { process, seen } = setup();
  const first = process.mapImage('C:\\lib\\plain.dll');
  assert.equal(process.unmapView(first.base), STATUS_SUCCESS);
  assert.equal(seen.length, 1);
  const again = process.mapImage('C:\\lib\\plain.dll');
  assert.equal(again.base, first.base);
  assert.equal(again.status, STATUS_SUCCESS);
  assert.throws(() => process.unmapView(0x1234n), NtStatusError);
});

test('missing and malformed files', () => {
  const { kernel, process, seen } = setup();
  assert.throws(() => process.mapImage('C:\\lib\\nothing.dll'), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_OBJECT_NAME_NOT_FOUND);
  kernel.fs.writeFile('C:\\lib\\broken.dll', new Uint8Array([0x4d, 0x5a, 1, 2, 3]));
  assert.throws(
    () => process.mapImage('C:\\lib\\broken.dll'),
    // A 5-byte file is no image at all: NtCreateSection(SEC_IMAGE) says STATUS_INVALID_IMAGE_NOT_MZ (docs/pe-limits.md).
    (e: unknown) => e instanceof NtStatusError && e.status === STATUS_INVALID_IMAGE_NOT_MZ && /broken\.dll: IMAGE_DOS_HEADER/.test(e.message),
  );
  assert.equal(seen.length, 0);
  assert.equal(process.modules.some((m) => m.path.includes('broken')), false);
});

test('one section per file, shared by every view; a rewritten file is a new section', () => {
  const { kernel, process, seen } = setup();
  const fileObject = () => imageInfoEx(seen.at(-1)!.info)!.FileObject!.address;
  const one = process.mapImage('C:\\lib\\plain.dll');
  const first = fileObject();
  const other = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  const two = other.mapImage('C:\\lib\\plain.dll');
  assert.equal(fileObject(), first, 'both views name one FILE_OBJECT');
  // A mapped image cannot be written (§5A; MmFlushImageSection fails)...
  const rewrite = () => kernel.fs.writeFile('C:\\lib\\plain.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true }));
  assert.throws(rewrite, (e: unknown) => e instanceof NtStatusError && e.status === STATUS_SHARING_VIOLATION && /2 views/.test(e.message));
  process.unmapView(one.base);
  assert.throws(rewrite, (e: unknown) => e instanceof NtStatusError && e.status === STATUS_SHARING_VIOLATION);
  other.terminate();
  assert.equal(two.base > 0n, true);
  // ...and once the last view is gone it can, and is a new file.
  rewrite();
  process.mapImage('C:\\lib\\plain.dll');
  assert.notEqual(fileObject(), first, 'a rewritten file is a new file object and section');
  // The memory manager's layer on its own: one ImageSection per file.
  const volume = new SystemVolume();
  volume.writeFile('C:\\x.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true }));
  const sections = new SectionCache(imageLabel, 0n);
  assert.equal(sections.sectionFor(volume.open('C:\\x.dll')), sections.sectionFor(volume.open('c:\\X.DLL')));
});

test('signature bits come from the file label', () => {
  const { kernel, process, seen } = setup();
  kernel.fs.writeFile('C:\\lib\\signed.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true }), {
    signingLevel: SE_SIGNING_LEVEL_WINDOWS,
    signatureType: SeImageSignatureCatalogCached,
  });
  process.mapImage('C:\\lib\\signed.dll');
  assert.equal(seen[0]!.info.ImageSignatureLevel, SE_SIGNING_LEVEL_WINDOWS);
  assert.equal(seen[0]!.info.ImageSignatureType, SeImageSignatureCatalogCached);
  assert.throws(() => kernel.fs.writeFile('C:\\lib\\x.dll', new Uint8Array(1), { signingLevel: 16 }), /signingLevel/);
});

test('process start: EXE and ntdll reported by the first thread with Properties 0x403', () => {
  const kernel = testKernel();
  const seen: Event[] = [];
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid, info) => void seen.push({ name, pid, info, current: kernel.ntoskrnl.PsGetCurrentProcessId() }));
  const process = kernel.createProcess('C:\\Windows\\System32\\app.exe');
  assert.equal(process.pid % 4, 0);
  assert.equal(seen[0]!.name, '\\Device\\HarddiskVolume3\\Windows\\System32\\app.exe');
  assert.equal(seen[1]!.name, '\\Device\\HarddiskVolume3\\Windows\\System32\\ntdll.dll');
  for (const e of seen.slice(0, 2)) {
    assert.equal(e.info.Properties, 0x403);
    assert.equal(e.pid, process.pid);
    assert.equal(e.current, process.pid);
  }
  const pids = new Set([process.pid]);
  for (let i = 0; i < 20; i++) pids.add(kernel.createProcess('C:\\Windows\\System32\\app.exe').pid);
  assert.equal(pids.size, 21, 'ids are not reused while processes live');
});
