// `psnotify inspect <pe-file>`: what parsePe and the Authenticode check see in a
// host file, and the IMAGE_INFO a whole-image map of it would carry on the
// default machine (Windows 11 23H2, x64), field by field.
import {
  buildImageInfo,
  buildProfile,
  IMAGE_FILE_MACHINE_AMD64,
  IMAGE_FILE_MACHINE_I386,
  imageLabel,
  imphash,
  isMachineTypeMismatch,
  machineName,
  parsePe,
  readVersionInfo,
  verifyAuthenticode,
  readFileBounded,
  MAX_IMAGE_FILE_BYTES,
  type PeImage,
} from '../index.js';
import { explainProperties, propertyBits, signatureTypeName, signingLevelName } from './properties.js';

const profile = buildProfile(22631);
const NATIVE = IMAGE_FILE_MACHINE_AMD64;

const hex = (value: number | bigint) => `0x${value.toString(16)}`;

const SCN_CNT_CODE = 0x20;
const SCN_MEM_EXECUTE = 0x20000000;
const SCN_MEM_READ = 0x40000000;
const SCN_MEM_WRITE = 0x80000000;

function sectionFlags(characteristics: number): string {
  return [
    characteristics & SCN_MEM_READ ? 'R' : '-',
    characteristics & SCN_MEM_WRITE ? 'W' : '-',
    characteristics & SCN_MEM_EXECUTE ? 'X' : '-',
    characteristics & SCN_CNT_CODE ? ' code' : '',
  ].join('');
}

/** `prefix` then as many of `items` as fit in 80 columns, then `…` and the count of the rest. */
function listWithin(prefix: string, items: string[]): string {
  let text = prefix;
  for (const [i, item] of items.entries()) {
    const rest = items.length - i - 1;
    const tail = rest > 0 ? `, … (${items.length})` : '';
    const next = `${text}${i === 0 ? '' : ', '}${item}`;
    if (next.length + tail.length > 80 && i > 0) return `${text}, … (${items.length})`;
    text = next;
  }
  return text;
}

function kindOf(image: PeImage): { kind: string; driver: boolean } {
  if (image.subsystem === 1) return { kind: 'driver (native subsystem)', driver: true };
  return { kind: image.isDll ? 'DLL' : 'EXE', driver: false };
}

/** The lines `inspect` prints for the PE file at `file` (throws NtStatusError for a malformed image). */
export function inspectFile(file: string): string[] {
  const bytes = readFileBounded(file, MAX_IMAGE_FILE_BYTES, 'PE file');
  const image = parsePe(bytes);
  const label = imageLabel(bytes, image);
  const { kind, driver } = kindOf(image);
  const lines = [
    `${file}`,
    `  file size      ${bytes.length} bytes`,
    `  kind           ${kind}${image.isClr ? ' (.NET)' : ''}`,
    `  machine        ${machineName(image.machine)} (${hex(image.machine)}), ${image.magic === 0x20b ? 'PE32+' : 'PE32'}`,
    `  image          base ${hex(image.imageBase)}, SizeOfImage ${hex(image.sizeOfImage)}, entry point ${hex(image.addressOfEntryPoint)}`,
    `  subsystem      ${image.subsystem}, DllCharacteristics ${hex(image.dllCharacteristics)}, contains code: ${image.containsCode ? 'yes' : 'no'}`,
    `  sections       ${image.sections.length}`,
  ];
  const nameWidth = Math.min(14, Math.max(8, ...image.sections.map((s) => s.longName.length)));
  for (const s of image.sections.slice(0, 16)) {
    const name = s.longName.length > nameWidth ? `${s.longName.slice(0, nameWidth - 1)}…` : s.longName.padEnd(nameWidth);
    lines.push(`    ${name} rva ${hex(s.virtualAddress).padStart(9)} size ${hex(s.virtualSize).padStart(9)} raw ${hex(s.sizeOfRawData).padStart(9)} ${sectionFlags(s.characteristics)}`);
  }
  if (image.sections.length > 16) lines.push(`    … ${image.sections.length - 16} more`);
  const version = readVersionInfo(bytes, image);
  if (version) {
    const fit = (text: string) => ([...text].length > 80 ? `${[...text].slice(0, 79).join('')}…` : text);
    lines.push(fit(`  version        ${version.FileDescription ?? '-'}`));
    lines.push(fit(`                 ${version.FileVersion ?? '-'}`));
    lines.push(fit(`                 ${version.CompanyName ?? '-'}, original name ${version.OriginalFilename ?? '-'}`));
  }
  lines.push(`  imports        ${image.imports.length} DLLs, ${image.imports.reduce((n, i) => n + i.functions.length, 0)} functions; IMPHASH ${imphash(image) || '-'}`);
  for (const entry of image.imports.slice(0, 12)) {
    lines.push(listWithin(`    ${entry.dll}: `, entry.functions.map((f) => (typeof f === 'number' ? `#${f}` : f))));
  }
  if (image.imports.length > 12) lines.push(`    … ${image.imports.length - 12} more`);
  if (image.delayImports.length) lines.push(`  delay imports  ${image.delayImports.map((d) => d.dll).join(', ')}`);
  const forwarders = image.exports.filter((e) => e.forwarder !== null).length;
  lines.push(`  exports        ${image.exports.length}${image.exportDllName ? ` as ${image.exportDllName}` : ''}${forwarders ? `, ${forwarders} forwarded` : ''}`);
  const names = image.exports.map((e) => e.name ?? `#${e.ordinal}`);
  if (names.length) lines.push(listWithin('    ', names));
  const authenticode = verifyAuthenticode(bytes, image);
  lines.push(`  signatures     ${authenticode.signatures.length === 0 ? `none${image.certificates.length ? ` (${image.certificates.length} certificate entries, ${authenticode.reason ?? 'no Authenticode signature'})` : ''}` : authenticode.valid ? 'valid' : 'INVALID'}`);
  for (const s of authenticode.signatures) {
    lines.push(`    ${s.valid ? 'valid' : 'INVALID'} ${s.digestAlgorithm} signature by ${s.signer} (issued by ${s.issuer})${s.reason ? `: ${s.reason}` : ''}`);
  }
  lines.push(`  code integrity ${signingLevelName(label.signingLevel)}, ${signatureTypeName(label.signatureType)}`);
  lines.push(...imageInfoLines(image, driver, label));
  return lines;
}

function imageInfoLines(image: PeImage, driver: boolean, label: { signingLevel: number; signatureType: number }): string[] {
  const size = Math.ceil(image.sizeOfImage / 0x1000) * 0x1000;
  const propertiesIn = (processMachine: number, wow64: boolean) =>
    buildImageInfo(profile, 'x64', {
      base: image.imageBase,
      size,
      systemMode: driver,
      label,
      mismatch: !driver && isMachineTypeMismatch({
        rule: profile.mismatchRule, nativeMachine: NATIVE, imageMachine: image.machine,
        imageContainsCode: image.containsCode, processMachine, processIsWow64: wow64,
      }),
      partial: false,
      fileObject: null,
    }).Properties;
  const native = propertiesIn(NATIVE, false);
  const where = driver ? 'its load as a driver' : 'a whole-image map, native x64 process';
  const lines = [
    `  IMAGE_INFO     ${where}, ${profile.name}:`,
    `                 Properties ${hex(native)} (${propertyBits(native)}), ImageSize ${hex(size)}`,
    ...explainProperties(native).map((line) => `    ${line}`),
  ];
  if (!driver && image.machine === IMAGE_FILE_MACHINE_I386) {
    const wow64 = propertiesIn(IMAGE_FILE_MACHINE_I386, true);
    lines.push(`  in a WoW64 x86 process: Properties ${hex(wow64)} (${propertyBits(wow64)})`);
  }
  return lines;
}
