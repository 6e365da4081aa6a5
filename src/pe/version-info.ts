// Reading VS_VERSIONINFO (RT_VERSION) strings: what Sysmon shows as FileVersion,
// Description, Product, Company and OriginalFileName.
import { offsetOf } from './rva.js';
import { ByteReader } from './reader.js';
import { IMAGE_DIRECTORY_ENTRY_RESOURCE, type PeImage } from './types.js';

const RT_VERSION = 16;

/** The first entry of a resource directory (id match when `id` is given), or null. */
function directoryEntry(r: ByteReader, base: number, at: number, id: number | null): number | null {
  const named = r.u16(at + 12, 'IMAGE_RESOURCE_DIRECTORY.NumberOfNamedEntries');
  const ids = r.u16(at + 14, 'IMAGE_RESOURCE_DIRECTORY.NumberOfIdEntries');
  for (let i = 0; i < named + ids; i++) {
    const entry = at + 16 + i * 8;
    const name = r.u32(entry, 'IMAGE_RESOURCE_DIRECTORY_ENTRY.Name');
    if (id !== null && ((name & 0x80000000) !== 0 || name !== id)) continue;
    return r.u32(entry + 4, 'IMAGE_RESOURCE_DIRECTORY_ENTRY.OffsetToData');
  }
  return null;
}

function utf16(r: ByteReader, at: number, end: number): { text: string; next: number } {
  let text = '';
  let p = at;
  while (p + 1 < end) {
    const c = r.u16(p, 'VS_VERSIONINFO string');
    p += 2;
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return { text, next: p };
}

const align4 = (value: number, base: number) => base + (((value - base + 3) >> 2) << 2);

/**
 * The StringFileInfo strings of the image's version resource, or null when
 * it has none. Never throws: a damaged resource reads as absent.
 */
export function readVersionInfo(bytes: Uint8Array, image: PeImage): Record<string, string> | null {
  try {
    return read(new ByteReader(bytes), image);
  } catch {
    return null;
  }
}

function read(r: ByteReader, image: PeImage): Record<string, string> | null {
  const dir = image.dataDirectories[IMAGE_DIRECTORY_ENTRY_RESOURCE];
  if (!dir || dir.virtualAddress === 0 || dir.size === 0) return null;
  const base = offsetOf(r, image, dir.virtualAddress, 'IMAGE_DIRECTORY_ENTRY_RESOURCE');
  let entry = directoryEntry(r, base, base, RT_VERSION);
  for (let level = 0; level < 2 && entry !== null; level++) {
    if ((entry & 0x80000000) === 0) return null;
    entry = directoryEntry(r, base, base + (entry & 0x7fffffff), null);
  }
  if (entry === null) return null;
  if ((entry & 0x80000000) !== 0) entry = directoryEntry(r, base, base + (entry & 0x7fffffff), null);
  if (entry === null || (entry & 0x80000000) !== 0) return null;
  const dataRva = r.u32(base + entry, 'IMAGE_RESOURCE_DATA_ENTRY.OffsetToData');
  const size = r.u32(base + entry + 4, 'IMAGE_RESOURCE_DATA_ENTRY.Size');
  const start = offsetOf(r, image, dataRva, 'VS_VERSIONINFO');
  const end = Math.min(r.length, start + size);
  const strings: Record<string, string> = {};
  walk(r, start, end, strings);
  return Object.keys(strings).length > 0 ? strings : null;
}

interface VersionNode {
  key: string;
  type: number;
  valueStart: number;
  valueLength: number;
  childrenStart: number;
  end: number;
}

function readNode(r: ByteReader, at: number, limit: number): VersionNode | null {
  const length = r.u16(at, 'VS_VERSIONINFO.wLength');
  if (length < 6) return null;
  const valueLength = r.u16(at + 2, 'VS_VERSIONINFO.wValueLength');
  const type = r.u16(at + 4, 'VS_VERSIONINFO.wType');
  const end = Math.min(limit, at + length);
  const key = utf16(r, at + 6, end);
  const valueStart = align4(key.next, at);
  const valueBytes = type === 1 ? valueLength * 2 : valueLength;
  return { key: key.text, type, valueStart, valueLength, childrenStart: align4(valueStart + valueBytes, at), end };
}

function children(r: ByteReader, parent: VersionNode): VersionNode[] {
  const nodes: VersionNode[] = [];
  let cursor = parent.childrenStart;
  while (cursor + 6 <= parent.end && nodes.length < 256) {
    const child = readNode(r, cursor, parent.end);
    if (child === null) break;
    nodes.push(child);
    cursor = align4(cursor + r.u16(cursor, 'VS_VERSIONINFO.wLength'), parent.childrenStart);
  }
  return nodes;
}

/** VS_VERSION_INFO → StringFileInfo → first StringTable → its Strings. */
function walk(r: ByteReader, at: number, limit: number, out: Record<string, string>): void {
  const root = readNode(r, at, limit);
  if (root === null) return;
  const stringFileInfo = children(r, root).find((c) => c.key === 'StringFileInfo');
  if (!stringFileInfo) return;
  const table = children(r, stringFileInfo)[0];
  if (!table) return;
  for (const entry of children(r, table)) {
    if (entry.key in out) continue;
    out[entry.key] = entry.type === 1 ? utf16(r, entry.valueStart, Math.min(entry.end, entry.valueStart + entry.valueLength * 2)).text : '';
  }
}
