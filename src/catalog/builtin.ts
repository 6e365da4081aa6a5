// The builtin system volume: a generated Windows-like C:\Windows good enough
// to run examples without a Windows installation (API.md `system: 'builtin'`),
// in the shape of the Windows release a kernel's build selects (releases.ts).
// Images are built with buildPe from the catalog once per image and machine and
// the bytes shared by every later kernel and release (nothing here is mutated).
import type { SystemVolume } from '../fs/volume.js';
import { SE_SIGNING_LEVEL_WINDOWS, SeImageSignatureCatalogCached } from '../nt/constants.js';
import { buildPe } from '../pe/build.js';
import type { CatalogImage } from './catalog.js';
import { placeImages, type PlacedImage } from './layout.js';
import type { ReleaseCatalog } from './release-catalog.js';
import { releaseCatalog, type ReleaseId } from './releases.js';

/** Windows-signed through the catalog, as every inbox file (SEMANTICS.md §1 signature bits). */
const WINDOWS_LABEL = { signingLevel: SE_SIGNING_LEVEL_WINDOWS, signatureType: SeImageSignatureCatalogCached } as const;

const IMAGE_SUBSYSTEM_NATIVE = 1;
const IMAGE_SUBSYSTEM_WINDOWS_GUI = 2;
const IMAGE_SUBSYSTEM_WINDOWS_CUI = 3;

/** Per release and native machine: the files. */
const built = new Map<string, readonly { path: string; bytes: Uint8Array }[]>();
/** Per catalog entry (releases share most of them) and machine/width: the bytes. */
const imageBytes = new WeakMap<CatalogImage, Map<string, Uint8Array>>();

export function installBuiltinSystem(volume: SystemVolume, nativeMachine: number, release: ReleaseId): void {
  for (const file of builtinFiles(nativeMachine, release)) volume.writeShared(file.path, file.bytes, WINDOWS_LABEL);
}

/** The files of `release`'s builtin system for `nativeMachine`, built on first use. */
export function builtinFiles(nativeMachine: number, release: ReleaseId): readonly { path: string; bytes: Uint8Array }[] {
  const key = `${release}/${nativeMachine}`;
  let files = built.get(key);
  if (files === undefined) {
    const catalog = releaseCatalog(release);
    files = placeImages(nativeMachine, catalog).map((placed) => ({ path: placed.path, bytes: bytesOf(placed, catalog) }));
    built.set(key, files);
  }
  return files;
}

function bytesOf(placed: PlacedImage, catalog: ReleaseCatalog): Uint8Array {
  let perMachine = imageBytes.get(placed.image);
  if (perMachine === undefined) imageBytes.set(placed.image, (perMachine = new Map()));
  const key = `${placed.machine}/${placed.is64Bit}/${catalog.definition.fileVersion}`;
  let bytes = perMachine.get(key);
  if (bytes === undefined) perMachine.set(key, (bytes = buildImage(placed, catalog)));
  return bytes;
}

function buildImage({ path, machine, is64Bit, image }: PlacedImage, catalog: ReleaseCatalog): Uint8Array {
  try {
    return buildPe({
      machine,
      ...(image.kind === 'dll' ? { dll: true } : {}),
      ...(image.kind === 'driver' ? { driver: true } : {}),
      subsystem: subsystemOf(image),
      sizeOfImage: is64Bit ? image.size64 : image.size32 || image.size64,
      imageBase: preferredBase(image, is64Bit),
      imports: catalog.importTable(image),
      exports: [...(image.exports ?? [])],
      ...(image.exports !== undefined && image.exports.length > 0 ? { exportDllName: image.name } : {}),
      versionInfo: versionInfo(image, catalog.definition.fileVersion),
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

function versionInfo(image: CatalogImage, fileVersion: string): Record<string, string> {
  const dot = image.name.lastIndexOf('.');
  return {
    CompanyName: 'Microsoft Corporation',
    FileDescription: image.description,
    FileVersion: fileVersion,
    InternalName: dot > 0 ? image.name.slice(0, dot) : image.name,
    LegalCopyright: '© Microsoft Corporation. All rights reserved.',
    OriginalFilename: image.name,
    ProductName: 'Microsoft® Windows® Operating System',
    ProductVersion: fileVersion.split(' ')[0]!,
  };
}
