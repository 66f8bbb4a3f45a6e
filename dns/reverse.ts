/**
 * Pure: the reverse tree. An address's reverse name (RFC 1035 §3.5: the octets reversed under in-addr.arpa; RFC 3596
 * §2.5: the nibbles reversed under ip6.arpa), the addresses a reverse zone covers, and where an address's PTR goes in
 * a zone — including RFC 2317 classless zones, whose first label names a range of one /24: `<first>/<prefix length>`
 * (RFC 2317 §4: `0/26.2.0.192.in-addr.arpa` holds 192.0.2.0–63) or `<first>-<last>` (the other spelling RFC 2317 §5.2
 * allows: `0-63.2.0.192.in-addr.arpa`). In a classless zone an address's PTR is its last octet under the zone
 * (`10.0/26.2.0.192.in-addr.arpa.`), which the parent zone's CNAME `10.2.0.192.in-addr.arpa.` points at.
 */
import { canonicalIPv4, canonicalIPv6, ipv6Groups } from './rdata-base.js';

/** The addresses a reverse zone covers: an inclusive range of one family. */
export interface ReverseRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
  /** An RFC 2317 classless zone (a range inside one /24). */
  classless: boolean;
  /** The prefix length the zone name spells (for a classless range, its /24's: 24). */
  prefixLength: number;
}

const OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** An address as a number and its family, when it is a canonical-able IPv4 or IPv6 address. */
export function addressValue(address: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = canonicalIPv4(address);
  if (v4) return { family: 4, value: v4.split('.').reduce((n, o) => (n << 8n) | BigInt(o), 0n) };
  if (canonicalIPv6(address) === undefined) return undefined;
  const g = ipv6Groups(address)!;
  return { family: 6, value: g.reduce((n, x) => (n << 16n) | BigInt(x), 0n) };
}

/** The reverse name of an address (absolute, lowercase), or undefined when it is none. */
export function reverseName(address: string): string | undefined {
  const a = addressValue(address);
  if (!a) return undefined;
  if (a.family === 4) return `${canonicalIPv4(address)!.split('.').reverse().join('.')}.in-addr.arpa.`;
  const hex = a.value.toString(16).padStart(32, '0');
  return `${[...hex].reverse().join('.')}.ip6.arpa.`;
}

/**
 * The addresses `zone` (canonical, no trailing dot) covers, when it is a reverse zone: in-addr.arpa with 0–4 octet
 * labels, an RFC 2317 classless zone under a /24, or ip6.arpa with 0–32 nibble labels; undefined for any other name.
 */
export function reverseZoneRange(zone: string): ReverseRange | undefined {
  const labels = zone.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length >= 2 && labels.at(-2) === 'in-addr' && labels.at(-1) === 'arpa') {
    const octets = labels.slice(0, -2).reverse();
    if (octets.length === 4) {
      const c = classless(octets[3]!);
      if (c && octets.slice(0, 3).every((o) => OCTET.test(o))) {
        const base = octets.slice(0, 3).reduce((n, o) => (n << 8n) | BigInt(o), 0n) << 8n;
        return { family: 4, first: base + BigInt(c[0]), last: base + BigInt(c[1]), classless: true, prefixLength: 24 };
      }
    }
    if (octets.length > 4 || !octets.every((o) => OCTET.test(o))) return undefined;
    const bits = 32 - 8 * octets.length;
    const prefix = octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n) << BigInt(bits);
    return {
      family: 4,
      first: prefix,
      last: prefix + (1n << BigInt(bits)) - 1n,
      classless: false,
      prefixLength: 8 * octets.length,
    };
  }
  if (labels.length >= 2 && labels.at(-2) === 'ip6' && labels.at(-1) === 'arpa') {
    const nibbles = labels.slice(0, -2).reverse();
    if (nibbles.length > 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const bits = 128 - 4 * nibbles.length;
    const prefix = (nibbles.length ? BigInt(`0x${nibbles.join('')}`) : 0n) << BigInt(bits);
    return {
      family: 6,
      first: prefix,
      last: prefix + (1n << BigInt(bits)) - 1n,
      classless: false,
      prefixLength: 4 * nibbles.length,
    };
  }
  return undefined;
}

/** An RFC 2317 range label → [first, last] last octets, or undefined. */
function classless(label: string): [number, number] | undefined {
  const cidr = /^(\d{1,3})\/(\d{1,2})$/.exec(label);
  if (cidr) {
    const first = Number(cidr[1]);
    const len = Number(cidr[2]);
    const size = 2 ** (32 - len);
    // a prefix inside the /24 (25–32 bits), the first address aligned on it
    if (len < 25 || len > 32 || first > 255 || first % size !== 0 || !OCTET.test(cidr[1]!)) return undefined;
    return [first, first + size - 1];
  }
  const range = /^(\d{1,3})-(\d{1,3})$/.exec(label);
  if (range && OCTET.test(range[1]!) && OCTET.test(range[2]!) && Number(range[1]) <= Number(range[2]))
    return [Number(range[1]), Number(range[2])];
  return undefined;
}

/** Whether `zone` is a reverse zone (in-addr.arpa, an RFC 2317 classless zone, or ip6.arpa, at label boundaries). */
export function isReverseZone(zone: string): boolean {
  return reverseZoneRange(zone) !== undefined;
}

/**
 * Where the PTR of `address` goes in reverse zone `zone`: its reverse name, or in a classless zone its last octet
 * under the zone (RFC 2317 §4); undefined when the zone does not cover the address.
 */
export function ptrOwner(zone: string, address: string): string | undefined {
  const range = reverseZoneRange(zone);
  const a = addressValue(address);
  if (!range || !a || a.family !== range.family || a.value < range.first || a.value > range.last) return undefined;
  if (range.classless) return `${Number(a.value & 0xffn)}.${zone.replace(/\.$/, '')}.`;
  return reverseName(address);
}

// ---------------------------------------------------------------- index keys (automatic PTR)

/** The prefix lengths an address is indexed at: IPv4 octets, IPv6 the usual delegation boundaries (RFC 6177 §3). */
const INDEXED_PREFIXES: Readonly<Record<4 | 6, readonly number[]>> = { 4: [8, 16, 24], 6: [16, 32, 48, 56, 64] };

/** The key of an address prefix: `v4-192.0.2` (/24), `v6-20010db8` (/32). */
function prefixKey(family: 4 | 6, value: bigint, length: number): string {
  if (family === 4) {
    const octets = [24, 16, 8, 0].map((s) => Number((value >> BigInt(s)) & 0xffn));
    return `v4-${octets.slice(0, length / 8).join('.')}`;
  }
  return `v6-${value
    .toString(16)
    .padStart(32, '0')
    .slice(0, length / 4)}`;
}

/**
 * The index keys of an address: one per indexed prefix containing it (`v4-192`, `v4-192.0`, `v4-192.0.2`), so a reverse
 * zone finds the addresses it covers by one key; undefined when it is no address.
 */
export function addressIndexKeys(address: string): string[] | undefined {
  const a = addressValue(address);
  if (!a) return undefined;
  return INDEXED_PREFIXES[a.family].map((len) => prefixKey(a.family, a.value, len));
}

/**
 * The index key a reverse zone selects its addresses by: its range's longest indexed prefix (a classless zone: its
 * /24's; `8.b.d.0.1.0.0.2.ip6.arpa`: /32); undefined when the zone is shorter than every indexed prefix (a /4) or no
 * reverse zone — such a zone gets no automatic PTRs.
 */
export function reverseZoneIndexKey(zone: string): string | undefined {
  const r = reverseZoneRange(zone);
  if (!r) return undefined;
  const len = [...INDEXED_PREFIXES[r.family]].reverse().find((l) => l <= r.prefixLength);
  return len === undefined ? undefined : prefixKey(r.family, r.first, len);
}

/** Whether the addresses of `inner` are a strict subset of `outer`'s (a more specific reverse zone). */
export function narrower(inner: ReverseRange, outer: ReverseRange): boolean {
  return (
    inner.family === outer.family &&
    inner.first >= outer.first &&
    inner.last <= outer.last &&
    inner.last - inner.first < outer.last - outer.first
  );
}

/** Whether a range covers an address. */
export function covers(range: ReverseRange, address: string): boolean {
  const a = addressValue(address);
  return a !== undefined && a.family === range.family && a.value >= range.first && a.value <= range.last;
}
