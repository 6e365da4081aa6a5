// Constants of SEMANTICS.md §1 under their WDK names (NTSTATUS values live in status.ts).

export const PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE = 0x1;
export const IMAGE_ADDRESSING_MODE_32BIT = 3;

export const IMAGE_FILE_MACHINE_UNKNOWN = 0x0000;
export const IMAGE_FILE_MACHINE_I386 = 0x014c;
export const IMAGE_FILE_MACHINE_ARMNT = 0x01c4;
export const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
export const IMAGE_FILE_MACHINE_ARM64 = 0xaa64;

/** Notify-routine slots of the modern kernel; 8 before the 2014 update (SEMANTICS §9). */
export const PSP_MAX_LOAD_IMAGE_NOTIFY = 64;

export const DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS = 0xce;
export const SYSTEM_THREAD_EXCEPTION_NOT_HANDLED = 0x7e;

export const PASSIVE_LEVEL = 0;
export const APC_LEVEL = 1;
export const DISPATCH_LEVEL = 2;

// SE_SIGNING_LEVEL_*
export const SE_SIGNING_LEVEL_UNCHECKED = 0x0;
export const SE_SIGNING_LEVEL_UNSIGNED = 0x1;
export const SE_SIGNING_LEVEL_ENTERPRISE = 0x2;
export const SE_SIGNING_LEVEL_CUSTOM_1 = 0x3;
export const SE_SIGNING_LEVEL_DEVELOPER = 0x3;
export const SE_SIGNING_LEVEL_AUTHENTICODE = 0x4;
export const SE_SIGNING_LEVEL_CUSTOM_2 = 0x5;
export const SE_SIGNING_LEVEL_STORE = 0x6;
export const SE_SIGNING_LEVEL_CUSTOM_3 = 0x7;
export const SE_SIGNING_LEVEL_ANTIMALWARE = 0x7;
export const SE_SIGNING_LEVEL_MICROSOFT = 0x8;
export const SE_SIGNING_LEVEL_CUSTOM_4 = 0x9;
export const SE_SIGNING_LEVEL_CUSTOM_5 = 0xa;
export const SE_SIGNING_LEVEL_DYNAMIC_CODEGEN = 0xb;
export const SE_SIGNING_LEVEL_WINDOWS = 0xc;
export const SE_SIGNING_LEVEL_CUSTOM_7 = 0xd;
export const SE_SIGNING_LEVEL_WINDOWS_TCB = 0xe;
export const SE_SIGNING_LEVEL_CUSTOM_6 = 0xf;

// SE_IMAGE_SIGNATURE_TYPE
export const SeImageSignatureNone = 0;
export const SeImageSignatureEmbedded = 1;
export const SeImageSignatureCache = 2;
export const SeImageSignatureCatalogCached = 3;
export const SeImageSignatureCatalogNotCached = 4;
export const SeImageSignatureCatalogHint = 5;
export const SeImageSignaturePackageCatalog = 6;
export const SeImageSignaturePplMitigated = 7;

const machineNames: ReadonlyMap<number, string> = new Map([
  [IMAGE_FILE_MACHINE_I386, 'I386'],
  [IMAGE_FILE_MACHINE_ARMNT, 'ARMNT'],
  [IMAGE_FILE_MACHINE_AMD64, 'AMD64'],
  [IMAGE_FILE_MACHINE_ARM64, 'ARM64'],
]);

/** `0x8664` as `AMD64`; unknown machines as hex. */
export function machineName(machine: number): string {
  return machineNames.get(machine) ?? `0x${machine.toString(16).padStart(4, '0')}`;
}
