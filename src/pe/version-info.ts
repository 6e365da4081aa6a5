// Reading VS_VERSIONINFO (RT_VERSION) strings: what Sysmon shows as FileVersion,
// Description, Product, Company and OriginalFileName.
//
// Bounded (docs/pe-limits.md): the resource tree is walked along one path of
// at most four directories (type → name → language, as LdrFindResource
// does), never recursively, so deep or cyclic trees cost nothing extra; each
// directory entry and each UTF-16 unit read is charged to a work budget, and
// a version node has at most MAX_VERSION_CHILDREN children read.
import { WorkBudget } from './limits.js';
import { offsetOf } from './rva.js';
import { ByteReader } from './reader.js';
import { IMAGE_DIRECTORY_ENTRY_RESOURCE, type PeImage } from './types.js';

/** Children of one version node that are read (StringFileInfo, tables, strings). */
export const MAX_VERSION_CHILDREN = 256;

const RT_VERSION = 16;

/** The first entry of a resource directory (id match when `id` is given), or null. */
function directoryEntry(r: ByteReader, budget: WorkBudget, at: number, id: number | null): number | null {
  const named = r.u16(at + 12, 'IMAGE_RESOURCE_DIRECTORY.NumberOfNamedEntries');
  const ids = r.u16(at + 14, 'IMAGE_RESOURCE_DIRECTORY.NumberOfIdEntries');
  for (let i = 0; i < named + ids; i++) {
    budget.spend(1, 'IMAGE_RESOURCE_DIRECTORY_ENTRY');
    const entry = at + 16 + i * 8;
    const name = r.u32(entry, 'IMAGE_RESOURCE_DIRECTORY_ENTRY.Name');
    if (id !== null && ((name & 0x80000000) !== 0 || name !== id)) continue;
    return r.u32(entry + 4, 'IMAGE_RESOURCE_DIRECTORY_ENTRY.OffsetToData');
  }
  return null;
}

function utf16(r: ByteReader, budget: WorkBudget, at: number, end: number): { text: string; next: number } {
  let text = '';
  let p = at;
  while (p + 1 < end) {
    budget.spend(1, 'VS_VERSIONINFO string');
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
 * it has none. Never throws: a damaged resource — or one that would cost
 * more than the work budget (default WORK_BASE + WORK_PER_BYTE × the file
 * size) — reads as absent.
 */
export function readVersionInfo(bytes: Uint8Array, image: PeImage, options: { budget?: WorkBudget } = {}): Record<string, string> | null {
  try {
    return read(new ByteReader(bytes), image, options.budget ?? new WorkBudget(bytes.length));
  } catch {
    return null;
  }
}

function read(r: ByteReader, image: PeImage, budget: WorkBudget): Record<string, string> | null {
  const dir = image.dataDirectories[IMAGE_DIRECTORY_ENTRY_RESOURCE];
  if (!dir || dir.virtualAddress === 0 || dir.size === 0) return null;
  const base = offsetOf(r, image, dir.virtualAddress, 'IMAGE_DIRECTORY_ENTRY_RESOURCE', budget);
  let entry = directoryEntry(r, budget, base, RT_VERSION);
  for (let level = 0; level < 2 && entry !== null; level++) {
    if ((entry & 0x80000000) === 0) return null;
    entry = directoryEntry(r, budget, base + (entry & 0x7fffffff), null);
  }
  if (entry === null) return null;
  if ((entry & 0x80000000) !== 0) entry = directoryEntry(r, budget, base + (entry & 0x7fffffff), null);
  if (entry === null || (entry & 0x80000000) !== 0) return null;
  const dataRva = r.u32(base + entry, 'IMAGE_RESOURCE_DATA_ENTRY.OffsetToData');
  const size = r.u32(base + entry + 4, 'IMAGE_RESOURCE_DATA_ENTRY.Size');
  const start = offsetOf(r, image, dataRva, 'VS_VERSIONINFO', budget);
  const end = Math.min(r.length, start + size);
  const strings: Record<string, string> = {};
  walk(r, budget, start, end, strings);
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

function readNode(r: ByteReader, budget: WorkBudget, at: number, limit: number): VersionNode | null {
  budget.spend(1, 'VS_VERSIONINFO');
  const length = r.u16(at, 'VS_VERSIONINFO.wLength');
  if (length < 6) return null;
  const valueLength = r.u16(at + 2, 'VS_VERSIONINFO.wValueLength');
  const type = r.u16(at + 4, 'VS_VERSIONINFO.wType');
  const end = Math.min(limit, at + length);
  const key = utf16(r, budget, at + 6, end);
  const valueStart = align4(key.next, at);
  const valueBytes = type === 1 ? valueLength * 2 : valueLength;
  return { key: key.text, type, valueStart, valueLength, childrenStart: align4(valueStart + valueBytes, at), end };
}

function children(r: ByteReader, budget: WorkBudget, parent: VersionNode): VersionNode[] {
  const nodes: VersionNode[] = [];
  let cursor = parent.childrenStart;
  while (cursor + 6 <= parent.end && nodes.length < MAX_VERSION_CHILDREN) {
    const child = readNode(r, budget, cursor, parent.end);
    if (child === null) break;
    nodes.push(child);
    cursor = align4(cursor + r.u16(cursor, 'VS_VERSIONINFO.wLength'), parent.childrenStart);
  }
  return nodes;
}

/** VS_VERSION_INFO → StringFileInfo → first StringTable → its Strings. */
function walk(r: ByteReader, budget: WorkBudget, at: number, limit: number, out: Record<string, string>): void {
  const root = readNode(r, budget, at, limit);
  if (root === null) return;
  const stringFileInfo = children(r, budget, root).find((c) => c.key === 'StringFileInfo');
  if (!stringFileInfo) return;
  const table = children(r, budget, stringFileInfo)[0];
  if (!table) return;
  for (const entry of children(r, budget, table)) {
    if (entry.key in out) continue;
    out[entry.key] = entry.type === 1 ? utf16(r, budget, entry.valueStart, Math.min(entry.end, entry.valueStart + entry.valueLength * 2)).text : '';
  }
}
