// NUL-terminated strings read once per file offset: an import name that ten
// thousand thunks point at is scanned and decoded once, and every later
// visit costs one work unit (docs/pe-limits.md, "strings").
import { fieldName, type Field, type WorkBudget } from './limits.js';
import { type ByteReader, latin1, malformed, nulWithin } from './reader.js';

/** Longest string any reader asks for; scans never look further. */
const SCAN_LIMIT = 4096;

export class StringCache {
  readonly #reader: ByteReader;
  readonly #budget: WorkBudget;
  /** Offset → the string there (NUL within SCAN_LIMIT bytes), or null when unterminated. */
  readonly #strings = new Map<number, string | null>();

  constructor(reader: ByteReader, budget: WorkBudget) {
    this.#reader = reader;
    this.#budget = budget;
  }

  /** The NUL-terminated string at `offset` of at most `max` (≤ 4096) bytes; malformed input names `field`. */
  read(offset: number, max: number, field: Field): string {
    const r = this.#reader;
    if (!(offset >= 0 && offset < r.length)) r.need(offset, 1, fieldName(field));
    let text = this.#strings.get(offset);
    if (text === undefined) {
      const end = nulWithin(r.bytes, offset, SCAN_LIMIT);
      this.#budget.spend((end < 0 ? Math.min(r.length - offset, SCAN_LIMIT + 1) : end - offset) + 1, field);
      text = end < 0 ? null : latin1(r.bytes, offset, end);
      this.#strings.set(offset, text);
    } else {
      this.#budget.spend(1, field);
    }
    if (text === null || text.length > max) {
      throw malformed(fieldName(field), `string at 0x${offset.toString(16)} has no terminating NUL within ${max} bytes`);
    }
    return text;
  }
}
