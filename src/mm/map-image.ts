// NtCreateSection(SEC_IMAGE[_NO_EXECUTE]) + NtMapViewOfSection into a process,
// and the path-A notification that follows a successful map (SEMANTICS.md §5A):
// MiMapViewOfImageSection calls PsCallImageNotifyRoutines itself.
import type { VolumeFile } from '../fs/volume.js';
import type { ContextProcess } from '../ke/context.js';
import { Deadlock } from '../ke/deadlock.js';
import {
  NtStatusError,
  STATUS_IMAGE_MACHINE_TYPE_MISMATCH,
  STATUS_IMAGE_NOT_AT_BASE,
  STATUS_INVALID_PAGE_PROTECTION,
  STATUS_INVALID_VIEW_SIZE,
  STATUS_NO_MEMORY,
  STATUS_PROCESS_IS_TERMINATING,
  STATUS_SUCCESS,
} from '../nt/status.js';
import { pageRound, type AddressSpace } from './address-space.js';
import type { MemoryManager } from './memory.js';
import { isMachineTypeMismatch } from './mismatch.js';
import type { ImageSection } from './section.js';
import { MappedView, type ImageView, type ViewList } from './view.js';

/** The process as the memory manager sees it: its id, machine, address space and views. */
export interface MapTarget extends ContextProcess {
  readonly pid: number;
  /** IMAGE_FILE_MACHINE_*: the guest machine for a WoW64 process. */
  readonly machine: number;
  readonly wow64: boolean;
  readonly isSystem: boolean;
  readonly terminating: boolean;
  readonly addressSpace: AddressSpace;
  readonly views: ViewList;
}

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

/** Checks a caller's map options: a wrong type is a TypeError, a size out of range a RangeError, each naming the option. */
export function checkMapOptions(options: unknown): MapImageOptions {
  if (options === undefined) return NO_OPTIONS;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`mapImage options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const { noExecute, readOnly, viewSize } = options as Record<string, unknown>;
  for (const [name, value] of [['noExecute', noExecute], ['readOnly', readOnly]] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`mapImage options.${name}: expected a boolean, got ${JSON.stringify(value)}`);
    }
  }
  if (viewSize !== undefined) {
    if (typeof viewSize !== 'number') throw new TypeError(`mapImage options.viewSize: expected a number, got ${typeof viewSize}`);
    if (!(Number.isSafeInteger(viewSize) && viewSize > 0)) {
      throw new RangeError(`mapImage options.viewSize: expected a positive integer, got ${JSON.stringify(viewSize)}`);
    }
  }
  return options as MapImageOptions;
}

/** Where a view of `section` would like to be in `process` (ASLR-aware). */
function preferredBase(mm: MemoryManager, process: MapTarget, section: ImageSection): bigint {
  if (!section.dynamicBase) return section.image.imageBase;
  if (section.isDll) {
    // ASLR: one base per DLL per boot, the same in every process that maps it.
    section.aslrBase ??= mm.addresses.chooseDllBase(section);
    return section.aslrBase;
  }
  return mm.addresses.chooseExeBase(process, section);
}

/**
 * Maps `file` into `process`. `notify` is false only for the maps made while
 * a process is being created (it has no id yet; §5B).
 */
export function mapImageView(
  mm: MemoryManager,
  process: MapTarget,
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
  lockCheck(mm, process, file);
  const section = mm.sections.sectionFor(file);
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
      rule: mm.profile.mismatchRule,
      nativeMachine: mm.nativeMachine,
      imageMachine: section.machine,
      imageContainsCode: section.containsCode,
      processMachine: process.machine,
      processIsWow64: process.wow64,
    });
    section.rememberMismatch(process, mismatch);
  }
  const preferred = preferredBase(mm, process, section);
  // The view goes into its VAD as the range is reserved (one descent of the tree); its base and status follow.
  const view = new MappedView(section, viewSize, noExecute);
  const base = process.addressSpace.reserve(viewSize, preferred, section.is64Bit ? undefined : LOW_2GB, view);
  if (base === null) {
    throw new NtStatusError(STATUS_NO_MEMORY, `${file.dosPath}: no free 0x${viewSize.toString(16)}-byte range in process ${process.pid}`);
  }
  view.base = base;
  view.status = mismatch ? STATUS_IMAGE_MACHINE_TYPE_MISMATCH : base !== preferred ? STATUS_IMAGE_NOT_AT_BASE : STATUS_SUCCESS;
  process.views.add(view);
  file.mappedImageViews++;
  // §5A: executable views of processes that have an id, never the System process.
  if (notify && !noExecute && process.pid !== 0 && !process.isSystem && mm.notifier.enabled) {
    mm.notifier.callImageNotifyRoutines(
      section.file.ntPath,
      process.pid,
      {
        base,
        size: viewSize,
        systemMode: false,
        label: section.label,
        mismatch,
        partial: viewSize !== section.imageSize,
        fileObject: section.fileObject,
      },
      process,
      mm.profile.lockHeldDuringUserCallbacks,
    );
  }
  return view;
}

/** Windows 7 ran user-image callbacks holding the address-space lock (§9). */
function lockCheck(mm: MemoryManager, process: MapTarget, file: VolumeFile): void {
  if (mm.profile.lockHeldDuringUserCallbacks && mm.notifier.addressSpaceLockHeldFor(process)) lockDeadlock(mm, process, file);
}

function lockDeadlock(mm: MemoryManager, process: MapTarget, file: VolumeFile): never {
  throw new Deadlock(
    `mapping ${file.dosPath} into process ${process.pid} from inside its image-notify callback: ` +
      `build ${mm.profile.build} holds that process's address-space lock during the callback`,
  );
}
