// Loading a user's driver module (.ts or .js) from a scenario. TypeScript goes
// through tsx; `import ... from 'psnotify'` resolves to this very package, so
// the driver talks to the kernel the scenario runs, wherever the file lives.
import { register } from 'node:module';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Driver, Kernel } from '../index.js';
import type { DriverOutput, ExampleDriver } from '../../drivers/example-driver.js';

let hooksInstalled = false;

async function installHooks(): Promise<void> {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered last, so it runs first: 'psnotify' → this package's root module.
  // From source (run through tsx) the modules are .ts; built, they are .js.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  register(new URL(`./psnotify-resolve${ext}`, import.meta.url), { data: { root: new URL(`../../index${ext}`, import.meta.url).href } });
}

function isDriver(value: unknown): value is Driver {
  return value !== null && typeof value === 'object' && typeof (value as Driver).DriverEntry === 'function';
}

/** Imports `file` and makes its driver: `create(kernel, output)`, a `DriverEntry` export, or a default Driver. */
export async function loadUserDriver(file: string, kernel: Kernel, output: DriverOutput): Promise<ExampleDriver> {
  if (!['.ts', '.mts', '.js', '.mjs'].includes(extname(file))) {
    throw new Error(`${file}: a driver module must be a .ts, .mts, .js or .mjs file`);
  }
  await installHooks();
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  if (typeof module.create === 'function') return (module.create as (k: Kernel, o: DriverOutput) => ExampleDriver)(kernel, output);
  if (typeof module.DriverEntry === 'function') {
    return { DriverEntry: module.DriverEntry as Driver['DriverEntry'], ...(Array.isArray(module.imports) ? { imports: module.imports as string[] } : {}) };
  }
  if (isDriver(module.default)) return module.default;
  throw new Error(`${basename(file)} exports no driver: export DriverEntry(driverObject, registryPath), a default { DriverEntry }, or create(kernel, output)`);
}
