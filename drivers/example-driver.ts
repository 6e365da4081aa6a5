// What every example driver module in drivers/ exports, so the command line
// can load them by name — exactly the shape a user's own module may have.
import type { DriverOutput, HostedDriver, Kernel } from 'psnotify';

export type { DriverOutput } from 'psnotify';
export type ExampleDriver = HostedDriver;

/** The module shape of drivers/<name>.ts. */
export interface ExampleDriverModule {
  /** One line: the real product pattern the driver shows. */
  readonly description: string;
  /** The file name the driver is loaded as (`sysmon.sys`). */
  readonly fileName: string;
  create(kernel: Kernel, output: DriverOutput, options?: Record<string, unknown>): HostedDriver;
}
