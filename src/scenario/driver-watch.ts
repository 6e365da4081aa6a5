// What a watchdog needs to know while a run goes on: whether driver code is
// running now (a module's top-level code, DriverEntry, DriverUnload, a notify
// routine, an end-of-run report) and what it is, so that code that never
// returns can be stopped and named (src/cli/watchdog.ts).
import type { HostedDriver } from '../index.js';
export interface DriverWatch {
  /** Something starts: driver code (`driver` true) or kernel work that may call driver code. */
  enter(what: string, driver: boolean): void;
  /** The innermost thing entered is now `what` (the next routine of one dispatch). */
  switchTo(what: string): void;
  /** The innermost thing entered has returned. */
  leave(): void;
}

export const NO_WATCH: DriverWatch = { enter() {}, switchTo() {}, leave() {} };

/** Runs `body` as driver code described by `what`. */
export function watched<T>(watch: DriverWatch, what: string, body: () => T): T {
  watch.enter(what, true);
  try {
    return body();
  } finally {
    watch.leave();
  }
}

/**
 * The driver with its entry points watched: DriverEntry, the DriverUnload it
 * sets, and its end-of-run report each tell `watch` while they run.
 */
export function watchDriver(driver: HostedDriver, fileName: string, watch: DriverWatch): HostedDriver {
  if (watch === NO_WATCH) return driver;
  const finish = driver.finish;
  return {
    ...driver,
    DriverEntry(driverObject, registryPath) {
      const status = watched(watch, `${fileName}: DriverEntry`, () => driver.DriverEntry(driverObject, registryPath));
      const unload = driverObject.DriverUnload;
      if (typeof unload === 'function') {
        driverObject.DriverUnload = (object) => watched(watch, `${fileName}: DriverUnload`, () => unload(object));
      }
      return status;
    },
    ...(finish ? { finish: () => watched(watch, `${fileName}: its end-of-run report (finish)`, () => finish.call(driver)) } : {}),
  };
}
