// Byte-exact IMAGE_INFO / IMAGE_INFO_EX layouts of SEMANTICS.md §1.
import { FileObject, ImageInfo, ImageInfoEx } from './image-info.js';

export type PointerWidth = 'x64' | 'x86';

/** sizeof(IMAGE_INFO) and sizeof(IMAGE_INFO_EX) per pointer width. */
export const IMAGE_INFO_SIZE: Readonly<Record<PointerWidth, number>> = { x64: 40, x86: 20 };
export const IMAGE_INFO_EX_SIZE: Readonly<Record<PointerWidth, number>> = { x64: 56, x86: 28 };

function checkWidth(arch: string): asserts arch is PointerWidth {
  if (arch !== 'x64' && arch !== 'x86') {
    throw new TypeError(`pointer width must be 'x64' or 'x86', got ${JSON.stringify(arch)}`);
  }
}

function writeImageInfo(view: DataView, at: number, info: ImageInfo, arch: PointerWidth): void {
  view.setUint32(at, info.Properties >>> 0, true);
  if (arch === 'x64') {
    view.setBigUint64(at + 8, BigInt.asUintN(64, info.ImageBase), true);
    view.setUint32(at + 16, info.ImageSelector >>> 0, true);
    view.setBigUint64(at + 24, BigInt(info.ImageSize), true);
    view.setUint32(at + 32, info.ImageSectionNumber >>> 0, true);
  } else {
    view.setUint32(at + 4, Number(BigInt.asUintN(32, info.ImageBase)), true);
    view.setUint32(at + 8, info.ImageSelector >>> 0, true);
    view.setUint32(at + 12, info.ImageSize >>> 0, true);
    view.setUint32(at + 16, info.ImageSectionNumber >>> 0, true);
  }
}

function readImageInfo(view: DataView, at: number, arch: PointerWidth): ImageInfo {
  const info = new ImageInfo();
  info.Properties = view.getUint32(at, true);
  if (arch === 'x64') {
    info.ImageBase = view.getBigUint64(at + 8, true);
    info.ImageSelector = view.getUint32(at + 16, true);
    info.ImageSize = Number(view.getBigUint64(at + 24, true));
    info.ImageSectionNumber = view.getUint32(at + 32, true);
  } else {
    info.ImageBase = BigInt(view.getUint32(at + 4, true));
    info.ImageSelector = view.getUint32(at + 8, true);
    info.ImageSize = view.getUint32(at + 12, true);
    info.ImageSectionNumber = view.getUint32(at + 16, true);
  }
  return info;
}

/** IMAGE_INFO_EX as the kernel lays it out: 56 bytes on x64, 28 on x86. */
export function encodeImageInfoEx(infoEx: ImageInfoEx, arch: PointerWidth): Uint8Array {
  checkWidth(arch);
  const size = IMAGE_INFO_EX_SIZE[arch];
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const pointer = arch === 'x64' ? 8 : 4;
  // Size is the SIZE_T the kernel stores: sizeof(IMAGE_INFO_EX) for this width.
  if (arch === 'x64') view.setBigUint64(0, BigInt(size), true);
  else view.setUint32(0, size, true);
  writeImageInfo(view, pointer, infoEx.ImageInfo, arch);
  const fileObject = infoEx.FileObject?.address ?? 0n;
  if (arch === 'x64') view.setBigUint64(48, BigInt.asUintN(64, fileObject), true);
  else view.setUint32(24, Number(BigInt.asUintN(32, fileObject)), true);
  return bytes;
}

/** Plain IMAGE_INFO: 40 bytes on x64, 20 on x86. */
export function encodeImageInfo(info: ImageInfo, arch: PointerWidth): Uint8Array {
  checkWidth(arch);
  const bytes = new Uint8Array(IMAGE_INFO_SIZE[arch]);
  writeImageInfo(new DataView(bytes.buffer), 0, info, arch);
  return bytes;
}

/**
 * Reads an IMAGE_INFO (40/20 bytes) or a whole IMAGE_INFO_EX (56/28 bytes). From
 * an IMAGE_INFO_EX the result is linked to its outer structure, so imageInfoEx()
 * finds it; the FileObject is then only the address the bytes hold.
 */
export function decodeImageInfo(bytes: Uint8Array, arch: PointerWidth): ImageInfo {
  checkWidth(arch);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength === IMAGE_INFO_SIZE[arch]) return readImageInfo(view, 0, arch);
  if (bytes.byteLength === IMAGE_INFO_EX_SIZE[arch]) {
    const size = arch === 'x64' ? Number(view.getBigUint64(0, true)) : view.getUint32(0, true);
    const info = readImageInfo(view, arch === 'x64' ? 8 : 4, arch);
    const address = arch === 'x64' ? view.getBigUint64(48, true) : BigInt(view.getUint32(24, true));
    new ImageInfoEx(size, info, address === 0n ? null : new FileObject('', address));
    return info;
  }
  throw new RangeError(
    `decodeImageInfo(${arch}): expected ${IMAGE_INFO_SIZE[arch]} bytes (IMAGE_INFO) or ` +
      `${IMAGE_INFO_EX_SIZE[arch]} bytes (IMAGE_INFO_EX), got ${bytes.byteLength}`,
  );
}
