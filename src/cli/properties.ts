// IMAGE_INFO.Properties in words: the short form the table prints
// (`usr C/3 mismatch partial`) and the field-by-field meaning `inspect` shows.
import {
  ADDRESSING_MODE_MASK,
  EXTENDED_INFO_PRESENT,
  MACHINE_TYPE_MISMATCH,
  MAPPED_TO_ALL_PIDS,
  PARTIAL_MAP,
  SIGNATURE_LEVEL_MASK,
  SIGNATURE_LEVEL_SHIFT,
  SIGNATURE_TYPE_MASK,
  SIGNATURE_TYPE_SHIFT,
  SYSTEM_MODE_IMAGE,
} from '../index.js';

// The names of signing levels and signature types are the report's (one table for both).
import { signatureTypeName, signingLevelName } from '../report/properties.js';

export { signatureTypeName, signingLevelName };

/** `usr C/3`, `sys 4/1`, `usr 1/0 mismatch partial`: user or system image, signing level (hex) / signature type, then the rare bits. */
export function propertyBits(properties: number): string {
  const level = (properties & SIGNATURE_LEVEL_MASK) >>> SIGNATURE_LEVEL_SHIFT;
  const type = (properties & SIGNATURE_TYPE_MASK) >>> SIGNATURE_TYPE_SHIFT;
  let text = `${properties & SYSTEM_MODE_IMAGE ? 'sys' : 'usr'} ${level.toString(16).toUpperCase()}/${type}`;
  if (properties & MACHINE_TYPE_MISMATCH) text += ' mismatch';
  if (properties & PARTIAL_MAP) text += ' partial';
  return text;
}

/** One line per IMAGE_INFO bit field: `name = value  meaning`. */
export function explainProperties(properties: number): string[] {
  const bit = (mask: number) => ((properties & mask) === 0 ? 0 : 1);
  const level = (properties & SIGNATURE_LEVEL_MASK) >>> SIGNATURE_LEVEL_SHIFT;
  const type = (properties & SIGNATURE_TYPE_MASK) >>> SIGNATURE_TYPE_SHIFT;
  const rows: [string, string, string][] = [
    ['ImageAddressingMode', String(properties & ADDRESSING_MODE_MASK), 'IMAGE_ADDRESSING_MODE_32BIT, always 3'],
    ['SystemModeImage', String(bit(SYSTEM_MODE_IMAGE)), bit(SYSTEM_MODE_IMAGE) ? 'a kernel-mode image (driver), ProcessId 0' : 'a user-mode image, mapped into a process'],
    ['ImageMappedToAllPids', String(bit(MAPPED_TO_ALL_PIDS)), 'always 0'],
    ['ExtendedInfoPresent', String(bit(EXTENDED_INFO_PRESENT)), 'IMAGE_INFO_EX around it: FileObject reachable'],
    ['MachineTypeMismatch', String(bit(MACHINE_TYPE_MISMATCH)), bit(MACHINE_TYPE_MISMATCH)
      ? 'only routines with CONFLICTING_ARCHITECTURE see it'
      : 'same architecture or no code: all routines see it'],
    ['ImageSignatureLevel', `0x${level.toString(16).toUpperCase()}`, signingLevelName(level)],
    ['ImageSignatureType', String(type), signatureTypeName(type)],
    ['ImagePartialMap', String(bit(PARTIAL_MAP)), bit(PARTIAL_MAP) ? 'the view maps only part of the image' : 'the view maps the whole image'],
  ];
  return rows.map(([name, value, meaning]) => `${name.padEnd(21)}${value.padEnd(5)}${meaning}`);
}
