// buildPe ↔ parsePe round trips, and parsePe's answers to malformed input.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  buildPe,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_I386,
  NtStatusError,
  parsePe,
  STATUS_INVALID_IMAGE_FORMAT,
  STATUS_INVALID_PARAMETER,
} from '../src/index.js';
import { imphash } from '../src/pe/imphash.js';
import { readVersionInfo } from '../src/pe/version-info.js';
import { peChecksum } from '../src/pe/checksum.js';

const machines = [IMAGE_FILE_MACHINE_I386, IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_ARMNT];

test('round trip: every machine, DLL/EXE/driver, imports, exports, forwarders, delay imports', () => {
  for (const machine of machines) {
    const is64 = machine === IMAGE_FILE_MACHINE_AMD64 || machine === IMAGE_FILE_MACHINE_ARM64;
    for (const kind of ['dll', 'exe', 'driver'] as const) {
      const spec = {
        machine,
        dll: kind === 'dll',
        driver: kind === 'driver',
        imports: { 'KERNEL32.dll': ['CreateFileW', 'ExitProcess', 17], 'api-ms-win-core-synch-l1-1-0.dll': ['Sleep'] },
        delayImports: { 'USER32.dll': ['MessageBoxW', 5] },
        exports: ['Zeta', 'Alpha', { name: 'Fwd', forwarder: 'NTDLL.RtlAllocateHeap' }, 'Mid'],
        exportDllName: `lib-${kind}.dll`,
      };
      const image = parsePe(buildPe(spec));
      const where = `${machine.toString(16)} ${kind}`;
      assert.equal(image.machine, machine, where);
      assert.equal(image.magic, is64 ? 0x20b : 0x10b, where);
      assert.equal(image.isDll, kind === 'dll', where);
      assert.equal(image.subsystem, kind === 'driver' ? 1 : kind === 'dll' ? 2 : 3, where);
      assert.deepEqual(image.imports, [
        { dll: 'KERNEL32.dll', functions: ['CreateFileW', 'ExitProcess', 17] },
        { dll: 'api-ms-win-core-synch-l1-1-0.dll', functions: ['Sleep'] },
      ]);
      assert.deepEqual(image.delayImports, [{ dll: 'USER32.dll', functions: ['MessageBoxW', 5] }]);
      assert.equal(image.exportDllName, `lib-${kind}.dll`);
      const byOrdinal = [...image.exports].sort((a, b) => a.ordinal - b.ordinal);
      assert.deepEqual(byOrdinal.map((e) => [e.ordinal, e.name, e.forwarder]), [
        [1, 'Zeta', null], [2, 'Alpha', null], [3, 'Fwd', 'NTDLL.RtlAllocateHeap'], [4, 'Mid', null],
      ]);
      assert.equal(image.containsCode, true);
      assert.ok(image.sections.some((s) => s.name === '.text'));
      assert.equal(image.sizeOfImage % 0x1000, 0);
      assert.equal(image.checksum, peChecksum(buildPe(spec), image.checksumOffset));
    }
  }
});

test('sizeOfImage, image base, resource-only images and extra sections', () => {
  const image = parsePe(buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, sizeOfImage: 0x1f8000, imageBase: 0x7ff800000000n }));
  assert.equal(image.sizeOfImage, 0x1f8000);
  assert.equal(image.imageBase, 0x7ff800000000n);
  const last = image.sections.at(-1)!;
  assert.equal(last.virtualAddress + last.virtualSize, 0x1f8000);
  assert.throws(() => buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, sizeOfImage: 0x1000 }), /sizeOfImage/);
  const resources = parsePe(buildPe({ machine: IMAGE_FILE_MACHINE_I386, dll: true, code: false, versionInfo: { CompanyName: 'Contoso' } }));
  assert.equal(resources.containsCode, false);
  assert.equal(resources.addressOfEntryPoint, 0);
  assert.equal(resources.sections.some((s) => (s.characteristics & 0x20000020) !== 0), false);
  const extra = parsePe(buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, sections: [{ name: '.apiset', data: new Uint8Array([1, 2, 3]) }] }));
  assert.ok(extra.sections.some((s) => s.name === '.apiset' && s.virtualSize >= 3));
});

test('version resources read back', () => {
  const strings = {
    CompanyName: 'Microsoft Corporation',
    FileDescription: 'Windows NT BASE API Client DLL',
    FileVersion: '10.0.22621.2506 (WinBuild.160101.0800)',
    OriginalFilename: 'kernel32',
    ProductName: 'Microsoft® Windows® Operating System',
  };
  const bytes = buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, versionInfo: strings });
  assert.deepEqual(readVersionInfo(bytes, parsePe(bytes)), strings);
  const plain = buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true });
  assert.equal(readVersionInfo(plain, parsePe(plain)), null);
});

test('imphash as pefile computes it', () => {
  const image = parsePe(buildPe({ machine: IMAGE_FILE_MACHINE_I386, imports: { 'KERNEL32.dll': ['ExitProcess', 'Sleep'], 'WS2_32.dll': [115, 3], 'shell.ocx': [7] } }));
  // Extensions .dll/.ocx dropped, Winsock ordinals named, other ordinals "ord<N>".
  assert.equal(imphash(image), createHash('md5').update('kernel32.exitprocess,kernel32.sleep,ws2_32.wsastartup,ws2_32.closesocket,shell.ord7').digest('hex'));
  assert.equal(imphash(parsePe(buildPe({ machine: IMAGE_FILE_MACHINE_I386 }))), '');
});

test('buildPe rejects bad specs, naming the field', () => {
  const reject = (spec: unknown, pattern: RegExp) =>
    assert.throws(() => buildPe(spec as never), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_INVALID_PARAMETER && pattern.test(e.message));
  reject({ machine: 0x1234 }, /machine: 0x1234 is not I386, AMD64, ARM64 or ARMNT/);
  reject({ machine: IMAGE_FILE_MACHINE_AMD64, imports: { 'a.dll': [0] } }, /imports\[a\.dll\]/);
  reject({ machine: IMAGE_FILE_MACHINE_AMD64, imports: { 'a.dll': 'x' } }, /expected an array/);
  reject({ machine: IMAGE_FILE_MACHINE_AMD64, exports: [''] }, /exports/);
  reject({ machine: IMAGE_FILE_MACHINE_AMD64, sizeOfImage: -5 }, /sizeOfImage/);
  reject(null, /spec: expected an object/);
});

function malformed(bytes: Uint8Array, field: RegExp): void {
  assert.throws(
    () => parsePe(bytes),
    (e: unknown) => {
      assert.ok(e instanceof NtStatusError, `not an NtStatusError: ${String(e)}`);
      assert.equal(e.status, STATUS_INVALID_IMAGE_FORMAT);
      assert.match(e.message, field);
      return true;
    },
  );
}

function patched(bytes: Uint8Array, edit: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), copy);
  return copy;
}

test('malformed input: STATUS_INVALID_IMAGE_FORMAT naming the field', () => {
  const good = buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, imports: { 'KERNEL32.dll': ['ExitProcess'] }, exports: ['F'] });
  const nt = new DataView(good.buffer).getUint32(0x3c, true);
  const opt = nt + 24;
  const image = parsePe(good);
  const importDir = opt + 112 + 8;
  malformed(new Uint8Array(0), /IMAGE_DOS_HEADER/);
  malformed(new Uint8Array(10), /shorter than a DOS header/);
  malformed(patched(good, (v) => v.setUint16(0, 0x1234, true)), /e_magic/);
  malformed(patched(good, (v) => v.setUint32(0x3c, 0x7fffffff, true)), /e_lfanew: 0x7fffffff points outside/);
  malformed(patched(good, (v) => v.setUint32(nt, 0x12345678, true)), /Signature/);
  malformed(patched(good, (v) => v.setUint16(opt, 0x777, true)), /Magic: 0x777/);
  malformed(patched(good, (v) => v.setUint16(nt + 4 + 16, 40, true)), /SizeOfOptionalHeader/);
  malformed(patched(good, (v) => v.setUint16(nt + 4 + 2, 0xffff, true)), /NumberOfSections: 65535 section headers/);
  malformed(patched(good, (v) => v.setUint32(importDir, 0x7ff00000, true)), /IMAGE_DIRECTORY_ENTRY_IMPORT: RVA 0x7ff00000/);
  malformed(patched(good, (v) => v.setUint32(opt + 112 + 4 * 8, good.length - 4, true) ?? v.setUint32(opt + 112 + 4 * 8 + 4, 100, true)), /SECURITY|certificate/);
  // Truncated at every header boundary: always the documented error, never another exception.
  for (const length of [64, nt + 2, nt + 20, opt + 10, opt + 100, image.sectionTableOffset + 20, 0x400, good.length - 1]) {
    assert.throws(() => parsePe(good.subarray(0, length)), (e: unknown) => e instanceof NtStatusError && e.status === STATUS_INVALID_IMAGE_FORMAT, `length ${length}`);
  }
  // An unterminated DLL name running to the end of the file.
  const descriptorRva = image.dataDirectories[1]!.virtualAddress;
  const section = image.sections.find((s) => descriptorRva >= s.virtualAddress && descriptorRva < s.virtualAddress + s.virtualSize)!;
  const descriptor = section.pointerToRawData + (descriptorRva - section.virtualAddress);
  malformed(patched(good, (v) => v.setUint32(descriptor + 12, 0x7ffffff0, true)), /IMAGE_IMPORT_DESCRIPTOR\[0\]\.Name/);
  malformed(patched(good, (v, b) => {
    const nameRva = v.getUint32(descriptor + 12, true);
    const at = section.pointerToRawData + (nameRva - section.virtualAddress);
    b.fill(0x41, at, good.length);
  }), /no terminating NUL|Name/);
  assert.throws(() => parsePe('MZ' as unknown as Uint8Array), (e: unknown) => e instanceof NtStatusError && /expected a Uint8Array/.test(e.message));
});

test('parsePe reads in place: certificate data and nothing else is copied', () => {
  const good = buildPe({ machine: IMAGE_FILE_MACHINE_I386, dll: true });
  const framed = new Uint8Array(good.length + 16);
  framed.set(good, 16);
  const image = parsePe(framed.subarray(16));
  assert.equal(image.machine, IMAGE_FILE_MACHINE_I386);
});
