// Byte-stream helpers shared by the format readers: look at the first bytes of a stream without
// losing them, and read exact-size blocks (EVTX header and chunks) from a stream of Buffers.

export type Chunks = AsyncIterable<Buffer>;

export interface Peeked {
  /** Up to `n` first bytes (fewer only when the stream is shorter). */
  head: Buffer;
  /** The whole stream again, head included. */
  rest: Chunks;
}

/**
 * Reads until `n` bytes are buffered (or the stream ends) and gives back a replaying stream. A read
 * error is held back until the bytes before it are replayed, so records come out before the error.
 */
export async function peek(chunks: Chunks, n: number): Promise<Peeked> {
  const iterator = chunks[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let size = 0;
  let done = false;
  let failure: { error: unknown } | null = null;
  try {
    while (size < n) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      if (next.value.length === 0) continue;
      held.push(next.value);
      size += next.value.length;
    }
  } catch (error) {
    if (size === 0) throw error;
    failure = { error };
    done = true;
  }
  const all = held.length === 1 ? held[0]! : Buffer.concat(held, size);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (size > 0) yield all;
      if (failure !== null) throw failure.error;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  }
  return { head: all.subarray(0, Math.min(n, size)), rest: replay() };
}

/** Exact-size reads from a stream of Buffers; memory is one requested block plus one chunk. */
export class ByteReader {
  readonly #iterator: AsyncIterator<Buffer>;
  #held: Buffer[] = [];
  #heldSize = 0;
  #ended = false;
  /** Bytes handed out so far: the offset of the next byte `read` returns. */
  #position = 0;

  constructor(chunks: Chunks) {
    this.#iterator = chunks[Symbol.asyncIterator]();
  }

  get position(): number {
    return this.#position;
  }

  /** The next `n` bytes; fewer only at the end of the stream (empty once it has ended). */
  async read(n: number): Promise<Buffer> {
    while (this.#heldSize < n && !this.#ended) {
      const next = await this.#iterator.next();
      if (next.done) {
        this.#ended = true;
        break;
      }
      if (next.value.length === 0) continue;
      this.#held.push(next.value);
      this.#heldSize += next.value.length;
    }
    const take = Math.min(n, this.#heldSize);
    const joined = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held, this.#heldSize);
    const out = joined.subarray(0, take);
    const left = joined.subarray(take);
    this.#held = left.length > 0 ? [left] : [];
    this.#heldSize = left.length;
    this.#position += take;
    return out;
  }

  /** Stops reading the underlying stream early. */
  async close(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      await this.#iterator.return?.();
    }
  }
}
