// The code-integrity label of an image file (what IMAGE_INFO's signature bits
// report): from its embedded Authenticode signature. Labels given with
// kernel.fs.writeFile override this (catalog-signed system files).
import { SE_SIGNING_LEVEL_UNSIGNED, SeImageSignatureNone } from '../nt/constants.js';

export interface CodeIntegrityLabel {
  signingLevel: number;
  signatureType: number;
}

export function imageLabel(bytes: Uint8Array): CodeIntegrityLabel {
  void bytes;
  return { signingLevel: SE_SIGNING_LEVEL_UNSIGNED, signatureType: SeImageSignatureNone };
}

/** The signer's name of a validly signed image, or null (unsigned, tampered, or not verified). */
export function signerOf(bytes: Uint8Array): string | null {
  void bytes;
  return null;
}
