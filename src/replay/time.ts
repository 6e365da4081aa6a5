// Sysmon's UtcTime (`2023-08-16 04:53:48.177`) as epoch milliseconds, parsed by hand: replay reads
// one per record, and Date.parse would need the string rewritten first.

const ZERO = 48;

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.fff…][Z]` (a `T` instead of the space is accepted, as in ISO collector
 * times) → epoch milliseconds (fractions past the millisecond are dropped); null when it is not
 * such a time.
 */
export function parseUtcTime(text: string | null | undefined): number | null {
  if (typeof text !== 'string' || text.length < 19) return null;
  const sep = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (sep !== 32 && sep !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return null;
  let ms = 0;
  let at = 19;
  if (at < text.length && text.charCodeAt(at) === 46) {
    at++;
    let scale = 100;
    const start = at;
    while (at < text.length) {
      const d = text.charCodeAt(at) - ZERO;
      if (d < 0 || d > 9) break;
      if (scale >= 1) ms += d * scale;
      scale /= 10;
      at++;
    }
    if (at === start) return null;
  }
  if (at < text.length && text.charCodeAt(at) === 90) at++;
  if (at !== text.length) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(ms));
}
