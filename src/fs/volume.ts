// The system volume: C:, known to the kernel as \Device\HarddiskVolumeN. Files
// live in memory; `{ root }` mounts a host folder read-only beneath them
// (symlinks followed; writes stay in memory and shadow the host's files).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NtStatusError, STATUS_ACCESS_DENIED, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SHARING_VIOLATION } from '../nt/status.js';
import { parseVolumePath, type VolumePath } from './path.js';
import { MAX_IMAGE_FILE_BYTES, readFileBounded } from './read-bounded.js';

/** A code-integrity label: what an image's signature bits report (SEMANTICS.md §1). */
export interface FileLabel {
  signingLevel?: number;
  signatureType?: number;
}

export interface VolumeOptions {
  /** N of \Device\HarddiskVolumeN; default 3, as on a typical Windows 10/11 install. */
  volumeNumber?: number;
  /** A host folder mounted read-only as C:\. */
  root?: string;
}

/** A file's names, in the forms Windows shows them. */
export interface VolumeEntry {
  /** `C:\Windows\System32\ntdll.dll`. */
  readonly dosPath: string;
  /** `\Device\HarddiskVolume3\Windows\System32\ntdll.dll`. */
  readonly ntPath: string;
  /** `\Windows\System32\ntdll.dll` (a FILE_OBJECT's FileName). */
  readonly volumePath: string;
  /** `ntdll.dll`. */
  readonly name: string;
}

/** The system volume as users see it (API.md `kernel.fs`). */
export interface Volume {
  /** N of \\Device\\HarddiskVolumeN. */
  readonly volumeNumber: number;
  /** Writes a file (in memory); `label` overrides its code-integrity signature bits. The volume keeps a copy. */
  writeFile(path: string, bytes: Uint8Array, label?: FileLabel): void;
  /** A copy of the file's bytes; NtStatusError STATUS_OBJECT_NAME_NOT_FOUND when there is none. */
  readFile(path: string): Uint8Array;
  exists(path: string): boolean;
  /** The file's names (path given as DOS, NT or volume path), or null when there is no such file. */
  lookup(path: string): VolumeEntry | null;
  /** DOS paths of the files written to the volume (a mounted host folder is not listed). */
  list(): string[];
}

/** One file of the volume. Identity matters: a rewritten path is a new file. */
export class VolumeFile implements VolumeEntry {
  /** Unique per file of its volume, in creation order; names its FILE_OBJECT. */
  readonly id: number;
  /** `\Windows\System32\ntdll.dll`, spelled as stored. */
  readonly volumePath: string;
  /** The folded volume path: how NTFS compares names, and every per-file table's key. */
  readonly key: string;
  /** `\Device\HarddiskVolume3\Windows\System32\ntdll.dll`. */
  readonly ntPath: string;
  /** `C:\Windows\System32\ntdll.dll`. */
  readonly dosPath: string;
  readonly name: string;
  readonly label: FileLabel | null;
  /** The memory manager's image section for this file (or why it has none): a file belongs to one volume, so one kernel. */
  imageSection: unknown = undefined;
  /**
   * Views of its image section now mapped (in processes and system space),
   * kept by the memory manager: while any is, the file cannot be written
   * (MmFlushImageSection fails, STATUS_SHARING_VIOLATION).
   */
  mappedImageViews = 0;
  #bytes: Uint8Array | null;
  readonly #hostPath: string | null;

  constructor(id: number, volumeNumber: number, components: readonly string[], source: Uint8Array | string, label: FileLabel | null) {
    this.id = id;
    this.volumePath = '\\' + components.join('\\');
    this.key = this.volumePath.toLowerCase();
    this.ntPath = `\\Device\\HarddiskVolume${volumeNumber}${this.volumePath}`;
    this.dosPath = 'C:' + this.volumePath;
    this.name = components[components.length - 1] ?? '';
    this.label = label;
    this.#bytes = typeof source === 'string' ? null : source;
    this.#hostPath = typeof source === 'string' ? source : null;
  }

  get bytes(): Uint8Array {
    if (this.#bytes === null) {
      try {
        this.#bytes = readFileBounded(this.#hostPath!, MAX_IMAGE_FILE_BYTES, `${this.dosPath} (mounted from the host)`);
      } catch (error) {
        const status = error instanceof NtStatusError ? error.status : STATUS_ACCESS_DENIED;
        throw new NtStatusError(status, `${this.dosPath}: cannot read host file ${this.#hostPath}: ${(error as Error).message}`);
      }
    }
    return this.#bytes;
  }
}

export class SystemVolume implements Volume {
  readonly volumeNumber: number;
  readonly root: string | null;
  readonly #files = new Map<string, VolumeFile>();
  /** Host directory → (folded name → real name); filled on first look. */
  readonly #hostDirectories = new Map<string, Map<string, string> | null>();
  readonly #hostFiles = new Map<string, VolumeFile | null>();
  readonly #parsed = new Map<string, VolumePath>();
  readonly #opened = new Map<string, VolumeFile>();
  /** File ids are the volume's own: two volumes built alike number their files alike. */
  #nextFileId = 1;

  constructor(options: VolumeOptions = {}) {
    const volumeNumber = options.volumeNumber ?? 3;
    if (!Number.isInteger(volumeNumber) || volumeNumber < 1) {
      throw new RangeError(`volumeNumber must be a positive integer, got ${volumeNumber}`);
    }
    this.volumeNumber = volumeNumber;
    this.root = options.root ?? null;
    if (this.root !== null) {
      let isDirectory = false;
      try {
        isDirectory = statSync(this.root).isDirectory();
      } catch {
        isDirectory = false;
      }
      if (!isDirectory) {
        throw new NtStatusError(STATUS_OBJECT_NAME_NOT_FOUND, `system root ${this.root} is not a directory on the host`);
      }
    }
  }

  /** Parses (and remembers) a path: the same strings come back on every map and load. */
  parse(path: string): VolumePath {
    let parsed = this.#parsed.get(path);
    if (parsed === undefined) {
      parsed = parseVolumePath(path, this.volumeNumber);
      if (this.#parsed.size >= 4096) this.#parsed.clear();
      this.#parsed.set(path, parsed);
    }
    return parsed;
  }

  /**
   * Writes a file (in memory; never to a mounted host folder). `label` overrides its
   * signature. The volume keeps a copy: changing `bytes` afterwards changes nothing.
   */
  writeFile(path: string, bytes: Uint8Array, label?: FileLabel): void {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`writeFile(${path}): bytes must be a Uint8Array`);
    }
    this.writeShared(path, bytes.slice(), label);
  }

  /** writeFile without the copy (not part of the public Volume), for bytes nobody will change (the builtin system's, shared by kernels). */
  writeShared(path: string, bytes: Uint8Array, label?: FileLabel): void {
    if (label !== undefined) checkLabel(path, label);
    const parsed = this.parse(path);
    if (parsed.components.length === 0) {
      throw new NtStatusError(STATUS_ACCESS_DENIED, `writeFile(${path}): cannot write the volume's root directory`);
    }
    const existing = this.#find(parsed);
    if (existing !== null && existing.mappedImageViews > 0) {
      throw new NtStatusError(
        STATUS_SHARING_VIOLATION,
        `writeFile(${path}): ${existing.dosPath} is mapped as an image (${existing.mappedImageViews} view${existing.mappedImageViews === 1 ? '' : 's'}); unmap it first`,
      );
    }
    // Keep the stored spelling of an existing file's name, as NTFS does on overwrite.
    const components = existing ? existing.volumePath.slice(1).split('\\') : parsed.components;
    this.#files.set(parsed.key, new VolumeFile(this.#nextFileId++, this.volumeNumber, components, bytes, label ?? null));
    this.#opened.clear();
  }

  /** The file's contents (a copy: the volume's own bytes stay as they are). */
  readFile(path: string): Uint8Array {
    return this.open(path).bytes.slice();
  }

  exists(path: string): boolean {
    try {
      return this.#find(this.parse(path)) !== null;
    } catch (error) {
      if (error instanceof NtStatusError) return false;
      throw error;
    }
  }

  /** The file at `path`; STATUS_OBJECT_NAME_NOT_FOUND when there is none. */
  open(path: string): VolumeFile {
    // Images are opened by the same path strings again and again; any write forgets these.
    let file: VolumeFile | null | undefined = this.#opened.get(path);
    if (file === undefined) {
      file = this.#find(this.parse(path));
      if (file !== null) {
        if (this.#opened.size >= 4096) this.#opened.clear();
        this.#opened.set(path, file);
      }
    }
    if (file === null) throw new NtStatusError(STATUS_OBJECT_NAME_NOT_FOUND, `${path}: no such file on C:`);
    return file;
  }

  /** The file at `path`, or null (also for malformed paths). */
  tryOpen(path: string): VolumeFile | null {
    try {
      return this.#find(this.parse(path));
    } catch (error) {
      if (error instanceof NtStatusError) return null;
      throw error;
    }
  }

  lookup(path: string): VolumeEntry | null {
    return this.tryOpen(path);
  }

  list(): string[] {
    return [...this.#files.values()].map((f) => f.dosPath);
  }

  /** The in-memory files themselves (for the kernel's own listings). */
  memoryFiles(): VolumeFile[] {
    return [...this.#files.values()];
  }

  #find(path: VolumePath): VolumeFile | null {
    return this.#files.get(path.key) ?? this.#findOnHost(path);
  }

  #findOnHost(path: VolumePath): VolumeFile | null {
    if (this.root === null || path.components.length === 0) return null;
    const cached = this.#hostFiles.get(path.key);
    if (cached !== undefined) return cached;
    let hostPath = this.root;
    const spelled: string[] = [];
    let found = true;
    for (const component of path.components) {
      const entries = this.#hostDirectory(hostPath);
      const real = entries?.get(component.toLowerCase());
      if (real === undefined) {
        found = false;
        break;
      }
      spelled.push(real);
      hostPath = join(hostPath, real);
    }
    let file: VolumeFile | null = null;
    if (found) {
      try {
        if (statSync(hostPath).isFile()) file = new VolumeFile(this.#nextFileId++, this.volumeNumber, spelled, hostPath, null);
      } catch {
        file = null; // a dangling symlink is no file
      }
    }
    this.#hostFiles.set(path.key, file);
    return file;
  }

  #hostDirectory(hostPath: string): Map<string, string> | null {
    let entries = this.#hostDirectories.get(hostPath);
    if (entries === undefined) {
      try {
        entries = new Map();
        for (const name of readdirSync(hostPath)) {
          const folded = name.toLowerCase();
          if (!entries.has(folded)) entries.set(folded, name);
        }
      } catch {
        entries = null;
      }
      this.#hostDirectories.set(hostPath, entries);
    }
    return entries;
  }
}

function checkLabel(path: string, label: FileLabel): void {
  if (label === null || typeof label !== 'object') {
    throw new TypeError(`writeFile(${path}): label must be an object { signingLevel?, signatureType? }`);
  }
  const { signingLevel, signatureType } = label;
  if (signingLevel !== undefined && !(Number.isInteger(signingLevel) && signingLevel >= 0 && signingLevel <= 0xf)) {
    throw new RangeError(`writeFile(${path}): label.signingLevel must be an SE_SIGNING_LEVEL_* value 0..15, got ${signingLevel}`);
  }
  if (signatureType !== undefined && !(Number.isInteger(signatureType) && signatureType >= 0 && signatureType <= 7)) {
    throw new RangeError(`writeFile(${path}): label.signatureType must be an SE_IMAGE_SIGNATURE_TYPE value 0..7, got ${signatureType}`);
  }
}
