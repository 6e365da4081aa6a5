// Image sections (SEC_IMAGE): one per file, parsed once and shared by every
// view of it, as the kernel's control area is (the file object points at it).
// A malformed file fails the same way every time without being parsed again.
import type { CodeIntegrityLabel } from '../ci/code-integrity.js';
import type { FileLabel, VolumeFile } from '../fs/volume.js';
import { FileObject } from '../nt/image-info.js';
import { NtStatusError } from '../nt/status.js';
import { SE_SIGNING_LEVEL_UNSIGNED, SeImageSignatureNone } from '../nt/constants.js';
import { parseImageForSection } from '../pe/validate.js';
import { IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE, IMAGE_FILE_DLL, type PeImage } from '../pe/types.js';
import { pageRound } from './address-space.js';

/** Computes a file's label from its bytes and parsed image (Authenticode); injected by the kernel. */
export type LabelSource = (bytes: Uint8Array, image: PeImage) => CodeIntegrityLabel;

type PeExport = PeImage['exports'][number];

export class ImageSection {
  readonly file: VolumeFile;
  readonly image: PeImage;
  readonly fileObject: FileObject;
  /** SizeOfImage rounded up to pages: what a whole-image view spans. */
  readonly imageSize: number;
  readonly machine: number;
  readonly is64Bit: boolean;
  readonly containsCode: boolean;
  readonly isDll: boolean;
  readonly dynamicBase: boolean;
  /** Base chosen once for an ASLR DLL, shared by every process (per boot). */
  aslrBase: bigint | null = null;
  readonly #labelSource: LabelSource;
  #label: CodeIntegrityLabel | null = null;
  readonly #mismatch = new Map<number, boolean>();
  #lastKind = 0;
  #lastMismatch = false;
  #exportsByName: Map<string, PeExport> | null = null;
  #exportsByOrdinal: Map<number, PeExport> | null = null;

  constructor(file: VolumeFile, image: PeImage, fileObjectAddress: bigint, labelSource: LabelSource) {
    this.file = file;
    this.image = image;
    this.fileObject = new FileObject(file.volumePath, fileObjectAddress);
    this.imageSize = pageRound(image.sizeOfImage);
    this.machine = image.machine;
    this.is64Bit = image.magic === 0x20b;
    this.containsCode = image.containsCode;
    this.isDll = (image.characteristics & IMAGE_FILE_DLL) !== 0;
    this.dynamicBase = (image.dllCharacteristics & IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE) !== 0;
    this.#labelSource = labelSource;
  }

  /**
   * MachineTypeMismatch depends only on the image and the kind of process
   * (its machine, WoW64 or not), so it is decided once per kind (§6).
   */
  knownMismatch(process: { machine: number; wow64: boolean }): boolean | undefined {
    const key = process.wow64 ? -process.machine : process.machine;
    return key === this.#lastKind ? this.#lastMismatch : this.#mismatch.get(key);
  }

  rememberMismatch(process: { machine: number; wow64: boolean }, mismatch: boolean): void {
    const key = process.wow64 ? -process.machine : process.machine;
    this.#mismatch.set(key, mismatch);
    this.#lastKind = key;
    this.#lastMismatch = mismatch;
  }

  /** The export an import names (case-sensitive name, or biased ordinal), or undefined; indexed on first use. */
  findExport(wanted: string | number): PeExport | undefined {
    if (this.#exportsByName === null || this.#exportsByOrdinal === null) {
      this.#exportsByName = new Map();
      this.#exportsByOrdinal = new Map();
      for (const entry of this.image.exports) {
        if (entry.name !== null && !this.#exportsByName.has(entry.name)) this.#exportsByName.set(entry.name, entry);
        this.#exportsByOrdinal.set(entry.ordinal, entry);
      }
    }
    return typeof wanted === 'number' ? this.#exportsByOrdinal.get(wanted) : this.#exportsByName.get(wanted);
  }

  /** The code-integrity label: the one given with writeFile, else the embedded signature's. */
  get label(): CodeIntegrityLabel {
    // The getter stays small (every map reads it); the first read computes the label.
    return this.#label ?? this.#computeLabel();
  }

  #computeLabel(): CodeIntegrityLabel {
    const given: FileLabel | null = this.file.label;
    const needComputed = given?.signingLevel === undefined || given?.signatureType === undefined;
    const computed = needComputed ? this.#labelSource(this.file.bytes, this.image) : null;
    this.#label = {
      signingLevel: given?.signingLevel ?? computed?.signingLevel ?? SE_SIGNING_LEVEL_UNSIGNED,
      signatureType: given?.signatureType ?? computed?.signatureType ?? SeImageSignatureNone,
    };
    return this.#label;
  }
}

export class SectionCache {
  readonly #labelSource: LabelSource;
  readonly #fileObjectBase: bigint;

  constructor(labelSource: LabelSource, fileObjectBase: bigint) {
    this.#labelSource = labelSource;
    this.#fileObjectBase = fileObjectBase;
  }

  /** NtCreateSection(SEC_IMAGE) on `file`: throws STATUS_INVALID_IMAGE_FORMAT for a bad image. */
  sectionFor(file: VolumeFile): ImageSection {
    // The common case, a file already sectioned, stays small enough for every map to inline.
    const section = (file.imageSection as ImageSection | NtStatusError | undefined) ?? this.#create(file);
    if (section instanceof NtStatusError) throw section;
    return section;
  }

  /** Parses `file` once; a malformed file keeps its error, thrown on every later map. */
  #create(file: VolumeFile): ImageSection | NtStatusError {
    let section: ImageSection | NtStatusError;
    try {
      // NtCreateSection(SEC_IMAGE) checks the image the way MiCreateImageFileMap does (docs/pe-limits.md).
      const image = parseImageForSection(file.bytes);
      section = new ImageSection(file, image, this.#fileObjectBase + BigInt(file.id) * 0x100n, this.#labelSource);
    } catch (error) {
      if (!(error instanceof NtStatusError)) throw error;
      section = new NtStatusError(error.status, `${file.dosPath}: ${error.detail}`);
    }
    file.imageSection = section;
    return section;
  }
}
