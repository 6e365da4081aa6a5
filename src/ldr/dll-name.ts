// DLL name handling shared by the loader's parts: folding, the implied
// `.dll` extension, API-set names (docs/loader.md).

/** `KERNEL32` → `kernel32.dll`; names with an extension keep it (folded). */
export function foldDllName(name: string): string {
  const folded = name.toLowerCase();
  return hasExtension(folded) ? folded : `${folded}.dll`;
}

/** True when the last path component has a `.ext` (a trailing dot counts as an explicit "no extension"). */
function hasExtension(name: string): boolean {
  const base = name.slice(Math.max(name.lastIndexOf('\\'), name.lastIndexOf('/')) + 1);
  return base.includes('.');
}

/** `api-ms-win-…` and `ext-ms-…` names are API-set contracts, not files (SEMANTICS.md §5B, loader step). */
export function isApiSetName(name: string): boolean {
  const folded = name.toLowerCase();
  return folded.startsWith('api-') || folded.startsWith('ext-');
}

/** Extension sets may be absent on an edition; an import of one is then skipped. */
export function isExtensionSetName(name: string): boolean {
  return name.toLowerCase().startsWith('ext-');
}

/**
 * The part of a contract name Windows matches on: the folded name without
 * `.dll` and without its last `-N` component (`api-ms-win-core-file-l1-2-4`
 * → `api-ms-win-core-file-l1-2`), so any minor version finds the entry.
 */
export function apiSetMatchKey(name: string): string {
  let folded = name.toLowerCase();
  if (folded.endsWith('.dll')) folded = folded.slice(0, -4);
  const hyphen = folded.lastIndexOf('-');
  return hyphen > 0 ? folded.slice(0, hyphen) : folded;
}

/** True for a path (has a separator) rather than a bare DLL name. */
export function isPath(name: string): boolean {
  return name.includes('\\') || name.includes('/');
}
