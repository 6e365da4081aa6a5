// The example drivers by name.
import type { ExampleDriverModule } from './example-driver.js';
import * as injector from './injector.js';
import * as inventory from './inventory.js';
import * as leaky from './leaky.js';
import * as policy from './policy.js';
import * as sysmon from './sysmon.js';

export const exampleDrivers: Readonly<Record<string, ExampleDriverModule>> = { sysmon, inventory, injector, policy, leaky };

export type { DriverOutput, ExampleDriver, ExampleDriverModule } from './example-driver.js';
