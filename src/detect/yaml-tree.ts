// A rule file's YAML documents as small located trees (maps, sequences,
// scalars with their 1-based line). Scalars are resolved here rather than by
// a schema so the rule's text is kept: a quoted value is always a string; a
// plain `null`/`~`/empty is null, `true`/`false` a boolean, and a plain
// number keeps the text it was written as (`0x17` stays `0x17` when compared
// with an event's string, and is 23 for `gt`/`lt`).
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

export type YValue = string | number | boolean | null;

export type YNode =
  | { readonly t: 'map'; readonly line: number; readonly entries: readonly YEntry[] }
  | { readonly t: 'seq'; readonly line: number; readonly items: readonly YNode[] }
  | { readonly t: 'scalar'; readonly line: number; readonly value: YValue; readonly text: string };

export interface YEntry {
  readonly key: string;
  readonly line: number;
  readonly value: YNode;
}

export type YDocument = { readonly ok: true; readonly root: YNode | null } | { readonly ok: false; readonly message: string; readonly line: number | undefined; readonly idGuess: string | undefined; readonly keyGuess: string | undefined };

const NULL_RE = /^(?:null|Null|NULL|~|)$/;
const BOOL_RE = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT_RE = /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

function resolvePlain(text: string): YValue {
  if (NULL_RE.test(text)) return null;
  if (BOOL_RE.test(text)) return text.toLowerCase() === 'true';
  if (INT_RE.test(text)) {
    const neg = text.startsWith('-');
    const body = text.replace(/^[-+]/, '');
    const n = body.startsWith('0o') ? parseInt(body.slice(2), 8) : Number(body);
    return neg ? -n : n;
  }
  if (FLOAT_RE.test(text)) return Number(text);
  return text;
}

class Converter {
  readonly #doc: Document;
  readonly #lines: LineCounter;
  #depth = 0;

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  lineOf(node: { range?: [number, number, number] | null } | null | undefined): number {
    const at = node?.range?.[0];
    return at === undefined ? 0 : this.#lines.linePos(at).line;
  }

  convert(node: unknown): YNode {
    if (++this.#depth > 200) throw new RangeError('YAML nesting deeper than 200 levels');
    try {
      let n = node as Node | null;
      if (isAlias(n)) n = n.resolve(this.#doc) as Node | null ?? null;
      if (n === null || n === undefined) return { t: 'scalar', line: 0, value: null, text: '' };
      if (isMap(n)) {
        const entries: YEntry[] = [];
        for (const pair of n.items) {
          if (!isPair(pair)) continue;
          const k = this.convert(pair.key);
          if (k.t !== 'scalar') throw new SyntaxError(`line ${this.lineOf(pair.key as Node)}: a map key must be a plain value`);
          entries.push({ key: k.text, line: this.lineOf(pair.key as Node), value: this.convert(pair.value) });
        }
        return { t: 'map', line: this.lineOf(n), entries };
      }
      if (isSeq(n)) return { t: 'seq', line: this.lineOf(n), items: n.items.map((x) => this.convert(x)) };
      if (isScalar(n)) {
        const text = String(n.value ?? '');
        const plain = n.type === 'PLAIN' && (n.tag === undefined || n.tag === null);
        const explicitStr = n.tag === 'tag:yaml.org,2002:str';
        const value = plain && !explicitStr ? resolvePlain(text) : text;
        return { t: 'scalar', line: this.lineOf(n), value, text };
      }
      throw new SyntaxError(`line ${this.lineOf(n as Node)}: unsupported YAML node`);
    } finally {
      this.#depth--;
    }
  }
}

/** The mapping key written on `line` (1-based) or the nearest line above it, for locating a YAML error. */
function keyNear(text: string, line: number): string | undefined {
  const lines = text.split(/\r?\n/);
  for (let k = Math.min(line, lines.length) - 1; k >= 0; k--) {
    const m = /^\s*(?:-\s+)?(['"]?)([^'"#:\s][^'"#:]*?)\1\s*:(?:\s|$)/.exec(lines[k]!);
    if (m !== null) return m[2];
  }
  return undefined;
}

/** Parses every `---`-separated document of a YAML text into located trees (or the first error of each). */
export function parseYamlDocuments(text: string): YDocument[] {
  const lines = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { schema: 'failsafe', lineCounter: lines, uniqueKeys: true });
  } catch (e) {
    // A pathological text (nesting deep enough to exhaust the parser's stack) is a problem of the file, not of the caller.
    if (e instanceof RangeError) return [{ ok: false, message: e.message, line: undefined, idGuess: undefined, keyGuess: undefined }];
    throw e;
  }
  const list: Document[] = Array.isArray(docs) ? docs : [docs];
  return list.map((doc): YDocument => {
    const err = doc.errors[0];
    if (err !== undefined) {
      // The rule id, read from the document's text when the YAML itself cannot be trusted.
      const own = doc.range ? text.slice(doc.range[0], doc.range[2]) : text;
      const idGuess = /^id:[ \t]*['"]?([^'"\s#]+)/m.exec(own)?.[1];
      const line = err.linePos?.[0]?.line;
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
      return { ok: false, message, line, idGuess, keyGuess: line === undefined ? undefined : keyNear(text, line) };
    }
    try {
      return { ok: true, root: doc.contents === null ? null : new Converter(doc, lines).convert(doc.contents) };
    } catch (e) {
      if (e instanceof SyntaxError || e instanceof RangeError) return { ok: false, message: e.message, line: undefined, idGuess: undefined, keyGuess: undefined };
      throw e;
    }
  });
}

/** The entry of a map with the given key. */
export function entry(node: YNode | null | undefined, key: string): YEntry | undefined {
  return node?.t === 'map' ? node.entries.find((e) => e.key === key) : undefined;
}

/** A scalar's string form (its text), or undefined for a missing value or a non-scalar. */
export function scalarText(node: YNode | undefined): string | undefined {
  return node?.t === 'scalar' && node.value !== null ? node.text : undefined;
}

/** A value that may be one string or a list of strings (`author`, `references`, `tags`). */
export function stringList(node: YNode | undefined): string[] {
  if (node === undefined) return [];
  if (node.t === 'scalar') return node.value === null ? [] : [node.text];
  if (node.t === 'seq') return node.items.flatMap((i) => (i.t === 'scalar' && i.value !== null ? [i.text] : []));
  return [];
}
