// The first member of a zip, inflated once into a temporary file (removed at
// exit), so a benchmark's baseline can read plain JSON lines.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/replay/input/types.js';
import { readZipDirectory, zipMemberChunks } from '../src/replay/input/zip.js';

export async function unzipFirstMember(zip: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'psnotify-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'member.jsonl');
  const fh = await open(zip, 'r');
  try {
    const [entry] = await readZipDirectory(fh, statSync(zip).size, DEFAULT_LIMITS);
    if (entry === undefined) throw new Error(`${zip}: no member`);
    const sink = createWriteStream(out);
    for await (const chunk of zipMemberChunks(fh, entry, DEFAULT_LIMITS, () => {})) {
      if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => sink.end(() => resolve()));
  } finally {
    await fh.close();
  }
  return out;
}
