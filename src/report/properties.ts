// IMAGE_INFO.Properties in words, for the page and the trace (masks from src/nt).
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

/** SE_SIGNING_LEVEL_* names by value; the two values with two names show both. */
const SIGNING_LEVELS = [
  'UNCHECKED', 'UNSIGNED', 'ENTERPRISE', 'CUSTOM_1/DEVELOPER', 'AUTHENTICODE', 'CUSTOM_2', 'STORE',
  'CUSTOM_3/ANTIMALWARE', 'MICROSOFT', 'CUSTOM_4', 'CUSTOM_5', 'DYNAMIC_CODEGEN', 'WINDOWS', 'CUSTOM_7',
  'WINDOWS_TCB', 'CUSTOM_6',
] as const;

/** SE_IMAGE_SIGNATURE_TYPE names by value. */
const SIGNATURE_TYPES = [
  'None', 'Embedded', 'Cache', 'CatalogCached', 'CatalogNotCached', 'CatalogHint', 'PackageCatalog', 'PplMitigated',
] as const;

export function signingLevelName(level: number): string {
  return `SE_SIGNING_LEVEL_${SIGNING_LEVELS[level & 0xf]}`;
}

export function signatureTypeName(type: number): string {
  return `SeImageSignature${SIGNATURE_TYPES[type & 0x7]}`;
}

/** IMAGE_INFO.Properties split into its bit fields (names as in the WDK). */
export interface DecodedProperties {
  ImageAddressingMode: number;
  SystemModeImage: number;
  ImageMappedToAllPids: number;
  ExtendedInfoPresent: number;
  MachineTypeMismatch: number;
  ImageSignatureLevel: number;
  ImageSignatureType: number;
  ImagePartialMap: number;
}

export function decodeProperties(properties: number): DecodedProperties {
  const bit = (mask: number) => ((properties & mask) === 0 ? 0 : 1);
  return {
    ImageAddressingMode: properties & ADDRESSING_MODE_MASK,
    SystemModeImage: bit(SYSTEM_MODE_IMAGE),
    ImageMappedToAllPids: bit(MAPPED_TO_ALL_PIDS),
    ExtendedInfoPresent: bit(EXTENDED_INFO_PRESENT),
    MachineTypeMismatch: bit(MACHINE_TYPE_MISMATCH),
    ImageSignatureLevel: (properties & SIGNATURE_LEVEL_MASK) >>> SIGNATURE_LEVEL_SHIFT,
    ImageSignatureType: (properties & SIGNATURE_TYPE_MASK) >>> SIGNATURE_TYPE_SHIFT,
    ImagePartialMap: bit(PARTIAL_MAP),
  };
}

/** `0x00000403`: Properties as 8 hex digits. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** `usr C/3 mismatch partial`: the short form the text table prints (user/system, level hex / type, rare bits). */
export function propertiesShort(properties: number): string {
  const d = decodeProperties(properties);
  let text = `${d.SystemModeImage ? 'sys' : 'usr'} ${d.ImageSignatureLevel.toString(16).toUpperCase()}/${d.ImageSignatureType}`;
  if (d.MachineTypeMismatch) text += ' mismatch';
  if (d.ImagePartialMap) text += ' partial';
  return text;
}

/** What the page's script needs to decode Properties itself: the masks of src/nt and the names. */
export function propertiesLegend(): {
  masks: Record<keyof DecodedProperties, number>;
  levelShift: number;
  typeShift: number;
  signingLevels: string[];
  signatureTypes: string[];
} {
  return {
    masks: {
      ImageAddressingMode: ADDRESSING_MODE_MASK,
      SystemModeImage: SYSTEM_MODE_IMAGE,
      ImageMappedToAllPids: MAPPED_TO_ALL_PIDS,
      ExtendedInfoPresent: EXTENDED_INFO_PRESENT,
      MachineTypeMismatch: MACHINE_TYPE_MISMATCH,
      ImageSignatureLevel: SIGNATURE_LEVEL_MASK,
      ImageSignatureType: SIGNATURE_TYPE_MASK,
      ImagePartialMap: PARTIAL_MAP,
    },
    levelShift: SIGNATURE_LEVEL_SHIFT,
    typeShift: SIGNATURE_TYPE_SHIFT,
    signingLevels: SIGNING_LEVELS.map((_, i) => signingLevelName(i)),
    signatureTypes: SIGNATURE_TYPES.map((_, i) => signatureTypeName(i)),
  };
}
