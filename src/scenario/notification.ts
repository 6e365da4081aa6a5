// One notification as a run records it: the dispatch's arguments, when and in
// which step it happened, and the routines the dispatcher called.
import type { DispatchedRoutine, ImageInfo } from '../index.js';

/** One notification as the scenario saw it. */
export interface Notification {
  seq: number;
  /** Simulated milliseconds since boot. */
  timeMs: number;
  /** Index of the step that caused it (-1: drivers loaded at boot). */
  step: number;
  processId: number;
  /** The process's EXE name, 'System' for drivers. */
  process: string;
  fullImageName: string | null;
  imageInfo: ReturnType<ImageInfo['toJSON']>;
  properties: number;
  imageBase: bigint;
  imageSize: number;
  /** The routines the dispatcher called, in slot order. */
  routines: DispatchedRoutine[];
}
