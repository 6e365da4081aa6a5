// PsSetLoadImageNotifyRoutine[Ex], PsRemoveLoadImageNotifyRoutine and
// PsCallImageNotifyRoutines for one kernel: registration attributed to the
// driver whose code runs, and the dispatch of one image to every routine in
// the context Windows gives it (SEMANTICS.md §2–4, §7). The memory manager
// calls `callImageNotifyRoutines` directly, as MiMapViewOfImageSection and
// MmLoadSystemImage do.
import { exceptionBugCheck, staleRoutineBugCheck } from '../../ke/bugcheck.js';
import { enterFrame, type ContextProcess, type DriverCode, type ExecutionFrame, type KernelContext } from '../../ke/context.js';
import type { MachineState } from '../../ke/machine-state.js';
import type { BuildProfile } from '../../ke/profile.js';
import { isKernelStop } from '../../ke/stops.js';
import type { Waiter } from '../../ke/wait.js';
import type { PointerWidth } from '../../nt/image-info-codec.js';
import type { ImageInfo } from '../../nt/image-info.js';
import { PASSIVE_LEVEL } from '../../nt/constants.js';
import { buildImageInfo, type ImageFacts } from './image-info.js';
import type { LoadImageNotifyRoutine } from './routine.js';
import { LoadImageNotifyTable, type DispatchedRoutine, type DispatchFailureSink, type NotifyBlock } from './table.js';

export type { DispatchedRoutine } from './table.js';

/**
 * Observes every dispatch (for tools such as the CLI): called as an image's
 * dispatch begins; the routines called are appended to the returned array as
 * they run.
 */
export type DispatchTracer = (fullImageName: string | null, processId: number, imageInfo: ImageInfo) => DispatchedRoutine[];

export interface NotifierOptions {
  profile: BuildProfile;
  pointerWidth: PointerWidth;
  context: KernelContext;
  machine: MachineState;
  waiter: Waiter;
}

export class ImageNotifier {
  readonly table: LoadImageNotifyTable;
  tracer: DispatchTracer | null = null;
  /** Called when a traced dispatch has called its last routine (or stopped), with the tracer's array. */
  completed: ((routines: DispatchedRoutine[]) => void) | null = null;
  readonly #profile: BuildProfile;
  readonly #pointerWidth: PointerWidth;
  readonly #context: KernelContext;
  readonly #waiter: Waiter;
  readonly #failures: DispatchFailureSink;
  /** Execution frames reused by nesting depth: a dispatch inside a routine takes the next one. */
  readonly #frames: ExecutionFrame[] = [];
  #depth = 0;
  readonly #harnessAddresses = new Map<unknown, bigint>();

  constructor(options: NotifierOptions) {
    this.#profile = options.profile;
    this.#pointerWidth = options.pointerWidth;
    this.#context = options.context;
    this.#waiter = options.waiter;
    this.table = new LoadImageNotifyTable(options.profile.slots);
    const machine = options.machine;
    this.#failures = {
      staleRoutine: (block) =>
        machine.stop(staleRoutineBugCheck(block.address, block.owner?.fileName ?? null, 8n, 'called at the next image notification')),
      routineFailed: (block, error) => {
        if (isKernelStop(error)) throw error;
        return machine.stop(exceptionBugCheck(block.owner?.fileName ?? null, block.address, error, 'load-image notify routine'));
      },
    };
  }

  /** The global "image notify enabled" bit: nothing is dispatched before the first registration. */
  get enabled(): boolean {
    return this.table.enabled;
  }

  /** PsSetLoadImageNotifyRoutineEx, attributed to the driver whose code runs. */
  register(routine: LoadImageNotifyRoutine | null, flags: number | bigint): number {
    const owner = this.#context.currentDriver();
    return this.table.register(routine, flags, owner, (r) => this.routineAddress(r, owner));
  }

  /** PsRemoveLoadImageNotifyRoutine: removing a routine still running on this thread is a deadlock (§3). */
  remove(routine: LoadImageNotifyRoutine | null): number {
    return this.table.remove(routine, this.#waiter, (block) => {
      const name = routine?.name ? `${routine.name} ` : '';
      return (
        `PsRemoveLoadImageNotifyRoutine(${name}0x${block.address.toString(16)}` +
        `${block.owner ? ` of ${block.owner.fileName}` : ''}) waits for an invocation of that routine ` +
        `that is still running on this thread: the real kernel would wait forever`
      );
    });
  }

  /** Drops the registrations a driver made (a load that fails on an import the build lacks). */
  forgetRegistrationsOf(owner: DriverCode): void {
    const slots = this.table.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i]?.owner === owner) this.table.clear(i);
  }

  /** The first routine `owner` left registered, if any (Driver Verifier's unload check). */
  leftBy(owner: DriverCode): NotifyBlock | undefined {
    return this.table.registered().find((b) => b.owner === owner && b.routine !== null);
  }

  /** Synthetic, stable code address of a routine: inside its driver's image, or in a harness range. */
  routineAddress(routine: LoadImageNotifyRoutine | null, owner: DriverCode | null): bigint {
    if (routine === null) return 0n;
    if (owner !== null) return owner.addressOf(routine);
    let address = this.#harnessAddresses.get(routine);
    if (address === undefined) {
      const base = this.#pointerWidth === 'x64' ? 0xfffff806_10001000n : 0x8100_1000n;
      address = base + BigInt(this.#harnessAddresses.size * 0x10);
      this.#harnessAddresses.set(routine, address);
    }
    return address;
  }

  /**
   * Is a dispatch of `process`'s user images running on this thread with its
   * address-space lock held? (Windows 7 held it: a routine that maps into that
   * process deadlocks, §9.)
   */
  addressSpaceLockHeldFor(process: ContextProcess): boolean {
    const frame = this.#context.frame();
    return frame !== null && frame.addressSpaceLockHeld && frame.process === process;
  }

  /**
   * PsCallImageNotifyRoutines: one image to every registered routine, in
   * `process`'s context at PASSIVE_LEVEL inside a critical region (§4).
   * `lockHeld`: a user image on a build that holds the address-space lock.
   */
  callImageNotifyRoutines(fullImageName: string | null, processId: number, facts: ImageFacts, process: ContextProcess, lockHeld: boolean): void {
    if (!this.table.enabled) return;
    this.dispatch(fullImageName, processId, buildImageInfo(this.#profile, this.#pointerWidth, facts), process, lockHeld);
  }

  /** The dispatch itself, for an ImageInfo already built (one per image, shared by every routine). */
  dispatch(fullImageName: string | null, processId: number, info: ImageInfo, process: ContextProcess, lockHeld: boolean): void {
    const depth = this.#depth++;
    let frame = this.#frames[depth];
    if (frame === undefined) {
      frame = { kernel: this.#context.kernel, driver: null, process, irql: PASSIVE_LEVEL, criticalRegion: 1, addressSpaceLockHeld: lockHeld };
      this.#frames[depth] = frame;
    } else {
      frame.driver = null;
      frame.process = process;
      frame.addressSpaceLockHeld = lockHeld;
    }
    const called = this.tracer === null ? undefined : this.tracer(fullImageName, processId, info);
    const previous = enterFrame(frame);
    try {
      this.table.dispatch(fullImageName, processId, info, frame, this.#failures, called);
    } finally {
      enterFrame(previous);
      this.#depth--;
      if (called !== undefined) this.completed?.(called);
    }
  }
}
