// `psnotify replay <file…> --compare`: the fidelity report of issue #13 (docs/loader.md,
// "Fidelity"). Each recorded process start of a program the builtin system has is started on a
// builtin machine of the host's build; per program and build: first-8 exact, LCS ratio, coverage
// and the most frequent first disagreement, then the totals against the targets.
import { compareRecordings, meetsTargets, TARGETS, type FidelityReport } from '../fidelity/index.js';
import { terminalSafe } from './terminal.js';

interface Stream {
  write(text: string): unknown;
}

export interface CompareCliOptions {
  json?: boolean;
  /** The build for hosts whose records show none. */
  build?: number;
  /** false (`--no-runtime-loads`): the static closure only. */
  runtimeLoads?: boolean;
  /** Each start's two sequences in the JSON report. */
  details?: boolean;
}

export const COMPARE_EXIT_OK = 0;
export const COMPARE_EXIT_BAD_INPUT = 2;
/** Problems shown before the rest are only counted. */
const PROBLEMS_SHOWN = 20;

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function compareCommand(files: string[], options: CompareCliOptions, io: { stdout: Stream; stderr: Stream }): Promise<number> {
  let shown = 0;
  const report = await compareRecordings(files, {
    ...(options.build === undefined ? {} : { build: options.build }),
    ...(options.runtimeLoads === undefined ? {} : { runtimeLoads: options.runtimeLoads }),
    ...(options.details ? { details: true } : {}),
    onProblem: (text) => {
      if (shown++ < PROBLEMS_SHOWN) io.stderr.write(`psnotify replay --compare: ${terminalSafe(text)}\n`);
    },
  });
  if (options.json) io.stdout.write(`${JSON.stringify({ ...report, targets: TARGETS, meetsTargets: meetsTargets(report) })}\n`);
  else io.stdout.write(table(report));
  io.stderr.write(
    `compared ${report.starts} starts: first-8 ${percent(report.first8)}, LCS ${report.lcs.toFixed(3)}, coverage ${report.coverage.toFixed(3)}` +
      ` (${meetsTargets(report) ? 'targets met' : 'below the targets'}); skipped ${report.skipped.notBuiltin} of programs the builtin system lacks` +
      `, ${report.skipped.unknownBuild} of hosts with no build${report.problems > 0 ? `; ${report.problems} unreadable records or files` : ''}\n`,
  );
  return report.problems > 0 && report.starts === 0 ? COMPARE_EXIT_BAD_INPUT : COMPARE_EXIT_OK;
}

function table(report: FidelityReport): string {
  const lines = ['program                 build  release      starts  first-8    LCS  coverage  most frequent first disagreement'];
  const row = (program: string, build: string, release: string, starts: string, first8: string, lcs: string, coverage: string, rest: string) =>
    `${program.padEnd(22).slice(0, 22)}  ${build.padStart(5)}  ${release.padEnd(11)}  ${starts.padStart(6)}  ${first8.padStart(7)}  ${lcs.padStart(5)}  ${coverage.padStart(8)}  ${rest}`.trimEnd();
  for (const g of report.groups) {
    const disagreement = g.disagreement === null ? '' : `${g.disagreement.text} (${g.disagreement.starts})`;
    lines.push(row(terminalSafe(g.program), String(g.build), g.release, String(g.starts), percent(g.first8), g.lcs.toFixed(3), g.coverage.toFixed(3), terminalSafe(disagreement)));
  }
  lines.push(row('all', '', '', String(report.starts), percent(report.first8), report.lcs.toFixed(3), report.coverage.toFixed(3), ''));
  lines.push(row('targets', '', '', '', percent(TARGETS.first8), TARGETS.lcs.toFixed(3), TARGETS.coverage.toFixed(3), meetsTargets(report) ? 'met' : 'not met'));
  return `${lines.join('\n')}\n`;
}

/** Replay's options that mean nothing to --compare: given with it, they are refused rather than dropped. */
const REPLAY_ONLY = ['driver', 'sysmon', 'wide', 'stats', 'hosts', 'shard', 'strict', 'reorderWindow', 'order', 'seed', 'rules', 'html', 'trace'] as const;

const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The `replay` command's options when --compare is given (or not: --details and
 * --no-runtime-loads need it). Returns the exit code; null when this is an ordinary replay.
 */
export async function compareReplay(
  files: string[],
  options: Record<string, unknown> & { compare?: boolean; runtimeLoads?: boolean; details?: boolean; json?: boolean; build?: string | number; allowPipes?: boolean },
  io: { stdout: Stream; stderr: Stream },
): Promise<number> {
  const refuse = (message: string) => {
    io.stderr.write(`psnotify replay: ${message}\n`);
    return COMPARE_EXIT_BAD_INPUT;
  };
  if (files.length === 0) return refuse('give at least one recording (or - for standard input)');
  const given = REPLAY_ONLY.filter((key) => options[key] !== undefined && options[key] !== false);
  if (given.length > 0) return refuse(`${given.map(flag).join(', ')}: not used by --compare (it starts programs on builtin machines, with no drivers)`);
  if (options.details && !options.json) return refuse('--details needs --json');
  let build: number | undefined;
  if (options.build !== undefined) {
    build = Number(options.build);
    if (!Number.isSafeInteger(build) || build < 7601) return refuse(`--build: expected a Windows build number from 7601 on, got ${JSON.stringify(options.build)}`);
  }
  return compareCommand(files, {
    ...(options.json ? { json: true } : {}),
    ...(build === undefined ? {} : { build }),
    ...(options.runtimeLoads === false ? { runtimeLoads: false } : {}),
    ...(options.details ? { details: true } : {}),
  }, io);
}
