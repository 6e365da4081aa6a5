// Building the IMAGE_INFO_EX a notification carries (SEMANTICS.md §1, §4).
import type { BuildProfile } from '../../ke/profile.js';
import { IMAGE_ADDRESSING_MODE_32BIT } from '../../nt/constants.js';
import {
  EXTENDED_INFO_PRESENT,
  type FileObject,
  ImageInfo,
  ImageInfoEx,
  MACHINE_TYPE_MISMATCH,
  PARTIAL_MAP,
  SIGNATURE_LEVEL_SHIFT,
  SIGNATURE_TYPE_SHIFT,
  SYSTEM_MODE_IMAGE,
} from '../../nt/image-info.js';
import { IMAGE_INFO_EX_SIZE, type PointerWidth } from '../../nt/image-info-codec.js';

export interface ImageFacts {
  base: bigint;
  size: number;
  systemMode: boolean;
  /** Signature bits; null at process start, whose reports carry none (§1). */
  label: { signingLevel: number; signatureType: number } | null;
  mismatch: boolean;
  partial: boolean;
  fileObject: FileObject | null;
}

/** One ImageInfo per image, shared by every routine that sees it. */
export function buildImageInfo(profile: BuildProfile, width: PointerWidth, facts: ImageFacts): ImageInfo {
  const info = new ImageInfo();
  let properties = IMAGE_ADDRESSING_MODE_32BIT | EXTENDED_INFO_PRESENT; // on every dispatch (§4.1)
  if (facts.systemMode) properties |= SYSTEM_MODE_IMAGE;
  if (facts.mismatch) properties |= MACHINE_TYPE_MISMATCH;
  if (facts.label !== null && profile.signatureBits) {
    properties |= (facts.label.signingLevel & 0xf) << SIGNATURE_LEVEL_SHIFT;
    properties |= (facts.label.signatureType & 0x7) << SIGNATURE_TYPE_SHIFT;
  }
  if (facts.partial && profile.partialMapBit) properties |= PARTIAL_MAP;
  info.Properties = properties >>> 0;
  info.ImageBase = facts.base;
  info.ImageSize = facts.size;
  new ImageInfoEx(IMAGE_INFO_EX_SIZE[width], info, facts.fileObject);
  return info;
}
