// Where a recorded path lives on the model's volume. The model has one volume, C:, and NTFS's name
// rules; recordings name files on other drives, on shares, with `\\?\` prefixes, relative driver
// paths, and now and then a name that is no path at all (`<unknown process>`). Every recorded path
// maps to one C:\ path, deterministically and case-insensitively (two spellings of one file stay one
// file), so nothing is ever refused for its name. The recorded spelling itself is kept apart and
// is what sensors print (docs/replay.md, "Paths").

/** Characters NTFS refuses in a name (and the model's volume with it). */
const INVALID = /[<>:"|?*\x00-\x1f]/g;

function clean(rest: string): string {
  // Components only: separators stay, invalid characters become '_'.
  return rest.replace(INVALID, '_');
}

/**
 * The model volume path (`C:\…`) of a recorded image path:
 *
 * | recorded | on the model's volume |
 * |---|---|
 * | `C:\x` (any case), `\\?\C:\x`, `\??\C:\x` | `C:\x` |
 * | `D:\x` (another drive) | `C:\D$\x` |
 * | `\\server\share\x`, `\\?\UNC\server\share\x` | `C:\UNC\server\share\x` |
 * | `\SystemRoot\x` | `C:\Windows\x` |
 * | `\Device\…\x` (an NT device path) | `C:\Device\…\x` |
 * | `System32\drivers\x.sys` (relative, as registry ImagePaths are) | `C:\Windows\System32\drivers\x.sys` |
 * | `x.exe` (a bare name) | `C:\Windows\System32\x.exe` |
 *
 * Characters NTFS refuses in names (`<>:"|?*`, controls) become `_`.
 */
export function volumePathOf(recorded: string): string {
  let path = recorded.replace(/\//g, '\\').trim();
  if (path.startsWith('\\\\?\\') || path.startsWith('\\\\.\\') || path.startsWith('\\??\\')) {
    path = path.slice(4);
    if (/^UNC\\/i.test(path)) path = '\\\\' + path.slice(4);
  }
  const drive = /^([A-Za-z]):(\\|$)/.exec(path);
  if (drive) {
    const letter = drive[1]!.toUpperCase();
    const rest = clean(path.slice(2));
    return letter === 'C' ? `C:${rest.startsWith('\\') ? rest : '\\' + rest}` : `C:\\${letter}$${rest.startsWith('\\') ? rest : '\\' + rest}`;
  }
  if (path.startsWith('\\\\')) return `C:\\UNC\\${clean(path.slice(2))}`;
  if (/^\\SystemRoot(\\|$)/i.test(path)) return `C:\\Windows${clean(path.slice('\\SystemRoot'.length))}`;
  if (path.startsWith('\\')) return `C:${clean(path)}`;
  if (path.length === 0) return 'C:\\_';
  if (/^(System32|SysWOW64|SysArm32|SystemApps|WinSxS)(\\|$)/i.test(path)) return `C:\\Windows\\${clean(path)}`;
  return path.includes('\\') ? `C:\\${clean(path)}` : `C:\\Windows\\System32\\${clean(path)}`;
}

/** The folded form of a volume path: how the volume compares names. */
export function pathKey(volumePath: string): string {
  return volumePath.toLowerCase();
}

/** Under `\SysWOW64\` (the 32-bit side of a 64-bit Windows). `key` is folded. */
export function isWow64Key(key: string): boolean {
  return key.includes('\\syswow64\\');
}

/** Under `\System32\` (native images: the native ntdll, wow64*.dll). `key` is folded. */
export function isSystem32Key(key: string): boolean {
  return key.includes('\\windows\\system32\\');
}

export const NTDLL = 'C:\\Windows\\System32\\ntdll.dll';
export const NTDLL32 = 'C:\\Windows\\SysWOW64\\ntdll.dll';
export const NTDLL_KEY = pathKey(NTDLL);
export const NTDLL32_KEY = pathKey(NTDLL32);
