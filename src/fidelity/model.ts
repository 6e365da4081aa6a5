// The model's side of the measure: a recorded start replayed as a start of the same program on a
// builtin machine of the host's build (its run-time loads included), one kernel per build.
import { Kernel } from '../index.js';
import { volumePathOf } from '../replay/paths.js';

export class ModelMachines {
  readonly #kernels = new Map<number, { kernel: Kernel; names: (string | null)[]; pid: number }>();
  readonly #runtimeLoads: boolean;

  constructor(options: { runtimeLoads?: boolean } = {}) {
    this.#runtimeLoads = options.runtimeLoads ?? true;
  }

  #machine(build: number): { kernel: Kernel; names: (string | null)[]; pid: number } {
    let machine = this.#kernels.get(build);
    if (machine === undefined) {
      const kernel = new Kernel({ build, seed: 1 });
      const state = { kernel, names: [] as (string | null)[], pid: -1 };
      kernel.ntoskrnl.PsSetLoadImageNotifyRoutine((name, pid) => {
        if (pid === state.pid || state.pid === -1) state.names.push(name);
      });
      this.#kernels.set(build, state);
      machine = state;
    }
    return machine;
  }

  /** The release a build's machine has (`win10-2004`). */
  releaseOf(build: number): string {
    return this.#machine(build).kernel.release.id;
  }

  /** Whether the builtin machine of `build` has `image` as a program. */
  has(build: number, image: string): boolean {
    const path = volumePathOf(image);
    return /\.exe$/i.test(path) && this.#machine(build).kernel.fs.exists(path);
  }

  /** The NT image names the start of `image` reports, in order; null when the machine lacks the program. */
  start(build: number, image: string, commandLine: string): string[] | null {
    if (!this.has(build, image)) return null;
    const machine = this.#machine(build);
    machine.names = [];
    const process = machine.kernel.createProcess(volumePathOf(image), { suspended: true, commandLine, runtimeLoads: this.#runtimeLoads });
    machine.pid = process.pid;
    process.resume();
    machine.pid = -1;
    process.terminate();
    return machine.names.map((name) => name ?? '');
  }
}
