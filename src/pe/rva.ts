// Relative virtual addresses to file offsets, through the section table.
//
// A section maps [VirtualAddress, VirtualAddress + max(VirtualSize,
// SizeOfRawData)); where sections overlap, the first in table order wins.
// Tables of up to LINEAR_SECTIONS sections are searched in order; larger ones
// (up to 65,535 sections) through an index of disjoint segments built once per
// table in O(S log S), so each lookup costs O(log S) instead of O(S).
import { fieldName, type Field, type WorkBudget } from './limits.js';
import { type ByteReader, malformed } from './reader.js';
import type { PeSection } from './types.js';

export interface RvaMap {
  sections: readonly PeSection[];
  sizeOfHeaders: number;
  fileAlignment: number;
}

const LINEAR_SECTIONS = 16;

interface SectionIndex {
  /** Disjoint segments [starts[i], ends[i]) sorted by start, each owned by one section. */
  starts: number[];
  ends: number[];
  owners: number[];
  /** Lowest VirtualAddress of any section (spanning or not). */
  firstSection: number;
}

/** Indexes per section table; a table is treated as immutable once looked up. */
const indexes = new WeakMap<readonly PeSection[], SectionIndex>();

const spanOf = (s: PeSection) => Math.max(s.virtualSize, s.sizeOfRawData);

function buildIndex(sections: readonly PeSection[]): SectionIndex {
  const intervals: { start: number; end: number; owner: number }[] = [];
  let firstSection = Number.MAX_SAFE_INTEGER;
  sections.forEach((s, owner) => {
    firstSection = Math.min(firstSection, s.virtualAddress);
    const span = spanOf(s);
    if (span > 0) intervals.push({ start: s.virtualAddress, end: s.virtualAddress + span, owner });
  });
  intervals.sort((a, b) => a.start - b.start);
  const points = [...new Set(intervals.flatMap((i) => [i.start, i.end]))].sort((a, b) => a - b);
  // Sweep the boundaries with a min-heap (by table index) of the intervals
  // that have started; an interval that has ended is dropped when it surfaces.
  const heap: { end: number; owner: number }[] = [];
  const push = (item: { end: number; owner: number }) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.owner <= heap[i]!.owner) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = () => {
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && heap[left]!.owner < heap[least]!.owner) least = left;
      if (right < heap.length && heap[right]!.owner < heap[least]!.owner) least = right;
      if (least === i) break;
      [heap[least], heap[i]] = [heap[i]!, heap[least]!];
      i = least;
    }
  };
  const index: SectionIndex = { starts: [], ends: [], owners: [], firstSection };
  let next = 0;
  for (let p = 0; p + 1 < points.length; p++) {
    const at = points[p]!;
    while (next < intervals.length && intervals[next]!.start <= at) push(intervals[next++]!);
    while (heap.length > 0 && heap[0]!.end <= at) pop();
    if (heap.length === 0) continue;
    const owner = heap[0]!.owner;
    const last = index.owners.length - 1;
    if (last >= 0 && index.owners[last] === owner && index.ends[last] === at) index.ends[last] = points[p + 1]!;
    else {
      index.starts.push(at);
      index.ends.push(points[p + 1]!);
      index.owners.push(owner);
    }
  }
  return index;
}

/**
 * The first section in table order that maps `rva`, or undefined; and the
 * lowest section RVA. `budget` is charged the steps taken: the sections
 * scanned, or the index build (S × ⌈log₂ S⌉, once per table) and the binary
 * search.
 */
function lookup(sections: readonly PeSection[], rva: number, budget: WorkBudget | undefined, field: Field): { section: PeSection | undefined; firstSection: number } {
  if (sections.length <= LINEAR_SECTIONS) {
    budget?.spend(1 + sections.length, field);
    let firstSection = Number.MAX_SAFE_INTEGER;
    for (const s of sections) {
      if (rva >= s.virtualAddress && rva < s.virtualAddress + spanOf(s)) return { section: s, firstSection };
      firstSection = Math.min(firstSection, s.virtualAddress);
    }
    return { section: undefined, firstSection };
  }
  let index = indexes.get(sections);
  if (!index) {
    budget?.spend(sections.length * Math.ceil(Math.log2(sections.length + 1)), field);
    index = buildIndex(sections);
    indexes.set(sections, index);
  }
  let low = 0;
  let high = index.starts.length - 1;
  budget?.spend(1 + Math.ceil(Math.log2(index.starts.length + 1)), field);
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (index.starts[middle]! <= rva) low = middle + 1;
    else high = middle - 1;
  }
  const segment = low - 1;
  const hit = segment >= 0 && rva < index.ends[segment]! ? sections[index.owners[segment]!] : undefined;
  return { section: hit, firstSection: index.firstSection };
}

/**
 * The file offset holding `rva`, or -1 when no file byte backs it (beyond raw
 * data, or unmapped). `budget`, when given, is charged the lookup's steps.
 */
export function rvaToOffset(image: RvaMap, rva: number, fileLength: number, budget?: WorkBudget, field: Field = 'RVA lookup'): number {
  const { section: s, firstSection } = lookup(image.sections, rva, budget, field);
  if (s) {
    const delta = rva - s.virtualAddress;
    if (delta >= s.sizeOfRawData) return -1; // zero-filled tail: not in the file
    // The loader reads raw data from a sector-aligned start when FileAlignment allows.
    const raw = image.fileAlignment >= 0x200 ? (s.pointerToRawData & ~0x1ff) >>> 0 : s.pointerToRawData;
    const offset = raw + delta;
    return offset < fileLength ? offset : -1;
  }
  // Before the first section: the headers, mapped 1:1.
  if (rva < Math.min(firstSection, Math.max(image.sizeOfHeaders, 1)) || (image.sections.length === 0 && rva < fileLength)) {
    return rva < fileLength ? rva : -1;
  }
  return -1;
}

/** Like rvaToOffset, but a missing byte is malformed input naming `field`. */
export function offsetOf(r: ByteReader, image: RvaMap, rva: number, field: Field, budget?: WorkBudget): number {
  const offset = rvaToOffset(image, rva, r.length, budget, field);
  if (offset < 0) throw malformed(fieldName(field), `RVA 0x${rva.toString(16)} is not backed by any byte of the file`);
  return offset;
}
