// psnotify's public API (shared/spec/API.md).
export * from './nt/status.js';
export * from './nt/constants.js';
export { ImageInfo, ImageInfoEx, FileObject, imageInfoEx } from './nt/image-info.js';
export {
  encodeImageInfoEx,
  encodeImageInfo,
  decodeImageInfo,
  IMAGE_INFO_SIZE,
  IMAGE_INFO_EX_SIZE,
  type PointerWidth,
} from './nt/image-info-codec.js';
export { Kernel, type KernelOptions, type MachineName } from './ke/kernel.js';
export { BugCheck, bugCheckName } from './ke/bugcheck.js';
export { Deadlock } from './ke/deadlock.js';
export type { Ntoskrnl } from './ke/ntoskrnl.js';
export { SUPPORTED_BUILDS, type BuildProfile } from './ke/profile.js';
export {
  PsSetLoadImageNotifyRoutine,
  PsSetLoadImageNotifyRoutineEx,
  PsRemoveLoadImageNotifyRoutine,
  PsGetCurrentProcessId,
  KeGetCurrentIrql,
  KeAreApcsDisabled,
  MmGetSystemRoutineAddress,
} from './ke/root-exports.js';
export type { Driver, DriverObject } from './io/driver-record.js';
export type { LoadImageNotifyRoutine } from './ps/routine.js';
export type { Process, ModuleEntry } from './ps/process.js';
export type { CreateProcessOptions } from './ps/create-process.js';
export type { MapImageOptions } from './mm/map-image.js';
export type { FileLabel } from './fs/volume.js';
export { parsePe } from './pe/parse.js';
export { buildPe } from './pe/build.js';
export type { PeImage } from './pe/types.js';
