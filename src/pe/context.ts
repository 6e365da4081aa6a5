// What every table reader of one parsePe call shares: the bytes, the work
// budget and the string cache.
import type { WorkBudget } from './limits.js';
import type { ByteReader } from './reader.js';
import type { RvaMap } from './rva.js';
import type { StringCache } from './strings.js';

export interface ParseContext {
  r: ByteReader;
  image: RvaMap;
  budget: WorkBudget;
  strings: StringCache;
}
