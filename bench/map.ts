// Map + notify of an already-sectioned image with 8 routines, against bare
// dispatch of one image to the same 8 routines, in the same run. The map path
// adds: options check, volume lookup, section cache hit, mismatch rule, view
// placement, IMAGE_INFO_EX construction. Row 2 times the maps only: the DLL is
// mapped into each of 8 suspended processes (timed, at its preferred base), then
// unmapped from them (not timed; tinybench's overriddenDuration). Row 3 times a
// map + unmap loop in one process, both included.
import { Bench } from 'tinybench';
import { buildPe, IMAGE_FILE_MACHINE_AMD64, Kernel, type LoadImageNotifyRoutine } from '../src/index.js';
import { bareDispatch } from './bare-dispatch.js';
import { machineLine, printTable } from './report.js';

const BATCH = 200;
let sink = 0;
const kernel = new Kernel({ system: 'none', seed: 3 });
const dll = 'C:\\Windows\\System32\\bench.dll';
kernel.fs.writeFile('C:\\Windows\\System32\\ntdll.dll', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['NtClose'] }));
kernel.fs.writeFile('C:\\Windows\\System32\\host.exe', buildPe({ machine: IMAGE_FILE_MACHINE_AMD64 }));
kernel.fs.writeFile(dll, buildPe({ machine: IMAGE_FILE_MACHINE_AMD64, dll: true, exports: ['F'] }));
// A process with no loader work: the EXE imports nothing and kernel32 is absent.
const process = kernel.createProcess('C:\\Windows\\System32\\host.exe', { suspended: true });
const targets = Array.from({ length: 8 }, () => kernel.createProcess('C:\\Windows\\System32\\host.exe', { suspended: true }));
const bases: bigint[] = [];
const routines: LoadImageNotifyRoutine[] = [];
for (let i = 0; i < 8; i++) {
  const routine: LoadImageNotifyRoutine = (_n, pid, info) => {
    sink = (sink + pid + info.Properties + i) | 0;
  };
  kernel.ntoskrnl.PsSetLoadImageNotifyRoutine(routine);
  routines.push(routine);
}
const bareDispatcher = bareDispatch(routines);
process.mapImage(dll); // warm the section cache: later maps reuse the parsed image
process.unmapView(process.modules.at(-1)!.base);


const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add('bare dispatch (8 routines)', () => {
    for (let n = 0; n < BATCH; n++) bareDispatcher.dispatch();
  })
  .add('mapImage + notify (8 routines)', () => {
    let mapping = 0;
    const started = bench.now();
    for (let n = 0; n < BATCH; n += targets.length) {
      const t0 = bench.now();
      for (let k = 0; k < targets.length; k++) bases[k] = targets[k]!.mapImage(dll).base;
      mapping += bench.now() - t0;
      for (let k = 0; k < targets.length; k++) targets[k]!.unmapView(bases[k]!);
    }
    return { overriddenDuration: mapping, overriddenIterationCost: bench.now() - started };
  })
  .add('mapImage + notify + unmap (8 routines)', () => {
    for (let n = 0; n < BATCH; n++) {
      const { base } = process.mapImage(dll);
      process.unmapView(base);
    }
  });
await bench.run();
const [bare, mapped, roundTrip] = bench.tasks.map((t) => (t.result as { latency: { mean: number } }).latency.mean * 1e6 / BATCH);
console.log(machineLine());
printTable('one image, 8 routines (ns per image)', [
  { path: 'bare dispatch', ns: bare!, 'images/s': 1e9 / bare!, 'x bare': 1 },
  { path: 'map + notify', ns: mapped!, 'images/s': 1e9 / mapped!, 'x bare': mapped! / bare! },
  { path: 'map + notify + unmap', ns: roundTrip!, 'images/s': 1e9 / roundTrip!, 'x bare': roundTrip! / bare! },
]);
if (sink === 42) console.log('');
