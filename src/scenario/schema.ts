// The scenario file format (docs/scenarios.md): a machine, drivers, and steps.
// Objects are strict: a key the format does not know is an error, never ignored.
import { z } from 'zod';

export const EXAMPLE_DRIVERS = ['sysmon', 'inventory', 'injector', 'policy', 'leaky'] as const;

const path = z.string().min(1, 'expected a non-empty path');
const processName = z.string().min(1, 'expected a process name (its "as" name or its EXE name)');
const status = z.union([z.number().int().nonnegative().max(0xffffffff, 'expected a 32-bit NTSTATUS'), z.string().regex(/^(STATUS_[A-Z0-9_]+|0x[0-9a-fA-F]{1,8})$/, 'expected STATUS_NAME or 0xHEX')]);

const exampleDriver = z.enum(EXAMPLE_DRIVERS, {
  error: (issue) => `unknown driver ${JSON.stringify(issue.input)}: the example drivers are ${EXAMPLE_DRIVERS.join(', ')}; your own is { module: ./file.ts }`,
});

export const driverRefSchema = z.union([
  exampleDriver,
  z.strictObject({
    /** A .ts or .js module exporting DriverEntry (or default { DriverEntry }, or create(kernel, output)), relative to the scenario. */
    module: path,
    /** Where its image goes on C: (default C:\Windows\System32\drivers\<module name>.sys). */
    as: path.optional(),
  }),
  z.strictObject({ example: exampleDriver }),
]);

const peSpec = z.strictObject({
  machine: z.union([z.enum(['amd64', 'x86', 'arm64', 'armnt']), z.number().int().min(0).max(0xffff, 'expected a 16-bit IMAGE_FILE_MACHINE value')]),
  dll: z.boolean().optional(),
  driver: z.boolean().optional(),
  code: z.boolean().optional(),
  subsystem: z.number().int().min(0).max(0xffff, 'expected a 16-bit subsystem').optional(),
  sizeOfImage: z.number().int().positive().max(0xffffffff, 'expected a 32-bit SizeOfImage').optional(),
  imports: z.record(z.string(), z.array(z.union([z.string(), z.number().int().min(0).max(0xffff, 'expected a 16-bit ordinal')]))).optional(),
  delayImports: z.record(z.string(), z.array(z.union([z.string(), z.number().int().min(0).max(0xffff, 'expected a 16-bit ordinal')]))).optional(),
  exports: z.array(z.union([z.string(), z.strictObject({ name: z.string(), forwarder: z.string().optional() })])).optional(),
  versionInfo: z.record(z.string(), z.string()).optional(),
});

const label = z.strictObject({
  signingLevel: z.number().int().min(0).max(15).optional(),
  signatureType: z.number().int().min(0).max(7).optional(),
});

const imageFields = {
  MachineTypeMismatch: z.union([z.literal(0), z.literal(1)]).optional(),
  SystemModeImage: z.union([z.literal(0), z.literal(1)]).optional(),
  ImagePartialMap: z.union([z.literal(0), z.literal(1)]).optional(),
  ExtendedInfoPresent: z.union([z.literal(0), z.literal(1)]).optional(),
  ImageSignatureLevel: z.number().int().min(0).max(15).optional(),
  ImageSignatureType: z.number().int().min(0).max(7).optional(),
  ImageSize: z.number().int().positive().max(0xffffffff, 'expected a 32-bit ImageSize').optional(),
  Properties: z.number().int().nonnegative().max(0xffffffff, 'expected a 32-bit Properties value').optional(),
};

/** Each step: a one-key object naming the step. */
export const stepSchemas = {
  createProcess: z.strictObject({
    path,
    suspended: z.boolean().optional(),
    as: z.string().min(1).optional(),
    parent: processName.optional(),
    /** The command line the process is started with (default `"<path>" `); drivers and Sysmon records see it. */
    commandLine: z.string().optional(),
    /** false: the static import closure only, not the program's run-time loads (docs/loader.md). */
    runtimeLoads: z.boolean().optional(),
  }),
  resume: z.strictObject({ process: processName }),
  loadLibrary: z.strictObject({ process: processName, path }),
  mapImage: z.strictObject({
    process: processName,
    path,
    noExecute: z.boolean().optional(),
    readOnly: z.boolean().optional(),
    viewSize: z.number({ error: 'expected a positive integer' }).int('expected a positive integer').positive('expected a positive integer').optional(),
  }),
  unmapImage: z.strictObject({ process: processName, path }),
  terminate: z.strictObject({ process: processName }),
  loadDriver: z.union([z.strictObject({ path }), z.strictObject({ driver: driverRefSchema })]),
  unloadDriver: z.union([z.strictObject({ path }), z.strictObject({ driver: exampleDriver })]),
  writeFile: z.union([
    z.strictObject({ path, from: path, label: label.optional() }),
    z.strictObject({ path, pe: peSpec, label: label.optional() }),
  ]),
  expect: z
    .strictObject({
      /** Filters for count/fields: the image's short name and the process. */
      image: z.string().min(1).optional(),
      process: processName.optional(),
      count: z.number().int().nonnegative().optional(),
      /** The first notifications of `process`, by short name, in order. */
      order: z.array(z.string().min(1)).min(1).optional(),
      fields: z.strictObject(imageFields).optional(),
      bugCheck: z.number().int().nonnegative().max(0xffffffff, 'expected a 32-bit bug-check code').optional(),
      /** A Sigma rule (id or title) of the run's rules: with `count`, how many times it matched so far (default: at least once). */
      rule: z.string().min(1).optional(),
      status: status.optional(),
    })
    .refine((e) => e.count !== undefined || e.order !== undefined || e.fields !== undefined || e.bugCheck !== undefined || e.status !== undefined || e.rule !== undefined, {
      message: 'expect needs at least one of count, order, fields, bugCheck, status, rule',
    }),
} as const;

export type StepName = keyof typeof stepSchemas;
export const STEP_NAMES = Object.keys(stepSchemas) as StepName[];

export const scenarioHeaderSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  machine: z.enum(['amd64', 'arm64', 'x86']).optional(),
  build: z.number().int().min(7601, 'expected a Windows build number from 7601 on').optional(),
  system: z.union([z.enum(['builtin', 'none']), z.strictObject({ root: path })]).optional(),
  seed: z.number().int().optional(),
  verifier: z.boolean().optional(),
  drivers: z.array(driverRefSchema).optional(),
  /** Sigma rules (files or folders of .yml, relative to the scenario) evaluated on the run's Sysmon records. */
  rules: z.array(path).optional(),
  steps: z.array(z.unknown()),
});

export type DriverRef = z.infer<typeof driverRefSchema>;
export type ScenarioHeader = z.infer<typeof scenarioHeaderSchema>;
export type Step = { [K in StepName]: { kind: K; args: z.infer<(typeof stepSchemas)[K]> } }[StepName];
export interface Scenario extends Omit<ScenarioHeader, 'steps'> {
  steps: Step[];
}

/** The whole format as one schema, for the published JSON Schema. */
export function documentSchema() {
  const step = z.union(STEP_NAMES.map((name) => z.strictObject({ [name]: stepSchemas[name] })) as unknown as [z.ZodType, z.ZodType]);
  return scenarioHeaderSchema.extend({ steps: z.array(step) });
}
