// Costs that do not grow: one more map with 1,000 / 10,000 / 100,000 views
// already in the process, one more process start with 10 / 10,000 live
// processes, and one scenario step in scenarios of 1,000 / 20,000 steps. Each
// size is measured in the same run; the ratio of the largest to the smallest
// must stay ≤ 1.5× (issue 8). Run: npm run bench:growth
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

// ---- one more map, at N views -------------------------------------------------
const VIEW_COUNTS = [1_000, 10_000, 100_000];
const MAP_BATCH = 100;
const mapBench = new Bench({ time: 1000, warmupTime: 200 });
for (const count of VIEW_COUNTS) {
  const kernel = smallKernel();
  const process = kernel.createProcess('C:\\Windows\\System32\\host.exe', { suspended: true });
  for (let i = 0; i < count; i++) process.mapImage('C:\\lib\\view.dll');
  const bases: bigint[] = [];
  mapBench.add(`map at ${count} views`, () => {
    // Map a batch, then unmap it again, so the process keeps `count` views.
    for (let i = 0; i < MAP_BATCH; i++) bases[i] = process.mapImage('C:\\lib\\view.dll').base;
    for (let i = 0; i < MAP_BATCH; i++) process.unmapView(bases[i]!);
  });
}
await mapBench.run();

// ---- one more process start, at N live processes ------------------------------
const PROCESS_COUNTS = [10, 10_000];
const START_BATCH = 20;
const startBench = new Bench({ time: 1000, warmupTime: 200 });
for (const count of PROCESS_COUNTS) {
  const kernel = smallKernel();
  for (let i = 0; i < count; i++) kernel.createProcess('C:\\Windows\\System32\\host.exe');
  startBench.add(`start at ${count} processes`, () => {
    for (let i = 0; i < START_BATCH; i++) kernel.createProcess('C:\\Windows\\System32\\host.exe').terminate();
  });
}
await startBench.run();

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
// A batch of maps is MAP_BATCH maps and MAP_BATCH unmaps.
printTable('one more map + unmap (ns per pair)', ratioRows('views in the process', VIEW_COUNTS, mapBench, () => MAP_BATCH));
printTable('one more process start + exit (ns each)', ratioRows('live processes', PROCESS_COUNTS, startBench, () => START_BATCH));
printTable('one scenario step (ns per step, sysmon driver loaded)', ratioRows('steps in the scenario', STEP_COUNTS, stepBench, (i) => stepsRun[i]!));
if (sink === 42) console.log('');
