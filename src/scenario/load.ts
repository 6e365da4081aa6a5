// Reading a scenario file: YAML or JSON, every error at once with its path.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { scenarioHeaderSchema, STEP_NAMES, stepSchemas, type Scenario, type Step, type StepName } from './schema.js';

/** A scenario that cannot run: every problem found, each with its place in the file. */
export class ScenarioError extends Error {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? String(part) : `.${String(part)}`;
  return text;
}

function issues(prefix: readonly PropertyKey[], error: z.ZodError): string[] {
  const out: string[] = [];
  for (const issue of error.issues) {
    const where = pathText([...prefix, ...issue.path]) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${pathText([...prefix, ...issue.path, key])}: unknown key`);
    } else if (issue.code === 'invalid_union' && 'errors' in issue) {
      // Report the branch that got furthest: the one with the fewest problems.
      const branches = (issue.errors as z.core.$ZodIssue[][]).map((branch) => branch);
      const best = branches.sort((a, b) => a.length - b.length)[0];
      if (best && best.length > 0 && !best.every((i) => i.code === 'invalid_type' && i.path.length === 0)) {
        for (const inner of best) {
          const innerWhere = pathText([...prefix, ...issue.path, ...inner.path]);
          out.push(inner.code === 'unrecognized_keys' ? `${innerWhere}.${inner.keys.join(', ')}: unknown key` : `${innerWhere}: ${inner.message}`);
        }
      } else out.push(`${where}: ${issue.message}`);
    } else out.push(`${where}: ${issue.message}`);
  }
  return out;
}

/** Validates a parsed document. */
export function validateScenario(document: unknown, file: string): Scenario {
  const problems: string[] = [];
  const header = scenarioHeaderSchema.safeParse(document);
  if (!header.success) problems.push(...issues([], header.error));
  const rawSteps = Array.isArray((document as { steps?: unknown })?.steps) ? ((document as { steps: unknown[] }).steps) : [];
  const steps: Step[] = [];
  rawSteps.forEach((raw, index) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`steps[${index}]: expected an object with one key, one of ${STEP_NAMES.join(', ')}`);
      return;
    }
    const keys = Object.keys(raw);
    if (keys.length !== 1 || !STEP_NAMES.includes(keys[0] as StepName)) {
      problems.push(`steps[${index}]: expected exactly one of ${STEP_NAMES.join(', ')}, got ${keys.length ? keys.join(', ') : 'an empty object'}`);
      return;
    }
    const kind = keys[0] as StepName;
    const parsed = stepSchemas[kind].safeParse((raw as Record<string, unknown>)[kind]);
    if (!parsed.success) problems.push(...issues(['steps', index, kind], parsed.error));
    else steps.push({ kind, args: parsed.data } as Step);
  });
  if (problems.length > 0) throw new ScenarioError(file, problems);
  const { steps: _ignored, ...rest } = header.data!;
  return { ...rest, steps };
}

/** Reads and validates a scenario file (.yaml, .yml or .json). */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(file, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ScenarioError(file, document.errors.map((e) => `${e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : ''}${e.message.split('\n')[0]}`));
  }
  const scenario = validateScenario(document.toJS(), file);
  checkHostFiles(scenario, dirname(resolve(file)), file);
  return scenario;
}

/** Host files the scenario names (driver modules, writeFile sources) must exist before anything runs. */
export function checkHostFiles(scenario: Scenario, baseDirectory: string, file: string): void {
  const problems: string[] = [];
  const exists = (path: string) => existsSync(isAbsolute(path) ? path : resolve(baseDirectory, path));
  (scenario.drivers ?? []).forEach((ref, i) => {
    if (typeof ref === 'object' && 'module' in ref && !exists(ref.module)) problems.push(`drivers[${i}].module: ${ref.module} does not exist (relative to ${baseDirectory})`);
  });
  scenario.steps.forEach((step, i) => {
    if (step.kind === 'writeFile' && 'from' in step.args && !exists(step.args.from)) {
      problems.push(`steps[${i}].writeFile.from: ${step.args.from} does not exist (relative to ${baseDirectory})`);
    }
    if (step.kind === 'loadDriver' && 'driver' in step.args && typeof step.args.driver === 'object' && 'module' in step.args.driver && !exists(step.args.driver.module)) {
      problems.push(`steps[${i}].loadDriver.driver.module: ${step.args.driver.module} does not exist (relative to ${baseDirectory})`);
    }
  });
  if (problems.length > 0) throw new ScenarioError(file, problems);
}
