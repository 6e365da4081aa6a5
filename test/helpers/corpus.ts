// The real-PE corpus (shared/corpus/fetch-pe-corpus.sh), located by PSNOTIFY_PE_CORPUS.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const corpusRoot: string | undefined = process.env.PSNOTIFY_PE_CORPUS || undefined;
export const CORPUS_SKIP = 'PSNOTIFY_PE_CORPUS not set: real-PE corpus tests skipped (run ../shared/corpus/fetch-pe-corpus.sh DIR and set it)';

export interface CorpusFile {
  path: string;
  /** Path below the corpus root, e.g. `wine-arm64/usr/lib/...`. */
  relative: string;
  /** The first folder: the Debian package and architecture, e.g. `wine-arm64`. */
  folder: string;
  bytes: Uint8Array;
}

/** Every file under the corpus that starts with "MZ", optionally only below some folders. */
export function* corpusImages(root: string, folders?: string[]): Generator<CorpusFile> {
  const stack = (folders ?? readdirSync(root).filter((f) => f !== '.apt')).map((f) => join(root, f));
  while (stack.length > 0) {
    const path = stack.pop()!;
    let stats;
    try {
      stats = statSync(path);
    } catch {
      continue;
    }
    if (stats.isDirectory()) {
      for (const name of readdirSync(path)) stack.push(join(path, name));
      continue;
    }
    if (!stats.isFile() || stats.size < 64) continue;
    const bytes = new Uint8Array(readFileSync(path));
    if (bytes[0] !== 0x4d || bytes[1] !== 0x5a) continue;
    const rel = relative(root, path);
    yield { path, relative: rel, folder: rel.split(/[\\/]/)[0]!, bytes };
  }
}
