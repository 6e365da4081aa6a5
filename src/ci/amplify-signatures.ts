// Amplification inputs aimed at Authenticode verification (docs/pe-limits.md):
// signatures nesting many valid signatures (each of which the verifier used
// to answer with a full image hash), or nesting them deeply (each level
// re-parsed), in images padded to the requested size.
import type { Random } from '../rtl/random.js';
import { assemble, payloadBase, type CraftedInput, type Generator } from '../pe/amplify.js';
import { authenticodeSignature, createTestSigner, imageDigestForSigning, signPe, type TestSigner } from './sign.js';

let shared: TestSigner | null = null;
/** One signer per process: key generation costs tens of milliseconds. */
export function fuzzSigner(): TestSigner {
  shared ??= createTestSigner('psnotify fuzz signer', 0x7a7a);
  return shared;
}

function paddedImage(random: Random, size: number, reserve: number): { bytes: Uint8Array; is64: boolean } {
  const is64 = random.below(2) === 1;
  const base = payloadBase(is64, 1);
  const payload = new Uint8Array(Math.max(0x200, size - base - reserve)).fill(0xcc);
  return { bytes: assemble({ is64, payload }), is64 };
}

/** A valid signature whose unsigned attributes hold K more valid signatures over the same image. */
const nestedWide: Generator = (random, size) => {
  const signer = fuzzSigner();
  const probe = authenticodeSignature(new Uint8Array(32), 'sha256', signer);
  const count = Math.max(1, Math.floor(size / 4 / probe.length));
  const { bytes, is64 } = paddedImage(random, size, count * probe.length + 2048);
  const digest = imageDigestForSigning(bytes);
  const one = authenticodeSignature(digest, 'sha256', signer);
  const signed = signPe(bytes, signer, { nested: new Array<Uint8Array>(count).fill(one) });
  return { kind: 'signature-nested-wide', params: `pe32${is64 ? '+' : ''} nested=${count}`, bytes: signed };
};

/** Signatures nested inside nested signatures, as deep as asn1js's own depth limit lets a level be built. */
const nestedDeep: Generator = (random, size) => {
  const signer = fuzzSigner();
  const levels = 1 + random.below(12);
  const { bytes, is64 } = paddedImage(random, size, levels * 1200 + 2048);
  const digest = imageDigestForSigning(bytes);
  let inner = authenticodeSignature(digest, 'sha256', signer);
  for (let i = 1; i < levels; i++) inner = authenticodeSignature(digest, 'sha256', signer, [inner]);
  const signed = signPe(bytes, signer, { nested: [inner] });
  return { kind: 'signature-nested-deep', params: `pe32${is64 ? '+' : ''} levels=${levels + 1}`, bytes: signed };
};

/** Many top-level WIN_CERTIFICATE entries, every one a complete valid signature. */
const manyBlobs: Generator = (random, size) => {
  const signer = fuzzSigner();
  const probe = authenticodeSignature(new Uint8Array(32), 'sha256', signer);
  const count = Math.max(1, Math.floor(size / 4 / (probe.length + 8)));
  const { bytes, is64 } = paddedImage(random, size, count * (probe.length + 16) + 2048);
  const one = authenticodeSignature(imageDigestForSigning(bytes), 'sha256', signer);
  const signed = signPe(bytes, signer, { extraBlobs: new Array<Uint8Array>(count).fill(one) });
  return { kind: 'signature-many-blobs', params: `pe32${is64 ? '+' : ''} blobs=${count + 1}`, bytes: signed };
};

export const signatureGenerators: Readonly<Record<string, Generator>> = {
  'signature-nested-wide': nestedWide,
  'signature-nested-deep': nestedDeep,
  'signature-many-blobs': manyBlobs,
};

export type { CraftedInput };
