// `psnotify inspect <pe-file>`: what parsePe and code integrity see, and the
// IMAGE_INFO a whole-image map of the file would carry.
import { readFileSync } from 'node:fs';
import { verifyAuthenticode } from '../ci/authenticode.js';
import { imageLabel } from '../ci/code-integrity.js';
import { machineName } from '../nt/constants.js';
import { parsePe } from '../pe/parse.js';
import { imphash } from '../pe/imphash.js';
import { readVersionInfo } from '../pe/version-info.js';
import { buildProfile } from '../ke/profile.js';
import { buildImageInfo } from '../ps/image-notify.js';
import { propertyBits } from './format.js';

const profile22631 = buildProfile(22631);

const hex = (value: number | bigint) => `0x${value.toString(16)}`;

export function inspectFile(file: string): string[] {
  const bytes = new Uint8Array(readFileSync(file));
  const image = parsePe(bytes);
  const label = imageLabel(bytes);
  const driver = image.subsystem === 1;
  const kind = driver ? 'driver (native subsystem)' : image.isDll ? 'DLL' : 'EXE';
  const lines = [
    `${file}`,
    `  machine        ${machineName(image.machine)} (${hex(image.machine)}), ${image.magic === 0x20b ? 'PE32+' : 'PE32'}, ${kind}${image.isClr ? ', CLR' : ''}`,
    `  image base     ${hex(image.imageBase)}, SizeOfImage ${hex(image.sizeOfImage)}, entry point ${hex(image.addressOfEntryPoint)}`,
    `  subsystem      ${image.subsystem}, DllCharacteristics ${hex(image.dllCharacteristics)}, contains code: ${image.containsCode ? 'yes' : 'no'}`,
    `  sections       ${image.sections.map((s) => s.longName).join(' ') || '(none)'}`,
  ];
  const version = readVersionInfo(bytes, image);
  if (version) lines.push(`  version        ${version.FileDescription ?? '-'} ${version.FileVersion ?? ''} (${version.CompanyName ?? '-'})`);
  lines.push(`  imports        ${image.imports.length} DLLs, ${image.imports.reduce((n, i) => n + i.functions.length, 0)} functions; IMPHASH ${imphash(image) || '-'}`);
  for (const entry of image.imports.slice(0, 12)) {
    const shown = entry.functions.slice(0, 4).map((f) => (typeof f === 'number' ? `#${f}` : f)).join(', ');
    lines.push(`    ${entry.dll}: ${shown}${entry.functions.length > 4 ? `, … (${entry.functions.length})` : ''}`);
  }
  if (image.imports.length > 12) lines.push(`    … ${image.imports.length - 12} more`);
  if (image.delayImports.length) lines.push(`  delay imports  ${image.delayImports.map((d) => d.dll).join(', ')}`);
  const forwarders = image.exports.filter((e) => e.forwarder !== null).length;
  lines.push(`  exports        ${image.exports.length}${image.exportDllName ? ` as ${image.exportDllName}` : ''}${forwarders ? `, ${forwarders} forwarded` : ''}`);
  const names = image.exports.filter((e) => e.name).slice(0, 6).map((e) => e.name);
  if (names.length) lines.push(`    ${names.join(', ')}${image.exports.length > 6 ? ', …' : ''}`);
  lines.push(`  certificates   ${image.certificates.length === 0 ? 'none' : image.certificates.map((c) => `type ${c.certificateType} rev ${hex(c.revision)} (${c.data.length} bytes)`).join('; ')}`);
  const authenticode = verifyAuthenticode(bytes);
  for (const s of authenticode.signatures) {
    lines.push(`    ${s.valid ? 'valid' : 'INVALID'} ${s.digestAlgorithm} signature by ${s.signer} (issued by ${s.issuer})${s.reason ? `: ${s.reason}` : ''}`);
  }
  lines.push(`  code integrity signing level ${label.signingLevel}, signature type ${label.signatureType}${authenticode.signed ? '' : ' (no embedded signature)'}`);
  const properties = buildImageInfo(profile22631, 'x64', {
    base: image.imageBase, size: image.sizeOfImage, systemMode: driver, label, mismatch: false, partial: false, fileObject: null,
  }).Properties;
  lines.push(`  IMAGE_INFO     Properties 0x${properties.toString(16)} (${propertyBits(properties)}) for a whole-image ${driver ? 'driver load' : 'map into a process of its machine'}; ImageSize ${hex(Math.ceil(image.sizeOfImage / 0x1000) * 0x1000)}`);
  return lines;
}
