// Offline Authenticode: real signed shim/grub/fwupd images verify with the
// signers openssl names; any change to the file or signature breaks them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { verifyAuthenticode } from '../src/ci/authenticode.js';
import { imageLabel, signerOf } from '../src/ci/code-integrity.js';
import { authenticodeImageHash } from '../src/ci/image-hash.js';
import { Random } from '../src/rtl/random.js';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, parsePe, SE_SIGNING_LEVEL_AUTHENTICODE, SeImageSignatureEmbedded } from '../src/index.js';
import { CORPUS_SKIP, corpusImages, corpusRoot } from './helpers/corpus.js';
import { SystemVolume } from '../src/fs/volume.js';
import { SectionCache } from '../src/mm/section.js';

// Established with `openssl pkcs7 -inform DER -print_certs` on the extracted WIN_CERTIFICATE data.
const expectedSigners: Record<string, string[]> = {
  'shim-signed': ['Microsoft Windows UEFI Driver Publisher', 'Microsoft UEFI CA 2023 signer'],
  'grub-efi-amd64-signed-amd64': ['Debian Secure Boot Signer 2022 - grub2'],
  'fwupd-amd64-signed-amd64': ['Debian Secure Boot Signer 2022 - fwupd'],
};

function signedImages(root: string) {
  return [...corpusImages(root, ['shim-signed-amd64', 'shim-signed-arm64', 'shim-signed-i386', 'grub-efi-amd64-signed-amd64', 'fwupd-amd64-signed-amd64'])].filter((f) => f.relative.endsWith('.signed'));
}

test('signed shim, grub and fwupd images verify, with their signers', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  const files = signedImages(corpusRoot);
  assert.ok(files.length >= 8);
  for (const file of files) {
    const result = verifyAuthenticode(file.bytes);
    assert.equal(result.signed, true, file.relative);
    assert.equal(result.valid, true, `${file.relative}: ${result.reason}`);
    const key = file.folder.startsWith('shim-signed') ? 'shim-signed' : file.folder;
    assert.deepEqual(result.signatures.map((s) => s.signer), expectedSigners[key], file.relative);
    assert.ok(result.signatures.every((s) => s.valid && s.digestAlgorithm === 'sha256'));
    assert.deepEqual(imageLabel(file.bytes), { signingLevel: SE_SIGNING_LEVEL_AUTHENTICODE, signatureType: SeImageSignatureEmbedded });
  }
});

test('tampering with the code or the signature makes the image unsigned', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  const file = signedImages(corpusRoot).find((f) => f.relative.endsWith('grubx64.efi.signed'))!;
  const image = parsePe(file.bytes);
  const text = image.sections.find((s) => s.sizeOfRawData > 0)!;
  const code = file.bytes.slice();
  code[text.pointerToRawData + 100]! ^= 0x01;
  const codeResult = verifyAuthenticode(code);
  assert.equal(codeResult.signed, true);
  assert.equal(codeResult.valid, false);
  assert.match(codeResult.reason!, /image hash .* does not match/);
  assert.equal(imageLabel(code).signingLevel, 1);
  // A byte near the end of the PKCS#7 blob: the signature value.
  const certificate = image.certificates[0]!;
  const signature = file.bytes.slice();
  signature[certificate.data.byteOffset + certificate.data.length - 20]! ^= 0x01;
  const signatureResult = verifyAuthenticode(signature);
  assert.equal(signatureResult.valid, false);
  assert.equal(imageLabel(signature).signingLevel, 1);
  // Changing the CheckSum field does not matter: Authenticode skips it.
  const checksum = file.bytes.slice();
  checksum[image.checksumOffset]! ^= 0xff;
  assert.equal(verifyAuthenticode(checksum).valid, true);
});

test('unsigned systemd-boot images are unsigned', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  let seen = 0;
  for (const file of corpusImages(corpusRoot, ['systemd-boot-efi-amd64'])) {
    if (!file.relative.endsWith('.efi')) continue;
    assert.deepEqual(verifyAuthenticode(file.bytes), { signed: false, valid: false, signatures: [], reason: 'no embedded signature' });
    seen++;
  }
  assert.ok(seen > 0);
});

test('a kernel reports a signed image with ImageSignatureLevel 4 / ImageSignatureType 1 unless a label says otherwise', (t) => {
  if (!corpusRoot) return t.skip(CORPUS_SKIP);
  const shim = signedImages(corpusRoot).find((f) => f.relative.endsWith('shimx64.efi.signed'))!;
  // The memory manager's section layer on its own, with the kernel's label source.
  const volume = new SystemVolume();
  const sections = new SectionCache(imageLabel, 0n);
  volume.writeFile('C:\\efi\\shim.efi', shim.bytes);
  volume.writeFile('C:\\efi\\shim-labelled.efi', shim.bytes, { signingLevel: 0xc, signatureType: 3 });
  assert.deepEqual(sections.sectionFor(volume.open('C:\\efi\\shim.efi')).label, { signingLevel: 4, signatureType: 1 });
  assert.deepEqual(sections.sectionFor(volume.open('C:\\efi\\shim-labelled.efi')).label, { signingLevel: 0xc, signatureType: 3 });
  assert.equal(signerOf(shim.bytes), 'Microsoft Windows UEFI Driver Publisher');
});

test('never throws: non-PE bytes, truncations, random bytes', () => {
  assert.equal(verifyAuthenticode(new Uint8Array(0)).signed, false);
  assert.match(verifyAuthenticode(new TextEncoder().encode('hello')).reason!, /not a PE image/);
  const built = buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true });
  assert.deepEqual(verifyAuthenticode(built), { signed: false, valid: false, signatures: [], reason: 'no embedded signature' });
  const random = new Random(42);
  for (let i = 0; i < 200; i++) {
    const bytes = built.slice(0, random.below(built.length));
    for (let k = 0; k < 8; k++) if (bytes.length) bytes[random.below(bytes.length)] = random.below(256);
    const result = verifyAuthenticode(bytes);
    assert.equal(typeof result.signed, 'boolean');
  }
  // A certificate table holding garbage: signed, not valid, with a reason.
  const junk = new Uint8Array(built.length + 24);
  junk.set(built);
  const image = parsePe(built);
  new DataView(junk.buffer).setUint32(image.securityDirectoryOffset, built.length, true);
  new DataView(junk.buffer).setUint32(image.securityDirectoryOffset + 4, 24, true);
  new DataView(junk.buffer).setUint32(built.length, 24, true);
  new DataView(junk.buffer).setUint16(built.length + 4, 0x200, true);
  new DataView(junk.buffer).setUint16(built.length + 6, 2, true);
  junk.fill(0x30, built.length + 8);
  const result = verifyAuthenticode(junk);
  assert.equal(result.signed, true);
  assert.equal(result.valid, false);
  assert.ok(result.signatures[0]!.reason);
});

test('the image hash covers the file except CheckSum, the security entry and the certificate table', () => {
  const bytes = buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['F'] });
  const image = parsePe(bytes);
  const byHand = createHash('sha256')
    .update(bytes.subarray(0, image.checksumOffset))
    .update(bytes.subarray(image.checksumOffset + 4, image.securityDirectoryOffset))
    .update(bytes.subarray(image.securityDirectoryOffset + 8))
    .digest('hex');
  assert.equal(authenticodeImageHash(bytes, image, 'sha256').toString('hex'), byHand);
});
