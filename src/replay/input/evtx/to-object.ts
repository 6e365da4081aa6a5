// An EVTX element tree → the JSON object shape converted EVTX usually has (and the regression-data twins
// have): attributes under `#attributes`, text as the element's value (or `#text` beside attributes),
// repeated children as arrays, an empty element as null, and `<Data Name="X">v</Data>` as `X: v`.
import type { XElement } from './binxml.js';
import type { XValue } from './values.js';

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

function isElement(node: XElement | XValue): node is XElement {
  return typeof node === 'object' && !Array.isArray(node);
}

function textOf(parts: XValue[]): Json {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0] as Json;
  return parts.map((p) => (Array.isArray(p) ? p.join(',') : String(p))).join('');
}

function attributesOf(element: XElement): { [key: string]: Json } | null {
  if (element.attrs.length === 0) return null;
  const out: { [key: string]: Json } = {};
  for (const [name, value] of element.attrs) if (name !== '__proto__') out[name] = value as Json;
  return out;
}

/** Converts one element (depth is bounded by the Binary XML parser's caps). */
export function elementToJson(element: XElement): Json {
  const attrs = attributesOf(element);
  const texts: XValue[] = [];
  const children: XElement[] = [];
  for (const node of element.children) {
    if (isElement(node)) children.push(node);
    else texts.push(node);
  }
  const text = textOf(texts);
  if (children.length === 0) {
    if (attrs === null) return text;
    const out: { [key: string]: Json } = { '#attributes': attrs };
    if (text !== null) out['#text'] = text;
    return out;
  }
  const out: { [key: string]: Json } = {};
  if (attrs !== null) out['#attributes'] = attrs;
  const lists = new Set<string>();
  for (const child of children) {
    const name = child.name === 'Data' && element.name === 'EventData' ? child.attrs.find(([n]) => n === 'Name')?.[1] : undefined;
    if (name !== undefined) {
      const value = textOf(child.children.filter((c): c is XValue => !isElement(c)));
      if (!Object.hasOwn(out, String(name)) && String(name) !== '__proto__') out[String(name)] = value;
      continue;
    }
    const value = elementToJson(child);
    if (!Object.hasOwn(out, child.name)) {
      if (child.name !== '__proto__') out[child.name] = value;
    } else if (lists.has(child.name)) {
      (out[child.name] as Json[]).push(value);
    } else {
      out[child.name] = [out[child.name]!, value];
      lists.add(child.name);
    }
  }
  if (text !== null) out['#text'] = text;
  return out;
}

/** The event object: `{ Event: { '#attributes'?, System, EventData | UserData, … } }`. */
export function eventToJson(nodes: Array<XElement | XValue>): Json {
  return elementToJson({ name: '', attrs: [], children: nodes.filter(isElement) });
}
