// IMPHASH as Python's pefile defines it (get_imphash): md5 over
// "dll.function" pairs of the import table, lower-cased, comma-joined, with
// the DLL's .dll/.ocx/.sys extension dropped and ordinals named where pefile
// knows the name (ws2_32/wsock32), else "ord<N>".
import { createHash } from 'node:crypto';
import type { PeImage } from './types.js';
import { ordinalName } from './ordinal-names.js';

export function imphash(image: PeImage): string {
  const parts: string[] = [];
  for (const entry of image.imports) {
    let library = entry.dll.toLowerCase();
    const dot = library.lastIndexOf('.');
    if (dot > 0 && ['ocx', 'sys', 'dll'].includes(library.slice(dot + 1))) library = library.slice(0, dot);
    for (const fn of entry.functions) {
      const name = typeof fn === 'number' ? ordinalName(entry.dll.toLowerCase(), fn) : fn;
      if (!name) continue;
      parts.push(`${library}.${name.toLowerCase()}`);
    }
  }
  if (parts.length === 0) return '';
  return createHash('md5').update(parts.join(','), 'latin1').digest('hex');
}
