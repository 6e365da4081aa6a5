// Which builtin system a Windows build gets (docs/profiles.md, "Catalogs"): the release covering
// the build, resolved once per process (the result is immutable and shared by every kernel).
import { ReleaseCatalog } from './release-catalog.js';
import type { ReleaseDefinition, ReleaseId } from './release-types.js';
import { WIN10_1903 } from './releases/win10-1903.js';
import { WIN10_2004 } from './releases/win10-2004.js';
import { WIN11 } from './releases/win11.js';
import { WS2016 } from './releases/ws2016.js';
import { WS2019 } from './releases/ws2019.js';
import { WS2022 } from './releases/ws2022.js';

/** In build order; their ranges cover every build from 7601 on. */
export const RELEASES: readonly ReleaseDefinition[] = [WS2016, WS2019, WIN10_1903, WIN10_2004, WS2022, WIN11];

const byId = new Map<ReleaseId, ReleaseDefinition>(RELEASES.map((r) => [r.id, r]));
const resolved = new Map<ReleaseId, ReleaseCatalog>();

export function releaseForBuild(build: number): ReleaseDefinition {
  const release = RELEASES.find((r) => build >= r.firstBuild && build <= r.lastBuild);
  if (release === undefined) throw new RangeError(`no builtin system for build ${build}: give a Windows build number from 7601 on`);
  return release;
}

/** The resolved catalog of a release (its base chain applied), made on first use. */
export function releaseCatalog(id: ReleaseId): ReleaseCatalog {
  let catalog = resolved.get(id);
  if (catalog === undefined) {
    const chain: ReleaseDefinition[] = [];
    for (let r: ReleaseDefinition | undefined = byId.get(id); r !== undefined; r = r.base === undefined ? undefined : byId.get(r.base)) chain.unshift(r);
    catalog = new ReleaseCatalog(chain);
    resolved.set(id, catalog);
  }
  return catalog;
}

export type { ReleaseId };
