import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeImageInfo,
  encodeImageInfo,
  encodeImageInfoEx,
  FileObject,
  ImageInfo,
  ImageInfoEx,
  imageInfoEx,
  NT_SUCCESS,
  NtStatusError,
  STATUS_IMAGE_MACHINE_TYPE_MISMATCH,
  STATUS_IMAGE_NOT_AT_BASE,
  STATUS_INVALID_PARAMETER_2,
  STATUS_SUCCESS,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_PROCEDURE_NOT_FOUND,
  STATUS_IMAGE_ALREADY_LOADED,
  STATUS_PROCESS_IS_TERMINATING,
  STATUS_INVALID_PAGE_PROTECTION,
  STATUS_INVALID_IMAGE_FORMAT,
  STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_DLL_NOT_FOUND,
  STATUS_NOT_SUPPORTED,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_ENTRYPOINT_NOT_FOUND,
  STATUS_ORDINAL_NOT_FOUND,
  PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE,
  IMAGE_ADDRESSING_MODE_32BIT,
  IMAGE_FILE_MACHINE_I386,
  IMAGE_FILE_MACHINE_ARMNT,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_ARM64,
  DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
  SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
  PASSIVE_LEVEL,
  APC_LEVEL,
  SE_SIGNING_LEVEL_UNCHECKED,
  SE_SIGNING_LEVEL_AUTHENTICODE,
  SE_SIGNING_LEVEL_WINDOWS,
  SE_SIGNING_LEVEL_CUSTOM_6,
  SE_SIGNING_LEVEL_DYNAMIC_CODEGEN,
  SeImageSignatureNone,
  SeImageSignatureEmbedded,
  SeImageSignatureCatalogCached,
  SeImageSignaturePplMitigated,
} from '../src/index.js';

test('constants of SEMANTICS §1 have their WDK values', () => {
  const expected: [number, number][] = [
    [STATUS_SUCCESS, 0], [STATUS_INVALID_PARAMETER_2, 0xc00000f0], [STATUS_INSUFFICIENT_RESOURCES, 0xc000009a],
    [STATUS_PROCEDURE_NOT_FOUND, 0xc000007a], [STATUS_IMAGE_ALREADY_LOADED, 0xc000010e],
    [STATUS_IMAGE_MACHINE_TYPE_MISMATCH, 0x4000000e], [STATUS_IMAGE_NOT_AT_BASE, 0x40000003],
    [STATUS_PROCESS_IS_TERMINATING, 0xc000010a], [STATUS_INVALID_PAGE_PROTECTION, 0xc0000045],
    [STATUS_INVALID_IMAGE_FORMAT, 0xc000007b], [STATUS_OBJECT_NAME_NOT_FOUND, 0xc0000034],
    [STATUS_DLL_NOT_FOUND, 0xc0000135], [STATUS_NOT_SUPPORTED, 0xc00000bb], [STATUS_INVALID_DEVICE_REQUEST, 0xc0000010],
    [STATUS_ENTRYPOINT_NOT_FOUND, 0xc0000139], [STATUS_ORDINAL_NOT_FOUND, 0xc0000138],
    [PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE, 1], [IMAGE_ADDRESSING_MODE_32BIT, 3],
    [IMAGE_FILE_MACHINE_I386, 0x14c], [IMAGE_FILE_MACHINE_ARMNT, 0x1c4], [IMAGE_FILE_MACHINE_AMD64, 0x8664],
    [IMAGE_FILE_MACHINE_ARM64, 0xaa64], [DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, 0xce],
    [SYSTEM_THREAD_EXCEPTION_NOT_HANDLED, 0x7e], [PASSIVE_LEVEL, 0], [APC_LEVEL, 1],
    [SE_SIGNING_LEVEL_UNCHECKED, 0], [SE_SIGNING_LEVEL_AUTHENTICODE, 4], [SE_SIGNING_LEVEL_DYNAMIC_CODEGEN, 0xb],
    [SE_SIGNING_LEVEL_WINDOWS, 0xc], [SE_SIGNING_LEVEL_CUSTOM_6, 0xf],
    [SeImageSignatureNone, 0], [SeImageSignatureEmbedded, 1], [SeImageSignatureCatalogCached, 3], [SeImageSignaturePplMitigated, 7],
  ];
  for (const [actual, value] of expected) assert.equal(actual, value);
});

test('NT_SUCCESS: success and informational codes only', () => {
  assert.equal(NT_SUCCESS(0), true);
  assert.equal(NT_SUCCESS(STATUS_IMAGE_MACHINE_TYPE_MISMATCH), true);
  assert.equal(NT_SUCCESS(0x7fffffff), true);
  assert.equal(NT_SUCCESS(0x80000005), false);
  assert.equal(NT_SUCCESS(STATUS_INVALID_PARAMETER_2), false);
  assert.equal(NT_SUCCESS(-1073741811), false); // a signed 0xC000000D
});

test('NtStatusError carries the unsigned status and names it', () => {
  const error = new NtStatusError(STATUS_DLL_NOT_FOUND, 'x.dll was not found');
  assert.equal(error.status, 0xc0000135);
  assert.match(error.message, /STATUS_DLL_NOT_FOUND/);
  assert.match(error.message, /x\.dll was not found/);
  assert.ok(error instanceof Error);
});

test('ImageInfo bit fields are views of Properties, both ways', () => {
  const info = new ImageInfo();
  info.Properties = 0x503 | (0xc << 12) | (3 << 16) | 0x80000 | 0x800;
  assert.equal(info.ImageAddressingMode, 3);
  assert.equal(info.SystemModeImage, 1);
  assert.equal(info.ImageMappedToAllPids, 0);
  assert.equal(info.ExtendedInfoPresent, 1);
  assert.equal(info.MachineTypeMismatch, 1);
  assert.equal(info.ImageSignatureLevel, 0xc);
  assert.equal(info.ImageSignatureType, 3);
  assert.equal(info.ImagePartialMap, 1);
  info.SystemModeImage = 0;
  info.ImageSignatureLevel = 4;
  info.ImageSignatureType = 1;
  info.ImagePartialMap = 0;
  info.MachineTypeMismatch = 0;
  info.ImageMappedToAllPids = 1;
  assert.equal(info.Properties, 0x403 | 0x200 | (4 << 12) | (1 << 16));
  info.ImageAddressingMode = 0;
  assert.equal(info.Properties & 0xff, 0);
  const json = JSON.parse(JSON.stringify(info));
  assert.equal(json.ImageSignatureLevel, 4);
});

test('imageInfoEx: CONTAINING_RECORD only when ExtendedInfoPresent', () => {
  const info = new ImageInfo();
  const file = new FileObject('\\Windows\\System32\\kernel32.dll', 0xffffa00000001000n);
  const outer = new ImageInfoEx(56, info, file);
  assert.equal(imageInfoEx(info), null);
  info.ExtendedInfoPresent = 1;
  assert.equal(imageInfoEx(info), outer);
  assert.equal(imageInfoEx(info)!.FileObject!.FileName, '\\Windows\\System32\\kernel32.dll');
  assert.equal(imageInfoEx(new ImageInfo()), null);
});

function sample(): ImageInfoEx {
  const info = new ImageInfo();
  info.Properties = 0x40c403 >>> 0;
  info.ImageBase = 0x7ffb12340000n;
  info.ImageSelector = 0x11223344;
  info.ImageSize = 0x1a2000;
  info.ImageSectionNumber = 0x55667788;
  return new ImageInfoEx(56, info, new FileObject('\\x.dll', 0xffffa0010203a0b0n));
}

test('encodeImageInfoEx x64: 56 bytes at the SEMANTICS §1 offsets', () => {
  const bytes = encodeImageInfoEx(sample(), 'x64');
  assert.equal(bytes.length, 56);
  const v = new DataView(bytes.buffer);
  assert.equal(v.getBigUint64(0, true), 56n); // Size
  assert.equal(v.getUint32(8, true), 0x40c403); // Properties
  assert.equal(v.getUint32(12, true), 0); // padding
  assert.equal(v.getBigUint64(16, true), 0x7ffb12340000n); // ImageBase
  assert.equal(v.getUint32(24, true), 0x11223344); // ImageSelector
  assert.equal(v.getBigUint64(32, true), 0x1a2000n); // ImageSize
  assert.equal(v.getUint32(40, true), 0x55667788); // ImageSectionNumber
  assert.equal(v.getBigUint64(48, true), 0xffffa0010203a0b0n); // FileObject
  // byte by byte for the first fields
  assert.deepEqual([...bytes.subarray(0, 12)], [56, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xc4, 0x40, 0x00]);
});

test('encodeImageInfoEx x86: 28 bytes at the SEMANTICS §1 offsets', () => {
  const infoEx = sample();
  infoEx.ImageInfo.ImageBase = 0x77a10000n;
  const bytes = encodeImageInfoEx(infoEx, 'x86');
  assert.equal(bytes.length, 28);
  const v = new DataView(bytes.buffer);
  assert.equal(v.getUint32(0, true), 28);
  assert.equal(v.getUint32(4, true), 0x40c403);
  assert.equal(v.getUint32(8, true), 0x77a10000);
  assert.equal(v.getUint32(12, true), 0x11223344);
  assert.equal(v.getUint32(16, true), 0x1a2000);
  assert.equal(v.getUint32(20, true), 0x55667788);
  assert.notEqual(v.getUint32(24, true), 0); // FileObject: a nonzero handle value
});

test('plain IMAGE_INFO: 40 and 20 bytes', () => {
  const info = sample().ImageInfo;
  const x64 = encodeImageInfo(info, 'x64');
  const x86 = encodeImageInfo(info, 'x86');
  assert.equal(x64.length, 40);
  assert.equal(x86.length, 20);
  assert.equal(new DataView(x64.buffer).getBigUint64(8, true), 0x7ffb12340000n);
  assert.equal(new DataView(x86.buffer).getUint32(12, true), 0x1a2000);
});

test('decodeImageInfo reads back what encodeImageInfoEx wrote', () => {
  for (const arch of ['x64', 'x86'] as const) {
    const original = sample();
    if (arch === 'x86') original.ImageInfo.ImageBase = 0x10000000n;
    const decoded = decodeImageInfo(encodeImageInfoEx(original, arch), arch);
    assert.equal(decoded.Properties, original.ImageInfo.Properties);
    assert.equal(decoded.ImageBase, original.ImageInfo.ImageBase);
    assert.equal(decoded.ImageSelector, original.ImageInfo.ImageSelector);
    assert.equal(decoded.ImageSize, original.ImageInfo.ImageSize);
    assert.equal(decoded.ImageSectionNumber, original.ImageInfo.ImageSectionNumber);
    const outer = imageInfoEx(decoded);
    assert.ok(outer);
    assert.equal(outer.Size, arch === 'x64' ? 56 : 28);
    const plain = decodeImageInfo(encodeImageInfo(original.ImageInfo, arch), arch);
    assert.equal(plain.Properties, original.ImageInfo.Properties);
    assert.equal(imageInfoEx(plain), null);
  }
  assert.throws(() => decodeImageInfo(new Uint8Array(41), 'x64'), /expected 40 bytes/);
  assert.throws(() => decodeImageInfo(new Uint8Array(40), 'arm' as 'x64'), /pointer width/);
});
