// Fields from a rendered event message: Sysmon writes its event data as the `Message` text, a title line
// ("Image loaded:") then one `Key: Value` line per field, lines ending CRLF. One indexOf pass, no regexps.

const COLON = 0x3a;
const SPACE = 0x20;
const CR = 0x0d;

/** A field name as Sysmon writes them: ASCII letters, digits and `_` (so "Security ID:\t…" is not one). */
function isKeyChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/**
 * Adds to `fields` every `Key: Value` field of `message` that `fields` does not already have, and
 * returns how many were added. Rules: the first line is the event title and is skipped; a key is
 * `[A-Za-z0-9_]+` at the start of a line followed by `": "`; the value is the rest of the line (it may
 * contain ": "), with only the line's CR removed; the first occurrence of a key wins; a line that is not
 * `Key: Value` continues the previous new field's value (a value with line breaks, such as a multi-line
 * CommandLine), keeping the line break as written. `__proto__` is never a key.
 */
export function fillMessageFields(fields: Record<string, string>, message: string): number {
  const length = message.length;
  let pos = message.indexOf('\n');
  if (pos < 0) return 0;
  pos++;
  let added = 0;
  let key: string | null = null;
  let valueStart = 0;
  let valueEnd = 0;
  while (pos < length) {
    let end = message.indexOf('\n', pos);
    if (end < 0) end = length;
    const lineEnd = end > pos && message.charCodeAt(end - 1) === CR ? end - 1 : end;
    let k = pos;
    while (k < lineEnd && isKeyChar(message.charCodeAt(k))) k++;
    if (k > pos && message.charCodeAt(k) === COLON && k + 1 < lineEnd && message.charCodeAt(k + 1) === SPACE) {
      if (key !== null) {
        fields[key] = message.slice(valueStart, valueEnd);
        added++;
      }
      const name = message.slice(pos, k);
      if (name !== '__proto__' && !Object.hasOwn(fields, name)) {
        key = name;
        valueStart = k + 2;
        valueEnd = lineEnd;
      } else {
        key = null;
      }
    } else if (key !== null) {
      valueEnd = lineEnd;
    }
    pos = end + 1;
  }
  if (key !== null) {
    fields[key] = message.slice(valueStart, valueEnd);
    added++;
  }
  return added;
}

/**
 * Whether the field on the message's last line is already in `fields` — a cheap test (one key, no
 * value copied) that a structure holding the message's fields is complete. False when the last line
 * is not a `Key: Value` line (say, the tail of a multi-line value): then only a full parse can tell.
 */
export function lastMessageFieldPresent(fields: Record<string, string>, message: string): boolean {
  const name = lastMessageField(message);
  return name === '' || (name !== null && Object.hasOwn(fields, name));
}

/**
 * The key of the message's last line: '' for a title alone (no fields), null when the last line is
 * not a `Key: Value` line (lastMessageFieldPresent's test, for a caller that keeps its fields apart).
 */
export function lastMessageField(message: string): string | null {
  let end = message.length;
  while (end > 0 && (message.charCodeAt(end - 1) === 0x0a || message.charCodeAt(end - 1) === CR)) end--;
  const start = message.lastIndexOf('\n', end - 1) + 1;
  if (start === 0) return ''; // a title alone: no fields
  let k = start;
  while (k < end && isKeyChar(message.charCodeAt(k))) k++;
  if (k === start || k + 1 >= end || message.charCodeAt(k) !== COLON || message.charCodeAt(k + 1) !== SPACE) return null;
  return message.slice(start, k);
}

const needles = new Map<string, string>();

/**
 * Whether fillMessageFields would find the field `name` (a name of key characters) in `message`: a
 * line after the title starting `name: `. One indexOf, nothing copied.
 */
export function messageHasField(message: string, name: string): boolean {
  let needle = needles.get(name);
  if (needle === undefined) {
    needle = `\n${name}: `;
    if (needles.size < 64) needles.set(name, needle);
  }
  return message.indexOf(needle) >= 0;
}

/** The `Key: Value` fields of a rendered message (rules as for fillMessageFields). */
export function parseMessageFields(message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  fillMessageFields(fields, message);
  return fields;
}

