// The command line's worker thread: it runs the command (and so the machine
// and every driver's code) while the supervisor in the main thread watches
// (src/cli/supervise.ts). Output goes to the supervisor line by line as it is
// written; process.exit from driver code is told before the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { main } from './main.js';
import { SharedDriverWatch, type WorkerInput, type WorkerMessage } from './watchdog.js';

const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);
const input = workerData as WorkerInput;

// Driver code that calls process.exit ends only this thread; say so first.
const exit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  post({ type: 'exit-called', code: Number(code ?? 0) });
  return exit(code ?? 0);
}) as typeof process.exit;

const watch = new SharedDriverWatch(input.slot, post, input.origin);
const code = await main(
  input.argv,
  {
    stdout: { write: (text: string) => post({ type: 'out', fd: 1, text }) },
    stderr: { write: (text: string) => post({ type: 'out', fd: 2, text }), isTTY: input.stderrIsTTY },
  },
  { watch },
);
post({ type: 'done', code });
