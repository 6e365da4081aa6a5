// DOS header, NT headers (PE32 and PE32+), data directories and the section table.
import { MAX_SECTION_LONG_NAME, type WorkBudget } from './limits.js';
import { ByteReader, latin1, malformed, nulWithin } from './reader.js';
import type { PeDataDirectory, PeSection } from './types.js';

export interface Headers {
  machine: number;
  numberOfSections: number;
  timeDateStamp: number;
  pointerToSymbolTable: number;
  numberOfSymbols: number;
  sizeOfOptionalHeader: number;
  characteristics: number;
  magic: number;
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
  checksumOffset: number;
  securityDirectoryOffset: number;
  sectionTableOffset: number;
  sections: PeSection[];
}

const MAX_DIRECTORIES = 16;
const SECTION_HEADER_SIZE = 40;

export function readHeaders(r: ByteReader, budget: WorkBudget): Headers {
  if (r.length < 64) throw malformed('IMAGE_DOS_HEADER', `the file is ${r.length} bytes, shorter than a DOS header (64)`);
  if (r.u16(0, 'IMAGE_DOS_HEADER.e_magic') !== 0x5a4d) throw malformed('IMAGE_DOS_HEADER.e_magic', 'not "MZ"');
  const nt = r.u32(0x3c, 'IMAGE_DOS_HEADER.e_lfanew');
  if (nt + 24 > r.length) {
    throw malformed('IMAGE_DOS_HEADER.e_lfanew', `0x${nt.toString(16)} points outside the ${r.length}-byte file`);
  }
  if (r.u32(nt, 'IMAGE_NT_HEADERS.Signature') !== 0x00004550) throw malformed('IMAGE_NT_HEADERS.Signature', 'not "PE\\0\\0"');
  const file = nt + 4;
  const machine = r.u16(file, 'IMAGE_FILE_HEADER.Machine');
  const numberOfSections = r.u16(file + 2, 'IMAGE_FILE_HEADER.NumberOfSections');
  const timeDateStamp = r.u32(file + 4, 'IMAGE_FILE_HEADER.TimeDateStamp');
  const pointerToSymbolTable = r.u32(file + 8, 'IMAGE_FILE_HEADER.PointerToSymbolTable');
  const numberOfSymbols = r.u32(file + 12, 'IMAGE_FILE_HEADER.NumberOfSymbols');
  const sizeOfOptionalHeader = r.u16(file + 16, 'IMAGE_FILE_HEADER.SizeOfOptionalHeader');
  const characteristics = r.u16(file + 18, 'IMAGE_FILE_HEADER.Characteristics');
  const opt = file + 20;
  const magic = r.u16(opt, 'IMAGE_OPTIONAL_HEADER.Magic');
  if (magic !== 0x10b && magic !== 0x20b) {
    throw malformed('IMAGE_OPTIONAL_HEADER.Magic', `0x${magic.toString(16)} is neither PE32 (0x10B) nor PE32+ (0x20B)`);
  }
  const plus = magic === 0x20b;
  const fixedSize = plus ? 112 : 96; // up to and including NumberOfRvaAndSizes
  if (sizeOfOptionalHeader < fixedSize) {
    throw malformed('IMAGE_FILE_HEADER.SizeOfOptionalHeader', `${sizeOfOptionalHeader} is smaller than the ${plus ? 'PE32+' : 'PE32'} optional header's ${fixedSize} fixed bytes`);
  }
  r.need(opt, fixedSize, 'IMAGE_OPTIONAL_HEADER');
  const o = (field: string) => `IMAGE_OPTIONAL_HEADER.${field}`;
  const numberOfRvaAndSizes = r.u32(opt + (plus ? 108 : 92), o('NumberOfRvaAndSizes'));
  // Only 16 directories are defined; more is tolerated (and ignored) as the loader does,
  // but the entries read must lie inside the optional header.
  const directoryCount = Math.min(numberOfRvaAndSizes, MAX_DIRECTORIES);
  const directoriesAt = opt + fixedSize;
  if (fixedSize + directoryCount * 8 > sizeOfOptionalHeader) {
    throw malformed(o('NumberOfRvaAndSizes'), `${numberOfRvaAndSizes} directories do not fit in SizeOfOptionalHeader ${sizeOfOptionalHeader}`);
  }
  r.need(directoriesAt, directoryCount * 8, o('DataDirectory'));
  const dataDirectories: PeDataDirectory[] = [];
  for (let i = 0; i < directoryCount; i++) {
    dataDirectories.push({
      virtualAddress: r.u32(directoriesAt + i * 8, `${o('DataDirectory')}[${i}].VirtualAddress`),
      size: r.u32(directoriesAt + i * 8 + 4, `${o('DataDirectory')}[${i}].Size`),
    });
  }
  const sectionTableOffset = opt + sizeOfOptionalHeader;
  if (sectionTableOffset + numberOfSections * SECTION_HEADER_SIZE > r.length) {
    throw malformed('IMAGE_FILE_HEADER.NumberOfSections', `${numberOfSections} section headers at 0x${sectionTableOffset.toString(16)} run past the end of the ${r.length}-byte file`);
  }
  const stringTable = pointerToSymbolTable !== 0 ? pointerToSymbolTable + numberOfSymbols * 18 : 0;
  const longNames = new Map<number, string | null>();
  const sections: PeSection[] = [];
  for (let i = 0; i < numberOfSections; i++) {
    const at = sectionTableOffset + i * SECTION_HEADER_SIZE;
    budget.spend(1, 'IMAGE_FILE_HEADER.NumberOfSections');
    let end = at;
    while (end < at + 8 && r.bytes[end] !== 0) end++;
    const name = latin1(r.bytes, at, end);
    const field = `IMAGE_SECTION_HEADER[${i}]`;
    const section: PeSection = {
      name,
      longName: resolveLongName(r, name, stringTable, longNames, budget),
      virtualSize: r.u32(at + 8, `${field}.VirtualSize`),
      virtualAddress: r.u32(at + 12, `${field}.VirtualAddress`),
      sizeOfRawData: r.u32(at + 16, `${field}.SizeOfRawData`),
      pointerToRawData: r.u32(at + 20, `${field}.PointerToRawData`),
      characteristics: r.u32(at + 36, `${field}.Characteristics`),
    };
    // A truncated file: the section's raw data must be in it, as the image loader requires.
    if (section.sizeOfRawData !== 0 && section.pointerToRawData + section.sizeOfRawData > r.length) {
      throw malformed(
        `${field}.SizeOfRawData`,
        `section ${JSON.stringify(name)} raw data 0x${section.pointerToRawData.toString(16)}+0x${section.sizeOfRawData.toString(16)} runs past the end of the ${r.length}-byte file`,
      );
    }
    sections.push(section);
  }
  return {
    machine, numberOfSections, timeDateStamp, pointerToSymbolTable, numberOfSymbols, sizeOfOptionalHeader, characteristics, magic,
    majorLinkerVersion: r.u8(opt + 2, o('MajorLinkerVersion')),
    minorLinkerVersion: r.u8(opt + 3, o('MinorLinkerVersion')),
    sizeOfCode: r.u32(opt + 4, o('SizeOfCode')),
    addressOfEntryPoint: r.u32(opt + 16, o('AddressOfEntryPoint')),
    baseOfCode: r.u32(opt + 20, o('BaseOfCode')),
    imageBase: plus ? r.u64(opt + 24, o('ImageBase')) : BigInt(r.u32(opt + 28, o('ImageBase'))),
    sectionAlignment: r.u32(opt + 32, o('SectionAlignment')),
    fileAlignment: r.u32(opt + 36, o('FileAlignment')),
    majorOperatingSystemVersion: r.u16(opt + 40, o('MajorOperatingSystemVersion')),
    minorOperatingSystemVersion: r.u16(opt + 42, o('MinorOperatingSystemVersion')),
    majorSubsystemVersion: r.u16(opt + 48, o('MajorSubsystemVersion')),
    minorSubsystemVersion: r.u16(opt + 50, o('MinorSubsystemVersion')),
    sizeOfImage: r.u32(opt + 56, o('SizeOfImage')),
    sizeOfHeaders: r.u32(opt + 60, o('SizeOfHeaders')),
    checksum: r.u32(opt + 64, o('CheckSum')),
    subsystem: r.u16(opt + 68, o('Subsystem')),
    dllCharacteristics: r.u16(opt + 70, o('DllCharacteristics')),
    numberOfRvaAndSizes,
    dataDirectories,
    checksumOffset: opt + 64,
    securityDirectoryOffset: directoryCount > 4 ? directoriesAt + 4 * 8 : -1,
    sectionTableOffset,
    sections,
  };
}

/**
 * `/123` names the COFF string table entry at offset 123 (object-file style,
 * kept by some linkers); at most MAX_SECTION_LONG_NAME bytes, each offset
 * scanned once per file.
 */
function resolveLongName(r: ByteReader, name: string, stringTable: number, cache: Map<number, string | null>, budget: WorkBudget): string {
  if (!/^\/\d+$/.test(name) || stringTable === 0) return name;
  const at = stringTable + Number(name.slice(1));
  if (at >= r.length) return name;
  let text = cache.get(at);
  if (text === undefined) {
    const end = nulWithin(r.bytes, at, MAX_SECTION_LONG_NAME - 1);
    budget.spend(end < 0 ? MAX_SECTION_LONG_NAME : end - at + 1, 'IMAGE_SECTION_HEADER.Name');
    text = end < 0 ? null : latin1(r.bytes, at, end);
    cache.set(at, text);
  } else {
    budget.spend(1, 'IMAGE_SECTION_HEADER.Name');
  }
  return text ?? name;
}
