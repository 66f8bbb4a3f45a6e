/**
 * One rule set, three surfaces: for every rule of dns/zone-rules.ts (and the record grammar in front of it), the
 * DNSZone hook (the record's outcome), bindcar's PUT validation (the 422's field errors) and `bindy validate` (the
 * error at the record's document) name the same record and give the same reason, in the same words. Each case is
 * written twice — as the CRs a user applies and as the PUT body a client sends — and only the source that keeps a
 * name in a conflict is described per surface (`the older ARecord app`, `records/0`).
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/commands/types.js';
import type { PutZoneBody, ZoneNameServer, ZoneRecord } from '../../dns/contract.js';
import { desiredZone as bindcarModel } from '../../dns/zone-model.js';
import { CONFLICT_RULES, type RuleId } from '../../dns/zone-rules.js';
import type { DNSRecord, DNSZone } from '../../hooks/schema/generated.js';
import { desiredZone } from '../../hooks/zone/desired.js';

const V = 'bindy.firestoned.io/v1beta1';
const ZONE = 'example.com';

type Spec = Record<string, unknown>;
interface Case {
  name: string;
  /** The rule, or the record grammar's reason (`InvalidRecord`/`OutOfZone` without a cross-record rule). */
  rule: RuleId | 'Grammar' | 'OutOfZone';
  /** DNSZone spec beyond zoneName/clusterRef; default: one out-of-zone name server. */
  zone?: Spec;
  /** [kind, metadata.name, spec] in age order (oldest first). */
  crs: [string, string, Spec][];
  body: ZoneRecord[];
  nameServers?: ZoneNameServer[];
  /** Which CR and which body record break the rule (undefined: the zone itself). */
  bad?: { cr: string; body: number };
  /** The keeper in a conflict: the CR (hook/validate) and the body record (bindcar). */
  keeper?: { cr: string; kind: string; body: number };
  /** The reason in the surfaces' words; `{keeper}` is the keeper's description. bindcar accepts a warning, and says it. */
  message: string;
  /** The hook's (and validate's) field prefix, when the finding is about a CR field. */
  field?: string;
  /** bindcar's field, when it is not `records/<i>`. */
  bodyField?: string;
  /** bindcar's message, when a body cannot say what the CRs say (one value per body record). */
  bodyMessage?: string;
  /** The rule warns: the record is served, its status and validate say why it is likely wrong. */
  warning?: true;
}

const rr = (name: string, type: ZoneRecord['type'], data: string, ttl = 3600): ZoneRecord => ({
  name,
  type,
  ttl,
  data,
});
const ips = (from: number) => Array.from({ length: 60 }, (_, i) => `10.0.${from}.${i + 1}`);
const chunk = (c: string) => Array.from({ length: 8 }, (_, i) => `${i}${c.repeat(4000)}`);
const quoted = (t: string) =>
  Array.from({ length: Math.ceil(t.length / 255) }, (_, i) => `"${t.slice(i * 255, i * 255 + 255)}"`).join(' ');

const CASES: Case[] = [
  {
    name: 'a record the zone leaves to others (unmanagedRecords)',
    rule: 'Unmanaged',
    zone: { unmanagedRecords: [{ name: '_acme-challenge.**', type: 'TXT' }] },
    crs: [['TXTRecord', 'acme', { name: '_acme-challenge.www', text: ['mine'] }]],
    body: [rr('_acme-challenge.www', 'TXT', '"mine"')],
    bad: { cr: 'acme', body: 0 },
    message:
      '_acme-challenge.www.example.com. TXT matches unmanagedRecords[0] (name "_acme-challenge.**", type TXT): the zone leaves such records to others; remove the record or the rule',
  },
  {
    name: 'an A record owner with an underscore (host names are LDH)',
    rule: 'Grammar',
    crs: [['ARecord', 'svc', { name: '_svc', ipv4Address: '192.0.2.1' }]],
    body: [rr('_svc', 'A', '192.0.2.1')],
    bad: { cr: 'svc', body: 0 },
    field: 'spec.name',
    bodyField: 'records/0/name',
    message: 'label "_svc" is not a valid host name label (letters, digits, inner hyphens)',
  },
  {
    name: 'an absolute owner outside the zone',
    rule: 'OutOfZone',
    crs: [['ARecord', 'away', { name: 'www.example.org.', ipv4Address: '192.0.2.1' }]],
    body: [rr('www.example.org.', 'A', '192.0.2.1')],
    bad: { cr: 'away', body: 0 },
    field: 'spec.name',
    bodyField: 'records/0/name',
    message: '"www.example.org." is not inside zone example.com',
  },
  {
    // `@` is refused by the CRD's own CEL rule; the absolute apex name is not
    name: 'a CNAME at the apex, named absolutely',
    rule: 'CNAMEAtApex',
    crs: [['CNAMERecord', 'apex', { name: 'example.com.', target: 'elsewhere.example.net' }]],
    body: [rr('example.com.', 'CNAME', 'elsewhere.example.net.')],
    bad: { cr: 'apex', body: 0 },
    message: 'a CNAME is not allowed at the zone apex example.com. (it would sit beside SOA and NS)',
  },
  {
    name: 'a CNAME beside older A data',
    rule: 'CNAMEAndOtherData',
    crs: [
      ['ARecord', 'app', { ipv4Address: '192.0.2.1' }],
      ['CNAMERecord', 'app-alias', { name: 'app', target: 'elsewhere.example.net' }],
    ],
    body: [rr('app', 'A', '192.0.2.1'), rr('app', 'CNAME', 'elsewhere.example.net.')],
    bad: { cr: 'app-alias', body: 1 },
    keeper: { cr: 'app', kind: 'ARecord', body: 0 },
    message: 'app.example.com. already has A data (from {keeper}); a CNAME must be alone at its name',
  },
  {
    name: 'TXT data beside an older CNAME',
    rule: 'CNAMEAndOtherData',
    crs: [
      ['CNAMERecord', 'www', { target: 'web.example.net' }],
      ['TXTRecord', 'www-txt', { name: 'www', text: ['hello'] }],
    ],
    body: [rr('www', 'CNAME', 'web.example.net.'), rr('www', 'TXT', '"hello"')],
    bad: { cr: 'www-txt', body: 1 },
    keeper: { cr: 'www', kind: 'CNAMERecord', body: 0 },
    message: 'www.example.com. is a CNAME (from {keeper}); a CNAME must be alone at its name',
  },
  {
    name: 'a second CNAME at one name',
    rule: 'MultipleCNAME',
    crs: [
      ['CNAMERecord', 'www', { target: 'a.example.net' }],
      ['CNAMERecord', 'www-2', { name: 'www', target: 'b.example.net' }],
    ],
    body: [rr('www', 'CNAME', 'a.example.net.'), rr('www', 'CNAME', 'b.example.net.')],
    bad: { cr: 'www-2', body: 1 },
    keeper: { cr: 'www', kind: 'CNAMERecord', body: 0 },
    message: 'www.example.com. already has a CNAME from {keeper}; only one CNAME is allowed per name',
  },
  {
    name: 'a CNAME at a name server’s glue',
    rule: 'CNAMEAndOtherData',
    zone: { nameServers: [{ hostname: 'ns1.example.com', ipv4Address: '192.0.2.53' }] },
    nameServers: [{ hostname: 'ns1.example.com.', ipv4Addresses: ['192.0.2.53'] }],
    crs: [['CNAMERecord', 'ns1', { target: 'elsewhere.example.net' }]],
    body: [rr('ns1', 'CNAME', 'elsewhere.example.net.')],
    bad: { cr: 'ns1', body: 0 },
    message: 'ns1.example.com. holds name-server glue from {zone}; a CNAME must be alone at its name',
  },
  {
    name: 'an MX whose exchange is a CNAME of the zone',
    rule: 'TargetIsCNAME',
    crs: [
      ['CNAMERecord', 'mail', { target: 'mx.example.net' }],
      ['MXRecord', 'mx', { name: '@', priority: 10, mailServer: 'mail.example.com' }],
    ],
    body: [rr('mail', 'CNAME', 'mx.example.net.'), rr('@', 'MX', '10 mail.example.com.')],
    bad: { cr: 'mx', body: 1 },
    field: 'spec.mailServer',
    message: 'MX target mail.example.com. is a CNAME in this zone (RFC 2181 §10.3)',
  },
  {
    name: 'an SRV whose target is a CNAME of the zone',
    rule: 'TargetIsCNAME',
    crs: [
      ['CNAMERecord', 'sip', { target: 'sip.example.net' }],
      ['SRVRecord', 'srv', { name: '_sip._tcp', priority: 10, weight: 5, port: 5060, target: 'sip.example.com' }],
    ],
    body: [rr('sip', 'CNAME', 'sip.example.net.'), rr('_sip._tcp', 'SRV', '10 5 5060 sip.example.com.')],
    bad: { cr: 'srv', body: 1 },
    field: 'spec.target',
    message: 'SRV target sip.example.com. is a CNAME in this zone (RFC 2181 §10.3)',
  },
  {
    name: 'a delegation to a name server that is a CNAME of the zone',
    rule: 'TargetIsCNAME',
    crs: [
      ['CNAMERecord', 'alias', { target: 'ns.example.net' }],
      ['NSRecord', 'sub', { nameserver: 'alias.example.com' }],
    ],
    body: [rr('alias', 'CNAME', 'ns.example.net.'), rr('sub', 'NS', 'alias.example.com.')],
    bad: { cr: 'sub', body: 1 },
    field: 'spec.nameserver',
    message: 'NS target alias.example.com. is a CNAME in this zone (RFC 2181 §10.3)',
  },
  {
    name: 'a delegation to an in-zone name server without an address',
    rule: 'NameServerWithoutAddress',
    crs: [['NSRecord', 'sub', { nameserver: 'ns.sub.example.com' }]],
    body: [rr('sub', 'NS', 'ns.sub.example.com.')],
    bad: { cr: 'sub', body: 0 },
    field: 'spec.nameserver',
    message: 'name server ns.sub.example.com. is inside the zone but has no A/AAAA (glue) record',
  },
  {
    name: 'an MX whose in-zone exchange has no address (served, with a warning)',
    rule: 'MailServerWithoutAddress',
    warning: true,
    crs: [['MXRecord', 'mx', { name: '@', priority: 10, mailServer: 'mail.example.com' }]],
    body: [rr('@', 'MX', '10 mail.example.com.')],
    bad: { cr: 'mx', body: 0 },
    field: 'spec.mailServer',
    message:
      'mail server mail.example.com. is inside the zone but has no A/AAAA record: mail to it cannot be delivered',
  },
  {
    name: 'a second MX beside a null MX',
    rule: 'NullMXNotAlone',
    crs: [
      ['MXRecord', 'no-mail', { name: '@', priority: 0, mailServer: '.' }],
      ['MXRecord', 'mx', { name: '@', priority: 10, mailServer: 'mail.example.net' }],
    ],
    body: [rr('@', 'MX', '0 .'), rr('@', 'MX', '10 mail.example.net.')],
    bad: { cr: 'mx', body: 1 },
    keeper: { cr: 'no-mail', kind: 'MXRecord', body: 0 },
    field: 'spec.mailServer',
    message: 'example.com. has a null MX (RFC 7505: it accepts no mail), which must be its only MX (from {keeper})',
  },
  {
    name: 'a CNAME to itself',
    rule: 'CNAMELoop',
    crs: [['CNAMERecord', 'self', { target: 'self.example.com' }]],
    body: [rr('self', 'CNAME', 'self.example.com.')],
    bad: { cr: 'self', body: 0 },
    message: 'CNAME loop self.example.com. → self.example.com.: a resolver never reaches data',
  },
  {
    name: 'two CNAMEs pointing at each other (the newer is left out)',
    rule: 'CNAMELoop',
    crs: [
      ['CNAMERecord', 'a', { target: 'b.example.com' }],
      ['CNAMERecord', 'b', { target: 'a.example.com' }],
    ],
    body: [rr('a', 'CNAME', 'b.example.com.'), rr('b', 'CNAME', 'a.example.com.')],
    bad: { cr: 'b', body: 1 },
    message: 'CNAME loop a.example.com. → b.example.com. → a.example.com.: a resolver never reaches data',
  },
  {
    name: 'an SRV with port 0 and a real target',
    rule: 'Grammar',
    crs: [['SRVRecord', 'sip', { name: '_sip._tcp', priority: 10, weight: 5, port: 0, target: 'sip.example.net' }]],
    body: [rr('_sip._tcp', 'SRV', '10 5 0 sip.example.net.')],
    bad: { cr: 'sip', body: 0 },
    field: 'spec.target',
    bodyField: 'records/0/data',
    message: 'SRV port 0 is only meaningful with target "." (no service, RFC 2782)',
  },
  {
    name: 'one RRset asking for two TTLs (served with the lowest, with a warning)',
    rule: 'MixedTTL',
    warning: true,
    crs: [
      ['ARecord', 'web', { ipv4Address: '192.0.2.1', ttl: 60 }],
      ['ARecord', 'web-2', { name: 'web', ipv4Address: '192.0.2.2', ttl: 900 }],
    ],
    body: [rr('web', 'A', '192.0.2.1', 60), rr('web', 'A', '192.0.2.2', 900)],
    bad: { cr: 'web-2', body: 1 },
    field: 'spec.ttl',
    message:
      'web.example.com. A has records with TTLs 60, 900: all are served with 60, the lowest (one RRset has one TTL, RFC 2181 §5.2)',
  },
  {
    name: 'the same record twice (served once, with a warning)',
    rule: 'Duplicate',
    warning: true,
    crs: [
      ['TXTRecord', 'spf', { name: '@', text: ['v=spf1 -all'] }],
      ['TXTRecord', 'spf-again', { name: '@', text: ['v=spf1 -all'] }],
    ],
    body: [rr('@', 'TXT', '"v=spf1 -all"'), rr('@', 'TXT', '"v=spf1 -all"')],
    bad: { cr: 'spf-again', body: 1 },
    keeper: { cr: 'spf', kind: 'TXTRecord', body: 0 },
    field: 'spec.text',
    message: 'the same data as {keeper}',
  },
  {
    name: 'one record listing the same value twice (served once, with a warning)',
    rule: 'Duplicate',
    warning: true,
    crs: [['TXTRecord', 'spf', { name: '@', text: ['v=spf1 -all', 'v=spf1 -all'] }]],
    body: [rr('@', 'TXT', '"v=spf1 -all"'), rr('@', 'TXT', '"v=spf1 -all"')],
    bad: { cr: 'spf', body: 1 },
    field: 'spec.text',
    message: 'lists the same data more than once: it is served once (an RRset is a set, RFC 2181 §5)',
    // a body has one value per record: the second is a duplicate of the first
    bodyMessage: 'the same data as records/0',
  },
  {
    name: 'a name below a delegation (occluded: served, never answered, with a warning)',
    rule: 'Occluded',
    warning: true,
    crs: [
      ['NSRecord', 'sub', { nameserver: 'ns.example.net' }],
      ['ARecord', 'www-sub', { name: 'www.sub', ipv4Address: '192.0.2.9' }],
    ],
    body: [rr('sub', 'NS', 'ns.example.net.'), rr('www.sub', 'A', '192.0.2.9')],
    bad: { cr: 'www-sub', body: 1 },
    field: 'spec.name',
    message:
      'www.sub.example.com. is below the delegation sub.example.com.: named answers with the referral, never with this data (RFC 1034 §4.3.2)',
  },
  {
    name: 'more records in one RRset than named accepts',
    rule: 'RRsetTooManyRecords',
    crs: [
      ['ARecord', 'first', { name: 'many', ipv4Addresses: ips(1) }],
      ['ARecord', 'second', { name: 'many', ipv4Addresses: ips(2) }],
    ],
    body: [...ips(1), ...ips(2)].map((a) => rr('many', 'A', a)),
    bad: { cr: 'second', body: 100 },
    message: 'many.example.com. A would have more than 100 records; named accepts at most 100 per RRset',
  },
  {
    name: 'an RRset too large for one DNS message',
    rule: 'RRsetTooLarge',
    crs: [
      ['TXTRecord', 'big-a', { name: 'big', text: chunk('a') }],
      ['TXTRecord', 'big-b', { name: 'big', text: chunk('b') }],
    ],
    body: [...chunk('a'), ...chunk('b')].map((t) => rr('big', 'TXT', quoted(t))),
    // 4,076 octets per record (data and owner): the 15th passes 60,000
    bad: { cr: 'big-b', body: 14 },
    message: 'big.example.com. TXT would be too large for one DNS message (64 KiB)',
  },
  {
    name: 'a second DNAME at one name (a singleton type)',
    rule: 'MultipleDNAME',
    crs: [
      ['DNAMERecord', 'old', { target: 'a.example.net' }],
      ['DNAMERecord', 'old-2', { name: 'old', target: 'b.example.net' }],
    ],
    body: [rr('old', 'DNAME', 'a.example.net.'), rr('old', 'DNAME', 'b.example.net.')],
    bad: { cr: 'old-2', body: 1 },
    keeper: { cr: 'old', kind: 'DNAMERecord', body: 0 },
    message: 'old.example.com. already has a DNAME from {keeper}; a name has at most one DNAME (RFC 6672 §2.4)',
  },
  {
    name: 'data below a DNAME, the DNAME older (the data is left out)',
    rule: 'BelowDNAME',
    crs: [
      ['DNAMERecord', 'old', { target: 'example.net' }],
      ['ARecord', 'www-old', { name: 'www.old', ipv4Address: '192.0.2.7' }],
    ],
    body: [rr('old', 'DNAME', 'example.net.'), rr('www.old', 'A', '192.0.2.7')],
    bad: { cr: 'www-old', body: 1 },
    keeper: { cr: 'old', kind: 'DNAMERecord', body: 0 },
    message:
      'www.old.example.com. is below the DNAME old.example.com. (from {keeper}): no name below a DNAME may hold data (RFC 6672 §2.4)',
  },
  {
    name: 'a DNAME above older data (the DNAME is left out)',
    rule: 'BelowDNAME',
    crs: [
      ['ARecord', 'www-old', { name: 'www.old', ipv4Address: '192.0.2.7' }],
      ['DNAMERecord', 'old', { target: 'example.net' }],
    ],
    body: [rr('www.old', 'A', '192.0.2.7'), rr('old', 'DNAME', 'example.net.')],
    bad: { cr: 'old', body: 1 },
    keeper: { cr: 'www-old', kind: 'ARecord', body: 0 },
    message:
      'www.old.example.com. (from {keeper}) is below old.example.com. and older: no name below a DNAME may hold data (RFC 6672 §2.4)',
  },
  {
    name: 'a DS at the zone apex (it belongs in the parent)',
    rule: 'DSAtApex',
    crs: [
      [
        'DSRecord',
        'apex-ds',
        { name: 'example.com.', keyTag: 1, algorithm: 13, digestType: 2, digest: 'ab'.repeat(32) },
      ],
    ],
    body: [rr('@', 'DS', `1 13 2 ${'AB'.repeat(32)}`)],
    bad: { cr: 'apex-ds', body: 0 },
    message: 'a DS at the zone apex example.com. belongs in the parent zone, which delegates this one (RFC 4034 §5)',
  },
  {
    name: 'a DS where the zone delegates nothing',
    rule: 'DSWithoutDelegation',
    crs: [['DSRecord', 'sub-ds', { name: 'sub', keyTag: 1, algorithm: 13, digestType: 2, digest: 'ab'.repeat(32) }]],
    body: [rr('sub', 'DS', `1 13 2 ${'AB'.repeat(32)}`)],
    bad: { cr: 'sub-ds', body: 0 },
    message:
      'sub.example.com. is not a delegation: a DS sits beside the NS records of a delegated child zone (RFC 4035 §2.4)',
  },
  {
    name: 'a ServiceMode HTTPS beside an older AliasMode one',
    rule: 'SVCBMixedModes',
    crs: [
      ['HTTPSRecord', 'alias', { name: '@', priority: 0, target: 'cdn.example.net' }],
      ['HTTPSRecord', 'service', { name: '@', priority: 1, target: '.', params: { alpn: ['h2'] } }],
    ],
    body: [rr('@', 'HTTPS', '0 cdn.example.net.'), rr('@', 'HTTPS', '1 . alpn="h2"')],
    bad: { cr: 'service', body: 1 },
    keeper: { cr: 'alias', kind: 'HTTPSRecord', body: 0 },
    message:
      'example.com. HTTPS is in AliasMode (priority 0) (from {keeper}); one RRset has one mode, a client ignores ServiceMode records beside an AliasMode one (RFC 9460 §2.4.2)',
  },
  {
    name: 'a DS naming an algorithm RFC 8624 forbids (the grammar names the field)',
    rule: 'Grammar',
    crs: [['DSRecord', 'sub-ds', { name: 'sub', keyTag: 1, algorithm: 1, digestType: 2, digest: 'ab'.repeat(32) }]],
    body: [rr('sub', 'DS', `1 1 2 ${'AB'.repeat(32)}`)],
    bad: { cr: 'sub-ds', body: 0 },
    field: 'spec.algorithm',
    bodyField: 'records/0/data',
    message: 'DS algorithm 1 (RSAMD5) MUST NOT be used for DNSSEC signing (RFC 8624 §3.1)',
  },
  {
    name: 'a PTR whose address is outside the reverse zone',
    rule: 'OutOfZone',
    zone: { zoneName: '2.0.192.in-addr.arpa' },
    crs: [['PTRRecord', 'away', { address: '198.51.100.7', ptrdname: 'host.example.com' }]],
    body: [rr('7.100.51.198.in-addr.arpa.', 'PTR', 'host.example.com.')],
    bad: { cr: 'away', body: 0 },
    field: 'spec.address',
    bodyField: 'records/0/name',
    message: '198.51.100.7 (7.100.51.198.in-addr.arpa.) is not inside reverse zone 2.0.192.in-addr.arpa',
    bodyMessage: '"7.100.51.198.in-addr.arpa." is not inside zone 2.0.192.in-addr.arpa',
  },
  {
    name: 'an in-zone apex name server without an address',
    rule: 'Grammar',
    zone: { nameServers: [{ hostname: 'ns1.example.com' }] },
    nameServers: [{ hostname: 'ns1.example.com.' }],
    crs: [],
    body: [],
    field: 'spec.nameServers[0]',
    bodyField: 'nameServers/0',
    message: 'name server ns1.example.com. is inside the zone but has no A/AAAA (glue) record',
  },
];

/** The zone a case is about: example.com unless its DNSZone names another (a reverse zone). */
const zoneOf = (c: Case): string => (c.zone?.['zoneName'] as string | undefined) ?? ZONE;

const zoneSpec = (c: Case): Spec => ({
  zoneName: ZONE,
  clusterRef: 'dns',
  nameServers: [{ hostname: 'ns1.example.net' }],
  ...(c.zone ?? {}),
});

function objects(c: Case): { zone: DNSZone; records: DNSRecord[] } {
  const zone = { apiVersion: V, kind: 'DNSZone', metadata: { name: 'z', namespace: 'default' }, spec: zoneSpec(c) };
  const records = c.crs.map(([kind, name, spec], i) => ({
    apiVersion: V,
    kind,
    metadata: { name, namespace: 'default', creationTimestamp: `2026-01-01T00:00:0${i}Z` },
    spec: { zoneRef: 'z', ...spec },
  }));
  return { zone: zone as unknown as DNSZone, records: records as unknown as DNSRecord[] };
}

function bodyOf(c: Case): PutZoneBody {
  return {
    type: 'primary',
    ttl: 3600,
    soa: {
      mname: 'ns1.example.com.',
      rname: 'hostmaster.example.com.',
      refresh: 3600,
      retry: 600,
      expire: 604800,
      minimum: 300,
    },
    nameServers: c.nameServers ?? [{ hostname: 'ns1.example.net.' }],
    records: c.body,
    ...(c.zone?.['unmanagedRecords']
      ? { unmanagedRecords: c.zone['unmanagedRecords'] as PutZoneBody['unmanagedRecords'] }
      : {}),
  };
}

/** The message as a surface words it: the keeper described its way. */
function expected(c: Case, keeper: string, zone: string): string {
  return c.message.replace('{keeper}', keeper).replace('{zone}', zone);
}

type Report = Record<'errors' | 'warnings', { object?: string; field?: string; message: string }[]>;

async function validateJson(c: Case): Promise<Report> {
  const dir = await mkdtemp(join(tmpdir(), 'bindy-findings-'));
  try {
    const { zone, records } = objects(c);
    const docs = [zone, ...records].map((o) => {
      const { creationTimestamp: _, ...metadata } = o.metadata as Record<string, unknown>;
      return stringify({ ...o, metadata: { ...metadata, namespace: undefined } });
    });
    await writeFile(join(dir, 'zone.yaml'), docs.join('---\n'));
    const out: string[] = [];
    const io: Io = {
      out: (t) => out.push(t),
      err: () => undefined,
      progress: () => undefined,
      usageError: (m) => {
        throw new Error(m);
      },
    };
    await main(['validate', '-f', dir, '--output', 'json'], io);
    return JSON.parse(out.join('\n')) as Report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('dns/zone-rules: hooks, bindcar and bindy validate report the same finding', function () {
  this.timeout(60_000);

  it('covers every rule of the rule set', () => {
    const rules: RuleId[] = [
      'CNAMEAtApex',
      'CNAMEAndOtherData',
      'MultipleCNAME',
      'TargetIsCNAME',
      'NameServerWithoutAddress',
      'MailServerWithoutAddress',
      'NullMXNotAlone',
      'CNAMELoop',
      'MixedTTL',
      'Duplicate',
      'Occluded',
      'RRsetTooManyRecords',
      'RRsetTooLarge',
      'Unmanaged',
      'MultipleDNAME',
      'BelowDNAME',
      'DSAtApex',
      'DSWithoutDelegation',
      'SVCBMixedModes',
    ];
    expect(rules.filter((r) => !CASES.some((c) => c.rule === r))).to.deep.equal([]);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      const hookText = (keeper?: Case['keeper']) =>
        (c.field ? `${c.field}: ` : '') +
        expected(c, keeper ? `the older ${keeper.kind} ${keeper.cr}` : '', 'DNSZone z');

      it('the hook leaves out that CR (or refuses the zone) with the message', () => {
        const { zone, records } = objects(c);
        const r = desiredZone(zone, records, []);
        if (!c.bad) {
          expect(r).to.deep.include({ invalid: true, message: hookText() });
          return;
        }
        if ('invalid' in r) throw new Error(r.message);
        if (c.warning) {
          const o = r.outcomes.find((x) => x.record.metadata.name === c.bad!.cr)!;
          expect(o).to.include({ included: true, reason: 'Served', warning: hookText(c.keeper) });
          expect(o.message.endsWith(`; warning: ${hookText(c.keeper)}`), o.message).to.equal(true);
          return;
        }
        const left = r.outcomes.filter((o) => !o.included);
        expect(left.map((o) => [o.record.metadata.name, o.message])).to.deep.equal([[c.bad.cr, hookText(c.keeper)]]);
        const conflict = CONFLICT_RULES.has(c.rule as RuleId);
        expect(left[0]!.reason).to.equal(
          conflict ? 'Conflict' : c.rule === 'OutOfZone' || c.rule === 'Unmanaged' ? c.rule : 'InvalidRecord',
        );
        if (conflict) expect(r.conflicts.map((x) => [x.name, x.reason])).to.deep.equal([[c.bad.cr, c.rule]]);
      });

      it('bindcar refuses the PUT body naming that record (or warns about it), with the message', () => {
        const m = bindcarModel(zoneOf(c), bodyOf(c));
        const field = c.bodyField ?? `records/${c.bad!.body}`;
        const text = c.bodyMessage ?? expected(c, c.keeper ? `records/${c.keeper.body}` : '', 'nameServers');
        if (c.warning) {
          // accepted, and the answer's warnings say why it is likely wrong
          expect(m.ok).to.equal(true);
          if (m.ok) expect(m.warnings).to.deep.include({ field, message: text });
          return;
        }
        expect(m.ok).to.equal(false);
        if (m.ok) return;
        expect(m.errors[0]).to.deep.equal({ field, message: text });
      });

      it('bindy validate reports it at the object, with the message', async () => {
        const report = await validateJson(c);
        const object = c.bad ? `${c.crs.find((x) => x[1] === c.bad!.cr)![0]}/default/${c.bad.cr}` : 'DNSZone/default/z';
        const found = report[c.warning ? 'warnings' : 'errors'].filter((e) => e.object === object);
        expect(found, JSON.stringify(report)).to.have.length(1);
        if (c.warning) expect(report.errors).to.deep.equal([]);
        const text = expected(c, c.keeper ? `the older ${c.keeper.kind} ${c.keeper.cr}` : '', 'DNSZone z');
        if (c.bad) {
          expect(found[0]!.field).to.equal(c.field ?? 'spec.name');
          expect(found[0]!.message).to.include(`${c.warning ? 'Warning' : ''}: ${text} (zone ${zoneOf(c)})`);
        } else expect(found[0]!.message).to.equal(`${hookText()}; not rendered`);
      });
    });
  }
});
