// Caps that keep the cost of reading a hostile PE file proportional to its
// size (docs/pe-limits.md lists each one, its field, and whether it rejects).
import { malformed } from './reader.js';

/** Work units every parse may spend regardless of size (small files, fixed headers). */
export const WORK_BASE = 65_536;
/**
 * Work units per file byte. A unit is one table entry read, one string byte
 * scanned, or one unit of decoded output (an import entry costs 1 + the
 * lengths of its DLL and function names; an export 1 + its name and
 * forwarder). Real images use well under 2 per byte (docs/pe-limits.md).
 */
export const WORK_PER_BYTE = 16;

/** Longest import/export name read (bytes before the NUL). */
export const MAX_IMPORT_NAME = 4096;
export const MAX_DLL_NAME = 512;
export const MAX_EXPORT_NAME = 1024;
export const MAX_FORWARDER = 512;
/** Longest `/N` section name taken from the COFF string table. */
export const MAX_SECTION_LONG_NAME = 256;

/** A field name, built only when an error needs it. */
export type Field = string | (() => string);
export const fieldName = (field: Field): string => (typeof field === 'string' ? field : field());

/**
 * A work meter with a limit: `spend` past the limit throws
 * STATUS_INVALID_IMAGE_FORMAT naming the field being read and the cap.
 * One budget may be shared by several readers of the same file.
 */
export class WorkBudget {
  readonly limit: number;
  #used = 0;

  /** The standard limit for a file of `fileSize` bytes: WORK_BASE + WORK_PER_BYTE × fileSize. */
  constructor(fileSize: number, limit = WORK_BASE + WORK_PER_BYTE * Math.max(0, fileSize)) {
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  /** Charges `units` before the work they pay for; a charge past the limit is refused (and not counted). */
  spend(units: number, field: Field): void {
    if (this.#used + units > this.limit) {
      throw malformed(
        fieldName(field),
        `parse work budget exhausted: more than ${this.limit} units (cap: ${WORK_BASE} + ${WORK_PER_BYTE} per file byte, WORK_PER_BYTE; see docs/pe-limits.md)`,
      );
    }
    this.#used += units;
  }

  /** Counts work that has its own cap (hashing, DER) without checking the limit. */
  count(units: number): void {
    this.#used += units;
  }
}
