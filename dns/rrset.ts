/**
 * Pure: RRsets and the one canonical order every output uses (zone files, PUT bodies, plans, read-backs).
 *
 * An RRset (RFC 2181 §5) is owner + type with one TTL and a set of data: absolute lowercase owner, data in the
 * canonical presentation form of dns/rdata.ts, kept sorted so two equal RRsets compare equal element by element.
 * Order: owner in RFC 4034 §6.1 canonical order (labels compared from the right, so a parent sorts before its
 * children), then type name, then data.
 */
import type { RecordType } from './contract.js';
import type { Rdata } from './rdata.js';

/** One RRset: absolute lowercase owner, type, one TTL, sorted unique canonical data. */
export interface RRset {
  owner: string;
  type: RecordType;
  ttl: number;
  data: string[];
  /**
   * The structured rdata of each `data` entry (same order), when whoever built the RRset parsed it: bindcar's PUT
   * keeps what it parsed from the body, so an UPDATE is encoded from the values, not from the text again.
   */
  rdata?: Rdata[];
}

/** The map key of an RRset. */
export function rrsetKey(owner: string, type: string): string {
  return `${owner} ${type}`;
}

/** Whether two RRsets are equal (same TTL and data; data is kept sorted). */
export function sameRRset(a: RRset, b: RRset): boolean {
  return a.ttl === b.ttl && a.data.length === b.data.length && a.data.every((d, i) => d === b.data[i]);
}

/** RFC 4034 §6.1 canonical name order key: labels reversed, so a parent sorts before its children. */
export function canonicalOrderKey(owner: string): string {
  return owner.replace(/\.$/, '').split('.').reverse().join('\u0001');
}

/**
 * RRsets in canonical order (owner, then type); `apexNsFirst` puts the zone's apex NS RRset before everything, as
 * a zone file lists it right after the SOA. Keys are computed once: sorting 10k RRsets must not rebuild them per
 * comparison.
 */
export function orderRRsets<T extends { owner: string; type: string }>(rrsets: Iterable<T>, apexNsFirst?: string): T[] {
  const apex = apexNsFirst === undefined ? undefined : `${apexNsFirst}.`;
  const keyed = [...rrsets].map((r) => ({
    r,
    k: `${r.owner === apex && r.type === 'NS' ? '0' : '1'}${canonicalOrderKey(r.owner)}\u0000${r.type}`,
  }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.r);
}
