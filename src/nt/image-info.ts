// IMAGE_INFO and IMAGE_INFO_EX (SEMANTICS.md §1). Properties is the only stored
// bit word; every bit field is a view of it, so the two can never disagree.

/** IMAGE_INFO.Properties bit masks (SEMANTICS.md §1). */
export const ADDRESSING_MODE_MASK = 0x000000ff;
export const SYSTEM_MODE_IMAGE = 0x00000100;
export const MAPPED_TO_ALL_PIDS = 0x00000200;
export const EXTENDED_INFO_PRESENT = 0x00000400;
export const MACHINE_TYPE_MISMATCH = 0x00000800;
export const SIGNATURE_LEVEL_SHIFT = 12;
export const SIGNATURE_LEVEL_MASK = 0x0000f000;
export const SIGNATURE_TYPE_SHIFT = 16;
export const SIGNATURE_TYPE_MASK = 0x00070000;
export const PARTIAL_MAP = 0x00080000;

function flag(properties: number, mask: number): number {
  return (properties & mask) === 0 ? 0 : 1;
}

function withFlag(properties: number, mask: number, on: number): number {
  return (on ? properties | mask : properties & ~mask) >>> 0;
}

/** The kernel's FILE_OBJECT for an image's file, as far as a notify routine can see it. */
export class FileObject {
  /** Volume-relative name, as FILE_OBJECT.FileName holds it (`\Windows\System32\x.dll`). */
  readonly FileName: string;
  /** A stable, nonzero kernel address standing for the object. */
  readonly address: bigint;
  constructor(fileName: string, address: bigint) {
    this.FileName = fileName;
    this.address = address;
  }
}

// The IMAGE_INFO_EX an ImageInfo is embedded in, kept in a private field (set
// once per image, read by imageInfoEx) so it stays out of enumeration and JSON.
let linkOuter: (info: ImageInfo, outer: ImageInfoEx) => void;
let readOuter: (info: ImageInfo) => ImageInfoEx | null;

/** IMAGE_INFO. Bit fields are accessors over `Properties`. */
export class ImageInfo {
  Properties = 0;
  ImageBase = 0n;
  ImageSelector = 0;
  ImageSize = 0;
  ImageSectionNumber = 0;
  #outer: ImageInfoEx | null = null;

  static {
    linkOuter = (info, outer) => {
      info.#outer = outer;
    };
    readOuter = (info) => info.#outer;
  }

  get ImageAddressingMode(): number {
    return this.Properties & ADDRESSING_MODE_MASK;
  }
  set ImageAddressingMode(value: number) {
    this.Properties = ((this.Properties & ~ADDRESSING_MODE_MASK) | (value & 0xff)) >>> 0;
  }
  get SystemModeImage(): number {
    return flag(this.Properties, SYSTEM_MODE_IMAGE);
  }
  set SystemModeImage(value: number) {
    this.Properties = withFlag(this.Properties, SYSTEM_MODE_IMAGE, value);
  }
  get ImageMappedToAllPids(): number {
    return flag(this.Properties, MAPPED_TO_ALL_PIDS);
  }
  set ImageMappedToAllPids(value: number) {
    this.Properties = withFlag(this.Properties, MAPPED_TO_ALL_PIDS, value);
  }
  get ExtendedInfoPresent(): number {
    return flag(this.Properties, EXTENDED_INFO_PRESENT);
  }
  set ExtendedInfoPresent(value: number) {
    this.Properties = withFlag(this.Properties, EXTENDED_INFO_PRESENT, value);
  }
  get MachineTypeMismatch(): number {
    return flag(this.Properties, MACHINE_TYPE_MISMATCH);
  }
  set MachineTypeMismatch(value: number) {
    this.Properties = withFlag(this.Properties, MACHINE_TYPE_MISMATCH, value);
  }
  get ImageSignatureLevel(): number {
    return (this.Properties & SIGNATURE_LEVEL_MASK) >>> SIGNATURE_LEVEL_SHIFT;
  }
  set ImageSignatureLevel(value: number) {
    this.Properties =
      ((this.Properties & ~SIGNATURE_LEVEL_MASK) | ((value & 0xf) << SIGNATURE_LEVEL_SHIFT)) >>> 0;
  }
  get ImageSignatureType(): number {
    return (this.Properties & SIGNATURE_TYPE_MASK) >>> SIGNATURE_TYPE_SHIFT;
  }
  set ImageSignatureType(value: number) {
    this.Properties =
      ((this.Properties & ~SIGNATURE_TYPE_MASK) | ((value & 0x7) << SIGNATURE_TYPE_SHIFT)) >>> 0;
  }
  get ImagePartialMap(): number {
    return flag(this.Properties, PARTIAL_MAP);
  }
  set ImagePartialMap(value: number) {
    this.Properties = withFlag(this.Properties, PARTIAL_MAP, value);
  }

  toJSON(): Record<string, unknown> {
    return {
      Properties: this.Properties,
      ImageAddressingMode: this.ImageAddressingMode,
      SystemModeImage: this.SystemModeImage,
      ImageMappedToAllPids: this.ImageMappedToAllPids,
      ExtendedInfoPresent: this.ExtendedInfoPresent,
      MachineTypeMismatch: this.MachineTypeMismatch,
      ImageSignatureLevel: this.ImageSignatureLevel,
      ImageSignatureType: this.ImageSignatureType,
      ImagePartialMap: this.ImagePartialMap,
      ImageBase: `0x${this.ImageBase.toString(16)}`,
      ImageSelector: this.ImageSelector,
      ImageSize: this.ImageSize,
      ImageSectionNumber: this.ImageSectionNumber,
    };
  }
}

/** IMAGE_INFO_EX: `{ Size, ImageInfo, FileObject }`. */
export class ImageInfoEx {
  Size: number;
  readonly ImageInfo: ImageInfo;
  FileObject: FileObject | null;
  constructor(size: number, imageInfo: ImageInfo, fileObject: FileObject | null) {
    this.Size = size;
    this.ImageInfo = imageInfo;
    this.FileObject = fileObject;
    linkOuter(imageInfo, this);
  }
}

/**
 * CONTAINING_RECORD(info, IMAGE_INFO_EX, ImageInfo): the outer structure when
 * ExtendedInfoPresent is set, else null. An ImageInfo that was never embedded in
 * an IMAGE_INFO_EX (decoded from a bare 40/20-byte IMAGE_INFO) has no outer one.
 */
export function imageInfoEx(info: ImageInfo): ImageInfoEx | null {
  if (!info.ExtendedInfoPresent) return null;
  return readOuter(info);
}
