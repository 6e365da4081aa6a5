// Loading rule files from disk: files and folders (recursively, `.yml` and
// `.yaml`, in sorted order, symlinked folders followed once), every YAML
// document of every file. Good rules are returned compiled; everything else —
// unreadable files, invalid YAML, rules the engine cannot evaluate,
// correlation and filter documents — is listed with its located reason.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileRules } from './compile.js';
import { makeProblem } from './problem.js';
import type { CompiledRule, RuleProblem } from './types.js';

export interface LoadResult {
  readonly rules: CompiledRule[];
  readonly skipped: RuleProblem[];
}

const RULE_FILE = /\.ya?ml$/i;

export function loadRules(paths: readonly string[]): LoadResult {
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) throw new TypeError('paths must be an array of file or folder paths');
  const rules: CompiledRule[] = [];
  const skipped: RuleProblem[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  const loadFile = (file: string): void => {
    let real: string;
    let text: string;
    try {
      real = realpathSync(file);
      if (seenFiles.has(real)) return;
      seenFiles.add(real);
      text = readFileSync(file, 'utf8');
    } catch (e) {
      skipped.push(makeProblem({ path: file, document: 0 }, 'io', `cannot read: ${(e as Error).message}`));
      return;
    }
    for (const r of compileRules(text.startsWith('\ufeff') ? text.slice(1) : text, file)) {
      if (r.kind === 'rule') rules.push(r);
      else skipped.push(r);
    }
  };

  const walk = (dir: string): void => {
    let real: string;
    let names: string[];
    try {
      real = realpathSync(dir);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      names = readdirSync(dir).sort();
    } catch (e) {
      skipped.push(makeProblem({ path: dir, document: 0 }, 'io', `cannot read folder: ${(e as Error).message}`));
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      let isDir: boolean;
      try {
        isDir = statSync(full).isDirectory();
      } catch (e) {
        skipped.push(makeProblem({ path: full, document: 0 }, 'io', `cannot read: ${(e as Error).message}`));
        continue;
      }
      if (isDir) walk(full);
      else if (RULE_FILE.test(name)) loadFile(full);
    }
  };

  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      skipped.push(makeProblem({ path: p, document: 0 }, 'io', `cannot read: ${(e as Error).message}`));
      continue;
    }
    if (isDir) walk(p);
    else loadFile(p);
  }
  return { rules, skipped };
}
