// Escaping for the page. Every string of a timeline may come from a hostile file
// (image names are whatever a malware sample was called), so nothing of the data
// reaches the page unescaped: text and attributes through escapeText/escapeAttr,
// the embedded data through jsonForScript.

const NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Control and direction-changing characters made visible: C0 controls and DEL as
 * their Control Pictures (␀ … ␟, ␡), C1 controls, zero-width and bidi controls
 * (U+202E RIGHT-TO-LEFT OVERRIDE is how `exe.txt` names are spoofed) as `⟨U+202E⟩`,
 * lone surrogates as U+FFFD. The page script applies the same mapping.
 */
export function visibleText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) out += String.fromCharCode(0x2400 + c);
    else if (c === 0x7f) out += '\u2421';
    else if ((c >= 0x80 && c <= 0x9f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e)
      || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff) {
      out += `\u27e8U+${c.toString(16).toUpperCase().padStart(4, '0')}\u27e9`;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += text[i]!;
  }
  return out;
}

/** Text content: visible controls, then the five HTML specials as entities. */
export function escapeText(text: string): string {
  return visibleText(text).replace(/[&<>"']/g, (c) => NAMED[c]!);
}

/**
 * A double-quoted attribute value that reads back as `value` (for data-* values
 * that must equal the model's strings): the HTML specials as entities, C0
 * controls and DEL as numeric references (CR and LF would otherwise be normalised
 * by the parser), zero-width and bidi controls as numeric references too (so
 * the page source shows no invisible reordering). NUL cannot survive HTML
 * parsing and becomes U+FFFD; C1 controls stay raw (their references are
 * remapped to windows-1252 by the parser).
 */
export function escapeAttr(value: string): string {
  return value.replace(/[&<>"'\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => NAMED[c] ?? (c === '\0' ? '\ufffd' : `&#${c.charCodeAt(0)};`));
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>`, `&`, the
 * JavaScript line terminators and the invisible controls as \u escapes, so no `</script>` or `<!--` can
 * occur in the element whatever the data holds; JSON.parse reads it back as is.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
