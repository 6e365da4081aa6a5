// The measure of issue #13 (docs/loader.md, "Fidelity"): how well a model start's image sequence
// predicts a recorded one. Images are compared by key: the file name, case-folded, with
// `SysWOW64\` in front for the 32-bit copies, so WoW64's two ntdlls stay apart and a .NET native
// image matches whatever hash folder the machine gave it. Each image counts once (its first load).

/** The comparison key of an image path: `ntdll.dll`, `syswow64\ntdll.dll`. */
export function imageKey(path: string): string {
  const lower = path.toLowerCase();
  const slash = lower.lastIndexOf('\\');
  const name = slash < 0 ? lower : lower.slice(slash + 1);
  return lower.includes('\\syswow64\\') ? `syswow64\\${name}` : name;
}

/**
 * A start's sequence as the measure reads it: first loads only, the EXE first and the first
 * ntdll second (Sysmon may write the EXE's own event 7 after ntdll, kernel32 and KernelBase, and
 * a start reports the EXE, then ntdll, before anything else: SEMANTICS.md §5B).
 */
export function startSequence(exePath: string, loads: readonly string[]): string[] {
  const exe = imageKey(exePath);
  const seen = new Set<string>([exe]);
  const rest: string[] = [];
  for (const path of loads) {
    const key = imageKey(path);
    if (seen.has(key)) continue;
    seen.add(key);
    rest.push(key);
  }
  const ntdll = rest.indexOf('ntdll.dll');
  if (ntdll > 0) rest.unshift(...rest.splice(ntdll, 1));
  return [exe, ...rest];
}

/** Length of the longest common subsequence (O(n·m) time, O(m) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

export interface StartScore {
  /** The first eight images (or all the recorded ones, when fewer) are the same, in the same order. */
  first8: boolean;
  /** LCS / the longer of the two sequences: 1 only when they are equal. */
  lcs: number;
  /** Share of the recorded images the model loads at all. */
  coverage: number;
  /** The first position where they differ, or null when equal. */
  disagreement: { index: number; recorded: string | null; model: string | null } | null;
}

export const FIRST_N = 8;

export function scoreStart(recorded: readonly string[], model: readonly string[]): StartScore {
  const head = Math.min(FIRST_N, recorded.length);
  let first8 = model.length >= head;
  for (let i = 0; i < head && first8; i++) first8 = recorded[i] === model[i];
  const longer = Math.max(recorded.length, model.length);
  const lcs = longer === 0 ? 1 : lcsLength(recorded, model) / longer;
  const modelSet = new Set(model);
  let covered = 0;
  for (const key of recorded) if (modelSet.has(key)) covered++;
  const coverage = recorded.length === 0 ? 1 : covered / recorded.length;
  let disagreement: StartScore['disagreement'] = null;
  for (let i = 0; i < longer; i++) {
    if (recorded[i] !== model[i]) {
      disagreement = { index: i, recorded: recorded[i] ?? null, model: model[i] ?? null };
      break;
    }
  }
  return { first8, lcs, coverage, disagreement };
}
