/**
 * CIDR and address math, on ipaddr.js for parsing and bigints for ranges, so that IPv4 and IPv6
 * share one code path. Overlap checks sort ranges and sweep once (n log n), never all pairs:
 * a fleet has thousands of addresses.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  /** As written. */
  readonly text: string;
  readonly family: 4 | 6;
  readonly prefix: number;
  /** The address as written (may have host bits set). */
  readonly address: bigint;
  /** First and last address of the prefix. */
  readonly first: bigint;
  readonly last: bigint;
  /** Whether the written address is the network address (no host bits set). */
  readonly aligned: boolean;
}

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

const DOTTED_QUAD = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/**
 * An address as Go's net/netip parses it: dotted-quad IPv4 without leading zeros, or IPv6.
 * Returns undefined for anything else (ipaddr.js alone would accept "10.1", octal, hex).
 */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (DOTTED_QUAD.test(text)) return { family: 4, value: toBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) {
    const addr = ipaddr.IPv6.parse(text);
    if (addr.isIPv4MappedAddress()) return { family: 4, value: toBigInt(addr.toIPv4Address().toByteArray()) };
    return { family: 6, value: toBigInt(addr.toByteArray()) };
  }
  return undefined;
}

/** A CIDR as `netip.ParsePrefix` reads it, or undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!addr || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = addr.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const first = (addr.value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { text, family: addr.family, prefix, address: addr.value, first, last, aligned: first === addr.value };
}

export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 255n));
  return ipaddr.fromByteArray(bytes).toString();
}

/** The network this CIDR names, written aligned (what to write instead of an unaligned one). */
export function alignedText(c: Cidr): string {
  return `${formatAddress(c.family, c.first)}/${c.prefix}`;
}

export function contains(c: Pick<Cidr, 'family' | 'first' | 'last'>, family: 4 | 6, value: bigint): boolean {
  return c.family === family && c.first <= value && value <= c.last;
}

export function overlaps(a: Pick<Cidr, 'family' | 'first' | 'last'>, b: Pick<Cidr, 'family' | 'first' | 'last'>): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/**
 * Every pair of overlapping ranges, found by sorting on the start and sweeping with the furthest
 * ranges still open. Returns pairs [earlier, later] by input index: for each range, the earliest
 * open range it overlaps (callers report each later item once).
 */
export function findOverlaps<T extends Pick<Cidr, 'family' | 'first' | 'last'>>(items: readonly T[]): [number, number][] {
  const order = items.map((_, i) => i).sort((i, j) => {
    const a = items[i] as T;
    const b = items[j] as T;
    return a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : i - j);
  });
  const pairs: [number, number][] = [];
  // Active ranges of the current family whose end reaches the sweep position.
  let active: number[] = [];
  let family = 0;
  for (const idx of order) {
    const cur = items[idx] as T;
    if (cur.family !== family) {
      active = [];
      family = cur.family;
    }
    active = active.filter((a) => (items[a] as T).last >= cur.first);
    if (active.length > 0) {
      let partner = active[0] as number;
      for (const a of active) if (a < partner) partner = a;
      pairs.push(partner < idx ? [partner, idx] : [idx, partner]);
    }
    active.push(idx);
  }
  return pairs;
}

/** The index of the CIDR holding an address, or -1; binary search over ranges sorted by start. */
export class CidrIndex {
  private readonly sorted: { cidr: Cidr; index: number }[];

  constructor(cidrs: readonly (Cidr | undefined)[]) {
    this.sorted = cidrs
      .map((cidr, index) => ({ cidr, index }))
      .filter((x): x is { cidr: Cidr; index: number } => x.cidr !== undefined)
      .sort((a, b) => a.cidr.family - b.cidr.family || (a.cidr.first < b.cidr.first ? -1 : a.cidr.first > b.cidr.first ? 1 : 0));
  }

  /** The first CIDR (in written order) that holds the address. */
  find(family: 4 | 6, value: bigint): { cidr: Cidr; index: number } | undefined {
    // Ranges may overlap (that is DVP102), so scan the few candidates whose start is <= value.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = (this.sorted[mid] as { cidr: Cidr }).cidr;
      if (m.family < family || (m.family === family && m.first <= value)) lo = mid + 1;
      else hi = mid;
    }
    let best: { cidr: Cidr; index: number } | undefined;
    for (let i = lo - 1; i >= 0; i--) {
      const c = this.sorted[i] as { cidr: Cidr; index: number };
      if (c.cidr.family !== family) break;
      if (contains(c.cidr, family, value) && (!best || c.index < best.index)) best = c;
      if (lo - 1 - i > 64) break; // overlapping CIDRs are already an error; keep the lookup bounded
    }
    return best;
  }
}
