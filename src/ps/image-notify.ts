// Building the IMAGE_INFO_EX a notification carries (SEMANTICS.md §1, §4).
import type { BuildProfile } from '../ke/profile.js';
import { IMAGE_ADDRESSING_MODE_32BIT } from '../nt/constants.js';
import { type FileObject, ImageInfo, ImageInfoEx } from '../nt/image-info.js';
import { IMAGE_INFO_EX_SIZE, type PointerWidth } from '../nt/image-info-codec.js';

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
  let properties = IMAGE_ADDRESSING_MODE_32BIT | 0x400; // ExtendedInfoPresent on every dispatch (§4.1)
  if (facts.systemMode) properties |= 0x100;
  if (facts.mismatch) properties |= 0x800;
  if (facts.label !== null && profile.signatureBits) {
    properties |= (facts.label.signingLevel & 0xf) << 12;
    properties |= (facts.label.signatureType & 0x7) << 16;
  }
  if (facts.partial && profile.partialMapBit) properties |= 0x80000;
  info.Properties = properties >>> 0;
  info.ImageBase = facts.base;
  info.ImageSize = facts.size;
  new ImageInfoEx(IMAGE_INFO_EX_SIZE[width], info, facts.fileObject);
  return info;
}
