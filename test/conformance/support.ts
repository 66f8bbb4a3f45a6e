/**
 * What both conformance paths (./resources.test.ts, ./put.test.ts) share: the case table's types, reading what named
 * serves by AXFR with dig (an oracle independent of bindcar's own DNS code), and the checks every step makes in the
 * same words on both paths.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { PutZoneBody, RecordType, ZoneRecord } from '../../dns/contract.js';
import { isReverseZone } from '../../dns/reverse.js';
import type { NamedInstance } from '../../local/named.js';
import { answerData } from '../scenarios/loop-driver.js';

const execFileP = promisify(execFile);

/** One record CR of a step: [kind, metadata.name, spec without zoneRef]. Strings may hold `{z}` (the zone name). */
export type Cr = readonly [kind: string, name: string, spec: Record<string, unknown>];

/** A text the message must contain (a fragment, not the whole wording: test/dns/findings.test.ts owns that). */
export type Fragment = string;

/** What one CR's status says after the step, when it is not plain `Ready=True, Served`. */
export type StatusExpectation =
  /** Left out: Ready=False with this reason; the message names the field. */
  | { reason: 'Conflict' | 'InvalidRecord' | 'OutOfZone'; message: Fragment }
  /** Served, and the message carries this warning. */
  | { warning: Fragment }
  /** Refused by the apiserver's schema/CEL checks (never reaches the hooks): the field and a fragment. */
  | { admission: [field: string, message: Fragment] };

/** One state of a zone, as DNSControl's `tc()`: the complete desired content. */
export interface Step {
  /** The source's name for the state (DNSControl's tc title, or what the RFC case is). */
  tc: string;
  /** Where the case comes from: a DNSControl testgroup/tc of integrationTest/integration_test.go, or an RFC section. */
  source: string;
  /** The records as CRs (oldest first); absent when no record kind exists for the type (PUT path only). */
  crs?: Cr[];
  /** The same records as a PUT body, `owner ttl TYPE data` in presentation form (names absolute). */
  body: string[];
  /**
   * What named serves afterwards on either path: the AXFR without the SOA and the zone's own name server, as
   * `owner ttl TYPE data` with owners relative to the zone (`@` the apex) and data as dig prints it.
   */
  served: string[];
  /** The resource path's findings, by CR metadata.name (every other CR is `Ready=True, Served`). */
  status?: Record<string, StatusExpectation>;
  /**
   * The PUT path's findings: bindcar refuses the body with 422 and these field errors ([field, fragment]); nothing
   * changes, and the same body without the records named is then accepted and serves `served`.
   */
  refused?: [field: string, message: Fragment][];
  /** Queries answered from the served zone: [name, type, rdata] — `undefined` for a referral (not authoritative). */
  answers?: [name: string, type: string, data: string[] | undefined][];
}

/** A DNSControl testgroup (or an RFC's rules): steps applied in order to one zone, and each to a fresh zone. */
export interface Group {
  name: string;
  steps: Step[];
  /**
   * Zone names when the group needs a kind of zone (a reverse zone): the update path's zone, and step `si`'s fresh
   * zone; each path runs against its own named, so both use the same names. Default: named after the group.
   */
  zones?: { update: string; fresh: (si: number) => string };
}

/** The zones of a group on a path (`res`: the resources, `put`: bindcar's PUT). */
export function groupZones(group: Group, path: 'res' | 'put'): { update: string; fresh: (si: number) => string } {
  return (
    group.zones ?? {
      update: `${slug(group.name)}.upd.${path}.test`,
      fresh: (si) => `s${si}.${slug(group.name)}.fresh.${path}.test`,
    }
  );
}

/** The zone TTL both paths use: a record without its own TTL is served with it. */
export const ZONE_TTL = 300;
/** The zone's own (out-of-zone) name server, left out of the served comparison. */
export const ZONE_NS = 'ns1.example.net.';

/** `{z}` → the zone name, in every string of a value. */
export function fill<T>(value: T, zone: string): T {
  if (typeof value === 'string') return value.replaceAll('{z}', zone) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => fill(v, zone)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, zone)])) as T;
  return value;
}

/** `owner ttl TYPE data` → a body record. */
export function bodyRecord(line: string): ZoneRecord {
  const m = /^(\S+) (\d+) ([A-Z]+) (.*)$/.exec(line);
  if (!m) throw new Error(`case table: body line "${line}" is not "owner ttl TYPE data"`);
  return { name: m[1]!, ttl: Number(m[2]), type: m[3] as RecordType, data: m[4]! };
}

const SOA_TIMERS = { refresh: 3600, retry: 600, expire: 604800, minimum: 300 };

/** The PUT body of a step's records (the same zone settings the resource path's DNSZone declares). */
export function putBody(zone: string, lines: readonly string[]): PutZoneBody {
  return {
    type: 'primary',
    ttl: ZONE_TTL,
    // a reverse zone's default SOA names its name server's domain, as the DNSZone hook's does (hooks/zone/desired.ts)
    soa: isReverseZone(zone)
      ? { mname: ZONE_NS, rname: `hostmaster.${ZONE_NS.slice(ZONE_NS.indexOf('.') + 1)}`, ...SOA_TIMERS }
      : { mname: `ns1.${zone}.`, rname: `hostmaster.${zone}.`, ...SOA_TIMERS },
    nameServers: [{ hostname: ZONE_NS }],
    records: fill(lines, zone).map(bodyRecord),
  };
}

/** The served zone: its serial and its records (`owner ttl TYPE data`, sorted) but the SOA and the zone's NS. */
export interface Served {
  serial: number;
  lines: string[];
}

/** AXFR of `zone` from named with dig (TSIG-signed: transfers need the key); undefined when named does not serve it. */
export function axfr(named: NamedInstance, zone: string): Promise<Served | undefined> {
  return axfrServed(named.dnsPort, zone, { key: named.updateKey });
}

/**
 * AXFR of `zone` from the server on 127.0.0.1:`port` as {@link Served}: signed with `key` when given; owners
 * lower-cased with `lowerOwners` (PowerDNS prints them as stored, named as the case tests wrote them).
 */
export async function axfrServed(
  port: number,
  zone: string,
  opts: { key?: { algorithm: string; name: string; secret: string }; lowerOwners?: boolean } = {},
): Promise<Served | undefined> {
  const k = opts.key;
  const { stdout } = await execFileP(
    'dig',
    [
      '@127.0.0.1',
      '-p',
      String(port),
      ...(k ? ['-y', `${k.algorithm}:${k.name}:${k.secret}`] : []),
      '+noall',
      '+answer',
      '+onesoa',
      '+time=2',
      '+tries=1',
      `${zone}.`,
      'AXFR',
    ],
    { timeout: 10000, maxBuffer: 16 << 20 },
  );
  let serial: number | undefined;
  const lines: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, raw, ttl, type, data] = m as unknown as [string, string, string, string, string];
    const owner = opts.lowerOwners ? raw.toLowerCase() : raw;
    const rel = owner === `${zone}.` ? '@' : owner.endsWith(`.${zone}.`) ? owner.slice(0, -zone.length - 2) : owner;
    if (type === 'SOA') {
      serial = Number(data.split(/\s+/)[2]);
      continue;
    }
    if (rel === '@' && type === 'NS' && data === ZONE_NS) continue;
    lines.push(`${rel} ${ttl} ${type} ${data.trim()}`);
  }
  return serial === undefined ? undefined : { serial, lines: lines.sort() };
}

/** The served SOA serial by a plain query (what a secondary or resolver sees). */
export async function servedSerial(named: NamedInstance, zone: string): Promise<number | undefined> {
  return named.soaSerial(zone);
}

/** The step's expected served lines for `zone`, sorted. */
export function expectedLines(step: Step, zone: string): string[] {
  return fill(step.served, zone)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .sort();
}

/**
 * Checks what named serves against the step: the records and the extra queries.
 * @param read the AXFR already taken (an update step keeps it as the next step's "before" even when a check fails)
 */
export async function expectServed(
  named: NamedInstance,
  zone: string,
  step: Step,
  read?: Served | undefined,
): Promise<Served> {
  const served = read ?? (await axfr(named, zone));
  expect(served, `named serves ${zone}`).to.not.equal(undefined);
  expect(served!.lines, `${zone}: served RRsets (AXFR)`).to.deep.equal(expectedLines(step, zone));
  for (const [name, type, data] of fill(step.answers ?? [], zone)) {
    const got = answerData(await named.query(name, type), type);
    expect(got, `${zone}: ${name} ${type} answered`).to.deep.equal(data === undefined ? undefined : [...data].sort());
  }
  return served!;
}

/** The serial rule: it moves exactly when the served content changed. */
export function expectSerialRule(zone: string, before: Served, after: Served): void {
  const changed = before.lines.join('\n') !== after.lines.join('\n');
  if (changed) expect(after.serial, `${zone}: content changed, the serial moves`).to.be.greaterThan(before.serial);
  else expect(after.serial, `${zone}: content unchanged, the serial stays`).to.equal(before.serial);
}

/** The body indexes a 422's fields name (`records/3`, `records/3/data` → 3). */
export function refusedIndexes(step: Step): Set<number> {
  const out = new Set<number>();
  for (const [field] of step.refused ?? []) {
    const m = /^records\/(\d+)/.exec(field);
    if (m) out.add(Number(m[1]));
  }
  return out;
}

/** Zone-name-safe slug of a group name (its zones are named after it). */
export function slug(s: string, max = 20): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, max)
      .replace(/-+$/, '') || 'g'
  );
}
