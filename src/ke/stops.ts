// Errors that must cross driver code unchanged instead of becoming a 0x7E bug check.
import { Deadlock } from './deadlock.js';
import { BugCheck } from './bugcheck.js';

/** A model driver called an NT routine the build does not export (SEMANTICS.md §9). */
export class UnresolvedImport extends Error {
  readonly routine: string;
  constructor(routine: string, build: number) {
    super(`${routine} is not exported by build ${build}`);
    this.name = 'UnresolvedImport';
    this.routine = routine;
  }
}

/** A bug check or a deadlock: the machine (or the thread) stops; nothing may catch and convert it. */
export function isKernelStop(error: unknown): boolean {
  // By name as well as class: another loaded copy of psnotify throws its own classes.
  if (error instanceof BugCheck || error instanceof Deadlock) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'BugCheck' || name === 'Deadlock';
}
