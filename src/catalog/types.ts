// The shape of one builtin image's catalog entry: machine-neutral facts that
// builtin.ts turns into a file (name, kind, folder, sizes, exports, imports).

export type ImageKind = 'dll' | 'exe' | 'driver' | 'kernel';

/**
 * Where a file lives, relative to the system directory (System32 or SysWOW64) unless 'windows';
 * `{ win64, win32 }`: folders under C:\Windows for the native and the 32-bit copy (the .NET
 * Framework's, `System32\wbem`, …).
 */
export type Folder = 'system' | 'drivers' | 'powershell' | 'windows' | { readonly win64: string; readonly win32: string };

/**
 * One import: a DLL or API-set contract, with the functions taken from it.
 * Without a list: every function of a contract, or the first two exports of a DLL.
 */
export type ImportEntry = string | readonly [dll: string, functions: readonly string[]];

export interface CatalogImage {
  /** The file name as Windows spells it. */
  readonly name: string;
  readonly kind: ImageKind;
  readonly folder: Folder;
  /** FileDescription of the version resource. */
  readonly description: string;
  /** SizeOfImage of the 64-bit build (roughly the real Windows 11 value). */
  readonly size64: number;
  /** SizeOfImage of the x86 build. */
  readonly size32: number;
  /** A 32-bit copy in SysWOW64 as well (on 64-bit machines). */
  readonly wow64Twin: boolean;
  /** Present only on these native machines (e.g. xtajit.dll on arm64); default all. */
  readonly onlyOn?: readonly ('amd64' | 'arm64' | 'x86')[];
  /** Only on 64-bit machines (the WoW64 layer). */
  readonly only64?: boolean;
  /** Windows GUI subsystem (2) instead of console (3); programs only. */
  readonly gui?: boolean;
  readonly exports?: readonly (string | { readonly name: string; readonly forwarder: string })[];
  /** In import-table order: the loader walks them depth-first (SEMANTICS.md §5B). */
  readonly imports?: readonly ImportEntry[];
}
