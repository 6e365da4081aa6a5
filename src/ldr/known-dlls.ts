// KnownDLLs: names the loader takes from the system directory (\KnownDlls,
// \KnownDlls32 for WoW64) whatever the search path says. smss fills the
// object directory from the registry list below plus every DLL those import
// (which is how kernelbase.dll, ucrtbase.dll, win32u.dll… become known);
// docs/loader.md, "Search order".

/**
 * HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\KnownDLLs of a
 * Windows 11 23H2 x64 install (value data, folded). wow64base/wow64con are
 * listed since Windows 11 [INF]; xtajit/wowarmhw/xtajit64 matter on ARM64.
 */
export const KNOWN_DLLS_REGISTRY: ReadonlySet<string> = new Set([
  'wow64cpu.dll', 'wowarmhw.dll', 'xtajit.dll', 'xtajit64.dll',
  'advapi32.dll', 'clbcatq.dll', 'combase.dll', 'comdlg32.dll', 'coml2.dll', 'difxapi.dll',
  'gdi32.dll', 'gdiplus.dll', 'imagehlp.dll', 'imm32.dll', 'kernel32.dll', 'msctf.dll',
  'msvcrt.dll', 'normaliz.dll', 'nsi.dll', 'ole32.dll', 'oleaut32.dll', 'psapi.dll',
  'rpcrt4.dll', 'sechost.dll', 'setupapi.dll', 'shcore.dll', 'shell32.dll', 'shlwapi.dll',
  'user32.dll', 'wldap32.dll', 'wow64.dll', 'wow64base.dll', 'wow64con.dll', 'wow64win.dll', 'ws2_32.dll',
]);

/**
 * The \KnownDlls set of one system directory: the registry names plus the
 * static import closure of those present. `importsOf(name)` gives the folded
 * host names a known DLL imports (API sets already resolved), or null when
 * the directory has no such file.
 */
export function knownDllClosure(importsOf: (name: string) => readonly string[] | null): Set<string> {
  const known = new Set<string>();
  const pending = [...KNOWN_DLLS_REGISTRY];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (known.has(name)) continue;
    const imports = importsOf(name);
    if (imports === null) continue;
    known.add(name);
    for (const dll of imports) if (!known.has(dll)) pending.push(dll);
  }
  return known;
}
