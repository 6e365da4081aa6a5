// Where each catalog image goes on a machine, and as which machine type:
// System32 holds native images, SysWOW64 the x86 twins (64-bit machines only).
import { IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_I386, machineName } from '../nt/constants.js';
import type { ReleaseCatalog } from './release-catalog.js';
import type { CatalogImage } from './types.js';

export interface PlacedImage {
  /** DOS path on the volume, e.g. `C:\Windows\SysWOW64\kernel32.dll`. */
  readonly path: string;
  readonly machine: number;
  readonly is64Bit: boolean;
  readonly image: CatalogImage;
}

const machineNames: ReadonlyMap<number, 'amd64' | 'arm64' | 'x86'> = new Map([
  [IMAGE_FILE_MACHINE_AMD64, 'amd64'],
  [IMAGE_FILE_MACHINE_ARM64, 'arm64'],
  [IMAGE_FILE_MACHINE_I386, 'x86'],
]);

/** Every file of `catalog`'s builtin system on a `nativeMachine` machine, System32 first. */
export function placeImages(nativeMachine: number, catalog: ReleaseCatalog): PlacedImage[] {
  const name = machineNames.get(nativeMachine);
  if (name === undefined) {
    throw new RangeError(`builtin system: no layout for a ${machineName(nativeMachine)} machine (amd64, arm64 and x86 only)`);
  }
  const is64Bit = name !== 'x86';
  const placed: PlacedImage[] = [];
  for (const image of catalog.images) {
    if (image.onlyOn !== undefined && !image.onlyOn.includes(name)) continue;
    if (image.only64 === true && !is64Bit) continue;
    placed.push({ path: pathOf(image, 'System32'), machine: nativeMachine, is64Bit, image });
  }
  if (is64Bit) {
    for (const image of catalog.images) {
      if (image.wow64Twin) placed.push({ path: pathOf(image, 'SysWOW64'), machine: IMAGE_FILE_MACHINE_I386, is64Bit: false, image });
    }
  }
  return placed;
}

/** The machine name layouts use for `nativeMachine`, or undefined for one with no layout. */
export function layoutMachine(nativeMachine: number): 'amd64' | 'arm64' | 'x86' | undefined {
  return machineNames.get(nativeMachine);
}

export function pathOf(image: CatalogImage, systemDirectory: 'System32' | 'SysWOW64'): string {
  const windows = 'C:\\Windows';
  if (typeof image.folder === 'object') {
    return `${windows}\\${systemDirectory === 'System32' ? image.folder.win64 : image.folder.win32}\\${image.name}`;
  }
  switch (image.folder) {
    case 'windows':
      return systemDirectory === 'System32' ? `${windows}\\${image.name}` : `${windows}\\SysWOW64\\${image.name}`;
    case 'drivers':
      return `${windows}\\${systemDirectory}\\drivers\\${image.name}`;
    case 'powershell':
      return `${windows}\\${systemDirectory}\\WindowsPowerShell\\v1.0\\${image.name}`;
    case 'system':
      return `${windows}\\${systemDirectory}\\${image.name}`;
  }
}
