// The memory manager's address choices: user and system address spaces, and
// the ASLR bases of images (SEMANTICS.md §5). Every choice draws on the
// kernel's seeded generator, so a seed fixes every address.
import type { Random } from '../rtl/random.js';
import { AddressSpace, ALLOCATION_GRANULARITY } from './address-space.js';
import { SpareArrays } from './vad-blocks.js';
import type { ImageSection } from './section.js';

/** [low, high) windows for one pointer width. */
interface Layout {
  user: [bigint, bigint];
  /** Where ASLR puts DLLs (top-down region) and EXEs. */
  dllWindow: [bigint, bigint];
  exeWindow: [bigint, bigint];
}

const layout64: Layout = {
  user: [0x10000n, 0x7fff_ffff_0000n],
  dllWindow: [0x7ff8_0000_0000n, 0x7fff_ffe0_0000n],
  exeWindow: [0x7ff6_0000_0000n, 0x7ff8_0000_0000n],
};

const layout32: Layout = {
  user: [0x10000n, 0x7fff_0000n],
  dllWindow: [0x5000_0000n, 0x7800_0000n],
  exeWindow: [0x0040_0000n, 0x0100_0000n],
};

export class AddressChooser {
  readonly random: Random;
  /** Kernel (system) space, where drivers and kernel DLLs are loaded. */
  readonly systemSpace: AddressSpace;
  /** Memory for the VAD trees of this kernel's user spaces, recycled from terminated processes to new ones. */
  readonly #spares = new SpareArrays();

  constructor(random: Random, kernelIs64Bit: boolean) {
    this.random = random;
    this.systemSpace = kernelIs64Bit
      ? new AddressSpace(0xfffff800_00000000n, 0xfffff880_00000000n, random)
      : new AddressSpace(0x8000_0000n, 0xc000_0000n, random);
  }

  /** A new process's user address space: 2 GiB for 32-bit (and WoW64) processes, 128 TiB for 64-bit. */
  newUserAddressSpace(is64Bit: boolean): AddressSpace {
    const [low, high] = (is64Bit ? layout64 : layout32).user;
    return new AddressSpace(low, high, this.random, this.#spares);
  }

  chooseDllBase(section: ImageSection): bigint {
    return this.#pick(section, (section.is64Bit ? layout64 : layout32).dllWindow);
  }

  chooseExeBase(process: { addressSpace: AddressSpace }, section: ImageSection): bigint {
    const [low, high] = (section.is64Bit ? layout64 : layout32).exeWindow;
    for (let attempt = 0; attempt < 16; attempt++) {
      const base = this.#pick(section, [low, high]);
      if (process.addressSpace.isFree(base, section.imageSize)) return base;
    }
    return this.#pick(section, [low, high]);
  }

  #pick(section: ImageSection, [low, high]: [bigint, bigint]): bigint {
    const span = BigInt(section.imageSize) + ALLOCATION_GRANULARITY;
    const slots = Number((high - low - span) / ALLOCATION_GRANULARITY);
    return low + BigInt(this.random.below(Math.max(slots, 1))) * ALLOCATION_GRANULARITY;
  }
}
