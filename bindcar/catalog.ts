/**
 * The catalog zone a primary's bindcar maintains (RFC 9432, schema version 2), so that secondaries
 * provision themselves: they consume it with `catalog-zones { zone "<catalog>" … }` and add or
 * remove member zones as its PTR records come and go (RFC 9432; BIND 9 ARM, "Catalog Zones").
 *
 * Shape of the zone (all names absolute):
 *
 *     <catalog>                     SOA   invalid. invalid. <serial> 3600 600 2419200 0
 *     <catalog>                     NS    invalid.
 *     version.<catalog>             TXT   "2"
 *     <label>.zones.<catalog>       PTR   <member>.
 *
 * - `<label>` is stable and unique per member: the first 16 hex digits of SHA-256 over the member's
 *   lowercase name. Every primary of a cluster therefore writes the *same* member RRs for the same
 *   set of zones, and re-adding a zone keeps its label (a changed label would reset the zone on the
 *   secondaries, RFC 9432 §5.4).
 * - Only primary zones are members; secondary zones and the catalog itself never are.
 * - Changes are DNS UPDATEs signed with bindcar's key (the catalog is a dynamic primary zone), so
 *   named keeps a journal and secondaries follow by IXFR after the NOTIFY.
 * - The catalog's serial uses `serial-update-method unixtime`: primaries that receive the same
 *   zone changes within the same second publish the same serial, and a primary that fell behind
 *   jumps forward with the next change instead of trailing its peers forever.
 * - bindcar keeps the member set in memory (read by AXFR at startup), so confirming membership on
 *   every PUT costs a Set lookup; a crash between `rndc addzone` and the catalog UPDATE is repaired
 *   by the next PUT of that zone.
 */
import { createHash } from 'node:crypto';
import type { DnsClient } from './dns-client.js';
import { UpdateRejectedError } from './dns-client.js';
import { updateOpWire, type UpdateOp } from './dns-wire.js';
import { namedFailed } from './errors.js';
import { checkZoneName, isIdentifier } from '../dns/names.js';
import { addZoneReplacing, type Rndc } from './rndc.js';
import { applyTransfer } from './zone-state.js';
import type { ZoneStore } from './zone-store.js';

/** Default catalog zone name (under `.invalid`, RFC 6761: it can never collide with a real zone). */
export const DEFAULT_CATALOG_ZONE = 'catalog.bindy.invalid';

/** TTL of the catalog's records (secondaries read it by transfer; the TTL is never used for caching). */
const TTL = 0;

/** The stable, unique member label of `zone` (16 hex digits of SHA-256 over the lowercase name). */
export function memberLabel(zone: string): string {
  const name = zone.toLowerCase().replace(/\.$/, '');
  return createHash('sha256').update(name).digest('hex').slice(0, 16);
}

/** The absolute owner name of `zone`'s member PTR in `catalog`. */
export function memberOwner(catalog: string, zone: string): string {
  return `${memberLabel(zone)}.zones.${catalog}.`;
}

/** The initial zone file of a catalog (RFC 9432 §4: SOA, NS `invalid.`, `version` TXT "2"), plus members. */
export function renderCatalogZone(catalog: string, serial: number, members: readonly string[] = []): string {
  const lines = [
    `$ORIGIN ${catalog}.`,
    `$TTL ${TTL}`,
    `@ IN SOA invalid. invalid. ${serial} 3600 600 2419200 0`,
    '@ IN NS invalid.',
    'version IN TXT "2"',
    ...[...members].sort().map((m) => `${memberLabel(m)}.zones IN PTR ${m}.`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The `rndc addzone` config of the catalog: dynamic for bindcar's key, transferable with both keys. */
export function renderCatalogConfig(file: string, updateKey: string, transferKey?: string): string {
  if (!isIdentifier(updateKey) || (transferKey !== undefined && !isIdentifier(transferKey)))
    throw new Error('internal: invalid key name');
  if (/["\\\n;{}]/.test(file)) throw new Error('internal: catalog file path has config metacharacters');
  const transfer = [updateKey, ...(transferKey && transferKey !== updateKey ? [transferKey] : [])]
    .map((k) => `key "${k}"; `)
    .join('');
  return (
    `{ type primary; file "${file}"; allow-update { key "${updateKey}"; }; ` +
    `allow-transfer { ${transfer}}; serial-update-method unixtime; };`
  );
}

export interface CatalogDeps {
  rndc: Rndc;
  dns: DnsClient;
  store: ZoneStore;
  /** catalog zone name (validated, no trailing dot) */
  zone: string;
  updateKeyName: string;
  /** the key secondaries transfer with (`bindy-transfer`), allowed to transfer the catalog too */
  transferKeyName?: string;
  /** epoch seconds (injectable); the initial serial */
  now?: () => number;
  /**
   * Members of a catalog created from scratch (default: every zone of the zone directory that named
   * serves as a primary, per `rndc zonestatus`).
   */
  initialMembers?: () => Promise<string[]>;
}

/** Keeps the catalog zone in step with the primary zones bindcar serves. */
export class Catalog {
  readonly zone: string;
  private readonly deps: CatalogDeps;
  private members = new Set<string>();
  private ready: Promise<void> | undefined;

  constructor(deps: CatalogDeps) {
    const c = checkZoneName(deps.zone);
    if (!c.ok) throw new Error(`catalog zone name ${JSON.stringify(deps.zone)} ${c.reason}`);
    this.deps = deps;
    this.zone = c.name;
  }

  /** Whether `zone` is the catalog itself (never a member, never writable through the zone API). */
  isCatalog(zone: string): boolean {
    return zone.toLowerCase() === this.zone.toLowerCase();
  }

  /** Members as bindcar last saw them (sorted). */
  list(): string[] {
    return [...this.members].sort();
  }

  /**
   * Make sure named serves the catalog (create it when missing, populated with the primary zones
   * found on disk), and load its member set. Idempotent; concurrent callers share one run; a failed
   * run is retried by the next call (every add/remove calls it first).
   */
  ensure(): Promise<void> {
    this.ready ??= this.load(this.deps.initialMembers ?? (() => this.primaryZonesOnDisk())).catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  private async load(initialMembers: () => Promise<string[]>): Promise<void> {
    const soa = await this.deps.dns.soa(this.zone);
    if (!soa.served) {
      const members = (await initialMembers()).filter((z) => !this.isCatalog(z));
      const serial = (this.deps.now ?? (() => Math.floor(Date.now() / 1000)))() >>> 0;
      await this.deps.store.write(this.zone, renderCatalogZone(this.zone, serial, members));
      const config = renderCatalogConfig(
        this.deps.store.pathOf(this.zone),
        this.deps.updateKeyName,
        this.deps.transferKeyName,
      );
      await addZoneReplacing(this.deps.rndc, this.zone, config);
      this.members = new Set(members);
      return;
    }
    const served = applyTransfer(this.zone, undefined, await this.deps.dns.transfer(this.zone));
    const members = new Set<string>();
    const suffix = `.zones.${this.zone}.`;
    for (const s of served.rrsets.values())
      if (s.type === 'PTR' && s.owner.endsWith(suffix)) for (const d of s.data) members.add(d.replace(/\.$/, ''));
    this.members = members;
  }

  private async primaryZonesOnDisk(): Promise<string[]> {
    const out: string[] = [];
    for (const z of await this.deps.store.list()) {
      if (this.isCatalog(z)) continue;
      const status = await this.deps.rndc.run(['zonestatus', z]).catch(() => '');
      if (/^type:\s*(primary|master)\s*$/m.test(status)) out.push(z);
    }
    return out;
  }

  private async update(ops: UpdateOp[], what: string): Promise<void> {
    try {
      await this.deps.dns.update(this.zone, [ops.map((o) => updateOpWire(this.zone, o))]);
    } catch (e) {
      if (e instanceof UpdateRejectedError)
        throw namedFailed(
          'CATALOG_UPDATE_REJECTED',
          `${what} in catalog ${this.zone}: ${e.message}`,
          { rcode: e.rcode },
          e,
        );
      throw e;
    }
  }

  /** List `zone` as a member (no-op when it already is). */
  async add(zone: string): Promise<void> {
    if (this.isCatalog(zone)) return;
    await this.ensure();
    if (this.members.has(zone)) return;
    const owner = memberOwner(this.zone, zone);
    await this.update(
      [
        { op: 'deleteRRset', owner, type: 'PTR' },
        { op: 'add', owner, type: 'PTR', ttl: TTL, data: `${zone}.` },
      ],
      `adding ${zone}`,
    );
    this.members.add(zone);
  }

  /** Remove `zone` from the members (no-op when it is not one). */
  async remove(zone: string): Promise<void> {
    if (this.isCatalog(zone)) return;
    await this.ensure();
    if (!this.members.has(zone)) return;
    await this.update([{ op: 'deleteRRset', owner: memberOwner(this.zone, zone), type: 'PTR' }], `removing ${zone}`);
    this.members.delete(zone);
  }
}
