// What a recorded image load says about the file: the code-integrity label its IMAGE_INFO
// signature bits report (derived from Sysmon's Signed / Signature / SignatureStatus), and the file
// facts a sensor reads back (kept exactly as recorded).
import {
  SE_SIGNING_LEVEL_AUTHENTICODE,
  SE_SIGNING_LEVEL_MICROSOFT,
  SE_SIGNING_LEVEL_UNSIGNED,
  SE_SIGNING_LEVEL_WINDOWS,
  SeImageSignatureCatalogCached,
  SeImageSignatureEmbedded,
  SeImageSignatureNone,
  type FileLabel,
  type ImageFileFacts,
} from '../index.js';

export interface Label extends FileLabel {
  signingLevel: number;
  signatureType: number;
}

const WINDOWS: Label = Object.freeze({ signingLevel: SE_SIGNING_LEVEL_WINDOWS, signatureType: SeImageSignatureCatalogCached });
const MICROSOFT: Label = Object.freeze({ signingLevel: SE_SIGNING_LEVEL_MICROSOFT, signatureType: SeImageSignatureCatalogCached });
const AUTHENTICODE: Label = Object.freeze({ signingLevel: SE_SIGNING_LEVEL_AUTHENTICODE, signatureType: SeImageSignatureEmbedded });
const UNSIGNED: Label = Object.freeze({ signingLevel: SE_SIGNING_LEVEL_UNSIGNED, signatureType: SeImageSignatureNone });

/** The label the model gives a file Windows ships (ntdll, before any record names it). */
export const WINDOWS_LABEL = WINDOWS;

/**
 * The signature bits of a recorded image (docs/replay.md, "Signatures"):
 *
 * | Signed | SignatureStatus | Signature | level / type |
 * |---|---|---|---|
 * | true | Valid | Microsoft Windows, Microsoft Windows Publisher | WINDOWS (0xC) / catalog cached (3) |
 * | true | Valid | Microsoft Corporation | MICROSOFT (8) / catalog cached (3) |
 * | true | Valid | any other signer | AUTHENTICODE (4) / embedded (1) |
 * | anything else (false, missing, Expired, Revoked, Unavailable, …) | | | UNSIGNED (1) / none (0) |
 */
export function labelOf(fields: Readonly<Partial<Record<string, string>>>): Label {
  if ((fields.Signed ?? '').toLowerCase() !== 'true') return UNSIGNED;
  if ((fields.SignatureStatus ?? '').toLowerCase() !== 'valid') return UNSIGNED;
  const signer = (fields.Signature ?? '').trim().toLowerCase();
  if (signer === 'microsoft windows' || signer === 'microsoft windows publisher') return WINDOWS;
  if (signer === 'microsoft corporation') return MICROSOFT;
  return AUTHENTICODE;
}

/** The fields of a record a sensor reads back through `kernel.fileFacts`, as recorded ('-' when absent). */
export function factsOf(fields: Readonly<Partial<Record<string, string>>>, path: string): ImageFileFacts {
  return {
    path,
    FileVersion: fields.FileVersion ?? '-',
    Description: fields.Description ?? '-',
    Product: fields.Product ?? '-',
    Company: fields.Company ?? '-',
    OriginalFileName: fields.OriginalFileName ?? '-',
    Hashes: fields.Hashes ?? '-',
    Signed: fields.Signed ?? '-',
    Signature: fields.Signature ?? '-',
    SignatureStatus: fields.SignatureStatus ?? '-',
  };
}
