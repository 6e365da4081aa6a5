// DRIVER_OBJECT as drivers see it, and the kernel's record of one loaded driver.
import type { DriverCode } from '../ke/context.js';

/** DRIVER_OBJECT, as far as this subsystem needs it. */
export interface DriverObject {
  /** `\Driver\<file name without .sys>`. */
  readonly DriverName: string;
  /** Set by DriverEntry; a driver without one cannot be unloaded. */
  DriverUnload: ((driverObject: DriverObject) => void) | null;
  /** Base and size of the driver's image in system space. */
  readonly DriverStart: bigint;
  readonly DriverSize: number;
}

/** The code of a driver: what `kernel.loadDriver(path, driver)` runs. */
export interface Driver {
  DriverEntry(driverObject: DriverObject, registryPath: string): number;
  /**
   * The ntoskrnl routines the driver imports, if it wants them checked the way
   * the loader checks an import table: before the image is mapped or reported.
   * Without it, a routine the build lacks is found when DriverEntry calls it.
   */
  imports?: readonly string[];
}

/** The kernel's bookkeeping for one driver image, loaded or since unloaded. */
export class DriverRecord implements DriverCode {
  /** File name as loaded, e.g. `leaky.sys`: what bug checks name. */
  readonly fileName: string;
  readonly object: DriverObject;
  readonly imageBase: bigint;
  readonly imageSize: number;
  /** True once the image is freed: its routines now point into freed memory. */
  unloaded = false;
  /** Synthetic code addresses of the routines it registered, stable per routine. */
  readonly routineAddresses = new Map<unknown, bigint>();

  constructor(fileName: string, object: DriverObject, imageBase: bigint, imageSize: number) {
    this.fileName = fileName;
    this.object = object;
    this.imageBase = imageBase;
    this.imageSize = imageSize;
  }

  /** Where `routine` lives inside this driver's image (synthetic but stable). */
  addressOf(routine: unknown): bigint {
    let address = this.routineAddresses.get(routine);
    if (address === undefined) {
      // Routines sit in the image's first code page, 16 bytes apart, in registration order.
      address = this.imageBase + 0x1000n + BigInt(this.routineAddresses.size * 0x10);
      this.routineAddresses.set(routine, address);
    }
    return address;
  }
}
