// One event as the matchers see it: each field's values as strings (numbers
// and booleans as JSON recordings carry them, arrays element by element), in
// the four forms a matcher may ask for — exact, case-folded, windash-
// normalised, or both — each computed at most once per event, on first use.
// A field that is missing or holds null/undefined is absent (Sigma `null`).
import { fold, windashNormalize } from './sigma-string.js';

/** How a matcher compares: bit 1 = case-folded, bit 2 = windash-normalised. */
export type Mode = 0 | 1 | 2 | 3;
export const MODE_EXACT: Mode = 0;
export const MODE_FOLD: Mode = 1;
export const MODE_DASH: Mode = 2;

const NONE: readonly string[] = Object.freeze([]);

function toStrings(v: unknown): readonly string[] | null {
  switch (typeof v) {
    case 'string':
      return [v];
    case 'number':
    case 'bigint':
      return [String(v)];
    case 'boolean':
      return [v ? 'true' : 'false'];
    case 'undefined':
      return null;
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) {
        const out: string[] = [];
        for (const x of v) {
          const s = toStrings(x);
          if (s !== null && typeof x !== 'object') out.push(...s);
        }
        return out;
      }
      return NONE;
    }
    default:
      return NONE;
  }
}

function transform(values: readonly string[], mode: Mode): readonly string[] {
  return values.map((s) => {
    const f = mode & 1 ? fold(s) : s;
    return mode & 2 ? windashNormalize(f) : f;
  });
}

export class EventView {
  readonly #event: Readonly<Record<string, unknown>>;
  readonly #cache = new Map<string, (readonly string[] | null | undefined)[]>();
  #all: (readonly string[] | undefined)[] = [];

  constructor(event: Readonly<Record<string, unknown>>) {
    this.#event = event;
  }

  get event(): Readonly<Record<string, unknown>> {
    return this.#event;
  }

  /** Whether the field is present at all (Sigma `exists`: its value may be empty or null). */
  has(field: string): boolean {
    return Object.hasOwn(this.#event, field);
  }

  /** The field's values in the given form, or null when the field is absent or null. */
  values(field: string, mode: Mode): readonly string[] | null {
    let forms = this.#cache.get(field);
    if (forms === undefined) {
      forms = [Object.hasOwn(this.#event, field) ? toStrings(this.#event[field]) : null, undefined, undefined, undefined];
      this.#cache.set(field, forms);
    }
    const have = forms[mode];
    if (have !== undefined) return have;
    const raw = forms[0]!;
    const made = raw === null ? null : transform(raw, mode);
    forms[mode] = made;
    return made;
  }

  /** Every value of every field, in the given form (keyword search). */
  allValues(mode: Mode): readonly string[] {
    const have = this.#all[mode];
    if (have !== undefined) return have;
    const out: string[] = [];
    for (const field of Object.keys(this.#event)) {
      const v = this.values(field, mode);
      if (v !== null) out.push(...v);
    }
    this.#all[mode] = out;
    return out;
  }
}
