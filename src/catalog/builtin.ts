// The builtin system volume: a generated Windows-like C:\Windows good enough
// to run examples without a Windows installation (API.md `system: 'builtin'`).
// Images are built with buildPe from the catalog once per native machine and
// the bytes shared by every later kernel (nothing here is mutated).
import type { SystemVolume } from '../fs/volume.js';
import { SE_SIGNING_LEVEL_WINDOWS, SeImageSignatureCatalogCached } from '../nt/constants.js';
import { buildPe } from '../pe/build.js';
import { importTable, type CatalogImage } from './catalog.js';
import { placeImages, type PlacedImage } from './layout.js';

/** Windows-signed through the catalog, as every inbox file (SEMANTICS.md §1 signature bits). */
const WINDOWS_LABEL = { signingLevel: SE_SIGNING_LEVEL_WINDOWS, signatureType: SeImageSignatureCatalogCached } as const;

const FILE_VERSION = '10.0.22621.2506 (WinBuild.160101.0800)';
const IMAGE_SUBSYSTEM_NATIVE = 1;
const IMAGE_SUBSYSTEM_WINDOWS_GUI = 2;
const IMAGE_SUBSYSTEM_WINDOWS_CUI = 3;

const built = new Map<number, readonly { path: string; bytes: Uint8Array }[]>();

export function installBuiltinSystem(volume: SystemVolume, nativeMachine: number): void {
  for (const file of builtinFiles(nativeMachine)) volume.writeShared(file.path, file.bytes, WINDOWS_LABEL);
}

/** The files of the builtin system for `nativeMachine`, built on first use. */
export function builtinFiles(nativeMachine: number): readonly { path: string; bytes: Uint8Array }[] {
  let files = built.get(nativeMachine);
  if (files === undefined) {
    files = placeImages(nativeMachine).map((placed) => ({ path: placed.path, bytes: buildImage(placed) }));
    built.set(nativeMachine, files);
  }
  return files;
}

function buildImage({ path, machine, is64Bit, image }: PlacedImage): Uint8Array {
  try {
    return buildPe({
      machine,
      ...(image.kind === 'dll' ? { dll: true } : {}),
      ...(image.kind === 'driver' ? { driver: true } : {}),
      subsystem: subsystemOf(image),
      sizeOfImage: is64Bit ? image.size64 : image.size32 || image.size64,
      imageBase: preferredBase(image, is64Bit),
      imports: importTable(image),
      exports: [...(image.exports ?? [])],
      ...(image.exports !== undefined && image.exports.length > 0 ? { exportDllName: image.name } : {}),
      versionInfo: versionInfo(image),
    });
  } catch (error) {
    throw new Error(`builtin system: cannot build ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function subsystemOf(image: CatalogImage): number {
  if (image.kind === 'driver' || image.kind === 'kernel') return IMAGE_SUBSYSTEM_NATIVE;
  return image.gui === true ? IMAGE_SUBSYSTEM_WINDOWS_GUI : IMAGE_SUBSYSTEM_WINDOWS_CUI;
}

/** The preferred bases Microsoft's linker settings give inbox images; ASLR moves them anyway. */
function preferredBase(image: CatalogImage, is64Bit: boolean): bigint {
  switch (image.kind) {
    case 'exe':
    case 'kernel':
      return is64Bit ? 0x1_4000_0000n : 0x40_0000n;
    case 'driver':
      return is64Bit ? 0x1_c000_0000n : 0x1_0000n;
    case 'dll':
      return is64Bit ? 0x1_8000_0000n : 0x1000_0000n;
  }
}

function versionInfo(image: CatalogImage): Record<string, string> {
  const dot = image.name.lastIndexOf('.');
  return {
    CompanyName: 'Microsoft Corporation',
    FileDescription: image.description,
    FileVersion: FILE_VERSION,
    InternalName: dot > 0 ? image.name.slice(0, dot) : image.name,
    LegalCopyright: '© Microsoft Corporation. All rights reserved.',
    OriginalFilename: image.name,
    ProductName: 'Microsoft® Windows® Operating System',
    ProductVersion: '10.0.22621.2506',
  };
}
