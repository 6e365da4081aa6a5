// A growable little-endian byte buffer for building images.

export class ByteWriter {
  #bytes = new Uint8Array(256);
  #view = new DataView(this.#bytes.buffer);
  length = 0;

  private ensure(size: number): void {
    if (size <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < size) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.#bytes.subarray(0, this.length));
    this.#bytes = next;
    this.#view = new DataView(next.buffer);
  }

  /** Reserves `size` zero bytes and returns their offset. */
  reserve(size: number, alignment = 1): number {
    this.align(alignment);
    const at = this.length;
    this.ensure(at + size);
    this.length += size;
    return at;
  }

  align(alignment: number): void {
    const padded = Math.ceil(this.length / alignment) * alignment;
    this.ensure(padded);
    this.length = padded;
  }

  u8(at: number, value: number): void {
    this.#bytes[at] = value;
  }
  u16(at: number, value: number): void {
    this.#view.setUint16(at, value, true);
  }
  u32(at: number, value: number): void {
    this.#view.setUint32(at, value >>> 0, true);
  }
  u64(at: number, value: bigint): void {
    this.#view.setBigUint64(at, value, true);
  }

  /** Appends bytes and returns their offset. */
  append(bytes: Uint8Array, alignment = 1): number {
    const at = this.reserve(bytes.length, alignment);
    this.#bytes.set(bytes, at);
    return at;
  }

  /** Appends a NUL-terminated ASCII string and returns its offset. */
  cString(text: string, alignment = 1): number {
    const at = this.reserve(text.length + 1, alignment);
    for (let i = 0; i < text.length; i++) this.#bytes[at + i] = text.charCodeAt(i) & 0xff;
    return at;
  }

  toBytes(): Uint8Array {
    return this.#bytes.slice(0, this.length);
  }
}
