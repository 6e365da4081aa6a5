// psnotify's public API: shared/spec/API.md plus docs/api.md, and nothing else.
// The command line, scenarios, replay, detection and reports use only this.

// ---- NT: statuses, constants, IMAGE_INFO -----------------------------------
export * from './nt/status.js';
export * from './nt/constants.js';
export {
  ImageInfo,
  ImageInfoEx,
  FileObject,
  imageInfoEx,
  // IMAGE_INFO.Properties bit layout (SEMANTICS.md §1)
  ADDRESSING_MODE_MASK,
  SYSTEM_MODE_IMAGE,
  MAPPED_TO_ALL_PIDS,
  EXTENDED_INFO_PRESENT,
  MACHINE_TYPE_MISMATCH,
  SIGNATURE_LEVEL_SHIFT,
  SIGNATURE_LEVEL_MASK,
  SIGNATURE_TYPE_SHIFT,
  SIGNATURE_TYPE_MASK,
  PARTIAL_MAP,
} from './nt/image-info.js';
export {
  encodeImageInfoEx,
  encodeImageInfo,
  decodeImageInfo,
  IMAGE_INFO_SIZE,
  IMAGE_INFO_EX_SIZE,
  type PointerWidth,
} from './nt/image-info-codec.js';

// ---- the machine -------------------------------------------------------------
export {
  Kernel,
  type KernelOptions,
  type MachineName,
  type NotifyRoutineEntry,
  type LoadedDriver,
  type BuiltinRelease,
} from './kernel/kernel.js';
export type { ImageFileFacts } from './kernel/file-facts.js';
export type { Ntoskrnl } from './kernel/ntoskrnl.js';
export {
  PsSetLoadImageNotifyRoutine,
  PsSetLoadImageNotifyRoutineEx,
  PsRemoveLoadImageNotifyRoutine,
  PsGetCurrentProcessId,
  KeGetCurrentIrql,
  KeAreApcsDisabled,
  MmGetSystemRoutineAddress,
} from './kernel/root-exports.js';
export type { SystemChoice } from './catalog/install.js';
export { BugCheck, bugCheckName } from './ke/bugcheck.js';
export { Deadlock } from './ke/deadlock.js';
export { SUPPORTED_BUILDS, buildProfile, type BuildProfile, type MismatchRule } from './ke/profile.js';
export type { Driver, DriverObject } from './io/driver-record.js';
export type { LoadImageNotifyRoutine } from './ps/notify/routine.js';
export type { DispatchTracer, DispatchedRoutine } from './ps/notify/dispatcher.js';
export { buildImageInfo, type ImageFacts } from './ps/notify/image-info.js';
export type { Process, ProcessImage, ProcessState, ModuleEntry } from './ps/process/process.js';
export type { CreateProcessOptions } from './ps/process/create.js';
export type { MapImageOptions } from './mm/map-image.js';
export { isMachineTypeMismatch, type MismatchInputs } from './mm/mismatch.js';
export type { FileLabel, Volume, VolumeEntry } from './fs/volume.js';
export { readFileBounded, MAX_IMAGE_FILE_BYTES } from './fs/read-bounded.js';

// ---- PE images and code integrity --------------------------------------------
export { parsePe } from './pe/parse.js';
export { parseImageForSection, validateImageForSection } from './pe/validate.js';
export { buildPe, type PeBuildSpec } from './pe/build.js';
export { readVersionInfo } from './pe/version-info.js';
export { imphash } from './pe/imphash.js';
export type { PeImage } from './pe/types.js';
export { verifyAuthenticode, type AuthenticodeResult, type SignatureReport } from './ci/authenticode.js';
export { imageLabel, type CodeIntegrityLabel } from './ci/code-integrity.js';

// ---- driver modules for the command line ---------------------------------------
export type { DriverOutput, HostedDriver, DriverModule } from './kernel/driver-module.js';
