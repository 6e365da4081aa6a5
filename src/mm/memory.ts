// The memory manager of one kernel: its image sections, its address choices,
// and the notify dispatcher it reports image maps to. Everything a view map
// (map-image.ts) and a system-image load (system-image.ts) depend on is here,
// and nothing else.
import type { ImageNotifier } from '../ps/notify/dispatcher.js';
import type { BuildProfile } from '../ke/profile.js';
import type { PointerWidth } from '../nt/image-info-codec.js';
import type { Random } from '../rtl/random.js';
import type { AddressSpace } from './address-space.js';
import { AddressChooser } from './aslr.js';
import { SectionCache, type LabelSource } from './section.js';

export interface MemoryManagerOptions {
  profile: BuildProfile;
  /** IMAGE_FILE_MACHINE_* of the OS. */
  nativeMachine: number;
  pointerWidth: PointerWidth;
  random: Random;
  /** PsCallImageNotifyRoutines: where maps are reported (§5A, §5C). */
  notifier: ImageNotifier;
  /** Code integrity: a file's signature label, computed when a report first needs it. */
  labelSource: LabelSource;
}

export class MemoryManager {
  readonly profile: BuildProfile;
  readonly nativeMachine: number;
  readonly pointerWidth: PointerWidth;
  readonly notifier: ImageNotifier;
  readonly sections: SectionCache;
  readonly addresses: AddressChooser;

  constructor(options: MemoryManagerOptions) {
    this.profile = options.profile;
    this.nativeMachine = options.nativeMachine;
    this.pointerWidth = options.pointerWidth;
    this.notifier = options.notifier;
    this.addresses = new AddressChooser(options.random, options.pointerWidth === 'x64');
    const fileObjectBase = options.pointerWidth === 'x64' ? 0xffffa000_00000000n : 0x8a00_0000n;
    this.sections = new SectionCache(options.labelSource, fileObjectBase);
  }

  /** Kernel (system) space, where drivers and kernel DLLs are loaded. */
  get systemSpace(): AddressSpace {
    return this.addresses.systemSpace;
  }
}
