// PEB_LDR_DATA for one process: the modules its loader has loaded, by folded
// path, and by (side of the process, base name) for LdrpFindLoadedDllByName —
// both found in constant time however many modules the process has.
import type { ImageView } from '../mm/view.js';
import type { LoaderData } from '../ps/process/process.js';
import type { LoaderWorld } from './search-path.js';

export class ModuleList implements LoaderData {
  readonly #byPath = new Map<string, ImageView>();
  /** `${world}\0${folded base name}` → the first module loaded under that name. */
  readonly #byName = new Map<string, ImageView>();
  readonly #worldOf: (view: ImageView) => LoaderWorld;

  /** `worldOf`: which side of the process a module belongs to (the guest side of WoW64 for 32-bit images). */
  constructor(worldOf: (view: ImageView) => LoaderWorld) {
    this.#worldOf = worldOf;
  }

  /** The module loaded from this folded volume path. */
  byPath(key: string): ImageView | undefined {
    return this.#byPath.get(key);
  }

  /** LdrpFindLoadedDllByName: a module of `world` loaded under this folded base name. */
  byName(world: LoaderWorld, name: string): ImageView | undefined {
    return this.#byName.get(`${world}\0${name}`);
  }

  add(key: string, view: ImageView): void {
    this.#byPath.set(key, view);
    const nameKey = this.#nameKey(key, view);
    if (!this.#byName.has(nameKey)) this.#byName.set(nameKey, view);
  }

  /** An unmapped view: forgotten if it is a loaded module (PEB->Ldr's side of NtUnmapViewOfSection). */
  viewUnmapped(view: ImageView): void {
    const key = view.section.file.key;
    if (this.#byPath.get(key) !== view) return;
    this.#byPath.delete(key);
    const nameKey = this.#nameKey(key, view);
    if (this.#byName.get(nameKey) !== view) return;
    this.#byName.delete(nameKey);
    // Another module of that name and side (loaded from another folder) takes its place.
    for (const [otherKey, other] of this.#byPath) {
      if (this.#nameKey(otherKey, other) === nameKey) {
        this.#byName.set(nameKey, other);
        break;
      }
    }
  }

  #nameKey(key: string, view: ImageView): string {
    return `${this.#worldOf(view)}\0${key.slice(key.lastIndexOf('\\') + 1)}`;
  }
}
