// Runs benchmarks of this checkout against another revision on the same
// machine, in alternating order (A B, then B A, …), and prints the median of
// every figure of each side and their ratio. This is how "the existing
// benchmarks must not get slower" is checked on a shared machine, where the
// absolute figures drift between runs more than two revisions differ.
//
//   node --import tsx bench/against.ts <revision> <bench>… [--rounds N]
//   npm run bench:against -- 10084e6 map process dispatch --rounds 8
//
// The revision is checked out once into a worktree under the system's temp
// folder (its dependencies installed with `npm ci`; delete the folder and run
// `git worktree prune` to drop it); `<bench>` names a file
// of bench/ that both revisions have. Both sides print their tables with
// bench/report.ts's printTable, which this parses.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { machineLine, printTable, type Row } from './report.js';

interface Options {
  revision: string;
  benches: string[];
  rounds: number;
}

function parseArguments(argv: string[]): Options {
  const positional: string[] = [];
  let rounds = 6;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--rounds') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`--rounds: expected a positive integer, got ${JSON.stringify(argv[i])}`);
      rounds = value;
    } else if (arg.startsWith('-')) {
      throw new TypeError(`unknown option ${JSON.stringify(arg)} (usage: bench/against.ts <revision> <bench>… [--rounds N])`);
    } else {
      positional.push(arg);
    }
  }
  const [revision, ...benches] = positional;
  if (revision === undefined || benches.length === 0) throw new TypeError('usage: bench/against.ts <revision> <bench>… [--rounds N]');
  for (const bench of benches) {
    if (!/^[a-z][a-z0-9-]*$/.test(bench)) throw new TypeError(`bench name ${JSON.stringify(bench)}: expected a file name of bench/ without .ts`);
  }
  return { revision, benches, rounds };
}

/** A worktree of `revision` with its dependencies, made once per commit. */
function checkout(revision: string): { dir: string; commit: string } {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${revision}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), `psnotify-bench-${commit.slice(0, 12)}`);
  if (!existsSync(join(dir, 'package.json'))) {
    execFileSync('git', ['worktree', 'add', '--force', '--detach', dir, commit], { stdio: 'ignore' });
  }
  if (!existsSync(join(dir, 'node_modules'))) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--silent'], { cwd: dir, stdio: 'ignore' });
  }
  return { dir, commit };
}

/** Figures of one run: `${table}\0${row}\0${column}` → value. */
type Figures = Map<string, number>;

/** Reads printTable's output: a title line, a header of right-aligned names, rows to the next blank line. */
export function parseTables(output: string): Figures {
  const figures: Figures = new Map();
  const lines = output.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i] !== '' || i + 2 >= lines.length) continue;
    const title = lines[i + 1]!;
    const header = lines[i + 2]!;
    // Names may hold single spaces; columns are two or more apart, and each cell ends where its name ends.
    const names = header.trim().split(/\s{2,}/);
    const ends: number[] = [];
    let from = 0;
    for (const name of names) {
      const at = header.indexOf(name, from);
      if (at < 0) break;
      from = at + name.length;
      ends.push(from);
    }
    if (ends.length !== names.length || names.length < 2) continue;
    for (let r = i + 3; r < lines.length && lines[r]!.trim() !== ''; r++) {
      const line = lines[r]!;
      const cells = ends.map((end, c) => line.slice(c === 0 ? 0 : ends[c - 1], end).trim());
      for (let c = 1; c < cells.length; c++) {
        const value = Number(cells[c]);
        if (cells[c] !== '' && Number.isFinite(value)) figures.set(`${title}\0${cells[0]}\0${names[c]}`, value);
      }
    }
    i += 2;
  }
  return figures;
}

function run(dir: string, bench: string): Figures {
  const output = execFileSync(process.execPath, ['--import', 'tsx', join('bench', `${bench}.ts`)], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return parseTables(output);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const other = checkout(options.revision);
  const here = process.cwd();
  console.log(machineLine());
  console.log(`against ${other.commit.slice(0, 12)} (${options.revision}); ${options.rounds} rounds, alternating order`);
  for (const bench of options.benches) {
    for (const dir of [other.dir, here]) {
      if (!existsSync(join(dir, 'bench', `${bench}.ts`))) throw new Error(`bench/${bench}.ts does not exist in ${dir === here ? 'this checkout' : options.revision}`);
    }
    const samples = { other: new Map<string, number[]>(), here: new Map<string, number[]>() };
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (['other', 'here'] as const) : (['here', 'other'] as const);
      for (const side of order) {
        for (const [key, value] of run(side === 'here' ? here : other.dir, bench)) {
          const list = samples[side].get(key) ?? [];
          list.push(value);
          samples[side].set(key, list);
        }
      }
    }
    // One table per table of the bench: each figure's median then and now, and their ratio.
    const tables = new Map<string, Row[]>();
    for (const [key, values] of samples.here) {
      const before = samples.other.get(key);
      if (before === undefined) continue;
      const [table, row, column] = key.split('\0') as [string, string, string];
      const was = median(before);
      const now = median(values);
      const rows = tables.get(table) ?? [];
      rows.push({ row, figure: column, [options.revision]: was, now, 'now / then': was === 0 ? NaN : now / was });
      tables.set(table, rows);
    }
    for (const [table, rows] of tables) printTable(`bench/${bench}.ts · ${table} · medians of ${options.rounds} runs each`, rows);
  }
}

// Run only when invoked (a test imports parseTables).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
