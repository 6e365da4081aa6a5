// Reading a scenario file: YAML or JSON, every error at once with its path.
import { existsSync } from 'node:fs';
import { NtStatusError, readFileBounded } from '../index.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkSteps } from './semantics.js';
import { scenarioHeaderSchema, STEP_NAMES, stepSchemas, type Scenario, type Step, type StepName } from './schema.js';

/** The largest scenario file read: far beyond any hand-written one, small enough to parse at once. */
export const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

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

type Issue = z.core.$ZodIssue;

/** How badly a union branch missed: a wrong type at its root means the wrong branch; a value outside an enum nearly so. */
function missScore(branch: Issue[]): number {
  let score = branch.length;
  for (const issue of branch) {
    if (issue.path.length === 0 && issue.code === 'invalid_type') score += 100;
    if (issue.path.length === 0 && issue.code === 'invalid_value') score += 50;
  }
  return score;
}

/** Each issue as `path: message`; for a union, the issues of the branch that came closest. */
function issueLines(prefix: readonly PropertyKey[], list: readonly Issue[]): string[] {
  const out: string[] = [];
  for (const issue of list) {
    const path = [...prefix, ...issue.path];
    const where = pathText(path) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${pathText([...path, key])}: unknown key`);
    } else if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
      const branches = [...issue.errors].sort((x, y) => missScore(x) - missScore(y));
      const best = branches[0]!;
      if (missScore(best) >= 100 && best.every((i) => i.code === 'invalid_type' && i.path.length === 0)) {
        const expected = [...new Set(issue.errors.flat().map((i) => (i.code === 'invalid_type' ? i.expected : null)).filter(Boolean))];
        out.push(`${where}: expected ${expected.join(' or ')}`);
      } else out.push(...issueLines(path, best));
    } else if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
      out.push(`${where}: missing (expected ${issue.expected})`);
    } else out.push(`${where}: ${issue.message}`);
  }
  return out;
}

function issues(prefix: readonly PropertyKey[], error: z.ZodError): string[] {
  return issueLines(prefix, error.issues);
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
  if (problems.length === 0) problems.push(...checkSteps(steps));
  if (problems.length > 0) throw new ScenarioError(file, problems);
  const { steps: _ignored, ...rest } = header.data!;
  return { ...rest, steps };
}

function parseYaml(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ScenarioError(file, document.errors.map((e) => {
      const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return `${e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : ''}${message}`;
    }));
  }
  return document.toJS();
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // JSON.parse (Node 20) rarely says where; the YAML parser, reading the same text, does.
    const where = parseDocument(text).errors[0]?.linePos?.[0];
    const message = (error as Error).message.split('\n')[0]!;
    throw new ScenarioError(file, [`${where ? `line ${where.line}, column ${where.col}: ` : ''}JSON syntax: ${message}`]);
  }
}

/** Reads and validates a scenario file (.yaml, .yml or .json). */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = new TextDecoder().decode(readFileBounded(file, MAX_SCENARIO_BYTES, 'scenario file'));
  } catch (error) {
    if (!(error instanceof NtStatusError)) throw error;
    throw new ScenarioError(file, [`cannot read the file: ${error.message}`]);
  }
  const scenario = validateScenario(/\.json$/i.test(file) ? parseJson(text, file) : parseYaml(text, file), file);
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
