// Costs that do not grow: one more map with 1,000 / 10,000 / 100,000 views
// already in the process, one more process start with 10 / 10,000 live
// processes, and one scenario step in scenarios of 1,000 / 20,000 steps. Each
// size is measured in the same run; the ratio of the largest to the smallest
// must stay ≤ 1.5× (issue 8). Run: npm run bench:growth
//
// Maps and process starts are timed in interleaved rounds: every round times
// each size for 0.1 s, in an order that turns round by round, so a change in
// the machine's speed during the run (a shared VM) falls on every size alike
// instead of on whichever ran last. A size's time is the median of its
// rounds' means (each mean counts every batch, garbage collection included);
// its ratio is the median of the rounds' ratios (each taken between sizes
// timed moments apart).
import { Bench } from 'tinybench';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, Kernel, type LoadImageNotifyRoutine } from '../src/index.js';
import { runScenario } from '../src/scenario/run.js';
import type { Scenario } from '../src/scenario/schema.js';
import { machineLine, printTable, type Row } from './report.js';

let sink = 0;
const routine: LoadImageNotifyRoutine = (_name, pid, info) => {
  sink = (sink + pid + info.Properties) | 0;
};

/** A small volume: ntdll, kernel32, a program that imports nothing, a DLL. */
function smallKernel(): Kernel {
  const kernel = new Kernel({ system: 'none', seed: 11 });
  kernel.fs.writeFile('C:\\Windows\\System32\\ntdll.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['NtClose'] }));
  kernel.fs.writeFile('C:\\Windows\\System32\\kernel32.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['F'] }));
  kernel.fs.writeFile('C:\\Windows\\System32\\host.exe', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64 }));
  kernel.fs.writeFile('C:\\lib\\view.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['F'] }));
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(routine);
  return kernel;
}

const meanNs = (bench: Bench, i: number, per: number) => ((bench.tasks[i]!.result as { latency: { mean: number } }).latency.mean * 1e6) / per;

const ROUNDS = 11;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/**
 * Per size: its time in each round (ns per `per` calls of its task), measured in interleaved
 * rounds after one unrecorded round (the compiler's warm-up, and the collection of what building
 * the sizes left behind, fall there rather than on whichever size runs first).
 */
async function interleavedRounds(tasks: (() => void)[], per: number): Promise<number[][]> {
  const times: number[][] = tasks.map(() => []);
  for (let round = -1; round < ROUNDS; round++) {
    const bench = new Bench({ time: 100, warmupTime: 20 });
    // Rotate the order: each size goes first, in the middle and last in some round.
    const order = tasks.map((_, i) => (i + tasks.length + round) % tasks.length);
    for (const i of order) bench.add(String(i), tasks[i]!);
    await bench.run();
    if (round >= 0) order.forEach((i, at) => times[i]!.push(meanNs(bench, at, per)));
  }
  return times;
}

/** Table rows: each size's median time and the median over rounds of its ratio to the smallest size. */
function roundRows(label: string, sizes: number[], times: number[][]): Row[] {
  return sizes.map((size, i) => ({
    [label]: size,
    'ns each': median(times[i]!),
    '× smallest': median(times[i]!.map((ns, round) => ns / times[0]![round]!)),
  }));
}

// ---- one more map, at N views -------------------------------------------------
const VIEW_COUNTS = [1_000, 10_000, 100_000];
const MAP_BATCH = 100;
const mapTasks = VIEW_COUNTS.map((count) => {
  const kernel = smallKernel();
  const process = kernel.createProcess('C:\\Windows\\System32\\host.exe', { suspended: true });
  for (let i = 0; i < count; i++) process.mapImage('C:\\lib\\view.dll');
  const bases: bigint[] = [];
  return () => {
    // Map a batch, then unmap it again, so the process keeps `count` views.
    for (let i = 0; i < MAP_BATCH; i++) bases[i] = process.mapImage('C:\\lib\\view.dll').base;
    for (let i = 0; i < MAP_BATCH; i++) process.unmapView(bases[i]!);
  };
});
// A batch of maps is MAP_BATCH maps and MAP_BATCH unmaps.
const mapTimes = await interleavedRounds(mapTasks, MAP_BATCH);

// ---- one more process start, at N live processes ------------------------------
const PROCESS_COUNTS = [10, 10_000];
const START_BATCH = 20;
const startTasks = PROCESS_COUNTS.map((count) => {
  const kernel = smallKernel();
  for (let i = 0; i < count; i++) kernel.createProcess('C:\\Windows\\System32\\host.exe');
  return () => {
    for (let i = 0; i < START_BATCH; i++) kernel.createProcess('C:\\Windows\\System32\\host.exe').terminate();
  };
});
const startTimes = await interleavedRounds(startTasks, START_BATCH);

// ---- one scenario step, in scenarios of N steps -------------------------------
const STEP_COUNTS = [1_000, 20_000];
const quiet = { event: () => {}, log: () => {} };
function scenario(steps: number): Scenario {
  const list: Scenario['steps'] = [
    { kind: 'writeFile', args: { path: 'C:\\Windows\\System32\\ntdll.dll', pe: { machine: 'amd64', dll: true, exports: ['NtClose'] } } },
    { kind: 'writeFile', args: { path: 'C:\\Windows\\System32\\kernel32.dll', pe: { machine: 'amd64', dll: true, exports: ['F'] } } },
    { kind: 'writeFile', args: { path: 'C:\\Windows\\System32\\host.exe', pe: { machine: 'amd64' } } },
    { kind: 'writeFile', args: { path: 'C:\\lib\\view.dll', pe: { machine: 'amd64', dll: true, exports: ['F'] } } },
  ] as Scenario['steps'];
  // Each round: start a process, map into it, unmap, end it (4 steps); default names host.exe#n.
  for (let round = 0; list.length + 4 <= steps; round++) {
    const name = round === 0 ? 'host.exe' : `host.exe#${round + 1}`;
    list.push(
      { kind: 'createProcess', args: { path: 'C:\\Windows\\System32\\host.exe' } },
      { kind: 'mapImage', args: { process: name, path: 'C:\\lib\\view.dll' } },
      { kind: 'unmapImage', args: { process: name, path: 'C:\\lib\\view.dll' } },
      { kind: 'terminate', args: { process: name } },
    );
  }
  return { system: 'none', seed: 5, drivers: ['sysmon'], steps: list } as Scenario;
}
const stepBench = new Bench({ time: 2000, warmupTime: 0, iterations: 3 });
const stepsRun: number[] = [];
for (const count of STEP_COUNTS) {
  const s = scenario(count);
  stepsRun.push(s.steps.length);
  stepBench.add(`scenario of ${count} steps`, async () => {
    const result = await runScenario(s, { baseDirectory: '.', output: quiet });
    if (result.failures.length > 0) throw new Error(result.failures.join('\n'));
  });
}
await stepBench.run();

console.log(machineLine());
const ratioRows = (label: string, sizes: number[], bench: Bench, per: (i: number) => number): Row[] => {
  const base = meanNs(bench, 0, per(0));
  return sizes.map((size, i) => {
    const ns = meanNs(bench, i, per(i));
    return { [label]: size, 'ns each': ns, '× smallest': ns / base };
  });
};
printTable(`one more map + unmap (ns per pair; median of ${ROUNDS} interleaved rounds)`, roundRows('views in the process', VIEW_COUNTS, mapTimes));
printTable(`one more process start + exit (ns each; median of ${ROUNDS} interleaved rounds)`, roundRows('live processes', PROCESS_COUNTS, startTimes));
printTable('one scenario step (ns per step, sysmon driver loaded)', ratioRows('steps in the scenario', STEP_COUNTS, stepBench, (i) => stepsRun[i]!));
if (sink === 42) console.log('');
