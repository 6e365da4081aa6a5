// One image dispatched to 1, 8 and 64 no-op routines: psnotify's dispatcher
// (slot walk, rundown references, mismatch filter, driver context) against a
// plain loop calling the same functions with the same arguments, and against
// Node's EventEmitter with the same listeners. Run: npm run bench:dispatch
import { EventEmitter } from 'node:events';
import { Bench } from 'tinybench';
import { buildImageInfo, buildProfile, FileObject, type LoadImageNotifyRoutine } from '../src/index.js';
import { bareDispatch } from './bare-dispatch.js';
import { machineLine, printTable, type Row } from './report.js';

const BATCH = 1000; // dispatches per measured call, so timer overhead does not dominate
let sink = 0;

function routines(count: number): LoadImageNotifyRoutine[] {
  // Distinct functions, as distinct drivers' routines are.
  return Array.from({ length: count }, (_, i) => {
    const fn: LoadImageNotifyRoutine = (_name, pid, info) => {
      sink = (sink + pid + info.Properties + i) | 0;
    };
    return fn;
  });
}

const rows: Row[] = [];
for (const count of [1, 8, 64]) {
  const fns = routines(count);
  const dispatcher = bareDispatch(fns);
  const info = buildImageInfo(buildProfile(22631), 'x64', {
    base: 0x7ffb00000000n, size: 0x1a000, systemMode: false, label: { signingLevel: 12, signatureType: 3 },
    mismatch: false, partial: false, fileObject: new FileObject('\\Windows\\System32\\kernel32.dll', 0xffffa00000001000n),
  });
  const name = '\\Device\\HarddiskVolume3\\Windows\\System32\\kernel32.dll';
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  for (const fn of fns) emitter.on('load', fn);

  const bench = new Bench({ time: 700, warmupTime: 200 });
  bench
    .add(`plain loop (${count})`, () => {
      for (let n = 0; n < BATCH; n++) for (let i = 0; i < fns.length; i++) fns[i]!(name, 1234, info);
    })
    .add(`psnotify dispatch (${count})`, () => {
      for (let n = 0; n < BATCH; n++) dispatcher.dispatch();
    })
    .add(`EventEmitter.emit (${count})`, () => {
      for (let n = 0; n < BATCH; n++) emitter.emit('load', name, 1234, info);
    });
  await bench.run();
  const [plain, ours, events] = bench.tasks.map((t) => (t.result as { latency: { mean: number } }).latency.mean * 1e6 / BATCH);
  rows.push({ routines: count, 'plain loop ns': plain!, 'psnotify ns': ours!, 'EventEmitter ns': events!, 'psnotify / plain': ours! / plain!, 'psnotify / EventEmitter': ours! / events! });
}
console.log(machineLine());
printTable('one image dispatched (ns per image)', rows);
if (sink === 42) console.log(''); // keep the routines' work observable
