// The supervisor: runs the command in a worker thread and watches it. Driver
// code that does not return within the timeout (a synchronous loop included:
// the worker is stopped from outside), that never settles (the worker's event
// loop empties with the command unfinished), that calls process.exit, or that
// throws from a timer after the command ended, is stopped and reported — what
// had been printed stays printed — with exit code 4 (API.md). Timers a driver
// leaves running cannot keep the program alive: the worker is ended as soon
// as the command is done.
import { Worker } from 'node:worker_threads';
import { SLOT_COUNT, SLOT_RUNNING, SLOT_SINCE, SLOT_WHAT, type WorkerMessage } from './watchdog.js';

export const EXIT_WATCHDOG = 4;
/** Seconds driver code may run without returning, unless --timeout says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The --timeout the command line asks for (seconds; 0 for none); a malformed value is left to the command to refuse. */
export function timeoutOf(argv: readonly string[]): number {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--timeout') value = argv[i + 1];
    else if (arg.startsWith('--timeout=')) value = arg.slice('--timeout='.length);
  });
  const seconds = value === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
}

/** Runs `argv` in a worker; resolves to the exit code. */
export function supervise(argv: string[], streams: Streams): Promise<number> {
  const slot = new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT);
  const view = new Int32Array(slot);
  const origin = Date.now();
  const timeoutMs = timeoutOf(argv) * 1000;
  const texts = new Map<number, string>();
  // `-` reads standard input: the worker gets this process's, piped through.
  const readsStdin = argv.includes('-');
  const stderrIsTTY = (streams.stderr as { isTTY?: boolean }).isTTY === true;
  const options = { workerData: { argv, slot, origin, stderrIsTTY }, stdout: false, stderr: false, stdin: readsStdin };
  // Built, the worker is a .js module; run from source, it needs the TypeScript loader in its thread too.
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`, { ...options, eval: true })
    : new Worker(new URL('./worker.js', import.meta.url), options);
  if (readsStdin && worker.stdin !== null) process.stdin.pipe(worker.stdin);
  return new Promise<number>((resolve) => {
    let settled = false;
    let exitCalled: number | null = null;
    const what = () => (Atomics.load(view, SLOT_RUNNING) === 1 ? (texts.get(Atomics.load(view, SLOT_WHAT)) ?? 'driver code') : null);
    const finish = (code: number, report?: string) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (report !== undefined) streams.stderr.write(`${report}\n`);
      void worker.terminate();
      resolve(code);
    };
    const timer = setInterval(() => {
      if (timeoutMs === 0 || Atomics.load(view, SLOT_RUNNING) !== 1) return;
      const runningFor = Date.now() - origin - Atomics.load(view, SLOT_SINCE);
      if (runningFor < timeoutMs) return;
      finish(EXIT_WATCHDOG, `psnotify: stopped by the watchdog: ${what()} did not return within ${timeoutMs / 1000} s (--timeout; 0 for none)`);
    }, Math.min(100, Math.max(10, timeoutMs / 10)));
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'out':
          (message.fd === 1 ? streams.stdout : streams.stderr).write(message.text);
          break;
        case 'what':
          texts.set(message.id, message.text);
          texts.delete(message.id - 8192); // the worker never publishes ids that old again
          break;
        case 'exit-called':
          exitCalled = message.code;
          break;
        case 'done':
          finish(message.code);
          break;
      }
    });
    worker.on('error', (error: Error) => {
      const doing = what();
      finish(doing === null ? 2 : EXIT_WATCHDOG, `psnotify: ${doing === null ? '' : `${doing} threw outside any call the kernel makes: `}${error.stack ?? error.message}`);
    });
    worker.on('exit', (code) => {
      // Messages the thread posted just before it ended may still be queued: read them first.
      setTimeout(() => exited(code), 50);
    });
    const exited = (code: number) => {
      if (settled) return;
      const doing = what() ?? 'driver code';
      if (exitCalled !== null) finish(EXIT_WATCHDOG, `psnotify: stopped: ${doing} called process.exit(${exitCalled}); the run did not finish`);
      else finish(EXIT_WATCHDOG, `psnotify: stopped: ${doing} never settled (a promise that never resolves, e.g. a top-level await), so the run could not go on${code ? ` (thread exit ${code})` : ''}`);
    };
  });
}

/** The program's entry: this process's arguments, supervised; a closed pipe (`| head`) ends it quietly. */
export async function runAsProgram(): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await supervise(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}
