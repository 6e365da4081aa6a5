// Export lookup by name and by ordinal, built once per image section.
import type { ImageSection } from '../mm/section.js';
import type { PeImage } from '../pe/types.js';

type PeExport = PeImage['exports'][number];

interface ExportIndex {
  byName: Map<string, PeExport>;
  byOrdinal: Map<number, PeExport>;
}

const indexes = new WeakMap<ImageSection, ExportIndex>();

/** The export an import names (case-sensitive name, or biased ordinal), or undefined. */
export function findExport(section: ImageSection, wanted: string | number): PeExport | undefined {
  let index = indexes.get(section);
  if (index === undefined) {
    index = { byName: new Map(), byOrdinal: new Map() };
    for (const entry of section.image.exports) {
      if (entry.name !== null && !index.byName.has(entry.name)) index.byName.set(entry.name, entry);
      index.byOrdinal.set(entry.ordinal, entry);
    }
    indexes.set(section, index);
  }
  return typeof wanted === 'number' ? index.byOrdinal.get(wanted) : index.byName.get(wanted);
}
