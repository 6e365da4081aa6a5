// One release's builtin system, resolved: its images (the root catalog with the release chain's
// changes applied, plus a DLL for every name its plans mention), each program's import table
// derived from its recorded static order, and its run-time loads. docs/profiles.md, "Catalogs".
import { CONTRACT_FUNCTIONS, contractHost, type ContractName } from './api-contracts.js';
import { isApiSetName } from '../ldr/dll-name.js';
import { autoDll } from './auto-dll.js';
import { CATALOG, exportNames } from './catalog.js';
import type { ProgramPlan, ReleaseDefinition, ReleaseId, RuntimeRule } from './release-types.js';
import type { CatalogImage, ImportEntry } from './types.js';

/** The images every process has before its EXE's imports are walked. */
const START_IMAGES = ['ntdll.dll', 'kernel32.dll', 'kernelbase.dll'];

export class ReleaseCatalog {
  readonly definition: ReleaseDefinition;
  readonly images: readonly CatalogImage[];
  /** Plans by program file name (lower case), the chain's latest. */
  readonly plans: ReadonlyMap<string, ProgramPlan>;
  /** The CLR's start in any managed program (by name); empty when the chain declares none. */
  readonly managedLoads: readonly string[];
  /**
   * Where the loader's walk over this release's import tables cannot give a plan's recorded order
   * (an import table of a DLL in between disagrees). Empty for every shipped release (a test checks).
   */
  readonly deviations: readonly string[];
  readonly #byName: ReadonlyMap<string, CatalogImage>;

  constructor(chain: readonly ReleaseDefinition[]) {
    const definition = chain[chain.length - 1]!;
    this.definition = definition;
    const byName = new Map<string, CatalogImage>();
    for (const image of CATALOG) byName.set(image.name.toLowerCase(), image);
    const plans = new Map<string, ProgramPlan>();
    let managedLoads: readonly string[] = [];
    for (const release of chain) {
      if (release.managedStart !== undefined) managedLoads = release.managedStart.loads;
      for (const name of release.remove ?? []) byName.delete(name.toLowerCase());
      for (const image of release.add ?? []) byName.set(image.name.toLowerCase(), image);
      for (const [name, imports] of Object.entries(release.dllImports ?? {})) {
        const image = byName.get(name.toLowerCase());
        if (image === undefined) throw new Error(`builtin catalog ${release.id}: import table for ${name}, which it does not have`);
        byName.set(name.toLowerCase(), { ...image, imports });
      }
      for (const [program, plan] of Object.entries(release.programs ?? {})) plans.set(program.toLowerCase(), plan);
    }
    this.managedLoads = managedLoads;
    for (const plan of [...plans.values(), { static: managedLoads }]) {
      for (const name of [...plan.static, ...('runtime' in plan ? (plan.runtime ?? []).flatMap((rule) => rule.loads) : [])]) {
        if (!byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), autoDll(name));
      }
    }
    this.#byName = byName;
    const deviations: string[] = [];
    for (const [program, plan] of plans) {
      const image = byName.get(program);
      if (image === undefined || image.kind !== 'exe') throw new Error(`builtin catalog ${definition.id}: a plan for ${program}, which is not one of its programs`);
      byName.set(program, { ...image, imports: this.#deriveImports(image, plan, deviations) });
    }
    this.#checkManaged(deviations);
    this.plans = plans;
    this.deviations = deviations;
    this.images = [...byName.values()];
  }

  image(name: string): CatalogImage | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /** The import table of `image` as buildPe takes it: dll → functions, in order. */
  importTable(image: CatalogImage): Record<string, string[]> {
    const table: Record<string, string[]> = {};
    for (const entry of image.imports ?? []) {
      const [dll, functions] = typeof entry === 'string' ? [entry, this.#defaultFunctions(image, entry)] : entry;
      // Real import tables name contracts as files: `api-ms-win-core-heap-l1-1-0.dll`.
      const key = isApiSetName(dll) ? `${dll}.dll` : dll;
      if (key in table) throw new Error(`builtin catalog: ${image.name} imports ${dll} twice`);
      table[key] = [...functions];
    }
    return table;
  }

  /** The DLLs `program` loads at run time with this command line (the first matching rule), by name. */
  runtimeLoads(program: string, commandLine: string): readonly string[] {
    const plan = this.plans.get(program.toLowerCase());
    const rule = plan?.runtime?.find((r) => matches(r, commandLine));
    return rule === undefined ? [] : rule.loads;
  }

  #defaultFunctions(importer: CatalogImage, dll: string): readonly string[] {
    const contract = CONTRACT_FUNCTIONS[dll.toLowerCase() as ContractName];
    if (contract !== undefined) return contract;
    const target = this.image(dll);
    if (target === undefined) throw new Error(`builtin catalog: ${importer.name} imports ${dll}, which is neither a catalog image nor a known contract`);
    const names = exportNames(target).slice(0, 2);
    if (names.length === 0) throw new Error(`builtin catalog: ${importer.name} imports ${dll}, which exports nothing`);
    return names;
  }

  /** The image an import names (a contract resolves to its host). */
  #target(dll: string): string | null {
    const lower = dll.toLowerCase();
    if (isApiSetName(lower)) return contractHost(lower);
    return this.#byName.has(lower) ? lower : null;
  }

  /** The loader's depth-first walk from `name` over images not yet `loaded` (SEMANTICS.md §5B). */
  #walk(name: string, loaded: Set<string>, order: string[]): void {
    if (loaded.has(name)) return;
    const image = this.#byName.get(name);
    if (image === undefined) return;
    loaded.add(name);
    order.push(name);
    for (const entry of image.imports ?? []) {
      const target = this.#target(typeof entry === 'string' ? entry : entry[0]);
      if (target !== null) this.#walk(target, loaded, order);
    }
  }

  /**
   * The EXE's import table for `plan`: each recorded static load not brought by an earlier one
   * becomes an import (keeping the functions the hand-written entry took from it), followed by
   * the entry's imports of images every process already has (KERNEL32.dll, ntdll.dll).
   */
  #deriveImports(program: CatalogImage, plan: ProgramPlan, deviations: string[]): ImportEntry[] {
    const loaded = new Set<string>([program.name.toLowerCase(), 'ntdll.dll']);
    this.#walk('kernel32.dll', loaded, []);
    const handWritten = new Map<string, ImportEntry>();
    const preloaded: ImportEntry[] = [];
    for (const entry of program.imports ?? []) {
      const target = this.#target(typeof entry === 'string' ? entry : entry[0]);
      if (target !== null && START_IMAGES.includes(target)) preloaded.push(entry);
      else if (target !== null && !handWritten.has(target)) handWritten.set(target, entry);
    }
    const wanted = plan.static.map((name) => name.toLowerCase());
    const imports: ImportEntry[] = [];
    let at = 0;
    while (at < wanted.length) {
      const name = wanted[at]!;
      if (loaded.has(name)) {
        deviations.push(`${this.definition.id} ${program.name}: ${name} (static load ${at + 1}) is already loaded`);
        at++;
        continue;
      }
      const order: string[] = [];
      this.#walk(name, loaded, order);
      const expected = wanted.slice(at, at + order.length);
      if (order.join(' ') !== expected.join(' ')) {
        deviations.push(`${this.definition.id} ${program.name}: importing ${name} loads ${order.join(', ')} where the recording has ${expected.join(', ')}`);
      }
      const image = this.#byName.get(name)!;
      const entry = handWritten.get(name);
      imports.push(entry !== undefined && typeof entry !== 'string' ? [image.name, entry[1]] : image.name);
      while (at < wanted.length && loaded.has(wanted[at]!)) at++;
    }
    this.#checkRuntime(program, plan, loaded, deviations);
    return [...imports, ...preloaded];
  }

  /** Deviations of the CLR's start: a managed EXE maps mscoree (which brings kernel32) and then makes these loads. */
  #checkManaged(deviations: string[]): void {
    if (this.managedLoads.length === 0) return;
    const loaded = new Set<string>(['ntdll.dll']);
    this.#walk('mscoree.dll', loaded, []);
    const wanted = this.managedLoads.map((name) => name.toLowerCase()).filter((name) => !loaded.has(name));
    const order: string[] = [];
    for (const name of wanted) this.#walk(name, loaded, order);
    if (order.join(' ') !== wanted.join(' ')) deviations.push(`${this.definition.id} managed start: the walk gives ${order.join(', ')}`);
  }

  /** Deviations of the run-time loads: each rule on top of the static closure. */
  #checkRuntime(program: CatalogImage, plan: ProgramPlan, afterStatic: ReadonlySet<string>, deviations: string[]): void {
    for (const rule of plan.runtime ?? []) {
      const loaded = new Set(afterStatic);
      const wanted = rule.loads.map((name) => name.toLowerCase()).filter((name) => !afterStatic.has(name));
      const order: string[] = [];
      for (const name of wanted) this.#walk(name, loaded, order);
      if (order.join(' ') !== wanted.join(' ')) {
        deviations.push(`${this.definition.id} ${program.name} run-time loads${rule.when === undefined ? '' : ` (${rule.when})`}: the walk gives ${order.join(', ')}`);
      }
    }
  }
}

/** Each rule's `when`, compiled once (the rules are immutable data). */
const compiled = new WeakMap<RuntimeRule, RegExp>();

function matches(rule: RuntimeRule, commandLine: string): boolean {
  if (rule.when === undefined) return true;
  let pattern = compiled.get(rule);
  if (pattern === undefined) compiled.set(rule, (pattern = new RegExp(rule.when, 'i')));
  return pattern.test(commandLine);
}

export type { ReleaseId };
