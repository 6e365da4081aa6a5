// Output that cannot drive a terminal: every character that a terminal would
// act on — C0 controls but the line feed, DEL, C1 controls, and the Unicode
// bidirectional overrides that reorder what is shown — is written as a
// `\uXXXX` escape. Strings from files and drivers (PE names, version strings,
// signer names, paths, driver messages) pass through here before any stream.
// The escape is also JSON's own, so a `--json` line stays valid JSON with the
// raw value (JSON.stringify already escapes C0; this adds DEL, C1, bidi).

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every terminal-active character escaped; line feeds kept. */
export function terminalSafe(text: string): string {
  UNSAFE.lastIndex = 0;
  return text.replace(UNSAFE, escape);
}

export interface Writable {
  write(text: string): unknown;
}

/** A stream whose every write is made terminal-safe. */
export function safeStream(stream: Writable): Writable {
  return { write: (text: string) => stream.write(terminalSafe(text)) };
}
