// What the builtin system volume holds: one entry per image, machine-neutral.
// The root data lives in catalog-user.ts (DLLs and programs) and catalog-kernel.ts
// (ntoskrnl, hal, drivers); each Windows release changes it as releases/ says
// (releases.ts picks the release of a build); builtin.ts turns entries into files.
import { KERNEL_IMAGES } from './catalog-kernel.js';
import { USER_IMAGES } from './catalog-user.js';
import type { CatalogImage } from './types.js';

export type { CatalogImage, Folder, ImageKind, ImportEntry } from './types.js';

/** The root catalog, before any release's changes. */
export const CATALOG: readonly CatalogImage[] = [...USER_IMAGES, ...KERNEL_IMAGES];

/** Names exported by `image` (forwarders included). */
export function exportNames(image: CatalogImage): string[] {
  return (image.exports ?? []).map((e) => (typeof e === 'string' ? e : e.name));
}
