// Seed images for the fuzzer: built images of every machine and kind, plus
// (when given) real images from the corpus folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_ARMNT, IMAGE_FILE_MACHINE_I386 } from '../nt/constants.js';
import { buildPe } from './build.js';

export function builtSeeds(): [string, Uint8Array][] {
  const seeds: [string, Uint8Array][] = [];
  for (const machine of [IMAGE_FILE_MACHINE_I386, IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_ARMNT]) {
    seeds.push([
      `built-${machine.toString(16)}-dll`,
      buildPe({
        machine, dll: true,
        imports: { 'KERNEL32.dll': ['CreateFileW', 7], 'ntdll.dll': ['NtClose'] },
        delayImports: { 'USER32.dll': ['MessageBoxW'] },
        exports: ['A', 'B', { name: 'C', forwarder: 'NTDLL.RtlX' }],
        exportDllName: 'x.dll',
        versionInfo: { CompanyName: 'Contoso', FileVersion: '1.2.3.4' },
      }),
    ]);
    seeds.push([`built-${machine.toString(16)}-driver`, buildPe({ machine, driver: true, imports: { 'ntoskrnl.exe': ['IoCreateDevice'] } })]);
  }
  return seeds;
}

/** Up to `limit` real images from the corpus, spread over its folders. */
export function corpusSeeds(root: string, limit = 200): [string, Uint8Array][] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === '.apt') continue;
      const path = join(dir, name);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats) continue;
      if (stats.isDirectory()) walk(path);
      else if (stats.isFile() && stats.size >= 64 && stats.size < 4 << 20 && /\.(dll|exe|sys|efi|signed|drv|ocx|cpl)$/i.test(name)) files.push(path);
    }
  };
  walk(root);
  const step = Math.max(1, Math.floor(files.length / limit));
  const seeds: [string, Uint8Array][] = [];
  for (let i = 0; i < files.length && seeds.length < limit; i += step) {
    const bytes = new Uint8Array(readFileSync(files[i]!));
    if (bytes[0] === 0x4d && bytes[1] === 0x5a) seeds.push([files[i]!, bytes]);
  }
  return seeds;
}
