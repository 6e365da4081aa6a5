// Which hosts this replay takes: `--hosts <glob>` and `--shard <i>/<n>`. A shard is a stable hash of
// the host's name, so n processes given the same input replay disjoint shares that cover it, with
// no coordination (docs/scale-out.md).

/** 32-bit FNV-1a of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/** `i/n` → { index: i, count: n }; a RangeError naming what is wrong. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new RangeError(`--shard: expected <i>/<n> (e.g. 0/4), got ${JSON.stringify(text)}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`--shard ${text}: n must be at least 1`);
  if (!Number.isSafeInteger(index) || index >= count) throw new RangeError(`--shard ${text}: i must be between 0 and ${count - 1}`);
  return { index, count };
}

/** The shard (0 … count−1) a host belongs to: FNV-1a of its lower-cased name, modulo count. */
export function shardOf(hostKey: string, count: number): number {
  return fnv1a32(hostKey.toLowerCase()) % count;
}

function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return out;
}

/**
 * A host-name matcher for `--hosts`: a glob (`*`, `?`, `[a-c]`, `[!x]`), matched against the whole
 * name without regard to case; several globs may be given separated by commas (any one matches).
 */
export function hostMatcher(globs: string): (host: string) => boolean {
  const parts = globs.split(',').map((g) => g.trim()).filter((g) => g.length > 0);
  if (parts.length === 0) throw new RangeError(`--hosts: expected a glob such as 'ws-*', got ${JSON.stringify(globs)}`);
  const pattern = new RegExp(`^(?:${parts.map(globSource).join('|')})$`, 'is');
  return (host) => pattern.test(host);
}

/** Decides, once per host, whether this replay takes it. */
export class HostFilter {
  readonly #match: ((host: string) => boolean) | null;
  readonly #shard: Shard | null;
  readonly #decided = new Map<string, 'take' | 'host-filtered' | 'other-shard'>();

  constructor(hosts: string | undefined, shard: Shard | undefined) {
    this.#match = hosts === undefined ? null : hostMatcher(hosts);
    this.#shard = shard ?? null;
  }

  /** 'take', or the reason the host's records are skipped. */
  decide(host: string, hostKey: string): 'take' | 'host-filtered' | 'other-shard' {
    let decision = this.#decided.get(hostKey);
    if (decision === undefined) {
      decision = 'take';
      if (this.#match !== null && !this.#match(host)) decision = 'host-filtered';
      else if (this.#shard !== null && shardOf(hostKey, this.#shard.count) !== this.#shard.index) decision = 'other-shard';
      this.#decided.set(hostKey, decision);
    }
    return decision;
  }
}
