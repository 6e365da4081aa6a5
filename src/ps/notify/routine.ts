// PLOAD_IMAGE_NOTIFY_ROUTINE: what a driver registers.
import type { ImageInfo } from '../../nt/image-info.js';

/** PLOAD_IMAGE_NOTIFY_ROUTINE. */
export type LoadImageNotifyRoutine = (
  FullImageName: string | null,
  ProcessId: number,
  ImageInfo: ImageInfo,
) => void;
