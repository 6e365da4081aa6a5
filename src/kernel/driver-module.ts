// The shape of a driver module that the psnotify command loads (an example in
// drivers/ or a user's own file): what it exports, and where its output goes.
import type { Driver } from '../io/driver-record.js';
import type { LoadImageNotifyRoutine } from '../ps/notify/routine.js';
import type { Kernel } from './kernel.js';

/** Where a driver's output goes: the CLI prints it, tests collect it. */
export interface DriverOutput {
  /** A structured record (e.g. a Sysmon event), written as one JSON line with --sysmon/--json. */
  event(record: Record<string, unknown>): void;
  /** A human-readable line (warnings, findings). */
  log(line: string): void;
}

/** A driver made by a module's `create`: the Driver to load, and an optional end-of-run report. */
export interface HostedDriver extends Driver {
  /** Lines to print when the run ends (e.g. the inventory's module lists). */
  finish?(): string[];
}

/**
 * A driver module: `create(kernel, output, options?)` (the examples' form),
 * or a `DriverEntry` export, or a default `{ DriverEntry }`.
 */
export interface DriverModule {
  /** One line: the real product pattern the driver shows. */
  readonly description?: string;
  /** The file name the driver is loaded as (`sysmon.sys`); default: the module's name with `.sys`. */
  readonly fileName?: string;
  create?(kernel: Kernel, output: DriverOutput, options?: Record<string, unknown>): HostedDriver;
  /**
   * A sensor's routine on its own, for output modes that observe the run
   * without loading a driver into the machine (`--sysmon` calls the sysmon
   * example's from its dispatch tracer).
   */
  recorder?(kernel: Kernel, output: DriverOutput, options?: Record<string, unknown>): LoadImageNotifyRoutine;
  DriverEntry?: Driver['DriverEntry'];
  imports?: readonly string[];
  default?: unknown;
}
