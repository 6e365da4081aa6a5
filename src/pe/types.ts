// What parsePe reports about an image (API.md "PE images").

export interface PeSection {
  /** The 8-byte header name without trailing NULs (`/4`-style names stay as written). */
  name: string;
  /** A `/N` name resolved through the COFF string table, else the same as `name`. */
  longName: string;
  virtualAddress: number;
  virtualSize: number;
  pointerToRawData: number;
  sizeOfRawData: number;
  characteristics: number;
}

export interface PeImport {
  dll: string;
  /** Names, or ordinals as numbers, in table order. */
  functions: (string | number)[];
}

export interface PeExport {
  ordinal: number;
  name: string | null;
  /** `NTDLL.RtlAllocateHeap` when the export forwards, else null. */
  forwarder: string | null;
  rva: number;
}

export interface PeCertificate {
  revision: number;
  certificateType: number;
  /** A view into the input bytes (not a copy). */
  data: Uint8Array;
}

export interface PeDataDirectory {
  virtualAddress: number;
  size: number;
}

export interface PeImage {
  machine: number;
  /** 0x10B (PE32) or 0x20B (PE32+). */
  magic: number;
  numberOfSections: number;
  timeDateStamp: number;
  pointerToSymbolTable: number;
  numberOfSymbols: number;
  sizeOfOptionalHeader: number;
  characteristics: number;
  majorLinkerVersion: number;
  minorLinkerVersion: number;
  sizeOfCode: number;
  addressOfEntryPoint: number;
  baseOfCode: number;
  imageBase: bigint;
  sectionAlignment: number;
  fileAlignment: number;
  majorOperatingSystemVersion: number;
  minorOperatingSystemVersion: number;
  majorSubsystemVersion: number;
  minorSubsystemVersion: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  checksum: number;
  subsystem: number;
  dllCharacteristics: number;
  numberOfRvaAndSizes: number;
  dataDirectories: PeDataDirectory[];
  sections: PeSection[];
  imports: PeImport[];
  delayImports: PeImport[];
  exports: PeExport[];
  exportDllName: string | null;
  certificates: PeCertificate[];
  /** IMAGE_FILE_DLL. */
  isDll: boolean;
  /** A CLR (.NET) header directory is present. */
  isClr: boolean;
  /** The memory manager's "image contains code" (SEMANTICS.md §6). */
  containsCode: boolean;
  /** File offset of OptionalHeader.CheckSum (Authenticode hashing skips it). */
  checksumOffset: number;
  /** File offset of the security data directory entry, or -1 when the header has none. */
  securityDirectoryOffset: number;
  /** File offset of the first section header. */
  sectionTableOffset: number;
}

export const IMAGE_DIRECTORY_ENTRY_EXPORT = 0;
export const IMAGE_DIRECTORY_ENTRY_IMPORT = 1;
export const IMAGE_DIRECTORY_ENTRY_RESOURCE = 2;
export const IMAGE_DIRECTORY_ENTRY_SECURITY = 4;
export const IMAGE_DIRECTORY_ENTRY_BASERELOC = 5;
export const IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT = 13;
export const IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR = 14;

export const IMAGE_SCN_CNT_CODE = 0x00000020;
export const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x00000040;
export const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
export const IMAGE_SCN_MEM_READ = 0x40000000;
export const IMAGE_SCN_MEM_WRITE = 0x80000000;

export const IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002;
export const IMAGE_FILE_LARGE_ADDRESS_AWARE = 0x0020;
export const IMAGE_FILE_32BIT_MACHINE = 0x0100;
export const IMAGE_FILE_DLL = 0x2000;

export const IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE = 0x0040;
export const IMAGE_DLLCHARACTERISTICS_NX_COMPAT = 0x0100;
export const IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA = 0x0020;
