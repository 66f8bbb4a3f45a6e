/**
 * Pure: THE rules a zone's content must meet before named sees it, in one function every surface uses — the DNSZone
 * hook (which record CR is left out, hooks/zone/desired.ts), bindcar's PUT (which body record makes it refuse,
 * dns/zone-model.ts) and, through the hook's own plan, `bindy validate` and `bindy render`. So the three can never
 * disagree about a record.
 *
 * Input: the zone-level parts (SOA names, apex name servers and their glue) and the records as contributions — one
 * per source (a record CR, a body record), each one owner and type with canonical data (dns/rdata.ts) — in priority
 * order: when two contributions conflict, the earlier keeps the name (the hook passes its CRs oldest first).
 *
 * Rules, applied in this order, each to what the earlier ones kept:
 *  0. Unmanaged: a contribution one of the zone's unmanaged-record rules matches is someone else's (dns/unmanaged.ts).
 *  1. CNAME (RFC 1034 §3.6.2, RFC 2181 §10.1): not at the apex; not beside other data, name-server glue included;
 *     one per name. Identical data from two contributions is one RR (an RRset is a set, RFC 2181 §5), not a conflict.
 *     A CNAME chain of the zone must not loop (a CNAME to itself included): the newest CNAME of a loop is left out.
 *  1c. DNAME (RFC 6672 §2.4): one per name (a singleton type); no data below it — "Resource records MUST NOT exist at
 *     any subdomain of the owner of a DNAME RR": the older side keeps the names (the DNAME, or the data below it that
 *     is older), and the zone's own name servers and glue always win (named refuses an in-zone NS below a DNAME).
 *  2. Targets: an NS, MX or SRV target must not be a CNAME of the zone (RFC 2181 §10.3); an in-zone NS target needs
 *     an address in the zone, or named refuses to load it (BIND 9 ARM, `check-integrity`). An in-zone MX exchange
 *     without an address is served with a warning: mail to it cannot be delivered, but the data is valid (bindcar
 *     turns `check-integrity` off so an UPDATE accepts it as a zone file load does: bindcar/zone-config.ts).
 *     A null MX (RFC 7505 §3) must be the only MX of its name: the earlier contribution keeps the name.
 *     A DS lives at a delegation (RFC 4034 §5, RFC 4035 §2.4): beside an NS RRset of the zone, never at the apex (that
 *     DS belongs in the parent zone; named refuses it). An SVCB/HTTPS RRset is all AliasMode or all ServiceMode
 *     (RFC 9460 §2.4.2: with an AliasMode record a client ignores the ServiceMode ones): the earlier mode keeps it.
 *  3. RRset size: at most `maxPerType` records (named's `max-records-per-type`) and small enough for one DNS message
 *     (64 KiB: the UPDATE, and every AXFR/IXFR answer carrying it); the contribution that would overflow it is out.
 *  4. Zone level: SOA MNAME (a host name) and RNAME grammar, name-server host names and glue addresses, an apex NS
 *     for a primary, an address for every in-zone apex name server.
 * TTLs: an RRset takes the lowest TTL of its contributions (RFC 2181 §5.2).
 *
 * Warnings (served, but the caller says why it is likely wrong): an in-zone MX exchange without address; every
 * contribution of an RRset whose contributions ask for different TTLs (mixed TTLs, RFC 2181 §5.2); one whose data
 * an earlier one already gives, or that lists one value twice (a duplicate); a name below a delegation of the zone that is not that delegation's
 * glue (occluded: named answers a referral, never the data, RFC 1034 §4.3.2).
 */
import type { RecordType, SoaSpec, ZoneNameServer } from './contract.js';
import { checkAbsoluteName, inZone } from './names.js';
import { canonicalIPv4, canonicalIPv6, type Rdata } from './rdata.js';
import { rrsetKey, type RRset } from './rrset.js';
import { describeUnmanagedRule, unmanagedMatcher, unmanagedRuleError, type UnmanagedRule } from './unmanaged.js';

export type RuleId =
  | 'CNAMEAtApex'
  | 'CNAMEAndOtherData'
  | 'MultipleCNAME'
  | 'CNAMELoop'
  | 'MultipleDNAME'
  | 'BelowDNAME'
  | 'DSAtApex'
  | 'DSWithoutDelegation'
  | 'SVCBMixedModes'
  | 'TargetIsCNAME'
  | 'NameServerWithoutAddress'
  | 'MailServerWithoutAddress'
  | 'NullMXNotAlone'
  | 'MixedTTL'
  | 'Duplicate'
  | 'Occluded'
  | 'RRsetTooManyRecords'
  | 'RRsetTooLarge'
  | 'Unmanaged';

/** The rules that decide between two contributions at one name (DNSZone `status.conflicts`). */
export const CONFLICT_RULES: ReadonlySet<RuleId> = new Set([
  'CNAMEAtApex',
  'CNAMEAndOtherData',
  'MultipleCNAME',
  'MultipleDNAME',
  'BelowDNAME',
  'SVCBMixedModes',
]);

/** What one source puts in the zone: one absolute owner, one type, canonical data. */
export interface Contribution {
  owner: string;
  type: RecordType;
  ttl: number;
  data: readonly string[];
  /** The structured rdata of `data` (same order), when the caller parsed it; carried into the RRsets. */
  rdata?: readonly Rdata[];
}

/** A contribution left out: which one (its index in the input), by which rule, and why. */
export interface Finding {
  index: number;
  rule: RuleId;
  message: string;
  /** What of the contribution the rule is about: its name, its data (a target) or its TTL. */
  about: 'name' | 'data' | 'ttl';
}

/** A zone-level part that is wrong: where, in the PUT body's terms (`['nameServers', 0, 'hostname']`), and why. */
export interface ZoneFinding {
  path: readonly (string | number)[];
  message: string;
}

/** The SOA as served: its own TTL resolved (the zone $TTL when the body gives none). */
export type SoaFields = Required<SoaSpec>;

/** Whether two SOAs agree on every field but the serial (compared on its own: RFC 1982 arithmetic). */
export function sameSoa(a: SoaFields, b: SoaFields): boolean {
  return (
    a.mname === b.mname &&
    a.rname === b.rname &&
    a.refresh === b.refresh &&
    a.retry === b.retry &&
    a.expire === b.expire &&
    a.minimum === b.minimum &&
    a.ttl === b.ttl
  );
}

export interface ZoneContent {
  /** Canonical zone name (lowercase, no trailing dot). */
  zone: string;
  type: 'primary' | 'secondary';
  /** The zone's $TTL: apex NS and glue carry it. */
  ttl: number;
  soa: SoaSpec;
  nameServers: readonly ZoneNameServer[];
  contributions: readonly Contribution[];
  maxPerType: number;
  /** Records the zone leaves to others (dns/unmanaged.ts): a contribution one of them matches is left out. */
  unmanaged?: readonly UnmanagedRule[];
  /** Addresses for an in-zone apex name server nothing else gives one (the hook's default glue, its primaries'). */
  fallbackGlue?: { ipv4Addresses: readonly string[]; ipv6Addresses: readonly string[] };
  /**
   * Names the source that keeps a name in a conflict message (`the older ARecord app`, `records/0`), or the zone's
   * own name servers (`'zone'`).
   */
  describe: (source: number | 'zone') => string;
}

export interface CheckedZone {
  zoneFindings: ZoneFinding[];
  /** One per left-out contribution, by index. */
  findings: Finding[];
  /** Kept contributions that are served but likely wrong (the rule says why), by index. */
  warnings: Finding[];
  /** Per contribution: in the zone. */
  accepted: boolean[];
  /** The apex name servers, canonical, with the fallback glue where it applied. */
  nameServers: ZoneNameServer[];
  /** Everything served: apex NS, glue and the accepted contributions; data sorted. Keyed by `rrsetKey`. */
  rrsets: Map<string, RRset>;
  /** The SOA fields, when its names are valid. */
  soa?: SoaFields;
}

/** Canonical data longer than this in one RRset does not fit one DNS message with its owner names. */
const MAX_RRSET_OCTETS = 60000;

/**
 * Parse an SOA RNAME given as a domain name (`hostmaster.example.com.`) or a mailbox (`hostmaster@example.com`);
 * returns the absolute name.
 */
export function canonicalRname(s: string): { ok: true; name: string } | { ok: false; reason: string } {
  if (s.includes('@')) {
    const [local, domain, ...rest] = s.split('@');
    if (rest.length || !local || !domain || local.includes('.'))
      return { ok: false, reason: 'must be "mailbox.domain." or "mailbox@domain" (no dots in the mailbox)' };
    return checkAbsoluteName(`${local}.${domain.endsWith('.') ? domain : domain + '.'}`, false);
  }
  return checkAbsoluteName(s, false);
}

/** One pass over the contributions: what is still in, and how a rule leaves one out or warns about it. */
interface Pass {
  cs: readonly Contribution[];
  zone: string;
  apex: string;
  accepted: boolean[];
  describe: ZoneContent['describe'];
  leaveOut(index: number, rule: RuleId, message: string, about?: Finding['about']): void;
  warn(index: number, rule: RuleId, message: string, about: Finding['about']): void;
}

/**
 * An RRset being built: its data set, size, the rdata values (dropped at the first value not known: the hook's
 * contributions carry none), its first contribution and who asked which TTL.
 */
type Draft = RRset & {
  seen: Set<string>;
  octets: number;
  values: Rdata[] | undefined;
  from?: number;
  ttls: [number, number][];
};

/** Check a zone's content against every rule; see the module comment for the rules and their order. */
export function checkZone(content: ZoneContent): CheckedZone {
  const { zone, contributions: cs, describe } = content;
  const findings: Finding[] = [];
  const warnings: Finding[] = [];
  const accepted = cs.map(() => true);
  const pass: Pass = {
    cs,
    zone,
    apex: `${zone}.`,
    accepted,
    describe,
    leaveOut: (index, rule, message, about = 'name') => {
      accepted[index] = false;
      findings.push({ index, rule, message, about });
    },
    warn: (index, rule, message, about) => warnings.push({ index, rule, message, about }),
  };
  const parts = zoneParts(content);
  parts.zoneFindings.push(...unmanagedRules(pass, content.unmanaged));
  cnameRules(pass, parts.glueOwners);
  cnameLoops(pass);
  dnameRules(pass, parts.nameServers);
  targetRules(pass, parts.glueOwners);
  nullMxRule(pass);
  dsRule(pass);
  svcbModeRule(pass);
  const rrsets = buildRRsets(pass, parts.nameServers, content);
  ttlWarnings(pass, rrsets);
  occludedWarnings(pass, rrsets);
  const zoneFindings = [...parts.zoneFindings, ...zoneLevelRules(pass, rrsets, parts.nameServers, content.type)];
  findings.sort((a, b) => a.index - b.index);
  return {
    zoneFindings,
    findings,
    warnings: warnings.filter((w) => accepted[w.index]).sort((a, b) => a.index - b.index),
    accepted,
    nameServers: parts.nameServers.map(({ index: _, ...ns }) => ns),
    rrsets: finalRRsets(rrsets),
    ...(parts.soa ? { soa: parts.soa } : {}),
  };
}

type IndexedNameServer = ZoneNameServer & { index: number };

/**
 * 0, before the others: a contribution an unmanaged-record rule matches is someone else's (dns/unmanaged.ts), so it
 * is left out and counts for no other rule. An unusable rule is a zone finding and matches nothing.
 */
function unmanagedRules(pass: Pass, rules: readonly UnmanagedRule[] | undefined): ZoneFinding[] {
  if (!rules?.length) return [];
  const zoneFindings: ZoneFinding[] = [];
  rules.forEach((r, i) => {
    const e = unmanagedRuleError(r);
    if (e)
      zoneFindings.push({ path: ['unmanagedRecords', i, ...(e.part === 'rule' ? [] : [e.part])], message: e.message });
  });
  const match = unmanagedMatcher(pass.zone, rules);
  pass.cs.forEach((c, i) => {
    for (const d of c.data) {
      const k = match(c.owner, c.type, d);
      if (k < 0) continue;
      const rule = rules[k]!;
      pass.leaveOut(
        i,
        'Unmanaged',
        `${c.owner} ${c.type} matches unmanagedRecords[${k}] (${describeUnmanagedRule(rule)}): the zone leaves such records to others; remove the record or the rule`,
        rule.value !== undefined ? 'data' : 'name',
      );
      return;
    }
  });
  return zoneFindings;
}

/** 4, first (the other rules need the canonical names): SOA names, apex name servers, their glue. */
function zoneParts(content: ZoneContent): {
  zoneFindings: ZoneFinding[];
  nameServers: IndexedNameServer[];
  glueOwners: Set<string>;
  soa?: SoaFields;
} {
  const { zone, contributions: cs } = content;
  const zoneFindings: ZoneFinding[] = [];
  const mname = checkAbsoluteName(content.soa.mname, true);
  if (!mname.ok) zoneFindings.push({ path: ['soa', 'mname'], message: mname.reason });
  const rname = canonicalRname(content.soa.rname);
  if (!rname.ok) zoneFindings.push({ path: ['soa', 'rname'], message: rname.reason });
  const nameServers: IndexedNameServer[] = [];
  content.nameServers.forEach((ns, i) => {
    const h = checkAbsoluteName(ns.hostname, true);
    if (!h.ok) {
      zoneFindings.push({ path: ['nameServers', i, 'hostname'], message: h.reason });
      return;
    }
    const entry: IndexedNameServer = { index: i, hostname: h.name };
    const addresses = (key: 'ipv4Addresses' | 'ipv6Addresses', canonical: (a: string) => string | undefined) => {
      const out: string[] = [];
      (ns[key] ?? []).forEach((a, j) => {
        const c = canonical(a);
        if (c) out.push(c);
        else
          zoneFindings.push({
            path: ['nameServers', i, key, j],
            message: `"${a}" is not an ${key === 'ipv4Addresses' ? 'IPv4' : 'IPv6'} address`,
          });
      });
      if (out.length) entry[key] = out;
    };
    addresses('ipv4Addresses', canonicalIPv4);
    addresses('ipv6Addresses', canonicalIPv6);
    nameServers.push(entry);
  });
  const hasAddress = (ns: ZoneNameServer) => Boolean(ns.ipv4Addresses?.length || ns.ipv6Addresses?.length);
  // the hook's default glue: an in-zone name server that neither the zone nor any record gives an address
  if (content.fallbackGlue) {
    const addressed = new Set(cs.filter((c) => c.type === 'A' || c.type === 'AAAA').map((c) => c.owner));
    const { ipv4Addresses: v4, ipv6Addresses: v6 } = content.fallbackGlue;
    for (const ns of nameServers) {
      if (!inZone(ns.hostname, zone) || hasAddress(ns) || addressed.has(ns.hostname)) continue;
      if (v4.length) ns.ipv4Addresses = [...v4];
      if (v6.length) ns.ipv6Addresses = [...v6];
    }
  }
  const glueOwners = new Set(
    nameServers.filter((n) => inZone(n.hostname, zone) && hasAddress(n)).map((n) => n.hostname),
  );

  return {
    zoneFindings,
    nameServers,
    glueOwners,
    ...(mname.ok && rname.ok
      ? {
          soa: {
            mname: mname.name,
            rname: rname.name,
            refresh: content.soa.refresh,
            retry: content.soa.retry,
            expire: content.soa.expire,
            minimum: content.soa.minimum,
            ttl: content.soa.ttl ?? content.ttl,
          },
        }
      : {}),
  };
}

/** 1. CNAME: per name holding one, the earliest contribution keeps it. */
function cnameRules({ cs, apex, describe, leaveOut }: Pass, glueOwners: ReadonlySet<string>): void {
  const cnameOwners = new Set(cs.filter((c) => c.type === 'CNAME').map((c) => c.owner));
  if (cnameOwners.size) {
    const byOwner = new Map<string, number[]>();
    cs.forEach((c, i) => {
      if (!cnameOwners.has(c.owner)) return;
      const list = byOwner.get(c.owner);
      if (list) list.push(i);
      else byOwner.set(c.owner, [i]);
    });
    for (const [owner, list] of byOwner) {
      const cnames = list.filter((i) => cs[i]!.type === 'CNAME');
      if (owner === apex) {
        for (const i of cnames)
          leaveOut(
            i,
            'CNAMEAtApex',
            `a CNAME is not allowed at the zone apex ${owner} (it would sit beside SOA and NS)`,
          );
        continue;
      }
      if (glueOwners.has(owner)) {
        for (const i of cnames)
          leaveOut(
            i,
            'CNAMEAndOtherData',
            `${owner} holds name-server glue from ${describe('zone')}; a CNAME must be alone at its name`,
          );
        continue;
      }
      const keeper = list[0]!;
      const kept = cs[keeper]!;
      for (const i of list.slice(1)) {
        const c = cs[i]!;
        if (kept.type === 'CNAME') {
          if (c.type === 'CNAME' && c.data[0] === kept.data[0]) continue; // the same RR twice
          if (c.type === 'CNAME')
            leaveOut(
              i,
              'MultipleCNAME',
              `${owner} already has a CNAME from ${describe(keeper)}; only one CNAME is allowed per name`,
            );
          else
            leaveOut(
              i,
              'CNAMEAndOtherData',
              `${owner} is a CNAME (from ${describe(keeper)}); a CNAME must be alone at its name`,
            );
        } else if (c.type === 'CNAME') {
          leaveOut(
            i,
            'CNAMEAndOtherData',
            `${owner} already has ${kept.type} data (from ${describe(keeper)}); a CNAME must be alone at its name`,
          );
        }
      }
    }
  }
}

/** 1b. CNAME loops: follow each kept CNAME inside the zone; a name met twice closes a loop. */
function cnameLoops({ cs, accepted, leaveOut }: Pass): void {
  const cnameAt = new Map<string, number>();
  cs.forEach((c, i) => {
    if (accepted[i] && c.type === 'CNAME') cnameAt.set(c.owner, i);
  });
  for (const start of [...cnameAt.keys()]) {
    const path: number[] = [];
    const seen = new Set<string>();
    let at: string | undefined = start;
    while (at !== undefined && cnameAt.has(at) && !seen.has(at)) {
      seen.add(at);
      path.push(cnameAt.get(at)!);
      at = cs[cnameAt.get(at)!]!.data[0];
    }
    if (at === undefined || !seen.has(at)) continue;
    const loop = path.slice(path.indexOf(cnameAt.get(at)!));
    const newest = Math.max(...loop);
    const chain = [...loop.map((i) => cs[i]!.owner), at].join(' → ');
    leaveOut(newest, 'CNAMELoop', `CNAME loop ${chain}: a resolver never reaches data`);
    cnameAt.delete(cs[newest]!.owner);
  }
}

/** 1c. DNAME: one per name, and nothing below it (RFC 6672 §2.4). */
function dnameRules({ cs, zone, accepted, describe, leaveOut }: Pass, nameServers: readonly ZoneNameServer[]): void {
  const first = new Map<string, number>(); // owner → the DNAME contribution that keeps it
  cs.forEach((c, i) => {
    if (!accepted[i] || c.type !== 'DNAME') return;
    const k = first.get(c.owner);
    if (k === undefined) return void first.set(c.owner, i);
    if (cs[k]!.data[0] !== c.data[0])
      leaveOut(
        i,
        'MultipleDNAME',
        `${c.owner} already has a DNAME from ${describe(k)}; a name has at most one DNAME (RFC 6672 §2.4)`,
      );
  });
  if (first.size === 0) return;
  const below = (name: string, owner: string) => name.endsWith(`.${owner}`);
  for (const [owner, k] of first) {
    const zoneOwned = nameServers.find((ns) => inZone(ns.hostname, zone) && below(ns.hostname, owner));
    if (zoneOwned) {
      leaveOut(
        k,
        'BelowDNAME',
        `the zone's name server ${zoneOwned.hostname} (${describe('zone')}) is below ${owner}: no name below a DNAME may hold data (RFC 6672 §2.4)`,
      );
      continue;
    }
    const under: number[] = [];
    cs.forEach((c, i) => {
      if (accepted[i] && below(c.owner, owner)) under.push(i);
    });
    if (under.length === 0) continue;
    const older = under.find((i) => i < k);
    if (older !== undefined)
      leaveOut(
        k,
        'BelowDNAME',
        `${cs[older]!.owner} (from ${describe(older)}) is below ${owner} and older: no name below a DNAME may hold data (RFC 6672 §2.4)`,
      );
    else
      for (const i of under)
        leaveOut(
          i,
          'BelowDNAME',
          `${cs[i]!.owner} is below the DNAME ${owner} (from ${describe(k)}): no name below a DNAME may hold data (RFC 6672 §2.4)`,
        );
  }
}

/** 2. Targets of NS, MX and SRV. */
function targetRules({ cs, zone, accepted, leaveOut, warn }: Pass, glueOwners: ReadonlySet<string>): void {
  const liveCnames = new Set<string>();
  const addressOwners = new Set(glueOwners);
  cs.forEach((c, i) => {
    if (!accepted[i]) return;
    if (c.type === 'CNAME') liveCnames.add(c.owner);
    else if (c.type === 'A' || c.type === 'AAAA') addressOwners.add(c.owner);
  });
  // named looks the exchange up as a query would, so a wildcard address covers it (RFC 4592)
  const hasAddressOrWildcard = (name: string): boolean => {
    if (addressOwners.has(name)) return true;
    for (let at = name.indexOf('.'); at > 0 && inZone(name.slice(at + 1), zone); at = name.indexOf('.', at + 1))
      if (addressOwners.has(`*.${name.slice(at + 1)}`)) return true;
    return false;
  };
  cs.forEach((c, i) => {
    if (!accepted[i] || (c.type !== 'NS' && c.type !== 'MX' && c.type !== 'SRV')) return;
    for (const d of c.data) {
      const target = d.slice(d.lastIndexOf(' ') + 1);
      if (liveCnames.has(target))
        return leaveOut(
          i,
          'TargetIsCNAME',
          `${c.type} target ${target} is a CNAME in this zone (RFC 2181 §10.3)`,
          'data',
        );
      if (c.type === 'NS' && inZone(target, zone) && !addressOwners.has(target))
        return leaveOut(
          i,
          'NameServerWithoutAddress',
          `name server ${target} is inside the zone but has no A/AAAA (glue) record`,
          'data',
        );
      if (c.type === 'MX' && inZone(target, zone) && !hasAddressOrWildcard(target))
        warn(
          i,
          'MailServerWithoutAddress',
          `mail server ${target} is inside the zone but has no A/AAAA record: mail to it cannot be delivered`,
          'data',
        );
    }
  });
}

/** A null MX alone at its name (RFC 7505 §3). */
function nullMxRule({ cs, accepted, describe, leaveOut }: Pass): void {
  const nullMx = new Map<string, number>(); // owner → the first contribution holding MX data there
  cs.forEach((c, i) => {
    if (!accepted[i] || c.type !== 'MX') return;
    const first = nullMx.get(c.owner);
    if (first === undefined) return void nullMx.set(c.owner, i);
    const isNull = (k: number) => cs[k]!.data.includes('0 .');
    if (isNull(first) || isNull(i))
      leaveOut(
        i,
        'NullMXNotAlone',
        `${c.owner} has a null MX (RFC 7505: it accepts no mail), which must be its only MX (from ${describe(first)})`,
        'data',
      );
  });
}

/** A DS at a delegation of the zone only (RFC 4034 §5, RFC 4035 §2.4). */
function dsRule({ cs, apex, accepted, leaveOut }: Pass): void {
  const delegations = new Set<string>();
  let any = false;
  cs.forEach((c, i) => {
    if (!accepted[i]) return;
    if (c.type === 'NS' && c.owner !== apex) delegations.add(c.owner);
    if (c.type === 'DS') any = true;
  });
  if (!any) return;
  cs.forEach((c, i) => {
    if (!accepted[i] || c.type !== 'DS') return;
    if (c.owner === apex)
      leaveOut(
        i,
        'DSAtApex',
        `a DS at the zone apex ${apex} belongs in the parent zone, which delegates this one (RFC 4034 §5)`,
      );
    else if (!delegations.has(c.owner))
      leaveOut(
        i,
        'DSWithoutDelegation',
        `${c.owner} is not a delegation: a DS sits beside the NS records of a delegated child zone (RFC 4035 §2.4)`,
      );
  });
}

/** One mode per SVCB/HTTPS RRset (RFC 9460 §2.4.2): the earliest contribution's mode keeps it. */
function svcbModeRule({ cs, accepted, describe, leaveOut }: Pass): void {
  const mode = new Map<string, [alias: boolean, from: number]>();
  cs.forEach((c, i) => {
    if (!accepted[i] || (c.type !== 'SVCB' && c.type !== 'HTTPS')) return;
    const alias = c.data.map((d) => d.startsWith('0 '));
    const key = rrsetKey(c.owner, c.type);
    const m = mode.get(key) ?? [alias[0]!, i];
    if (!mode.has(key)) mode.set(key, m);
    if (alias.some((a) => a !== m[0]))
      leaveOut(
        i,
        'SVCBMixedModes',
        `${c.owner} ${c.type} is in ${m[0] ? 'AliasMode (priority 0)' : 'ServiceMode'} (from ${describe(m[1])}); one RRset has one mode, a client ignores ServiceMode records beside an AliasMode one (RFC 9460 §2.4.2)`,
        'data',
      );
  });
}

/** 3. The RRsets, the zone's own NS and glue first, each contribution in unless it would overflow its RRset. */
function buildRRsets(
  { cs, apex, zone, accepted, describe, leaveOut, warn }: Pass,
  nameServers: readonly ZoneNameServer[],
  content: ZoneContent,
): Map<string, Draft> {
  const rrsets = new Map<string, Draft>();
  const setOf = (owner: string, type: RecordType, ttl: number): Draft => {
    const k = rrsetKey(owner, type);
    let s = rrsets.get(k);
    if (!s) rrsets.set(k, (s = { owner, type, ttl, data: [], seen: new Set(), octets: 0, values: [], ttls: [] }));
    return s;
  };
  const put = (s: Draft, d: string, value?: Rdata): boolean => {
    if (s.seen.has(d)) return false;
    s.seen.add(d);
    s.data.push(d);
    if (s.values && value) s.values.push(value);
    else s.values = undefined;
    s.octets += d.length + s.owner.length + 12;
    return true;
  };
  for (const ns of nameServers) {
    put(setOf(apex, 'NS', content.ttl), ns.hostname, { type: 'NS', target: ns.hostname });
    if (!inZone(ns.hostname, zone)) continue;
    for (const a of ns.ipv4Addresses ?? []) put(setOf(ns.hostname, 'A', content.ttl), a, { type: 'A', address: a });
    for (const a of ns.ipv6Addresses ?? [])
      put(setOf(ns.hostname, 'AAAA', content.ttl), a, { type: 'AAAA', address: a });
  }
  const limit = content.maxPerType;
  cs.forEach((c, i) => {
    if (!accepted[i]) return;
    const s = setOf(c.owner, c.type, c.ttl);
    if (s.data.length && c.data.every((d) => s.seen.has(d)) && s.from !== undefined)
      warn(i, 'Duplicate', `the same data as ${describe(s.from)}`, 'data');
    else if (new Set(c.data).size < c.data.length)
      // one source listing a value twice (two TXT entries, two spellings of one address): one RR, RFC 2181 §5
      warn(
        i,
        'Duplicate',
        'lists the same data more than once: it is served once (an RRset is a set, RFC 2181 §5)',
        'data',
      );
    s.from ??= i;
    const before = { length: s.data.length, octets: s.octets };
    c.data.forEach((d, k) => put(s, d, c.rdata?.[k]));
    const tooMany = s.data.length > limit;
    if (tooMany || (s.data.length > 1 && s.octets > MAX_RRSET_OCTETS)) {
      for (const d of s.data.splice(before.length)) s.seen.delete(d);
      if (s.values) s.values.length = before.length;
      s.octets = before.octets;
      if (s.data.length === 0) rrsets.delete(rrsetKey(c.owner, c.type));
      return tooMany
        ? leaveOut(
            i,
            'RRsetTooManyRecords',
            `${c.owner} ${c.type} would have more than ${limit} records; named accepts at most ${limit} per RRset`,
          )
        : leaveOut(i, 'RRsetTooLarge', `${c.owner} ${c.type} would be too large for one DNS message (64 KiB)`);
    }
    if (c.ttl < s.ttl) s.ttl = c.ttl;
    s.ttls.push([i, c.ttl]);
  });
  return rrsets;
}

/** Mixed TTLs in one RRset: every contribution of it hears which TTL is served. */
function ttlWarnings({ warn }: Pass, rrsets: ReadonlyMap<string, Draft>): void {
  for (const s of rrsets.values()) {
    const ttls = [...new Set(s.ttls.map(([, t]) => t))].sort((a, b) => a - b);
    if (ttls.length < 2) continue;
    const message = `${s.owner} ${s.type} has records with TTLs ${ttls.join(', ')}: all are served with ${s.ttl}, the lowest (one RRset has one TTL, RFC 2181 §5.2)`;
    for (const [i] of s.ttls) warn(i, 'MixedTTL', message, 'ttl');
  }
}

/** Occluded: below a delegation (an NS RRset off the apex), only that delegation's glue is ever used. */
function occludedWarnings({ cs, apex, accepted, warn }: Pass, rrsets: ReadonlyMap<string, Draft>): void {
  const cuts = new Map<string, Set<string>>(); // delegation → its name servers
  for (const s of rrsets.values()) if (s.type === 'NS' && s.owner !== apex) cuts.set(s.owner, new Set(s.data));
  if (cuts.size)
    cs.forEach((c, i) => {
      if (!accepted[i]) return;
      for (let at = c.owner.indexOf('.'); at > 0; at = c.owner.indexOf('.', at + 1)) {
        const cut = c.owner.slice(at + 1);
        const servers = cuts.get(cut);
        if (!servers) continue;
        const glue = (c.type === 'A' || c.type === 'AAAA') && [...cuts.values()].some((ns) => ns.has(c.owner));
        if (!glue)
          warn(
            i,
            'Occluded',
            `${c.owner} is below the delegation ${cut}: named answers with the referral, never with this data (RFC 1034 §4.3.2)`,
            'name',
          );
        return;
      }
    });
}

/** 4. The zone's own rules, on what is kept. */
function zoneLevelRules(
  { zone, apex }: Pass,
  rrsets: ReadonlyMap<string, Draft>,
  nameServers: readonly IndexedNameServer[],
  type: ZoneContent['type'],
): ZoneFinding[] {
  const zoneFindings: ZoneFinding[] = [];
  if (type === 'primary' && !rrsets.has(rrsetKey(apex, 'NS')))
    zoneFindings.push({ path: ['nameServers'], message: 'a primary zone needs at least one apex NS record' });
  for (const ns of nameServers) {
    if (
      !inZone(ns.hostname, zone) ||
      rrsets.has(rrsetKey(ns.hostname, 'A')) ||
      rrsets.has(rrsetKey(ns.hostname, 'AAAA'))
    )
      continue;
    zoneFindings.push({
      path: ['nameServers', ns.index],
      message: `name server ${ns.hostname} is inside the zone but has no A/AAAA (glue) record`,
    });
  }

  return zoneFindings;
}

/** The built RRsets as the model keeps them: data sorted, rdata values beside them when every one is known. */
function finalRRsets(rrsets: ReadonlyMap<string, Draft>): Map<string, RRset> {
  const out = new Map<string, RRset>();
  for (const [k, s] of rrsets) {
    const values = s.values;
    if (s.data.length > 1) {
      const order = s.data.map((_, i) => i).sort((a, b) => (s.data[a]! < s.data[b]! ? -1 : 1));
      s.data = order.map((i) => s.data[i]!);
      if (values) s.values = order.map((i) => values[i]!);
    }
    out.set(k, {
      owner: s.owner,
      type: s.type,
      ttl: s.ttl,
      data: s.data,
      ...(s.values?.length ? { rdata: s.values } : {}),
    });
  }
  return out;
}
