// Event files as exporters write them: one JSON value, a JSON array of
// events, JSON Lines, or several JSON objects simply written one after
// another (as in SigmaHQ's regression data). Returns the events in order.

/** Parses a text holding JSON objects one after another (or a JSON array of them); throws SyntaxError with the offset. */
export function parseJsonEvents(text: string): unknown[] {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const out: unknown[] = [];
  let k = 0;
  const n = text.length;
  const skipSpace = (): void => {
    while (k < n && /\s/.test(text[k]!)) k++;
  };
  skipSpace();
  if (text[k] === '\ufeff') {
    k++;
    skipSpace();
  }
  while (k < n) {
    const start = k;
    const open = text[k];
    if (open !== '{' && open !== '[') throw new SyntaxError(`expected '{' or '[' at offset ${k}`);
    let depth = 0;
    let inString = false;
    for (; k < n; k++) {
      const c = text[k];
      if (inString) {
        if (c === '\\') k++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          k++;
          break;
        }
      }
    }
    if (depth !== 0) throw new SyntaxError(`unterminated JSON value starting at offset ${start}`);
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, k));
    } catch (e) {
      throw new SyntaxError(`invalid JSON value starting at offset ${start}: ${(e as Error).message}`);
    }
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
    skipSpace();
    if (text[k] === ',') {
      k++;
      skipSpace();
    }
  }
  return out;
}
