// Loading a driver module — one of the examples in drivers/, or a user's own
// .ts/.mts/.js/.mjs file — exactly the same way: TypeScript goes through tsx,
// and `import ... from 'psnotify'` resolves to this very package, so the
// driver talks to the kernel the scenario runs, wherever the file lives. The
// examples are found beside this package's code, never imported statically:
// the library does not depend on them (docs/architecture.md).
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { basename, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Driver, DriverModule, DriverOutput, HostedDriver, Kernel, LoadImageNotifyRoutine } from '../index.js';
import { EXAMPLE_DRIVERS } from './schema.js';

/** Built, modules are .js; run from source (through tsx), .ts. */
const moduleExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

let hooksInstalled = false;

async function installHooks(): Promise<void> {
  if (hooksInstalled) return;
  hooksInstalled = true; // module hooks are per Node process, like the modules they resolve
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered last, so it runs first: 'psnotify' → this package's root module.
  register(new URL(`./psnotify-resolve${moduleExtension}`, import.meta.url), {
    data: { root: new URL(`../../index${moduleExtension}`, import.meta.url).href },
  });
}

function isDriver(value: unknown): value is Driver {
  return value !== null && typeof value === 'object' && typeof (value as Driver).DriverEntry === 'function';
}

/** The file of example driver `name`. */
export function exampleDriverFile(name: string): string {
  if (!(EXAMPLE_DRIVERS as readonly string[]).includes(name)) {
    throw new Error(`unknown example driver ${JSON.stringify(name)}; known: ${EXAMPLE_DRIVERS.join(', ')}`);
  }
  const file = fileURLToPath(new URL(`../../drivers/${name}${moduleExtension}`, import.meta.url));
  if (!existsSync(file)) throw new Error(`example driver ${name}: ${file} is missing from this installation`);
  return file;
}

export interface LoadedModule {
  driver: HostedDriver;
  /** The .sys name the module asks for (its `fileName` export), or its own name with .sys. */
  fileName: string;
}

/**
 * Imports `file` and makes its driver: `create(kernel, output, options)`, a
 * `DriverEntry` export, or a default Driver.
 */
export async function loadDriverModule(file: string, kernel: Kernel, output: DriverOutput, options: Record<string, unknown> = {}): Promise<LoadedModule> {
  if (!['.ts', '.mts', '.js', '.mjs'].includes(extname(file))) {
    throw new Error(`${file}: a driver module must be a .ts, .mts, .js or .mjs file`);
  }
  await installHooks();
  const module = (await import(pathToFileURL(file).href)) as DriverModule;
  const fileName = typeof module.fileName === 'string' ? module.fileName : `${basename(file, extname(file))}.sys`;
  if (typeof module.create === 'function') return { driver: module.create(kernel, output, options), fileName };
  if (typeof module.DriverEntry === 'function') {
    return { driver: { DriverEntry: module.DriverEntry, ...(Array.isArray(module.imports) ? { imports: module.imports } : {}) }, fileName };
  }
  if (isDriver(module.default)) return { driver: module.default, fileName };
  throw new Error(`${basename(file)} exports no driver: export DriverEntry(driverObject, registryPath), a default { DriverEntry }, or create(kernel, output)`);
}

/** The `recorder` of a driver module: its routine, to call without loading the driver. */
export async function loadRecorder(file: string, kernel: Kernel, output: DriverOutput, options: Record<string, unknown> = {}): Promise<LoadImageNotifyRoutine> {
  await installHooks();
  const module = (await import(pathToFileURL(file).href)) as DriverModule;
  if (typeof module.recorder !== 'function') throw new Error(`${basename(file)} exports no recorder(kernel, output, options)`);
  return module.recorder(kernel, output, options);
}
