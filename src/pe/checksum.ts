// The PE image checksum (OptionalHeader.CheckSum), as the kernel checks it for drivers.

/** Sum of 16-bit words with end-around carry, skipping the checksum field, plus the file length. */
export function peChecksum(bytes: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const even = bytes.length & ~1;
  for (let at = 0; at < even; at += 2) {
    if (at === checksumOffset || at === checksumOffset + 2) continue;
    sum += view.getUint16(at, true);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (bytes.length & 1) {
    sum += bytes[bytes.length - 1]!;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum + bytes.length) >>> 0;
}
