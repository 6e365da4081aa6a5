// parsePe over every real image of the corpus, checked against facts
// established independently of the parser (package architecture, a separate
// reading of the certificate and CLR directories).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePe, type PeImage } from '../src/index.js';
import { imphash } from '../src/pe/imphash.js';
import { CORPUS_SKIP, corpusImages, corpusRoot } from './helpers/corpus.js';

/** Machine of every image of a package folder (EFI stubs of armhf are THUMB, 0x1C2). */
const machineOfFolder: Record<string, number[]> = {
  'wine-amd64': [0x8664],
  'wine-i386': [0x14c],
  'wine-arm64': [0xaa64],
  'wine-armhf': [0x1c4],
  'shim-signed-amd64': [0x8664],
  'shim-signed-arm64': [0xaa64],
  'shim-signed-i386': [0x14c],
  'systemd-boot-efi-amd64': [0x8664],
  'systemd-boot-efi-arm64': [0xaa64],
  'systemd-boot-efi-armhf': [0x1c2],
  'systemd-boot-efi-i386': [0x14c],
  'gcc-mingw-w64-x86-64-posix-runtime-amd64': [0x8664],
  'gcc-mingw-w64-i686-posix-runtime-amd64': [0x14c],
  'grub-efi-amd64-signed-amd64': [0x8664],
};

test('every corpus image parses, with the machine of its package', { timeout: 120_000 }, (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  let parsed = 0;
  const machinesSeen = new Set<number>();
  for (const file of corpusImages(corpusRoot)) {
    let image: PeImage;
    try {
      image = parsePe(file.bytes);
    } catch (error) {
      assert.fail(`${file.relative}: ${(error as Error).message}`);
    }
    parsed++;
    machinesSeen.add(image.machine);
    const expected = machineOfFolder[file.folder];
    if (expected) assert.ok(expected.includes(image.machine), `${file.relative}: machine 0x${image.machine.toString(16)}`);
    assert.ok(image.magic === 0x10b || image.magic === 0x20b);
    assert.equal(image.sections.length, image.numberOfSections);
    assert.ok(image.dataDirectories.length <= 16);
    imphash(image); // never throws on a parsed image
  }
  assert.ok(parsed >= 700, `only ${parsed} images found under ${corpusRoot}`);
  for (const machine of [0x8664, 0x14c, 0xaa64]) assert.ok(machinesSeen.has(machine), `no image of machine 0x${machine.toString(16)}`);
});

test('signed shim carries two WIN_CERTIFICATE entries, grub and fwupd one, PKCS#7 each', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  let checked = 0;
  for (const file of corpusImages(corpusRoot, ['shim-signed-amd64', 'shim-signed-arm64', 'shim-signed-i386', 'grub-efi-amd64-signed-amd64', 'fwupd-amd64-signed-amd64'])) {
    if (!file.relative.endsWith('.signed')) continue;
    const image = parsePe(file.bytes);
    const expected = file.folder.startsWith('shim-signed') ? 2 : 1;
    assert.equal(image.certificates.length, expected, file.relative);
    for (const certificate of image.certificates) {
      assert.equal(certificate.revision, 0x200);
      assert.equal(certificate.certificateType, 2); // WIN_CERT_TYPE_PKCS_SIGNED_DATA
      assert.equal(certificate.data[0], 0x30); // a DER SEQUENCE
      assert.equal(certificate.data.buffer, file.bytes.buffer, 'certificate data is a view, not a copy');
    }
    checked++;
  }
  assert.ok(checked >= 8, `checked ${checked}`);
});

test('Mono assemblies have a CLR directory; native DLLs do not', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  let clr = 0;
  for (const file of corpusImages(corpusRoot, ['libmono-corlib4.5-dll-all', 'libmono-cecil-cil-all'])) {
    if (!file.relative.endsWith('.dll')) continue;
    assert.equal(parsePe(file.bytes).isClr, true, file.relative);
    clr++;
  }
  assert.ok(clr >= 3);
  for (const file of corpusImages(corpusRoot, ['libz-mingw-w64-all'])) assert.equal(parsePe(file.bytes).isClr, false);
});

test('mingw runtime DLLs import KERNEL32 and msvcrt by name, and export by name', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  let seen = 0;
  for (const file of corpusImages(corpusRoot, ['libz-mingw-w64-all', 'gcc-mingw-w64-x86-64-posix-runtime-amd64'])) {
    if (!file.relative.toLowerCase().endsWith('.dll')) continue;
    const image = parsePe(file.bytes);
    const dlls = image.imports.map((i) => i.dll.toLowerCase());
    assert.ok(dlls.includes('kernel32.dll'), `${file.relative}: ${dlls.join(', ')}`);
    assert.ok(dlls.includes('msvcrt.dll') || dlls.some((d) => d.startsWith('api-ms-win-crt-')), `${file.relative}: ${dlls.join(', ')}`);
    assert.ok(image.imports.every((i) => i.functions.length > 0));
    assert.ok(image.exports.some((e) => e.name !== null), file.relative);
    seen++;
  }
  assert.ok(seen >= 2);
});

test('EFI images of ARM64 and THUMB have six data directories', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  let seen = 0;
  for (const file of corpusImages(corpusRoot, ['systemd-boot-efi-arm64', 'systemd-boot-efi-armhf'])) {
    if (!file.relative.endsWith('.efi')) continue;
    const image = parsePe(file.bytes);
    assert.equal(image.numberOfRvaAndSizes, 6, file.relative);
    assert.equal(image.dataDirectories.length, 6);
    assert.equal(image.securityDirectoryOffset > 0, true);
    seen++;
  }
  assert.ok(seen >= 2);
});

test('Wine forwarders: kernel32 forwards many exports to kernelbase and ntdll', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  for (const file of corpusImages(corpusRoot, ['wine-amd64'])) {
    if (!/x86_64-windows[\\/]kernel32\.dll$/.test(file.relative)) continue;
    const image = parsePe(file.bytes);
    const forwarders = image.exports.filter((e) => e.forwarder !== null);
    assert.ok(forwarders.length > 50, `${forwarders.length} forwarders`);
    assert.ok(forwarders.some((e) => /^kernelbase\./i.test(e.forwarder!)) && forwarders.some((e) => /^ntdll\./i.test(e.forwarder!)));
    assert.ok(forwarders.every((e) => /^[\w-]+\.[\w#@?$]+$/.test(e.forwarder!)), 'forwarders look like DLL.Name');
    assert.equal(image.exportDllName?.toLowerCase(), 'kernel32.dll');
    return;
  }
  t.skip('wine-amd64 is in the --full corpus only');
});
