// DOS and NT path names of the one system volume (C:). NTFS compares names
// case-insensitively, so lookups use a folded key; the stored spelling is what
// the file system reports back.
import { NtStatusError, STATUS_OBJECT_PATH_NOT_FOUND } from '../nt/status.js';

/** `C:\Windows\System32\ntdll.dll` → components [`Windows`, `System32`, `ntdll.dll`]. */
export interface VolumePath {
  readonly components: readonly string[];
  /** Lower-cased `\windows\system32\ntdll.dll`: the lookup key. */
  readonly key: string;
}

const ntVolumePrefix = /^\\Device\\HarddiskVolume(\d+)(?=\\|$)/i;

/**
 * Accepts `C:\x`, `C:/x`, `\??\C:\x`, `\DosDevices\C:\x`, `\SystemRoot\x`
 * (= C:\Windows\x), `\Device\HarddiskVolumeN\x` (N must be this volume's), and
 * rooted `\x` (volume-relative). Collapses `.` and `..`.
 */
export function parseVolumePath(input: string, volumeNumber: number): VolumePath {
  if (typeof input !== 'string' || input.length === 0) {
    throw new NtStatusError(STATUS_OBJECT_PATH_NOT_FOUND, `path must be a non-empty string, got ${JSON.stringify(input)}`);
  }
  let rest = input.replace(/\//g, '\\');
  let prefix: string[] = [];
  const nt = ntVolumePrefix.exec(rest);
  if (nt) {
    if (Number(nt[1]) !== volumeNumber) {
      throw new NtStatusError(
        STATUS_OBJECT_PATH_NOT_FOUND,
        `${input}: no such volume (the system volume is \\Device\\HarddiskVolume${volumeNumber})`,
      );
    }
    rest = rest.slice(nt[0].length);
  } else if (/^\\SystemRoot(?=\\|$)/i.test(rest)) {
    prefix = ['Windows'];
    rest = rest.slice('\\SystemRoot'.length);
  } else {
    rest = rest.replace(/^\\(\?\?|DosDevices|GLOBAL\?\?)\\/i, '');
    const drive = /^([A-Za-z]):(?=\\|$)/.exec(rest);
    if (drive) {
      if (drive[1]!.toUpperCase() !== 'C') {
        throw new NtStatusError(STATUS_OBJECT_PATH_NOT_FOUND, `${input}: drive ${drive[1]}: does not exist (only C: is mounted)`);
      }
      rest = rest.slice(2);
    } else if (!rest.startsWith('\\')) {
      throw new NtStatusError(STATUS_OBJECT_PATH_NOT_FOUND, `${input}: not an absolute path (expected C:\\... or an NT path)`);
    }
  }
  const components: string[] = [...prefix];
  for (const part of rest.split('\\')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      components.pop();
      continue;
    }
    if (/[<>:"|?*\x00-\x1f]/.test(part)) {
      throw new NtStatusError(STATUS_OBJECT_PATH_NOT_FOUND, `${input}: invalid character in name ${JSON.stringify(part)}`);
    }
    components.push(part);
  }
  return { components, key: '\\' + components.join('\\').toLowerCase() };
}

/** The last component of a path (`ntdll.dll`). */
export function baseName(path: string): string {
  const at = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return at < 0 ? path : path.slice(at + 1);
}

/** A path without its last component. */
export function dirName(path: string): string {
  const at = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return at <= 0 ? path.slice(0, at + 1) : path.slice(0, at);
}
