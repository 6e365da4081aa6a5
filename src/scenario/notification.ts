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
  /** Where it came from (SEMANTICS.md §5): a process start (B), an image view (A), a driver load (C). */
  source?: 'process-start' | 'image-view' | 'driver';
  /** IMAGE_INFO_EX's FileObject, when there is one. */
  fileObject?: { FileName: string; address: bigint } | null;
  /** The notification whose routine mapped this image (a nested dispatch), and that routine's driver. */
  parentSeq?: number | null;
  parentDriver?: string | null;
}

/** A process's life in a run, for timelines. */
export interface ProcessLifetime {
  pid: number;
  name: string;
  path: string | null;
  wow64: boolean;
  machine: number;
  startMs: number;
  endMs: number | null;
}

/** A driver load or unload the run made, for timelines. */
export interface DriverEvent {
  timeMs: number;
  kind: 'load' | 'unload';
  name: string;
  status: number;
}
