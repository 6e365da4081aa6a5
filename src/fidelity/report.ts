// The fidelity report: recorded starts against the model's, per program and build, with the
// targets of issue #13 (docs/loader.md, "Fidelity").
import { recordedStarts, type RecordedStart } from './recorded.js';
import { ModelMachines } from './model.js';
import { scoreStart, startSequence, type StartScore } from './sequence.js';

export const TARGETS = { first8: 0.95, lcs: 0.97, coverage: 0.9 } as const;

export interface GroupReport {
  program: string;
  build: number;
  release: string;
  starts: number;
  /** Share of starts whose first eight images are exact. */
  first8: number;
  lcs: number;
  coverage: number;
  /** The most frequent first disagreement (`at 9: recorded wldp.dll, model sechost.dll`) and how many starts had it. */
  disagreement: { text: string; starts: number } | null;
}

export interface FidelityReport {
  starts: number;
  first8: number;
  lcs: number;
  coverage: number;
  /** Recorded starts of programs the builtin system lacks, and starts on hosts whose build is unknown. */
  skipped: { notBuiltin: number; unknownBuild: number };
  /** Records and files that could not be read. */
  problems: number;
  groups: GroupReport[];
  /** Each compared start, when asked for (`details`). */
  details?: { host: string; build: number; pid: number; program: string; commandLine: string; recorded: string[]; model: string[]; score: StartScore }[];
}

export interface FidelityOptions {
  /** The build to start programs on when a host's records do not show one (else such starts are skipped). */
  build?: number;
  /** Keep each start's sequences in the report. */
  details?: boolean;
  /** false: the static closure only (no run-time loads). */
  runtimeLoads?: boolean;
  /** Told of unreadable records and files (they are counted in `problems`). */
  onProblem?: (text: string) => void;
}

interface Group {
  program: string;
  build: number;
  scores: StartScore[];
  disagreements: Map<string, number>;
}

export async function compareRecordings(inputs: readonly string[], options: FidelityOptions = {}): Promise<FidelityReport> {
  const machines = new ModelMachines(options.runtimeLoads === undefined ? {} : { runtimeLoads: options.runtimeLoads });
  const groups = new Map<string, Group>();
  const skipped = { notBuiltin: 0, unknownBuild: 0 };
  const details: NonNullable<FidelityReport['details']> = [];
  const compare = (start: RecordedStart) => {
    const build = start.build ?? options.build ?? null;
    if (build === null) {
      skipped.unknownBuild++;
      return;
    }
    const modelNames = machines.start(build, start.image, start.commandLine);
    if (modelNames === null) {
      skipped.notBuiltin++;
      return;
    }
    const recorded = startSequence(start.image, start.loads);
    const model = startSequence(modelNames[0] ?? start.image, modelNames.slice(1));
    const score = scoreStart(recorded, model);
    const program = recorded[0]!;
    const key = `${program}\u0000${build}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { program, build, scores: [], disagreements: new Map() }));
    group.scores.push(score);
    if (score.disagreement !== null) {
      const d = score.disagreement;
      const text = `at ${d.index + 1}: recorded ${d.recorded ?? '(end)'}, model ${d.model ?? '(end)'}`;
      group.disagreements.set(text, (group.disagreements.get(text) ?? 0) + 1);
    }
    if (options.details) details.push({ host: start.host, build, pid: start.pid, program, commandLine: start.commandLine, recorded, model, score });
  };
  let problems = 0;
  const onProblem = (text: string) => {
    problems++;
    options.onProblem?.(text);
  };
  for await (const start of recordedStarts(inputs, { onProblem })) compare(start);
  const all = [...groups.values()].flatMap((g) => g.scores);
  const report: FidelityReport = {
    ...summary(all),
    skipped,
    problems,
    groups: [...groups.values()]
      .sort((a, b) => a.program.localeCompare(b.program) || a.build - b.build)
      .map((g) => ({
        program: g.program,
        build: g.build,
        release: machines.releaseOf(g.build),
        ...summary(g.scores),
        disagreement: mostFrequent(g.disagreements),
      })),
  };
  if (options.details) report.details = details;
  return report;
}

function summary(scores: readonly StartScore[]): { starts: number; first8: number; lcs: number; coverage: number } {
  const n = scores.length;
  const mean = (f: (s: StartScore) => number) => (n === 0 ? 0 : scores.reduce((sum, s) => sum + f(s), 0) / n);
  return { starts: n, first8: mean((s) => (s.first8 ? 1 : 0)), lcs: mean((s) => s.lcs), coverage: mean((s) => s.coverage) };
}

function mostFrequent(counts: ReadonlyMap<string, number>): { text: string; starts: number } | null {
  let best: { text: string; starts: number } | null = null;
  for (const [text, starts] of counts) if (best === null || starts > best.starts) best = { text, starts };
  return best;
}

/** Whether a report meets issue #13's targets. */
export function meetsTargets(report: Pick<FidelityReport, 'first8' | 'lcs' | 'coverage'>): boolean {
  return report.first8 >= TARGETS.first8 && report.lcs >= TARGETS.lcs && report.coverage >= TARGETS.coverage;
}
