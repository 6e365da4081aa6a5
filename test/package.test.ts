// The installed package works: `npm pack`, install the tarball into an empty
// project, and `npx psnotify run` a scenario whose driver is a .ts, .mts, .js
// or .mjs module importing 'psnotify' (tsx is a runtime dependency). And the
// links of the documentation resolve, in the clone and in the package.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scratch } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Relative links of a Markdown file that point outside it (http links and anchors excluded). */
function localLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#')).map((l) => l.split('#')[0]!);
}

function docs(base: string): string[] {
  return [join(base, 'README.md'), ...readdirSync(join(base, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(base, 'docs', f))];
}

test('every relative link in README.md and docs/ resolves inside the repository', () => {
  for (const file of docs(root)) {
    for (const link of localLinks(file)) {
      const target = resolve(dirname(file), link);
      assert.ok(target.startsWith(root + '/') || target === root, `${file}: ${link} points outside the repository`);
      assert.ok(existsSync(target), `${file}: ${link} does not exist`);
    }
  }
});

test('the packed package installs and runs .ts, .mts, .js and .mjs drivers with npx psnotify run', (t) => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'bin.js'))) return t.skip('dist/ not built: npm test builds it first');
  const dir = scratch(t, 'psnotify-pack-');
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string }[];
  const app = join(dir, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed[0]!.filename)], { cwd: app, stdio: 'ignore' });
  for (const ext of ['ts', 'mts', 'js', 'mjs']) {
    const typed = ext.endsWith('ts');
    writeFileSync(join(app, `drv-${ext}.${ext}`), [
      `import { PsSetLoadImageNotifyRoutine${typed ? ', type DriverObject' : ''} } from 'psnotify';`,
      `export function DriverEntry(d${typed ? ': DriverObject' : ''})${typed ? ': number' : ''} {`,
      '  d.DriverUnload = () => {};',
      `  return PsSetLoadImageNotifyRoutine((name) => { if (/kernel32/i.test(name ?? '')) console.log('${ext} driver saw kernel32'); });`,
      '}',
    ].join('\n'));
    writeFileSync(join(app, `${ext}.yaml`), `drivers: [{ module: ./drv-${ext}.${ext} }]\nsteps:\n  - createProcess: { path: 'C:\\Windows\\System32\\cmd.exe' }\n`);
    const run = spawnSync('npx', ['--no-install', 'psnotify', 'run', `${ext}.yaml`], { cwd: app, encoding: 'utf8' });
    assert.equal(run.status, 0, `${ext}: ${run.stderr}`);
    assert.match(run.stdout, new RegExp(`${ext} driver saw kernel32`));
  }
  // The documentation ships, and its links resolve inside the installed package too.
  const installed = join(app, 'node_modules', 'psnotify');
  for (const file of docs(installed)) {
    for (const link of localLinks(file)) assert.ok(existsSync(resolve(dirname(file), link)), `installed ${file}: ${link} does not exist`);
  }
});
