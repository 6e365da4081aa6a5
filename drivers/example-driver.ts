// What every example driver module in drivers/ exports, so the CLI and
// scenarios can load them by name.
import type { Driver, Kernel } from '../src/index.js';

/** Where an example driver's output goes: the CLI prints it, tests collect it. */
export interface DriverOutput {
  /** A structured record (e.g. a Sysmon event), written as one JSON line with --sysmon/--json. */
  event(record: Record<string, unknown>): void;
  /** A human-readable line (warnings, findings). */
  log(line: string): void;
}

/** A loaded example driver: the Driver to hand to kernel.loadDriver, and an optional end-of-run report. */
export interface ExampleDriver extends Driver {
  /** Lines to print when the scenario ends (e.g. the inventory's module lists). */
  finish?(): string[];
}

/** The module shape of drivers/<name>.ts. */
export interface ExampleDriverModule {
  /** One line: the real product pattern the driver shows. */
  readonly description: string;
  /** The file name the driver is loaded as (`sysmon.sys`). */
  readonly fileName: string;
  create(kernel: Kernel, output: DriverOutput): ExampleDriver;
}
