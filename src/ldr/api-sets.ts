// Resolving an API-set contract name to its host DLL: from the volume's
// C:\Windows\System32\apisetschema.dll when there is one (as the kernel maps
// it into every process's PEB), else from the builtin map (docs/loader.md).
import type { SystemVolume, VolumeFile } from '../fs/volume.js';
import type { SectionCache } from '../mm/section.js';
import { NtStatusError, STATUS_INVALID_IMAGE_FORMAT } from '../nt/status.js';
import { builtinApiSetHost } from './api-set-map.js';
import { ApiSetSchema } from './api-set-schema.js';
import { apiSetMatchKey } from './dll-name.js';

export const SCHEMA_PATH = 'C:\\Windows\\System32\\apisetschema.dll';

/**
 * `{ host }`: load that DLL instead; `{ host: null }`: the contract exists but
 * has no host on this system; `null`: the name is not a known contract (the
 * loader then looks for a file of that name).
 */
export type ApiSetResolution = { host: string } | { host: null } | null;

export class ApiSetResolver {
  readonly #volume: SystemVolume;
  readonly #sections: SectionCache;
  #schemaFile: VolumeFile | null = null;
  #schema: ApiSetSchema | null = null;

  constructor(volume: SystemVolume, sections: SectionCache) {
    this.#volume = volume;
    this.#sections = sections;
  }

  /** The parsed schema of the volume, or null when it has none. */
  schema(): ApiSetSchema | null {
    const file = this.#volume.tryOpen(SCHEMA_PATH);
    if (file === null) return null;
    if (file !== this.#schemaFile) {
      // Parsed once per file; a rewritten schema is a new file and is parsed again.
      this.#schema = ApiSetSchema.parse(apisetSection(this.#sections, file), file.dosPath);
      this.#schemaFile = file;
    }
    return this.#schema;
  }

  /** `contract` as imported (`api-ms-win-core-file-l1-2-4.dll`); `importer` its folded base name. */
  resolve(contract: string, importer: string | null): ApiSetResolution {
    const key = apiSetMatchKey(contract);
    const schema = this.schema();
    if (schema !== null) return schema.resolve(key, importer);
    const host = builtinApiSetHost(key);
    return host === null ? null : { host: host === '' ? null : host };
  }
}

/** The bytes of the image's `.apiset` section. */
function apisetSection(sections: SectionCache, file: VolumeFile): Uint8Array {
  const image = sections.sectionFor(file).image;
  const section = image.sections.find((s) => s.name === '.apiset');
  if (section === undefined) {
    throw new NtStatusError(STATUS_INVALID_IMAGE_FORMAT, `${file.dosPath}: no .apiset section (sections: ${image.sections.map((s) => s.name).join(', ') || 'none'})`);
  }
  const bytes = file.bytes;
  const length = section.virtualSize > 0 ? Math.min(section.virtualSize, section.sizeOfRawData) : section.sizeOfRawData;
  if (section.pointerToRawData > bytes.length || length > bytes.length - section.pointerToRawData) {
    throw new NtStatusError(
      STATUS_INVALID_IMAGE_FORMAT,
      `${file.dosPath}: .apiset PointerToRawData 0x${section.pointerToRawData.toString(16)} + 0x${length.toString(16)} lies beyond the file (0x${bytes.length.toString(16)} bytes)`,
    );
  }
  return bytes.subarray(section.pointerToRawData, section.pointerToRawData + length);
}
