// IMPHASH as Python's pefile defines it (get_imphash): md5 over
// "dll.function" pairs of the import table, lower-cased, comma-joined, with
// the DLL's .dll/.ocx/.sys extension dropped and ordinals named where pefile
// knows the name (ws2_32/wsock32), else "ord<N>".
//
// Linear in the import table parsePe returned (whose size parsePe's work
// budget bounds): the text is hashed as it is produced, never joined.
import { createHash } from 'node:crypto';
import type { WorkBudget } from './limits.js';
import type { PeImage } from './types.js';
import { ordinalName } from './ordinal-names.js';

/** `budget`, when given, is charged one unit per character hashed (counted, not limited). */
export function imphash(image: PeImage, options: { budget?: WorkBudget } = {}): string {
  const hash = createHash('md5');
  let parts = 0;
  let characters = 0;
  // Hashed in chunks of about 64 KiB: one update per entry would cost a native call each.
  let chunk: string[] = [];
  let chunkLength = 0;
  for (const entry of image.imports) {
    const dll = entry.dll.toLowerCase();
    let library = dll;
    const dot = library.lastIndexOf('.');
    if (dot > 0 && ['ocx', 'sys', 'dll'].includes(library.slice(dot + 1))) library = library.slice(0, dot);
    for (const fn of entry.functions) {
      const name = typeof fn === 'number' ? ordinalName(dll, fn) : fn;
      if (!name) continue;
      const part = `${parts === 0 ? '' : ','}${library}.${name.toLowerCase()}`;
      chunk.push(part);
      chunkLength += part.length;
      characters += part.length;
      parts++;
      if (chunkLength >= 0x10000) {
        hash.update(chunk.join(''), 'latin1');
        chunk = [];
        chunkLength = 0;
      }
    }
  }
  if (chunk.length > 0) hash.update(chunk.join(''), 'latin1');
  options.budget?.count(characters + parts);
  if (parts === 0) return '';
  return hash.digest('hex');
}
