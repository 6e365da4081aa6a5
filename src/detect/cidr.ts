// The `cidr` modifier: is an address (an event's value) inside a network
// (a rule's `a.b.c.d/n` or `x:y::/n`)? IPv4 and IPv6; an IPv4-mapped IPv6
// address (`::ffff:10.1.2.3`) is compared as the IPv4 address it carries.
// Host bits set in the rule's network are ignored (masked off).
import { isIPv4, isIPv6 } from 'node:net';

/** An address as 4 (IPv4) or 16 (IPv6) bytes. */
type Address = Uint8Array;

function parseV4(s: string): Address | null {
  if (!isIPv4(s)) return null;
  return Uint8Array.from(s.split('.').map(Number));
}

function parseV6(s: string): Address | null {
  if (!isIPv6(s)) return null;
  let text = s;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    // An embedded IPv4 tail (`::ffff:10.1.2.3`) is rewritten as its two 16-bit groups.
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (h: string): number[] => (h === '' ? [] : h.split(':').map((g) => parseInt(g, 16)));
  const head = toGroups(halves[0]!);
  const rest = halves.length > 1 ? toGroups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length > 1 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(halves.length > 1 ? missing : 0).fill(0), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((g, k) => {
    out[2 * k] = g >> 8;
    out[2 * k + 1] = g & 0xff;
  });
  return out;
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 addresses become IPv4. */
export function parseAddress(s: string): Address | null {
  const t = s.trim();
  const v4 = parseV4(t);
  if (v4 !== null) return v4;
  const v6 = parseV6(t);
  if (v6 === null) return null;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

export interface Network {
  readonly bytes: Address;
  readonly prefix: number;
}

/** Parses `address/prefix` (a bare address is a /32 or /128); null when malformed. */
export function parseCidr(s: string): Network | null {
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const bytes = parseAddress(addrText);
  if (bytes === null) return null;
  const isV4Text = isIPv4(addrText.trim());
  const bits = bytes.length * 8;
  let prefix = bits;
  if (slash >= 0) {
    const p = s.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    // An IPv4-mapped IPv6 network (::ffff:0:0/96 and longer) is expressed on the IPv4 address it maps.
    if (!isV4Text && bytes.length === 4) prefix -= 96;
    if (prefix < 0 || prefix > bits) return null;
  }
  return { bytes: mask(bytes, prefix), prefix };
}

function mask(a: Address, prefix: number): Address {
  const out = Uint8Array.from(a);
  for (let k = 0; k < out.length; k++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * k));
    out[k] = out[k]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** True when `address` (text) lies in `net`; false for text that is not an address or of the other family. */
export function inNetwork(net: Network, address: string): boolean {
  const a = parseAddress(address);
  if (a === null || a.length !== net.bytes.length) return false;
  const m = mask(a, net.prefix);
  for (let k = 0; k < m.length; k++) if (m[k] !== net.bytes[k]) return false;
  return true;
}
