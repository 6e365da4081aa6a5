// Opening an input path safely: only regular files are read (and FIFOs when pipes are allowed), so a
// device such as /dev/zero or an unnoticed FIFO is never read without end. A path is looked at with
// stat first (a FIFO is opened only when allowed, blocking until its writer comes); anything else is
// opened non-blocking and checked again with fstat, so a FIFO swapped in meanwhile cannot block.
import { constants, createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FileErrorCode } from './types.js';

export const READ_CHUNK = 1024 * 1024;

export type Opened =
  | { kind: 'file'; handle: FileHandle; size: number }
  | { kind: 'pipe'; stream: Readable }
  | { kind: 'error'; code: FileErrorCode; message: string };

function describeMode(stats: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isFIFO(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  return 'not a regular file';
}

function openError(error: unknown): Opened {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'error', code: 'not-found', message: 'no such file' };
  if (code === 'EISDIR') return { kind: 'error', code: 'not-regular', message: 'is a directory' };
  return { kind: 'error', code: 'unreadable', message: (error as Error).message };
}

export async function openInput(path: string, allowPipes: boolean): Promise<Opened> {
  try {
    const first = await stat(path);
    if (first.isFIFO() && allowPipes) {
      // Explicitly allowed: a pipe such as `<(zcat x.gz)`; it ends when its writer closes it.
      return { kind: 'pipe', stream: createReadStream(path, { highWaterMark: READ_CHUNK }) };
    }
    if (!first.isFile()) return refuse(first);
  } catch (error) {
    return openError(error);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return openError(error);
  }
  let stats;
  try {
    stats = await handle.stat();
  } catch (error) {
    await handle.close();
    return { kind: 'error', code: 'unreadable', message: (error as Error).message };
  }
  if (stats.isFile()) return { kind: 'file', handle, size: stats.size };
  await handle.close();
  return refuse(stats);
}

function refuse(stats: Parameters<typeof describeMode>[0]): Opened {
  const hint = stats.isFIFO() ? ' (pass allowPipes to read a pipe, or use - for standard input)' : '';
  return { kind: 'error', code: 'not-regular', message: `is ${describeMode(stats)}: only regular files are read${hint}` };
}
