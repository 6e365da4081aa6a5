// parsePe: every field psnotify needs from a PE image, read in place.
import { NtStatusError, STATUS_INVALID_IMAGE_FORMAT } from '../nt/status.js';
import { readCertificates } from './certificates.js';
import type { ParseContext } from './context.js';
import { readExports } from './exports.js';
import { readHeaders, type Headers } from './headers.js';
import { readDelayImports, readImports, type ThunkCache } from './imports.js';
import { WorkBudget } from './limits.js';
import { ByteReader } from './reader.js';
import { StringCache } from './strings.js';
import {
  IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR,
  IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT,
  IMAGE_DIRECTORY_ENTRY_EXPORT,
  IMAGE_DIRECTORY_ENTRY_IMPORT,
  IMAGE_DIRECTORY_ENTRY_SECURITY,
  IMAGE_FILE_DLL,
  IMAGE_SCN_CNT_CODE,
  IMAGE_SCN_MEM_EXECUTE,
  type PeImage,
} from './types.js';

export { rvaToOffset } from './rva.js';

/**
 * Does the image contain code, as the memory manager decides when it builds
 * the image section: a code size or entry point in the optional header, or an
 * executable/code section. Resource-only images have none (SEMANTICS.md §6).
 */
function containsCode(h: Headers): boolean {
  if (h.sizeOfCode !== 0 || h.addressOfEntryPoint !== 0) return true;
  return h.sections.some((s) => (s.characteristics & (IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE)) !== 0);
}

export interface ParseOptions {
  /**
   * The work budget to charge (and to read `used` from afterwards); default a
   * fresh one of WORK_BASE + WORK_PER_BYTE × the file size (src/pe/limits.ts).
   */
  budget?: WorkBudget;
}

/**
 * Reads a PE image. Malformed input throws NtStatusError(STATUS_INVALID_IMAGE_FORMAT)
 * naming the field; so does input whose tables would cost more than the work
 * budget (docs/pe-limits.md). Time and memory stay proportional to the file size.
 */
export function parsePe(bytes: Uint8Array, options: ParseOptions = {}): PeImage {
  if (!(bytes instanceof Uint8Array)) {
    throw new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `parsePe: expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  try {
    return parse(new ByteReader(bytes), options.budget ?? new WorkBudget(bytes.length));
  } catch (error) {
    if (error instanceof NtStatusError) throw error;
    // A parser bug must still surface as the documented error, with its cause kept.
    const wrapped = new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `unreadable image: ${(error as Error)?.message ?? String(error)}`);
    (wrapped as { cause?: unknown }).cause = error;
    throw wrapped;
  }
}

function parse(r: ByteReader, budget: WorkBudget): PeImage {
  const h = readHeaders(r, budget);
  const is64 = h.magic === 0x20b;
  const dirs = h.dataDirectories;
  const ctx: ParseContext = { r, image: h, budget, strings: new StringCache(r, budget) };
  const thunks: ThunkCache = new Map();
  const exportTable = readExports(ctx, dirs[IMAGE_DIRECTORY_ENTRY_EXPORT]);
  const clr = dirs[IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR];
  return {
    machine: h.machine,
    magic: h.magic,
    numberOfSections: h.numberOfSections,
    timeDateStamp: h.timeDateStamp,
    pointerToSymbolTable: h.pointerToSymbolTable,
    numberOfSymbols: h.numberOfSymbols,
    sizeOfOptionalHeader: h.sizeOfOptionalHeader,
    characteristics: h.characteristics,
    majorLinkerVersion: h.majorLinkerVersion,
    minorLinkerVersion: h.minorLinkerVersion,
    sizeOfCode: h.sizeOfCode,
    addressOfEntryPoint: h.addressOfEntryPoint,
    baseOfCode: h.baseOfCode,
    imageBase: h.imageBase,
    sectionAlignment: h.sectionAlignment,
    fileAlignment: h.fileAlignment,
    majorOperatingSystemVersion: h.majorOperatingSystemVersion,
    minorOperatingSystemVersion: h.minorOperatingSystemVersion,
    majorSubsystemVersion: h.majorSubsystemVersion,
    minorSubsystemVersion: h.minorSubsystemVersion,
    sizeOfImage: h.sizeOfImage,
    sizeOfHeaders: h.sizeOfHeaders,
    checksum: h.checksum,
    subsystem: h.subsystem,
    dllCharacteristics: h.dllCharacteristics,
    numberOfRvaAndSizes: h.numberOfRvaAndSizes,
    dataDirectories: dirs,
    sections: h.sections,
    imports: readImports(ctx, thunks, dirs[IMAGE_DIRECTORY_ENTRY_IMPORT], is64),
    delayImports: readDelayImports(ctx, thunks, dirs[IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT], is64, h.imageBase),
    exports: exportTable.exports,
    exportDllName: exportTable.dllName,
    certificates: readCertificates(r, dirs[IMAGE_DIRECTORY_ENTRY_SECURITY], budget),
    isDll: (h.characteristics & IMAGE_FILE_DLL) !== 0,
    isClr: clr !== undefined && clr.virtualAddress !== 0 && clr.size !== 0,
    containsCode: containsCode(h),
    checksumOffset: h.checksumOffset,
    securityDirectoryOffset: h.securityDirectoryOffset,
    sectionTableOffset: h.sectionTableOffset,
  };
}
