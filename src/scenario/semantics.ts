// Checks a valid-looking scenario for what its schema cannot see, before
// anything runs: every `pe:` spec must build, and an `as` name is bound once.
import { buildPe, IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_ARMNT, IMAGE_FILE_MACHINE_I386, type PeBuildSpec } from '../index.js';
import type { Step } from './schema.js';

export const PE_MACHINES: Readonly<Record<string, number>> = {
  amd64: IMAGE_FILE_MACHINE_AMD64,
  x86: IMAGE_FILE_MACHINE_I386,
  arm64: IMAGE_FILE_MACHINE_ARM64,
  armnt: IMAGE_FILE_MACHINE_ARMNT,
};

type PeStepSpec = Extract<Step, { kind: 'writeFile' }>['args'] extends infer A ? (A extends { pe: infer P } ? P : never) : never;

/** The buildPe spec of a scenario's `pe:` (machine names resolved). */
export function peBuildSpec(pe: PeStepSpec): PeBuildSpec {
  return { ...pe, machine: typeof pe.machine === 'number' ? pe.machine : PE_MACHINES[pe.machine]! } as PeBuildSpec;
}

/** Problems with their places; empty when the steps can run. */
export function checkSteps(steps: readonly Step[]): string[] {
  const problems: string[] = [];
  const bound = new Map<string, number>();
  steps.forEach((step, i) => {
    if (step.kind === 'writeFile' && 'pe' in step.args) {
      try {
        buildPe(peBuildSpec(step.args.pe));
      } catch (error) {
        problems.push(`steps[${i}].writeFile.pe: ${(error as Error).message}`);
      }
    }
    if (step.kind === 'createProcess' && step.args.as !== undefined) {
      // Names are matched without regard to case, as the EXE names they stand beside.
      const name = step.args.as.toLowerCase();
      const first = bound.get(name);
      if (first !== undefined) problems.push(`steps[${i}].createProcess.as: ${JSON.stringify(step.args.as)} already names the process of steps[${first}]`);
      else bound.set(name, i);
    }
  });
  return problems;
}
