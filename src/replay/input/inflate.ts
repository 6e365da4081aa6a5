// Decompression on node:zlib with bomb guards: gunzip (one or more gzip members) and raw deflate (zip),
// streamed chunk by chunk, stopping with a located error past a size cap or a size:input ratio cap.
import { Readable } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import type { Chunks } from './bytes.js';
import { FormatError } from './errors.js';
import type { FileErrorCode } from './types.js';

export interface InflateCaps {
  /** Largest output in bytes. */
  maxBytes: number;
  /** Largest output:input ratio, checked once `ratioGrace` bytes are out. */
  maxRatio: number;
  ratioGrace: number;
  /** The error code for damaged compressed data. */
  corrupt: FileErrorCode;
  /** What is being inflated, for messages ("gzip stream", "member x.json"). */
  what: string;
}

const OUTPUT_CHUNK = 256 * 1024;
/** Compressed input is fed in pieces this big, so read-ahead stays small whatever the read size. */
const INPUT_PIECE = 64 * 1024;

export async function* inflate(input: Chunks, kind: 'gzip' | 'deflate', caps: InflateCaps): AsyncGenerator<Buffer> {
  let fed = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input) {
      for (let at = 0; at < chunk.length; at += INPUT_PIECE) {
        const piece = chunk.subarray(at, at + INPUT_PIECE);
        fed += piece.length;
        yield piece;
      }
    }
  }
  const source = Readable.from(counted(), { objectMode: false });
  const z = kind === 'gzip' ? createGunzip({ chunkSize: OUTPUT_CHUNK }) : createInflateRaw({ chunkSize: OUTPUT_CHUNK });
  source.on('error', (error) => z.destroy(error));
  source.pipe(z);
  let out = 0;
  try {
    for await (const chunk of z as AsyncIterable<Buffer>) {
      out += chunk.length;
      if (out > caps.maxBytes) {
        throw new FormatError('too-large', `${caps.what} inflates to more than ${caps.maxBytes} bytes (limits.maxInflatedBytes): refused as a possible zip bomb`);
      }
      if (out > caps.ratioGrace && out > caps.maxRatio * Math.max(fed, 1)) {
        throw new FormatError(
          'too-large',
          `${caps.what} inflates more than ${caps.maxRatio}:1 (${out} bytes from ${fed}; limits.maxInflateRatio): refused as a possible zip bomb`,
        );
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof FormatError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new FormatError(caps.corrupt, `${caps.what}: damaged compressed data (${(error as Error).message})`);
    }
    throw error;
  } finally {
    source.unpipe(z);
    source.destroy();
    z.destroy();
  }
}
