// NtCreateSection(SEC_IMAGE[_NO_EXECUTE]) + NtMapViewOfSection into a process,
// and the path-A notification that follows a successful map (SEMANTICS.md §5A).
import type { VolumeFile } from '../fs/volume.js';
import type { Kernel } from '../ke/kernel.js';
import { currentFrame } from '../ke/context.js';
import { Deadlock } from '../ke/deadlock.js';
import {
  NtStatusError,
  STATUS_IMAGE_MACHINE_TYPE_MISMATCH,
  STATUS_IMAGE_NOT_AT_BASE,
  STATUS_INVALID_PAGE_PROTECTION,
  STATUS_INVALID_PARAMETER,
  STATUS_INVALID_VIEW_SIZE,
  STATUS_NO_MEMORY,
  STATUS_PROCESS_IS_TERMINATING,
  STATUS_SUCCESS,
} from '../nt/status.js';
import type { Process } from '../ps/process.js';
import { pageRound } from './address-space.js';
import { isMachineTypeMismatch } from './mismatch.js';
import type { ImageSection } from './section.js';
import type { ImageView } from './view.js';

/** Where a 32-bit image may go in any process: below 2 GiB. */
const LOW_2GB = { low: 0x10000n, high: 0x7fff0000n };

export interface MapImageOptions {
  /** SEC_IMAGE_NO_EXECUTE: must be mapped read-only, never notified. */
  noExecute?: boolean;
  /** PAGE_READONLY view protection; defaults to true for a no-execute section. */
  readOnly?: boolean;
  /** Bytes to map from the image's start; less than the image makes a partial view. */
  viewSize?: number;
}

const NO_OPTIONS: MapImageOptions = Object.freeze({});

export function checkMapOptions(options: unknown): MapImageOptions {
  if (options === undefined) return NO_OPTIONS;
  if (options === null || typeof options !== 'object') {
    throw new NtStatusError(STATUS_INVALID_PARAMETER, `mapImage options must be an object, got ${String(options)}`);
  }
  const { noExecute, readOnly, viewSize } = options as Record<string, unknown>;
  for (const [name, value] of [['noExecute', noExecute], ['readOnly', readOnly]] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new NtStatusError(STATUS_INVALID_PARAMETER, `mapImage options.${name}: expected a boolean, got ${JSON.stringify(value)}`);
    }
  }
  if (viewSize !== undefined && !(typeof viewSize === 'number' && Number.isSafeInteger(viewSize) && viewSize > 0)) {
    throw new NtStatusError(STATUS_INVALID_PARAMETER, `mapImage options.viewSize: expected a positive integer, got ${JSON.stringify(viewSize)}`);
  }
  return options as MapImageOptions;
}

/** Where a view of `section` would like to be in `process` (ASLR-aware). */
function preferredBase(kernel: Kernel, process: Process, section: ImageSection): bigint {
  if (!section.dynamicBase) return section.image.imageBase;
  if (section.isDll) {
    // ASLR: one base per DLL per boot, the same in every process that maps it.
    section.aslrBase ??= kernel.memory.chooseDllBase(section);
    return section.aslrBase;
  }
  return kernel.memory.chooseExeBase(process, section);
}

/**
 * Maps `file` into `process`. `notify` is false only for the maps made while
 * a process is being created (it has no id yet; §5B).
 */
export function mapImageView(
  kernel: Kernel,
  process: Process,
  file: VolumeFile,
  options: MapImageOptions,
  notify: boolean,
): ImageView {
  if (process.terminating) {
    throw new NtStatusError(STATUS_PROCESS_IS_TERMINATING, `process ${process.pid} is terminating: cannot map ${file.dosPath}`);
  }
  const noExecute = options.noExecute === true;
  const readOnly = options.readOnly ?? noExecute;
  if (noExecute && !readOnly) {
    throw new NtStatusError(STATUS_INVALID_PAGE_PROTECTION, `${file.dosPath}: a SEC_IMAGE_NO_EXECUTE section must be mapped PAGE_READONLY`);
  }
  lockCheck(kernel, process, file);
  const section = kernel.sections.sectionFor(file);
  const viewSize = options.viewSize === undefined ? section.imageSize : pageRound(options.viewSize);
  if (viewSize > section.imageSize) {
    throw new NtStatusError(
      STATUS_INVALID_VIEW_SIZE,
      `${file.dosPath}: view size 0x${viewSize.toString(16)} exceeds the image size 0x${section.imageSize.toString(16)}`,
    );
  }
  let mismatch = section.knownMismatch(process);
  if (mismatch === undefined) {
    mismatch = isMachineTypeMismatch({
      rule: kernel.profile.mismatchRule,
      nativeMachine: kernel.nativeMachine,
      imageMachine: section.machine,
      imageContainsCode: section.containsCode,
      processMachine: process.machine,
      processIsWow64: process.wow64,
    });
    section.rememberMismatch(process, mismatch);
  }
  const preferred = preferredBase(kernel, process, section);
  const base = process.addressSpace.reserve(viewSize, preferred, section.is64Bit ? undefined : LOW_2GB);
  if (base === null) {
    throw new NtStatusError(STATUS_NO_MEMORY, `${file.dosPath}: no free 0x${viewSize.toString(16)}-byte range in process ${process.pid}`);
  }
  const status = mismatch ? STATUS_IMAGE_MACHINE_TYPE_MISMATCH : base !== preferred ? STATUS_IMAGE_NOT_AT_BASE : STATUS_SUCCESS;
  const view: ImageView = { base, viewSize, section, noExecute, status };
  process.views.push(view);
  // §5A: executable views of processes that have an id, never the System process.
  if (notify && !noExecute && process.pid !== 0 && !process.isSystem) {
    kernel.notifyUserImage(process, view, mismatch);
  }
  return view;
}

/** Windows 7 ran user-image callbacks holding the address-space lock (§9). */
function lockCheck(kernel: Kernel, process: Process, file: VolumeFile): void {
  if (!kernel.profile.lockHeldDuringUserCallbacks) return;
  const frame = currentFrame();
  if (frame !== null && frame.kernel === kernel && frame.addressSpaceLockHeld && frame.process === process) {
    throw new Deadlock(
      `mapping ${file.dosPath} into process ${process.pid} from inside its image-notify callback: ` +
        `build ${kernel.profile.build} holds that process's address-space lock during the callback`,
    );
  }
}
