// Image validation as the memory manager does it when it creates an image
// section: NtCreateSection(SEC_IMAGE) → MiCreateImageFileMap →
// MiVerifyImageHeader (Windows Research Kernel, base/ntos/mm/creasect.c; the
// same rules in ReactOS's PeFmtCreateSection, ntoskrnl/mm/section.c). Every
// rule, its status and its source are listed in docs/pe-limits.md, "Image
// validation". parsePe accepts more than this on purpose (it reads files;
// this decides whether Windows would map one).
//
// EFI images (subsystems 10–13) are loaded by firmware, never by
// NtCreateSection, and real ones break the layout rules Windows would apply
// (gaps between sections, unaligned e_lfanew, 32-byte alignments); unless
// `strictEfi` is set they are held only to the rules that keep a mapping
// well-defined (see LAYOUT below).
import {
  NtStatusError,
  STATUS_INVALID_FILE_FOR_SECTION,
  STATUS_INVALID_IMAGE_FORMAT,
  STATUS_INVALID_IMAGE_NE_FORMAT,
  STATUS_INVALID_IMAGE_NOT_MZ,
  STATUS_INVALID_IMAGE_PROTECT,
  STATUS_INVALID_IMAGE_WIN_16,
  STATUS_INVALID_PARAMETER,
} from '../nt/status.js';
import { parsePe, type ParseOptions } from './parse.js';
import type { PeImage } from './types.js';

/** MM_SIZE_OF_LARGEST_IMAGE: the largest SizeOfImage Windows maps (WRK creasect.c; 32- and 64-bit images alike). */
export const MM_SIZE_OF_LARGEST_IMAGE = 0x77000000;
const PAGE_SIZE = 0x1000;
/** sizeof(IMAGE_NT_HEADERS64): what a 64-bit kernel reads at e_lfanew before anything else. */
const NT_HEADERS_SIZE = 264;
const EFI_SUBSYSTEMS = new Set([10, 11, 12, 13]);
/** Machines whose images are PE32 / PE32+ (I386, ARM, THUMB, ARMNT / AMD64, ARM64, IA64). */
const MACHINES_32 = new Set([0x14c, 0x1c0, 0x1c2, 0x1c4]);
const MACHINES_64 = new Set([0x8664, 0xaa64, 0x200]);

const WRK_VERIFY = 'WRK MiVerifyImageHeader';
const WRK_MAP = 'WRK MiCreateImageFileMap';
const REACTOS = 'ReactOS PeFmtCreateSection; PE format specification';

export interface SectionValidationOptions {
  /** Hold EFI images (subsystems 10–13) to every layout rule, as Windows itself would. Default false. */
  strictEfi?: boolean;
}

function reject(status: number, field: string, why: string, source: string): never {
  throw new NtStatusError(status, `${field}: ${why} (${source})`);
}

const hex = (value: number | bigint) => `0x${value.toString(16)}`;
const isPowerOfTwo = (value: number) => value > 0 && (value & (value - 1)) === 0;
const roundUp = (value: number, unit: number) => Math.ceil(value / unit) * unit;

/**
 * Throws NtStatusError with the status NtCreateSection(SEC_IMAGE) returns when
 * Windows would refuse to create an image section for `image` (a parsePe
 * result) read from a file of `fileSize` bytes. Costs O(number of sections).
 */
export function validateImageForSection(image: PeImage, fileSize: number, options: SectionValidationOptions = {}): void {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new NtStatusError(STATUS_INVALID_PARAMETER, `validateImageForSection: fileSize ${fileSize} is not a byte count`);
  }
  // LAYOUT: the rules real EFI images break; applied to every other image.
  const layout = options.strictEfi === true || !EFI_SUBSYSTEMS.has(image.subsystem);
  const F = STATUS_INVALID_IMAGE_FORMAT;
  const o = (field: string) => `IMAGE_OPTIONAL_HEADER.${field}`;
  if (fileSize > 0xffffffff) reject(STATUS_INVALID_FILE_FOR_SECTION, 'file size', `${fileSize} bytes: an image file must be smaller than 4 GiB`, WRK_MAP);
  const ntOffset = image.checksumOffset - 88;
  if (layout && (ntOffset & 3) !== 0) reject(STATUS_INVALID_IMAGE_PROTECT, 'IMAGE_DOS_HEADER.e_lfanew', `${hex(ntOffset)} is not a multiple of 4`, `${WRK_MAP} (64-bit kernels)`);
  if (image.machine === 0 && image.sizeOfOptionalHeader === 0) {
    reject(STATUS_INVALID_IMAGE_PROTECT, 'IMAGE_FILE_HEADER.Machine', 'Machine and SizeOfOptionalHeader are both 0: a DOS program with a 32-bit part', WRK_VERIFY);
  }
  if ((image.characteristics & 0x0002) === 0) reject(F, 'IMAGE_FILE_HEADER.Characteristics', `${hex(image.characteristics)} lacks IMAGE_FILE_EXECUTABLE_IMAGE (0x2)`, WRK_VERIFY);

  const fa = image.fileAlignment;
  const sa = image.sectionAlignment;
  if (fa === 0) reject(F, o('FileAlignment'), 'is 0', WRK_VERIFY);
  if (layout && (fa & 511) !== 0 && fa !== sa) reject(F, o('FileAlignment'), `${hex(fa)} is not a multiple of 512 and differs from SectionAlignment ${hex(sa)}`, WRK_VERIFY);
  if (!isPowerOfTwo(sa)) reject(F, o('SectionAlignment'), `${hex(sa)} is not a power of two`, WRK_VERIFY);
  if (!isPowerOfTwo(fa)) reject(F, o('FileAlignment'), `${hex(fa)} is not a power of two`, WRK_VERIFY);
  if (sa < fa) reject(F, o('SectionAlignment'), `${hex(sa)} is smaller than FileAlignment ${hex(fa)}`, WRK_VERIFY);
  if (layout && sa < PAGE_SIZE && fa !== sa) reject(F, o('FileAlignment'), `SectionAlignment ${hex(sa)} is below the page size, so FileAlignment (${hex(fa)}) must equal it`, REACTOS);
  if (image.sizeOfImage > MM_SIZE_OF_LARGEST_IMAGE) reject(F, o('SizeOfImage'), `${hex(image.sizeOfImage)} exceeds MM_SIZE_OF_LARGEST_IMAGE ${hex(MM_SIZE_OF_LARGEST_IMAGE)}`, WRK_VERIFY);
  if (image.magic === 0x10b && MACHINES_64.has(image.machine)) reject(F, o('Magic'), `PE32 (0x10B) with the 64-bit machine ${hex(image.machine)}`, WRK_VERIFY);
  if (image.magic === 0x20b && MACHINES_32.has(image.machine)) reject(F, o('Magic'), `PE32+ (0x20B) with the 32-bit machine ${hex(image.machine)}`, WRK_VERIFY);
  if ((image.sizeOfOptionalHeader & 7) !== 0) reject(F, 'IMAGE_FILE_HEADER.SizeOfOptionalHeader', `${image.sizeOfOptionalHeader} is not a multiple of 8`, `${WRK_MAP} (64-bit kernels)`);
  if (image.sizeOfImage === 0) reject(F, o('SizeOfImage'), 'is 0', WRK_MAP);
  if ((image.imageBase & 0xffffn) !== 0n) reject(F, o('ImageBase'), `${hex(image.imageBase)} is not a multiple of 64 KiB`, WRK_MAP);
  if (image.sizeOfHeaders >= image.sizeOfImage) reject(F, o('SizeOfHeaders'), `${hex(image.sizeOfHeaders)} is not below SizeOfImage ${hex(image.sizeOfImage)}`, WRK_MAP);
  const imageEnd = roundUp(image.sizeOfImage, PAGE_SIZE);
  if (sa >= PAGE_SIZE) {
    if (image.sizeOfHeaders === 0) reject(F, o('SizeOfHeaders'), 'is 0', WRK_MAP);
    if (roundUp(image.sizeOfHeaders, sa) > imageEnd) {
      reject(F, o('SizeOfHeaders'), `${hex(image.sizeOfHeaders)} rounded up to SectionAlignment runs past SizeOfImage ${hex(image.sizeOfImage)}`, WRK_MAP);
    }
  }

  // Sections. With SectionAlignment below a page the file is mapped as it is
  // (one subsection), so each section must sit at its own file offset;
  // otherwise each must start where the previous one (or the headers) ends.
  let expected = sa >= PAGE_SIZE ? roundUp(image.sizeOfHeaders, sa) : 0;
  let previousEnd = 0;
  image.sections.forEach((s, i) => {
    const field = `IMAGE_SECTION_HEADER[${i}] (${JSON.stringify(s.name)})`;
    const virtualSize = s.virtualSize !== 0 ? s.virtualSize : s.sizeOfRawData;
    const raw = s.sizeOfRawData !== 0 ? s.pointerToRawData : 0;
    if (raw + s.sizeOfRawData > 0xffffffff) reject(F, `${field}.SizeOfRawData`, `PointerToRawData ${hex(raw)} + SizeOfRawData ${hex(s.sizeOfRawData)} overflows 32 bits`, WRK_MAP);
    if (s.sizeOfRawData !== 0 && raw + s.sizeOfRawData > fileSize) {
      reject(F, `${field}.SizeOfRawData`, `raw data ${hex(raw)}+${hex(s.sizeOfRawData)} runs past the end of the ${fileSize}-byte file`, WRK_MAP);
    }
    if (layout && sa < PAGE_SIZE) {
      if (raw !== s.virtualAddress) reject(F, `${field}.VirtualAddress`, `${hex(s.virtualAddress)} differs from PointerToRawData ${hex(raw)}, but SectionAlignment ${hex(sa)} is below the page size (the file is mapped as it is)`, WRK_MAP);
      if (virtualSize > s.sizeOfRawData) reject(F, `${field}.VirtualSize`, `${hex(virtualSize)} exceeds SizeOfRawData ${hex(s.sizeOfRawData)}, but SectionAlignment ${hex(sa)} is below the page size (no zero-filled tail possible)`, WRK_MAP);
    } else if (layout) {
      if (virtualSize === 0) reject(F, `${field}.VirtualSize`, 'VirtualSize and SizeOfRawData are both 0', WRK_MAP);
      if (s.virtualAddress !== expected) {
        reject(F, `${field}.VirtualAddress`, `${hex(s.virtualAddress)} is not ${hex(expected)}, where the ${i === 0 ? 'headers' : 'previous section'} end: sections must follow one another in order, without gaps or overlap`, WRK_MAP);
      }
      const end = s.virtualAddress + roundUp(virtualSize, sa);
      if (end > imageEnd) reject(F, `${field}.VirtualSize`, `the section ends at ${hex(end)}, past SizeOfImage ${hex(image.sizeOfImage)}`, WRK_MAP);
      expected = end;
    }
    // Every image, EFI ones included: ascending, disjoint ranges inside the image.
    if (virtualSize !== 0) {
      if (s.virtualAddress < previousEnd) reject(F, `${field}.VirtualAddress`, `${hex(s.virtualAddress)} lies below ${hex(previousEnd)}, where the section before it ends: sections overlap or are out of order`, REACTOS);
      if (s.virtualAddress < image.sizeOfHeaders) reject(F, `${field}.VirtualAddress`, `${hex(s.virtualAddress)} lies inside the headers (SizeOfHeaders ${hex(image.sizeOfHeaders)})`, REACTOS);
      if (s.virtualAddress + virtualSize > imageEnd) reject(F, `${field}.VirtualSize`, `the section ends at ${hex(s.virtualAddress + virtualSize)}, past SizeOfImage ${hex(image.sizeOfImage)}`, WRK_MAP);
      previousEnd = s.virtualAddress + virtualSize;
    }
  });
}

/** IMAGE_OS2_HEADER checks of MiVerifyImageHeader: which "not a PE" status an NE image gets. */
function neStatus(bytes: Uint8Array, ne: number): { status: number; why: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => (at + 2 <= bytes.length ? view.getUint16(at, true) : 0);
  const exeType = ne + 54 < bytes.length ? bytes[ne + 54]! : 0;
  const expectedVersion = u16(ne + 62) & 0xff00;
  // MiCheckDosCalls: does the module reference table name DOSCALLS (an OS/2 program)?
  const modules = u16(ne + 30);
  const moduleTable = ne + u16(ne + 40);
  const importTable = ne + u16(ne + 42);
  let dosCalls = false;
  for (let i = 0; i < modules && moduleTable + i * 2 + 2 <= bytes.length; i++) {
    const at = importTable + u16(moduleTable + i * 2);
    if (at + 9 <= bytes.length && bytes[at] === 8 && String.fromCharCode(...bytes.subarray(at + 1, at + 9)) === 'DOSCALLS') {
      dosCalls = true;
      break;
    }
  }
  if (!dosCalls && (exeType === 2 || (exeType === 0 && (expectedVersion === 0x200 || expectedVersion === 0x300)))) {
    return { status: STATUS_INVALID_IMAGE_WIN_16, why: 'a 16-bit Windows (NE) image' };
  }
  if (exeType === 5 || u16(ne + 4) === u16(ne + 42)) return { status: STATUS_INVALID_IMAGE_PROTECT, why: 'an NE image for DOS (a DOS extender or an import-less OS/2 binary)' };
  return { status: STATUS_INVALID_IMAGE_NE_FORMAT, why: 'an OS/2 (NE) image' };
}

/**
 * What NtCreateSection(SEC_IMAGE) does with a file's bytes: the statuses of
 * its header checks in the kernel's order (STATUS_INVALID_IMAGE_NOT_MZ,
 * STATUS_INVALID_IMAGE_PROTECT, STATUS_INVALID_IMAGE_NE_FORMAT,
 * STATUS_INVALID_IMAGE_WIN_16), then parsePe (STATUS_INVALID_IMAGE_FORMAT
 * for anything malformed or past the parse caps), then validateImageForSection.
 * Returns the parsed image. This is what the memory manager should call.
 */
export function parseImageForSection(bytes: Uint8Array, options: SectionValidationOptions & ParseOptions = {}): PeImage {
  if (!(bytes instanceof Uint8Array)) throw new NtStatusError(STATUS_INVALID_PARAMETER, 'parseImageForSection: expected a Uint8Array');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 64) reject(STATUS_INVALID_IMAGE_NOT_MZ, 'IMAGE_DOS_HEADER', `the file is ${bytes.length} bytes, shorter than a DOS header (64)`, WRK_MAP);
  if (view.getUint16(0, true) !== 0x5a4d) reject(STATUS_INVALID_IMAGE_NOT_MZ, 'IMAGE_DOS_HEADER.e_magic', 'not "MZ"', WRK_MAP);
  const ne = view.getUint32(0x3c, true);
  if (ne > bytes.length) reject(STATUS_INVALID_IMAGE_PROTECT, 'IMAGE_DOS_HEADER.e_lfanew', `${hex(ne)} points past the end of the ${bytes.length}-byte file`, WRK_MAP);
  if (ne + NT_HEADERS_SIZE > bytes.length) {
    reject(STATUS_INVALID_IMAGE_PROTECT, 'IMAGE_DOS_HEADER.e_lfanew', `the file ends before a whole IMAGE_NT_HEADERS (${NT_HEADERS_SIZE} bytes) at ${hex(ne)}`, WRK_MAP);
  }
  if (view.getUint16(ne, true) === 0x454e) {
    const { status, why } = neStatus(bytes, ne);
    reject(status, 'IMAGE_NT_HEADERS.Signature', `"NE": ${why}`, WRK_VERIFY);
  }
  if (view.getUint32(ne, true) !== 0x00004550) reject(STATUS_INVALID_IMAGE_PROTECT, 'IMAGE_NT_HEADERS.Signature', 'not "PE\\0\\0" (nor "NE")', WRK_VERIFY);
  if (view.getUint16(ne + 4, true) === 0 && view.getUint16(ne + 20, true) === 0) {
    reject(STATUS_INVALID_IMAGE_PROTECT, 'IMAGE_FILE_HEADER.Machine', 'Machine and SizeOfOptionalHeader are both 0: a DOS program with a 32-bit part', WRK_VERIFY);
  }
  // Subsystem sits at the same offset in PE32 and PE32+ optional headers, inside the 264 bytes checked above.
  const efi = EFI_SUBSYSTEMS.has(view.getUint16(ne + 24 + 68, true));
  if ((ne & 3) !== 0 && (options.strictEfi === true || !efi)) {
    reject(STATUS_INVALID_IMAGE_PROTECT, 'IMAGE_DOS_HEADER.e_lfanew', `${hex(ne)} is not a multiple of 4`, `${WRK_MAP} (64-bit kernels)`);
  }
  const image = parsePe(bytes, options);
  validateImageForSection(image, bytes.length, options);
  return image;
}
