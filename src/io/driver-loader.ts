// ZwLoadDriver / ZwUnloadDriver (SEMANTICS.md §5C, §7): load the image and its
// imports, report it, run DriverEntry; unload runs DriverUnload and frees the
// image without checking anything, exactly as Windows.
import { baseName } from '../fs/path.js';
import type { SystemVolume, VolumeFile } from '../fs/volume.js';
import { exceptionBugCheck, staleRoutineBugCheck } from '../ke/bugcheck.js';
import type { ContextProcess, KernelContext } from '../ke/context.js';
import type { MachineState } from '../ke/machine-state.js';
import { exportsRoutine, type BuildProfile } from '../ke/profile.js';
import { isKernelStop, UnresolvedImport } from '../ke/stops.js';
import type { SystemImages, SystemModule } from '../mm/system-image.js';
import type { ImageNotifier } from '../ps/notify/dispatcher.js';
import {
  NT_SUCCESS,
  NtStatusError,
  STATUS_IMAGE_ALREADY_LOADED,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_PROCEDURE_NOT_FOUND,
  STATUS_SUCCESS,
} from '../nt/status.js';
import { type Driver, type DriverObject, DriverRecord } from './driver-record.js';

interface LoadedDriver {
  record: DriverRecord;
  module: SystemModule;
}

/** A driver file with no model code: loads, registers nothing, unloads cleanly. */
const quietDriver: Driver = {
  DriverEntry(driverObject) {
    driverObject.DriverUnload = () => {};
    return STATUS_SUCCESS;
  },
};

/** What loading and unloading drivers needs from the kernel. */
export interface DriverLoaderOptions {
  profile: BuildProfile;
  volume: SystemVolume;
  machine: MachineState;
  context: KernelContext;
  systemImages: SystemImages;
  /** For the registrations a failed load undoes, and Driver Verifier's unload check. */
  notifier: ImageNotifier;
  /** Where DriverEntry and DriverUnload run. */
  systemProcess: ContextProcess;
  /** Driver Verifier on? (read at each unload: it can be switched at any time) */
  verifier: () => boolean;
}

export class DriverLoader {
  readonly #o: DriverLoaderOptions;
  /** Loaded drivers by folded volume path. */
  readonly #loaded = new Map<string, LoadedDriver>();

  constructor(options: DriverLoaderOptions) {
    this.#o = options;
  }

  /** Drivers now loaded, in load order. */
  get loaded(): DriverRecord[] {
    return [...this.#loaded.values()].map((d) => d.record);
  }

  load(path: string, driver: Driver = quietDriver): number {
    if (driver === null || typeof driver !== 'object' || typeof driver.DriverEntry !== 'function') {
      throw new TypeError(`loadDriver(${path}): driver must be an object with a DriverEntry function`);
    }
    const { profile, volume, context, machine, systemImages, notifier, systemProcess } = this.#o;
    const file = volume.open(path);
    const key = file.key;
    // A second load reports nothing (§5C).
    if (this.#loaded.has(key)) {
      throw new NtStatusError(STATUS_IMAGE_ALREADY_LOADED, `${file.dosPath} is already loaded`);
    }
    // Declared imports are resolved like an import table: before anything is mapped (§9).
    const missing = driver.imports?.find((name) => !exportsRoutine(profile, name));
    if (missing !== undefined) {
      throw new NtStatusError(STATUS_PROCEDURE_NOT_FOUND, `${file.name} imports ${missing}, which build ${profile.build} does not export`);
    }
    const module = systemImages.load(file);
    const serviceName = file.name.replace(/\.sys$/i, '');
    const object: DriverObject = {
      DriverName: `\\Driver\\${serviceName}`,
      DriverUnload: null,
      DriverStart: module.base,
      DriverSize: module.size,
    };
    const record = new DriverRecord(file.name, object, module.base, module.size);
    const registryPath = `\\Registry\\Machine\\System\\CurrentControlSet\\Services\\${serviceName}`;
    let status: unknown;
    try {
      status = context.runAsDriver(record, systemProcess, () => driver.DriverEntry(object, registryPath));
    } catch (error) {
      if (error instanceof UnresolvedImport) {
        // A model driver has no import table: the import shows up when called.
        // The real loader would have refused the image before DriverEntry ran,
        // so undo what this DriverEntry did and fail as the loader does.
        notifier.forgetRegistrationsOf(record);
        this.#free(record, module);
        throw new NtStatusError(STATUS_PROCEDURE_NOT_FOUND, `${file.name} imports ${error.routine}, which build ${profile.build} does not export`);
      }
      if (isKernelStop(error)) throw error;
      machine.stop(exceptionBugCheck(record.fileName, module.base + BigInt(module.section.image.addressOfEntryPoint), error, 'DriverEntry'));
    }
    if (typeof status !== 'number' || !Number.isInteger(status)) {
      this.#free(record, module);
      throw new TypeError(`${file.name}: DriverEntry returned ${String(status)}; it must return an NTSTATUS number`);
    }
    if (!NT_SUCCESS(status)) {
      // The image goes without DriverUnload; its routines stay registered (§5C, §7).
      this.#free(record, module);
      throw new NtStatusError(status, `${file.name}: DriverEntry failed`);
    }
    this.#loaded.set(key, { record, module });
    return status >>> 0;
  }

  unload(path: string): number {
    const { context, machine, notifier, systemProcess } = this.#o;
    const file = this.#findLoadedFile(path);
    const entry = this.#loaded.get(file.key)!;
    const { record, module } = entry;
    const unload = record.object.DriverUnload;
    if (typeof unload !== 'function') {
      throw new NtStatusError(STATUS_INVALID_DEVICE_REQUEST, `${record.fileName} set no DriverUnload, so it cannot be unloaded`);
    }
    try {
      context.runAsDriver(record, systemProcess, () => unload(record.object));
    } catch (error) {
      if (isKernelStop(error)) throw error;
      machine.stop(exceptionBugCheck(record.fileName, record.addressOf(unload), error, 'DriverUnload'));
    }
    if (this.#o.verifier()) {
      // Driver Verifier: routines left registered at unload stop the machine now.
      const left = notifier.leftBy(record);
      if (left) machine.stop(staleRoutineBugCheck(left.address, record.fileName, 0n, 'still registered when the driver unloaded (Driver Verifier)'));
    }
    this.#loaded.delete(file.key);
    this.#free(record, module);
    return STATUS_SUCCESS;
  }

  #findLoadedFile(path: string): VolumeFile {
    const parsed = this.#o.volume.parse(path);
    const loaded = this.#loaded.get(parsed.key);
    if (!loaded) {
      throw new NtStatusError(STATUS_OBJECT_NAME_NOT_FOUND, `${path}: no driver of that path (${baseName(path)}) is loaded`);
    }
    return loaded.module.file;
  }

  #free(record: DriverRecord, module: SystemModule): void {
    record.unloaded = true;
    this.#o.systemImages.dereference(module);
  }
}
