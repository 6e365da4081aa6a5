// The code-integrity label of an image file (what IMAGE_INFO's signature bits
// report), from its embedded Authenticode signature. Labels given with
// kernel.fs.writeFile override this (that is how catalog-signed system files
// are labelled: their signatures live in catalogs, not in the file).
import {
  SE_SIGNING_LEVEL_AUTHENTICODE,
  SE_SIGNING_LEVEL_UNSIGNED,
  SeImageSignatureEmbedded,
  SeImageSignatureNone,
} from '../nt/constants.js';
import type { PeImage } from '../pe/types.js';
import { verifyAuthenticode } from './authenticode.js';

export interface CodeIntegrityLabel {
  signingLevel: number;
  signatureType: number;
}

/** Unsigned or tampered → UNSIGNED/None; a valid embedded signature → AUTHENTICODE/Embedded. */
export function imageLabel(bytes: Uint8Array, image?: PeImage): CodeIntegrityLabel {
  return verifyAuthenticode(bytes, image).valid
    ? { signingLevel: SE_SIGNING_LEVEL_AUTHENTICODE, signatureType: SeImageSignatureEmbedded }
    : { signingLevel: SE_SIGNING_LEVEL_UNSIGNED, signatureType: SeImageSignatureNone };
}

/** The signer's name of a validly signed image, or null (unsigned or tampered). */
export function signerOf(bytes: Uint8Array): string | null {
  return verifyAuthenticode(bytes).signatures.find((s) => s.valid)?.signer ?? null;
}
