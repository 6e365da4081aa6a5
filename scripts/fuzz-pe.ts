// npm run fuzz [-- COUNT [SEED]] [--crafted N] [--sizes 4096,16384,...] [--guard-ms MS]
//              [--kill-ms MS] [--heap-mb MB] [--top K] [--in-process]
//
// Fuzzes the pipeline `psnotify inspect` runs on a PE file — parsePe, the
// Authenticode image hash, signature verification, version info, imphash —
// with COUNT byte-level mutations of seed images (default 100,000) and then N
// crafted amplification inputs (default 360; src/pe/amplify.ts and
// src/ci/amplify-signatures.ts) of the given sizes. Every input is measured:
// time, V8 heap allocated and the parser's work units, each per input byte;
// the worst inputs are reported. Seeds: built images and, with
// PSNOTIFY_PE_CORPUS set, up to 200 real corpus images. Time ratios use CPU
// time; the guard uses wall time.
//
// Inputs run in a child process (`--in-process` runs them here) so that an
// input that exhausts memory or never returns is reported, not fatal: the
// child is killed after --kill-ms without progress (default 30,000) and its
// heap is capped at --heap-mb (default 4096); the run resumes after it.
//
// Exits 1 when an input throws anything but NtStatusError, runs longer than
// --guard-ms (default 1000), is killed, or crashes the child.
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { signatureGenerators } from '../src/ci/amplify-signatures.js';
import { ciOperations } from '../src/ci/fuzz-operations.js';
import { AmplificationReport, fuzzInputAt, measureInput, parseStep, peOperations, type FuzzInputOptions, type InputMeasure } from '../src/pe/fuzz.js';
import { builtSeeds, corpusSeeds } from '../src/pe/fuzz-seeds.js';

interface RunOptions {
  count: number;
  crafted: number;
  seed: number;
  sizes: number[];
  corpus: string | undefined;
}

function inputOptions(run: RunOptions): FuzzInputOptions {
  return {
    seed: run.seed,
    seeds: [...builtSeeds(), ...(run.corpus ? corpusSeeds(run.corpus) : [])],
    sizes: run.sizes,
    extraGenerators: signatureGenerators,
  };
}

const operations = [...ciOperations, ...peOperations];

// ---- Child: run inputs [start, end), one message per finished input ----------
if (process.argv.includes('--child')) {
  process.once('message', (message: { start: number; end: number; run: RunOptions }) => {
    const options = inputOptions(message.run);
    const step = (index: number): void => {
      if (index >= message.end) {
        process.disconnect?.();
        return;
      }
      const { label, group, bytes } = fuzzInputAt(index, message.run.count, options);
      const measure = measureInput(label, group, bytes, parseStep, operations);
      // Wait for each message to leave, so a crash blames the right input.
      process.send!({ index, measure }, () => step(index + 1));
    };
    step(message.start);
  });
} else {
  await main();
}

function parseArguments(): RunOptions & { guardMs: number; killMs: number; heapMb: number; top: number; inProcess: boolean } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--in-process') flags.set(arg, 'true');
    else if (arg.startsWith('--')) flags.set(arg, argv[++i] ?? '');
    else positional.push(arg);
  }
  const number = (text: string | undefined, fallback: number) => (text === undefined ? fallback : Number(text));
  const options = {
    count: number(positional[0], 100_000),
    seed: number(positional[1], 1),
    crafted: number(flags.get('--crafted'), 360),
    sizes: (flags.get('--sizes') ?? '4096,16384,65536,262144').split(',').map(Number),
    guardMs: number(flags.get('--guard-ms'), 1000),
    killMs: number(flags.get('--kill-ms'), 30_000),
    heapMb: number(flags.get('--heap-mb'), 4096),
    top: number(flags.get('--top'), 5),
    inProcess: flags.has('--in-process'),
    corpus: process.env.PSNOTIFY_PE_CORPUS || undefined,
  };
  const integers = [options.count, options.seed, options.crafted, options.guardMs, options.killMs, options.heapMb, options.top, ...options.sizes];
  const known = new Set(['--crafted', '--sizes', '--guard-ms', '--kill-ms', '--heap-mb', '--top', '--in-process']);
  if (!integers.every(Number.isSafeInteger) || options.count < 0 || options.crafted < 0 || options.sizes.some((s) => s < 64) || [...flags.keys()].some((f) => !known.has(f))) {
    console.error(`usage: npm run fuzz -- [COUNT] [SEED] [--crafted N] [--sizes 4096,16384,...] [--guard-ms MS] [--kill-ms MS] [--heap-mb MB] [--top K] [--in-process]  (got ${argv.join(' ')})`);
    process.exit(2);
  }
  return options;
}

/** Runs inputs [start, total) in one child; resolves with the index to resume from. */
function runChild(start: number, total: number, run: RunOptions, limits: { killMs: number; heapMb: number }, report: AmplificationReport, options: FuzzInputOptions): Promise<number> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${limits.heapMb}`],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let expected = start;
    let killed = false;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, limits.killMs);
    };
    child.on('message', (message: { index: number; measure: InputMeasure }) => {
      report.add(message.measure);
      expected = message.index + 1;
      arm();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (expected >= total) return resolve(total);
      const { label, group, bytes } = fuzzInputAt(expected, run.count, options);
      const why = killed
        ? `no result within ${limits.killMs} ms: killed`
        : `the child exited (${signal ?? `code ${code}`}) during this input: ${stderr.includes('heap') ? `out of memory (heap cap ${limits.heapMb} MB)` : stderr.trim().split('\n').slice(-3).join(' | ')}`;
      report.add({ label, group, size: bytes.length, ns: killed ? limits.killMs * 1e6 : 0, cpuNs: killed ? limits.killMs * 1e6 : 0, allocated: killed ? 0 : limits.heapMb * 1e6, work: null, outcome: killed ? 'timeout' : 'crash', error: why, opNs: {}, opWork: {} });
      resolve(expected + 1);
    });
    child.send({ start, end: total, run });
    arm();
  });
}

async function main(): Promise<void> {
  const args = parseArguments();
  const options = inputOptions(args);
  const total = args.count + args.crafted;
  if (!args.corpus) console.log('fuzz: PSNOTIFY_PE_CORPUS not set, seeding from built images only');
  console.log(`fuzz: machine ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
  const report = new AmplificationReport(args.top, args.guardMs);
  const started = performance.now();
  if (args.inProcess) {
    for (let index = 0; index < total; index++) {
      const { label, group, bytes } = fuzzInputAt(index, args.count, options);
      report.add(measureInput(label, group, bytes, parseStep, operations));
    }
  } else {
    for (let next = 0; next < total; ) next = await runChild(next, total, args, args, report, options);
  }
  const seconds = (performance.now() - started) / 1000;
  const failures = report.failures;
  console.log(
    `fuzz: ${report.inputs} inputs (${args.count} mutated from ${options.seeds.length} seeds, ${args.crafted} crafted of sizes ${args.sizes.join('/')}) in ${seconds.toFixed(1)} s: ` +
      `${report.parsed} parsed, ${report.rejected} rejected with NtStatusError, ${failures.length} failures`,
  );
  for (const line of report.lines()) console.log(line);
  for (const failure of failures.slice(0, 20)) {
    console.log(`FAIL ${failure.label}\n  ${failure.error}`);
  }
  process.exit(failures.length === 0 ? 0 : 1);
}
