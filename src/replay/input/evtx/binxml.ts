// EVTX Binary XML: tokens of one 64 KiB chunk parsed into element trees, with template definitions
// (cached per chunk by offset) and template instances whose substitution values fill them in.
// Hostile input is bounded: element nesting is an explicit stack with a depth cap, template nesting
// and cyclic template references are errors, and each event has node and character budgets.
import { FormatError } from '../errors.js';
import type { ReadLimits } from '../types.js';
import { decodeValue, VT_BINXML, type XValue } from './values.js';

/** An element of the event, after substitution. */
export interface XElement {
  name: string;
  attrs: Array<[string, XValue]>;
  children: Array<XElement | XValue>;
}

interface PElement {
  t: 'e';
  name: string;
  attrs: Array<{ name: string; value: PNode[] }>;
  children: PNode[];
}
interface PText {
  t: 't';
  text: string;
}
interface PSubst {
  t: 's';
  index: number;
  optional: boolean;
}
interface PInstance {
  t: 'i';
  nodes: PNode[];
  values: SubValue[];
}
type PNode = PElement | PText | PSubst | PInstance;

interface SubValue {
  type: number;
  start: number;
  size: number;
}

type Mode = 'record' | 'template' | 'binxml';

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function fail(message: string): never {
  throw new FormatError('corrupt-evtx', message);
}

/** One chunk's bytes with its name and template caches. */
export class EvtxChunk {
  readonly buf: Buffer;
  readonly #limits: ReadLimits;
  readonly #names = new Map<number, { name: string; size: number }>();
  readonly #templates = new Map<number, { nodes: PNode[]; end: number }>();
  readonly #parsing = new Set<number>();
  #templateDepth = 0;
  // Per-event budgets.
  #nodes = 0;
  #chars = 0;

  constructor(buf: Buffer, limits: ReadLimits) {
    this.buf = buf;
    this.#limits = limits;
  }

  #u16(at: number): number {
    if (at + 2 > this.buf.length) fail(`read past the chunk at 0x${at.toString(16)}`);
    return this.buf.readUInt16LE(at);
  }

  #u32(at: number): number {
    if (at + 4 > this.buf.length) fail(`read past the chunk at 0x${at.toString(16)}`);
    return this.buf.readUInt32LE(at);
  }

  /** The name at `offset`: u32 next, u16 hash, u16 length, UTF-16LE characters, u16 NUL. */
  #nameAt(offset: number): { name: string; size: number } {
    const cached = this.#names.get(offset);
    if (cached !== undefined) return cached;
    const count = this.#u16(offset + 6);
    const size = 8 + 2 * count + 2;
    if (offset < 0 || offset + size > this.buf.length) fail(`name at 0x${offset.toString(16)} runs past the chunk`);
    const entry = { name: this.buf.toString('utf16le', offset + 8, offset + 8 + 2 * count), size };
    this.#names.set(offset, entry);
    return entry;
  }

  /** Whether a name reference at `at` looks right: inline right here, or a plausible earlier name. */
  #plausibleName(offset: number, at: number): boolean {
    if (offset === at) return true;
    if (offset >= at || offset + 10 > this.buf.length) return false;
    const count = this.buf.readUInt16LE(offset + 6);
    const end = offset + 8 + 2 * count;
    return end + 2 <= this.buf.length && this.buf.readUInt16LE(end) === 0;
  }

  /** A name reference (u32 offset) at `at`; the name may be stored inline right after it. */
  #nameRef(at: number): { name: string; pos: number } {
    const offset = this.#u32(at);
    const entry = this.#nameAt(offset);
    return { name: entry.name, pos: offset === at + 4 ? at + 4 + entry.size : at + 4 };
  }

  #utf16(at: number, end: number): { text: string; pos: number } {
    const count = this.#u16(at);
    const stop = at + 2 + 2 * count;
    if (stop > end) fail(`string of ${count} characters runs past its data`);
    return { text: this.buf.toString('utf16le', at + 2, stop), pos: stop };
  }

  /** Value-like tokens (text, substitutions, references) at `at` appended to `out`; returns the new position. */
  #valueToken(at: number, end: number, out: PNode[]): number {
    const token = this.buf[at]!;
    switch (token) {
      case 0x05:
      case 0x45: {
        const type = this.buf[at + 1];
        if (type !== 0x01) fail(`value token of type 0x${(type ?? 0).toString(16)} at 0x${at.toString(16)}`);
        const s = this.#utf16(at + 2, end);
        out.push({ t: 't', text: s.text });
        return s.pos;
      }
      case 0x0d:
      case 0x0e:
        if (at + 4 > end) fail('truncated substitution');
        out.push({ t: 's', index: this.buf.readUInt16LE(at + 1), optional: token === 0x0e });
        return at + 4;
      case 0x07:
      case 0x47: {
        const s = this.#utf16(at + 1, end);
        out.push({ t: 't', text: s.text });
        return s.pos;
      }
      case 0x08:
      case 0x48:
        out.push({ t: 't', text: String.fromCharCode(this.#u16(at + 1)) });
        return at + 3;
      case 0x09:
      case 0x49: {
        const ref = this.#nameRef(at + 1);
        out.push({ t: 't', text: ENTITIES[ref.name] ?? `&${ref.name};` });
        return ref.pos;
      }
      default:
        return fail(`unexpected token 0x${token.toString(16)} at 0x${at.toString(16)}`);
    }
  }

  #isValueToken(token: number): boolean {
    const base = token & 0xbf;
    return base === 0x05 || base === 0x07 || base === 0x08 || base === 0x09 || token === 0x0d || token === 0x0e;
  }

  /** A template definition at `offset` (header: u32 next, 16-byte GUID, u32 size; then its tokens). */
  #template(offset: number): { nodes: PNode[]; end: number } {
    const cached = this.#templates.get(offset);
    if (cached !== undefined) return cached;
    if (this.#parsing.has(offset)) fail(`template at 0x${offset.toString(16)} refers to itself`);
    if (this.#templateDepth >= this.#limits.maxEvtxTemplateDepth) fail(`templates nested deeper than ${this.#limits.maxEvtxTemplateDepth}`);
    const size = this.#u32(offset + 20);
    const start = offset + 24;
    const end = start + size;
    if (end > this.buf.length) fail(`template at 0x${offset.toString(16)} runs past the chunk`);
    this.#parsing.add(offset);
    this.#templateDepth++;
    try {
      const parsed = { nodes: this.#parse(start, end, 'template').nodes, end };
      this.#templates.set(offset, parsed);
      return parsed;
    } finally {
      this.#parsing.delete(offset);
      this.#templateDepth--;
    }
  }

  /** A template instance at `at` (token 0x0c), its definition (maybe inline) and its values. */
  #instance(at: number, end: number): { node: PInstance; pos: number } {
    if (at + 10 > end) fail('truncated template instance');
    const defOffset = this.#u32(at + 6);
    let p = at + 10;
    const def = this.#template(defOffset);
    if (defOffset === p) p = def.end; // the definition is stored inline, here
    const count = this.#u32(p);
    p += 4;
    if (count * 4 > end - p) fail(`template instance with ${count} values does not fit its data`);
    const values: SubValue[] = new Array(count);
    let data = p + 4 * count;
    for (let i = 0; i < count; i++) {
      const size = this.buf.readUInt16LE(p + 4 * i);
      const type = this.buf[p + 4 * i + 2]!;
      values[i] = { type, start: data, size };
      data += size;
    }
    if (data > end) fail(`template instance values run past their data (${data - end} bytes)`);
    return { node: { t: 'i', nodes: def.nodes, values }, pos: data };
  }

  /** Element start (token 0x01/0x41): dependency id (absent inside Binary XML values), size, name. */
  #elementStart(at: number, mode: Mode): { name: string; pos: number } {
    let p = at + 1;
    let dependency = true;
    if (mode === 'binxml' && at + 9 <= this.buf.length && this.#plausibleName(this.buf.readUInt32LE(at + 5), at + 9)) dependency = false;
    if (dependency) p += 2;
    p += 4; // data size
    const ref = this.#nameRef(p);
    p = ref.pos;
    if ((this.buf[at]! & 0x40) !== 0) p += 4; // attribute list size
    return { name: ref.name, pos: p };
  }

  /** Tokens from `start` up to an end-of-fragment token or `end`: the nodes found. */
  #parse(start: number, end: number, mode: Mode): { nodes: PNode[]; pos: number } {
    const top: PNode[] = [];
    const stack: PElement[] = [];
    const current = (): PNode[] => (stack.length === 0 ? top : stack[stack.length - 1]!.children);
    let p = start;
    while (p < end) {
      const token = this.buf[p]!;
      this.#spend(0);
      switch (token) {
        case 0x00:
          if (stack.length > 0) fail(`end of fragment inside <${stack[stack.length - 1]!.name}>`);
          return { nodes: top, pos: p + 1 };
        case 0x0f:
          p += 4;
          break;
        case 0x01:
        case 0x41: {
          if (stack.length >= this.#limits.maxEvtxElementDepth) fail(`elements nested deeper than ${this.#limits.maxEvtxElementDepth}`);
          const head = this.#elementStart(p, mode);
          p = head.pos;
          const element: PElement = { t: 'e', name: head.name, attrs: [], children: [] };
          while (p < end && (this.buf[p] === 0x06 || this.buf[p] === 0x46)) {
            const attr = this.#nameRef(p + 1);
            p = attr.pos;
            const value: PNode[] = [];
            while (p < end && this.#isValueToken(this.buf[p]!)) p = this.#valueToken(p, end, value);
            element.attrs.push({ name: attr.name, value });
          }
          current().push(element);
          const close = this.buf[p];
          if (close === 0x02) stack.push(element);
          else if (close !== 0x03) fail(`element <${head.name}> not closed (token 0x${(close ?? 0).toString(16)})`);
          p++;
          break;
        }
        case 0x04:
          if (stack.length === 0) fail(`end of element with none open at 0x${p.toString(16)}`);
          stack.pop();
          p++;
          break;
        case 0x0a: // processing instruction target: skipped
          p = this.#nameRef(p + 1).pos;
          break;
        case 0x0b: // processing instruction data: skipped
          p = this.#utf16(p + 1, end).pos;
          break;
        case 0x0c: {
          const instance = this.#instance(p, end);
          current().push(instance.node);
          p = instance.pos;
          break;
        }
        default:
          if (!this.#isValueToken(token)) fail(`unknown token 0x${token.toString(16)} at 0x${p.toString(16)}`);
          p = this.#valueToken(p, end, current());
      }
    }
    if (stack.length > 0) fail(`data ends inside <${stack[stack.length - 1]!.name}>`);
    return { nodes: top, pos: p };
  }

  /** Counts one token or node (and its characters) against the event's budgets. */
  #spend(chars: number): void {
    this.#chars += chars;
    if (++this.#nodes > this.#limits.maxEvtxNodes) fail(`event expands to more than ${this.#limits.maxEvtxNodes} tokens and nodes`);
    if (this.#chars > this.#limits.maxEvtxChars) fail(`event expands to more than ${this.#limits.maxEvtxChars} characters`);
  }

  #fill(nodes: PNode[], values: SubValue[] | null, out: Array<XElement | XValue>, depth: number): void {
    for (const node of nodes) {
      switch (node.t) {
        case 't':
          this.#spend(node.text.length);
          out.push(node.text);
          break;
        case 's': {
          const value = values?.[node.index];
          if (value === undefined) break;
          if (value.type === VT_BINXML) {
            if (depth >= this.#limits.maxEvtxTemplateDepth) fail(`Binary XML values nested deeper than ${this.#limits.maxEvtxTemplateDepth}`);
            const inner = this.#parse(value.start, value.start + value.size, 'binxml');
            this.#fill(inner.nodes, null, out, depth + 1);
            break;
          }
          const decoded = decodeValue(this.buf, value.type, value.start, value.size);
          if (decoded === null) break;
          this.#spend(typeof decoded === 'string' ? decoded.length : 8);
          out.push(decoded);
          break;
        }
        case 'e': {
          this.#spend(node.name.length);
          const element: XElement = { name: node.name, attrs: [], children: [] };
          for (const attr of node.attrs) {
            const parts: Array<XElement | XValue> = [];
            this.#fill(attr.value, values, parts, depth);
            const texts = parts.filter((v): v is XValue => typeof v !== 'object' || Array.isArray(v));
            if (texts.length === 0) continue; // an optional substitution with no value: no attribute
            element.attrs.push([attr.name, texts.length === 1 ? texts[0]! : texts.map(String).join('')]);
          }
          this.#fill(node.children, values, element.children, depth);
          out.push(element);
          break;
        }
        case 'i':
          if (depth >= this.#limits.maxEvtxTemplateDepth) fail(`template instances nested deeper than ${this.#limits.maxEvtxTemplateDepth}`);
          this.#fill(node.nodes, node.values, out, depth + 1);
          break;
      }
    }
  }

  /** The element tree of the event record whose Binary XML is at [start, end). */
  event(start: number, end: number): Array<XElement | XValue> {
    this.#nodes = 0;
    this.#chars = 0;
    const parsed = this.#parse(start, end, 'record');
    const out: Array<XElement | XValue> = [];
    this.#fill(parsed.nodes, null, out, 0);
    return out;
  }
}
