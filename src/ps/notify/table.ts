// PspLoadImageNotifyRoutine: the slot array, registration, removal and the
// slot walk of a dispatch (SEMANTICS.md §2–4). Pure rules: no kernel, no
// process; the dispatcher (dispatcher.ts) supplies the execution context.
import { CallbackBlock } from '../../ex/callback-block.js';
import type { DriverCode, ExecutionFrame } from '../../ke/context.js';
import type { Waiter } from '../../ke/wait.js';
import type { ImageInfo } from '../../nt/image-info.js';
import { PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE } from '../../nt/constants.js';
import {
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_PARAMETER_2,
  STATUS_PROCEDURE_NOT_FOUND,
  STATUS_SUCCESS,
} from '../../nt/status.js';
import type { LoadImageNotifyRoutine } from './routine.js';

/** One slot's block. */
export type NotifyBlock = CallbackBlock<LoadImageNotifyRoutine>;

/** What a dispatch tracer learns of each routine called: its slot's owner, address and flags. */
export interface DispatchedRoutine {
  readonly address: bigint;
  readonly flags: number;
  readonly owner: { readonly fileName: string } | null;
}

/** What the slot walk does when a routine brings the machine down (the kernel's bug-check policy). */
export interface DispatchFailureSink {
  /** The block's driver was unloaded: calling it executes freed memory (§7). Throws. */
  staleRoutine(block: NotifyBlock): never;
  /** The routine threw (§7). Throws, unless the error must pass through unchanged. */
  routineFailed(block: NotifyBlock, error: unknown): never;
}

export class LoadImageNotifyTable {
  readonly slots: (NotifyBlock | undefined)[];
  /** Registered slots (PspLoadImageNotifyRoutineCount). */
  count = 0;
  /** One past the highest occupied slot: the dispatch loop stops there (every slot above is empty). */
  end = 0;
  /** The global "image notify enabled" bit: set by the first registration, never cleared. */
  enabled = false;
  /** Fault injection: return true to make the callback-block allocation fail. */
  allocationFailure: ((what: string) => boolean) | null = null;

  constructor(capacity: number) {
    this.slots = new Array<NotifyBlock | undefined>(capacity).fill(undefined);
  }

  /** PsSetLoadImageNotifyRoutineEx, in the kernel's order of checks (§2). */
  register(
    routine: LoadImageNotifyRoutine | null,
    flags: number | bigint,
    owner: DriverCode | null,
    addressOf: (routine: LoadImageNotifyRoutine | null) => bigint,
  ): number {
    // 1. Any bit but bit 0 of the pointer-sized flags: nothing allocated, no slot used.
    if (flags !== 0 && flags !== 1 && flags !== 0n && flags !== 1n) return STATUS_INVALID_PARAMETER_2;
    // 2. Allocate the block.
    if (this.allocationFailure?.('EX_CALLBACK_ROUTINE_BLOCK')) return STATUS_INSUFFICIENT_RESOURCES;
    const block: NotifyBlock = new CallbackBlock(routine, Number(flags), owner, addressOf(routine));
    // 3. Lowest empty slot; none free: the block is freed, same status as step 2.
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === undefined) {
        slots[i] = block;
        if (i >= this.end) this.end = i + 1;
        // 4. Count and the sticky enable bit.
        this.count++;
        this.enabled = true;
        return STATUS_SUCCESS;
      }
    }
    return STATUS_INSUFFICIENT_RESOURCES;
  }

  /**
   * PsRemoveLoadImageNotifyRoutine (§3): empties the lowest slot holding
   * `routine`, then waits for that block's in-flight invocations to return.
   */
  remove(routine: LoadImageNotifyRoutine | null, waiter: Waiter, describe: (b: NotifyBlock) => string): number {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const block = slots[i];
      if (block !== undefined && block.routine === routine) {
        this.clear(i);
        block.rundown.waitForRelease(waiter, () => describe(block));
        return STATUS_SUCCESS;
      }
    }
    return STATUS_PROCEDURE_NOT_FOUND;
  }

  /** Empties slot `index`. */
  clear(index: number): void {
    if (this.slots[index] === undefined) return;
    this.slots[index] = undefined;
    this.count--;
    while (this.end > 0 && this.slots[this.end - 1] === undefined) this.end--;
  }

  /** Blocks now registered, in slot order. */
  registered(): NotifyBlock[] {
    return this.slots.filter((b): b is NotifyBlock => b !== undefined);
  }

  /**
   * PsCallImageNotifyRoutines (§4): slot 0→N, each slot read when the loop
   * reaches it. `frame` is the dispatch's execution context; its `driver` is
   * set to each routine's owner while that routine runs. One ImageInfo serves
   * every routine: nothing is allocated per routine. `called`, when given (a
   * tracer is attached), receives each block as its routine is called.
   */
  dispatch(
    fullImageName: string | null,
    processId: number,
    imageInfo: ImageInfo,
    frame: ExecutionFrame,
    sink: DispatchFailureSink,
    called?: DispatchedRoutine[],
  ): void {
    const slots = this.slots;
    const mismatch = imageInfo.MachineTypeMismatch !== 0;
    // `this.end` is read on every turn: a routine may register into a slot above it.
    for (let i = 0; i < this.end; i++) {
      const block = slots[i];
      if (block === undefined) continue;
      const routine = block.routine;
      // NULL routines are skipped; mismatch images reach only flagged registrations (§6).
      if (routine === null) continue;
      if (mismatch && (block.flags & PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE) === 0) continue;
      if (!block.rundown.acquire()) continue;
      const owner = block.owner;
      if (owner !== null && owner.unloaded) {
        // Calling into a freed image: the stop itself, never an exception of the routine (§7).
        block.rundown.release();
        sink.staleRoutine(block);
      }
      try {
        frame.driver = owner;
        if (called !== undefined) called.push(block);
        routine(fullImageName, processId, imageInfo);
      } catch (error) {
        sink.routineFailed(block, error);
      } finally {
        frame.driver = null;
        block.rundown.release();
      }
    }
  }
}
