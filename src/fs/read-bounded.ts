// Reading a whole host file, but only a regular file and never more than a
// stated maximum: a path naming /dev/zero, a FIFO or a directory is refused
// by what it is, before anything is read, and a file is read only up to
// maxBytes + 1 bytes, so one that grows while being read is refused too.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import {
  NtStatusError,
  STATUS_ACCESS_DENIED,
  STATUS_FILE_IS_A_DIRECTORY,
  STATUS_FILE_TOO_LARGE,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER,
  STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_OBJECT_PATH_NOT_FOUND,
  STATUS_UNSUCCESSFUL,
} from '../nt/status.js';

/** A sensible cap for a PE image read from the host (the largest image Windows maps is 0x77000000 bytes of memory; files are far smaller). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

const CHUNK = 1 << 20;

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuseUnlessRegular(stats: Stats, path: string, what: string, maxBytes: number): void {
  if (!stats.isFile()) {
    const status = stats.isDirectory() ? STATUS_FILE_IS_A_DIRECTORY : STATUS_INVALID_DEVICE_REQUEST;
    throw new NtStatusError(status, `${what} ${path}: is ${kindOf(stats)}, not a regular file`);
  }
  if (stats.size > maxBytes) {
    throw new NtStatusError(STATUS_FILE_TOO_LARGE, `${what} ${path}: ${stats.size} bytes is more than the ${maxBytes}-byte limit`);
  }
}

function hostError(error: unknown, path: string, what: string): NtStatusError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const status =
    code === 'ENOENT' ? STATUS_OBJECT_NAME_NOT_FOUND
    : code === 'ENOTDIR' ? STATUS_OBJECT_PATH_NOT_FOUND
    : code === 'EACCES' || code === 'EPERM' ? STATUS_ACCESS_DENIED
    : code === 'EISDIR' ? STATUS_FILE_IS_A_DIRECTORY
    : STATUS_UNSUCCESSFUL;
  return new NtStatusError(status, `${what} ${path}: ${(error as Error)?.message ?? String(error)}`);
}

/**
 * The bytes of the regular file at `path` (symbolic links followed), named
 * `what` in errors (e.g. "PE image"). Throws NtStatusError:
 * STATUS_FILE_IS_A_DIRECTORY for a directory; STATUS_INVALID_DEVICE_REQUEST
 * for a FIFO, socket or device (checked with stat before opening, and again
 * on the opened descriptor, which is opened non-blocking so a FIFO swapped in
 * meanwhile cannot block); STATUS_FILE_TOO_LARGE when the file is larger than
 * `maxBytes`, or grows past it while being read (at most maxBytes + 1 bytes
 * are ever read); STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND,
 * STATUS_ACCESS_DENIED or STATUS_UNSUCCESSFUL for host errors.
 */
export function readFileBounded(path: string, maxBytes: number, what: string): Uint8Array {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new NtStatusError(STATUS_INVALID_PARAMETER, `readFileBounded: maxBytes ${maxBytes} is not a non-negative integer`);
  }
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw hostError(error, path, what);
  }
  refuseUnlessRegular(stats, path, what, maxBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw hostError(error, path, what);
  }
  try {
    // The path may name something else by now: judge what was opened.
    const opened = fstatSync(fd);
    refuseUnlessRegular(opened, path, what, maxBytes);
    const chunks: Uint8Array[] = [];
    let total = 0;
    // First the size stat reported, then (had the file grown) up to one byte past the cap.
    let want = Math.min(opened.size, maxBytes) + 1;
    for (;;) {
      const chunk = new Uint8Array(Math.min(want, CHUNK));
      let filled = 0;
      while (filled < chunk.length) {
        const n = readSync(fd, chunk, filled, chunk.length - filled, null);
        if (n === 0) break;
        filled += n;
      }
      chunks.push(filled === chunk.length ? chunk : chunk.subarray(0, filled));
      total += filled;
      if (total > maxBytes) throw new NtStatusError(STATUS_FILE_TOO_LARGE, `${what} ${path}: grew past the ${maxBytes}-byte limit while being read`);
      if (filled < chunk.length) break;
      want = maxBytes + 1 - total;
    }
    if (chunks.length === 1) return chunks[0]!;
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
  } catch (error) {
    throw error instanceof NtStatusError ? error : hostError(error, path, what);
  } finally {
    closeSync(fd);
  }
}
