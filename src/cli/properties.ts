// IMAGE_INFO.Properties in words: the short form the table prints
// (`usr C/3 mismatch partial`) and the field-by-field meaning `inspect` shows.
// The decoding and the names are the report's (src/report/properties.ts): one table for both.
import { decodeProperties, propertiesShort, signatureTypeName, signingLevelName } from '../report/properties.js';

export { signatureTypeName, signingLevelName };

/** `usr C/3`, `sys 4/1`, `usr 1/0 mismatch partial`: user or system image, signing level (hex) / signature type, then the rare bits. */
export const propertyBits = propertiesShort;

/** One line per IMAGE_INFO bit field: `name = value  meaning`. */
export function explainProperties(properties: number): string[] {
  const d = decodeProperties(properties);
  const rows: [string, string, string][] = [
    ['ImageAddressingMode', String(d.ImageAddressingMode), 'IMAGE_ADDRESSING_MODE_32BIT, always 3'],
    ['SystemModeImage', String(d.SystemModeImage), d.SystemModeImage ? 'a kernel-mode image (driver), ProcessId 0' : 'a user-mode image, mapped into a process'],
    ['ImageMappedToAllPids', String(d.ImageMappedToAllPids), 'always 0'],
    ['ExtendedInfoPresent', String(d.ExtendedInfoPresent), 'IMAGE_INFO_EX around it: FileObject reachable'],
    ['MachineTypeMismatch', String(d.MachineTypeMismatch), d.MachineTypeMismatch
      ? 'only routines with CONFLICTING_ARCHITECTURE see it'
      : 'same architecture or no code: all routines see it'],
    ['ImageSignatureLevel', `0x${d.ImageSignatureLevel.toString(16).toUpperCase()}`, signingLevelName(d.ImageSignatureLevel)],
    ['ImageSignatureType', String(d.ImageSignatureType), signatureTypeName(d.ImageSignatureType)],
    ['ImagePartialMap', String(d.ImagePartialMap), d.ImagePartialMap ? 'the view maps only part of the image' : 'the view maps the whole image'],
  ];
  return rows.map(([name, value, meaning]) => `${name.padEnd(21)}${value.padEnd(5)}${meaning}`);
}
