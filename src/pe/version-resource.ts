// Writing a VS_VERSIONINFO resource (RT_VERSION, id 1, language 0x409) with a
// resource directory tree, for buildPe's `versionInfo`.

const RT_VERSION = 16;

function utf16z(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out.push(c & 0xff, c >> 8);
  }
  out.push(0, 0);
  return out;
}

function pad4(bytes: number[]): void {
  while (bytes.length % 4) bytes.push(0);
}

/** One version node: header, key, value, children (each 4-byte aligned). */
function node(key: string, value: number[], valueLength: number, isText: boolean, children: number[][]): number[] {
  const bytes = [0, 0, valueLength & 0xff, valueLength >> 8, isText ? 1 : 0, 0, ...utf16z(key)];
  pad4(bytes);
  bytes.push(...value);
  for (const child of children) {
    pad4(bytes);
    bytes.push(...child);
  }
  bytes[0] = bytes.length & 0xff;
  bytes[1] = bytes.length >> 8;
  return bytes;
}

function versionNumbers(text: string | undefined): [number, number, number, number] {
  const parts = (text ?? '').match(/\d+/g)?.slice(0, 4).map(Number) ?? [];
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 0];
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** VS_VERSIONINFO bytes for `strings`; `fileType` is VFT_APP 1, VFT_DLL 2 or VFT_DRV 3. */
export function versionInfoBlock(strings: Record<string, string>, fileType: number): number[] {
  const [a, b, c, d] = versionNumbers(strings.FileVersion);
  const [pa, pb, pc, pd] = versionNumbers(strings.ProductVersion ?? strings.FileVersion);
  const fixed = [
    ...u32(0xfeef04bd), ...u32(0x00010000),
    ...u32(((a << 16) | b) >>> 0), ...u32(((c << 16) | d) >>> 0),
    ...u32(((pa << 16) | pb) >>> 0), ...u32(((pc << 16) | pd) >>> 0),
    ...u32(0x3f), ...u32(0), ...u32(0x40004), ...u32(fileType), ...u32(0), ...u32(0), ...u32(0),
  ];
  const entries = Object.entries(strings).map(([key, value]) => {
    const text = utf16z(value);
    return node(key, text, text.length / 2, true, []);
  });
  const table = node('040904B0', [], 0, true, entries);
  const stringFileInfo = node('StringFileInfo', [], 0, true, [table]);
  const translation = node('Translation', [0x09, 0x04, 0xb0, 0x04], 4, false, []);
  const varFileInfo = node('VarFileInfo', [], 0, true, [translation]);
  return node('VS_VERSION_INFO', fixed, fixed.length, false, [stringFileInfo, varFileInfo]);
}

/** A whole .rsrc section holding one RT_VERSION resource, placed at `sectionRva`. */
export function buildVersionResource(strings: Record<string, string>, sectionRva: number, fileType: number): Uint8Array {
  const directory = (entryId: number, target: number, isDirectory: boolean): number[] => [
    ...new Array(12).fill(0), 0, 0, 1, 0, // characteristics, time, version, 0 named, 1 id entry
    ...u32(entryId),
    ...u32(isDirectory ? (target | 0x80000000) >>> 0 : target),
  ];
  // Layout: type dir @0, name dir @24, language dir @48, data entry @72, data @88.
  const block = versionInfoBlock(strings, fileType);
  const bytes = [
    ...directory(RT_VERSION, 24, true),
    ...directory(1, 48, true),
    ...directory(0x409, 72, false),
    ...u32(sectionRva + 88), ...u32(block.length), ...u32(0), ...u32(0),
    ...block,
  ];
  return Uint8Array.from(bytes);
}
