// Full process starts (EXE + ntdll reports, the loader's maps, each dispatched
// to 8 no-op routines), native and WoW64, beside bare dispatch of one image to
// the same 8 routines in the same run. Uses the builtin system's notepad.exe
// when it has one, else a small volume built here. Run: npm run bench:process
import { Bench } from 'tinybench';
import { buildPe, IMAGE_FILE_MACHINE_I386, Kernel, type LoadImageNotifyRoutine } from '../src/index.js';
import { bareDispatch } from './bare-dispatch.js';
import { machineLine, printTable, type Row } from './report.js';

const ROUTINES = 8;
let sink = 0;

const routines: LoadImageNotifyRoutine[] = Array.from({ length: ROUTINES }, (_, i) => (_name, pid, info) => {
  sink = (sink + pid + info.Properties + i) | 0;
});

function register(kernel: Kernel): void {
  for (const routine of routines) kernel.ntoskrnl.PsSetLoadImageNotifyRoutineEx(routine, 1);
}

/** A notepad-shaped volume: a dozen DLLs with real import edges, x64 and SysWOW64 twins. */
function ownVolume(kernel: Kernel): void {
  const sides: [string, number][] = [['C:\\Windows\\System32', kernel.nativeMachine], ['C:\\Windows\\SysWOW64', IMAGE_FILE_MACHINE_I386]];
  const dlls: Record<string, Record<string, string[]>> = {
    'ntdll.dll': {},
    'KernelBase.dll': { 'ntdll.dll': ['F'] },
    'kernel32.dll': { 'KernelBase.dll': ['F'], 'ntdll.dll': ['F'] },
    'win32u.dll': { 'ntdll.dll': ['F'] },
    'gdi32full.dll': { 'win32u.dll': ['F'], 'ucrtbase.dll': ['F'] },
    'gdi32.dll': { 'gdi32full.dll': ['F'], 'win32u.dll': ['F'] },
    'ucrtbase.dll': { 'api-ms-win-core-heap-l1-1-0.dll': ['F'] },
    'user32.dll': { 'win32u.dll': ['F'], 'gdi32.dll': ['F'], 'api-ms-win-core-file-l1-1-0.dll': ['F'] },
    'msvcrt.dll': { 'kernel32.dll': ['F'] },
    'combase.dll': { 'msvcrt.dll': ['F'], 'rpcrt4.dll': ['F'] },
    'rpcrt4.dll': { 'msvcrt.dll': ['F'] },
    'comdlg32.dll': { 'combase.dll': ['F'], 'user32.dll': ['F'] },
    'shlwapi.dll': { 'msvcrt.dll': ['F'] },
  };
  for (const [folder, machine] of sides) {
    for (const [name, imports] of Object.entries(dlls)) kernel.fs.writeFile(`${folder}\\${name}`, buildPe({ machine, dll: true, exports: ['F'], imports }));
    kernel.fs.writeFile(`${folder}\\notepad.exe`, buildPe({
      machine,
      imports: { 'kernel32.dll': ['F'], 'user32.dll': ['F'], 'comdlg32.dll': ['F'], 'shlwapi.dll': ['F'], 'api-ms-win-crt-heap-l1-1-0.dll': ['F'] },
    }));
  }
  for (const name of ['wow64.dll', 'wow64win.dll', 'wow64cpu.dll']) {
    kernel.fs.writeFile(`C:\\Windows\\System32\\${name}`, buildPe({ machine: kernel.nativeMachine, dll: true, exports: ['F'], imports: { 'ntdll.dll': ['F'] } }));
  }
}

const builtin = new Kernel({ seed: 1 });
const useBuiltin = builtin.fs.exists('C:\\Windows\\System32\\notepad.exe') && builtin.fs.exists('C:\\Windows\\SysWOW64\\notepad.exe');
const kernel = useBuiltin ? builtin : new Kernel({ system: 'none', seed: 1 });
if (!useBuiltin) ownVolume(kernel);
register(kernel);

const starts = { native: 'C:\\Windows\\System32\\notepad.exe', wow64: 'C:\\Windows\\SysWOW64\\notepad.exe' } as const;
// The static closure only, as before programs had run-time loads: the figures stay comparable with
// earlier runs (a start's cost per map is the measure; BENCHMARKS.md lists maps per start).
const options = { runtimeLoads: false } as const;
const mapsPerStart: Record<string, number> = {};
for (const [label, path] of Object.entries(starts)) {
  const p = kernel.createProcess(path, options);
  mapsPerStart[label] = p.modules.length;
  p.terminate();
}

const bare = bareDispatch(routines, kernel.pointerWidth);
const BATCH = 1000;

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add('process start, native', () => kernel.createProcess(starts.native, options).terminate())
  .add('process start, WoW64', () => kernel.createProcess(starts.wow64, options).terminate())
  .add(`bare dispatch ×${BATCH}`, () => {
    for (let n = 0; n < BATCH; n++) bare.dispatch();
  });
await bench.run();

const mean = (i: number) => (bench.tasks[i]!.result as { latency: { mean: number } }).latency.mean; // ms
const dispatchUs = (mean(2) * 1000) / BATCH;
const rows: Row[] = (['native', 'wow64'] as const).map((label, i) => {
  const startMs = mean(i);
  const maps = mapsPerStart[label]!;
  return {
    start: label,
    'images/start': maps,
    'starts/s': 1000 / startMs,
    'maps/s': (1000 / startMs) * maps,
    'µs/start': startMs * 1000,
    'µs/image': (startMs * 1000) / maps,
    'dispatch µs/image': dispatchUs,
    'dispatch % of start': (100 * dispatchUs * maps) / (startMs * 1000),
  };
});
console.log(machineLine());
console.log(`system: ${useBuiltin ? 'builtin' : 'bench volume (builtin system has no notepad.exe yet)'}; ${ROUTINES} no-op routines registered`);
printTable('full process starts vs bare dispatch (same run)', rows);
if (sink === 42) console.log('');
