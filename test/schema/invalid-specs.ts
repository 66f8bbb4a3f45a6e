/**
 * Tables of invalid and valid bindy objects, shared by the schema tests (Ajv + TS CEL) and the
 * cluster tests (replayed against a real kube-apiserver with the CRDs installed).
 *
 * `field` is the dotted path the rejection must name. Ajv and the TS CEL checks report exactly this
 * path; the apiserver reports it or a path below it (e.g. `spec.secondary.zones[0].region` for
 * `spec.secondary.zones[0]`), so replays should match by prefix.
 * `celOnly`: the OpenAPI schema accepts the object and only a CEL rule rejects it.
 * `tsOnly`: the apiserver cannot reject it (a non-structural node: string-or-object), only
 * `validateObject` (Ajv) does — skip these in apiserver replays.
 */
import { API_VERSION } from '../../hooks/schema/generated.js';
import type { BindyKind } from '../../hooks/schema/generated.js';

export interface InvalidSpec {
  name: string;
  kind: BindyKind;
  doc: Record<string, unknown>;
  field: string;
  celOnly: boolean;
  tsOnly?: boolean;
  /** Rejected by the apiserver only under `fieldValidation=Strict` (kubectl's default); otherwise pruned. */
  strictFieldValidation?: boolean;
}

export interface ValidSpec {
  name: string;
  kind: BindyKind;
  doc: Record<string, unknown>;
}

/** A minimal object of `kind` named `name` with `spec`. */
export function bindyDoc(kind: BindyKind, spec: Record<string, unknown>, name = 'case'): Record<string, unknown> {
  return { apiVersion: API_VERSION, kind, metadata: { name }, spec };
}

/** A valid base spec per kind; cases override single fields. */
export const BASE_SPECS: Record<BindyKind, Record<string, unknown>> = {
  ARecord: { zoneRef: 'example-com', name: 'www', ipv4Address: '192.0.2.1' },
  AAAARecord: { zoneRef: 'example-com', name: 'www', ipv6Address: '2001:db8::1' },
  CNAMERecord: { zoneRef: 'example-com', name: 'api', target: 'www.example.com.' },
  MXRecord: { zoneRef: 'example-com', name: '@', priority: 10, mailServer: 'mail.example.com.' },
  TXTRecord: { zoneRef: 'example-com', name: '@', text: ['v=spf1 -all'] },
  NSRecord: { zoneRef: 'example-com', name: 'sub', nameserver: 'ns1.example.net.' },
  SRVRecord: {
    zoneRef: 'example-com',
    name: '_sip._tcp',
    priority: 10,
    weight: 5,
    port: 5060,
    target: 'sip.example.com.',
  },
  CAARecord: { zoneRef: 'example-com', name: '@', flags: 0, tag: 'issue', value: 'letsencrypt.org' },
  PTRRecord: { zoneRef: 'rev', name: '10', ptrdname: 'host.example.com.' },
  TLSARecord: {
    zoneRef: 'example-com',
    name: '_443._tcp.www',
    usage: 3,
    selector: 1,
    matchingType: 1,
    certificateData: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
  },
  SSHFPRecord: {
    zoneRef: 'example-com',
    name: 'host',
    algorithm: 4,
    fingerprintType: 2,
    fingerprint: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
  },
  SVCBRecord: {
    zoneRef: 'example-com',
    name: '_dns.resolver',
    priority: 1,
    target: 'doh.example.com.',
    params: { alpn: ['h2'], dohpath: '/dns-query{?dns}' },
  },
  HTTPSRecord: { zoneRef: 'example-com', name: '@', priority: 1, target: '.', params: { alpn: ['h3', 'h2'] } },
  NAPTRRecord: {
    zoneRef: 'example-com',
    name: 'sip',
    order: 100,
    preference: 10,
    flags: 'S',
    services: 'SIP+D2U',
    replacement: '_sip._udp.example.com.',
  },
  DSRecord: {
    zoneRef: 'example-com',
    name: 'sub',
    keyTag: 60485,
    algorithm: 13,
    digestType: 2,
    digest: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
  },
  DNAMERecord: { zoneRef: 'example-com', name: 'old', target: 'new.example.net.' },
  LOCRecord: {
    zoneRef: 'example-com',
    name: 'hq',
    latitude: '52 22 23.000 N',
    longitude: '4 53 32.000 E',
    altitude: '-2m',
  },
  DNSRecordSet: { zoneRef: 'example-com', name: 'louie', type: 'RP', records: ['louie.example.com. txt.example.com.'] },
  DNSZone: {
    zoneName: 'example.com',
    clusterRef: 'dns',
    soaRecord: { primaryNameServer: 'ns1.example.com.', adminEmail: 'hostmaster.example.com.' },
  },
  Bind9Cluster: { version: '9.18', primary: { replicas: 1 }, secondary: { replicas: 1 } },
  ClusterBind9Provider: { namespace: 'dns-system', primary: { replicas: 1 } },
  Bind9Instance: { clusterRef: 'dns', role: 'primary' },
  PowerDNSServer: { apiUrl: 'http://pdns.dns.svc:8081', apiKeySecretRef: { name: 'pdns-api' } },
  ClusterPowerDNSServer: {
    apiUrl: 'http://pdns.dns.svc:8081',
    apiKeySecretRef: { name: 'pdns-api', namespace: 'dns' },
  },
};

const INJECT = 'x"; include "/etc/passwd';

type Case = [
  name: string,
  kind: BindyKind,
  patch: Record<string, unknown>,
  field: string,
  flags?: { cel?: boolean; ts?: boolean; strict?: boolean },
];

/** Deep-merges `patch` into `base`; `undefined` values delete keys. */
function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      out[k] = merge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}

const CASES: Case[] = [
  // --- ARecord
  ['A: octet above 255', 'ARecord', { ipv4Address: '192.0.2.256' }, 'spec.ipv4Address'],
  ['A: octet with leading zero (octal ambiguity)', 'ARecord', { ipv4Address: '010.0.0.1' }, 'spec.ipv4Address'],
  ['A: three octets', 'ARecord', { ipv4Address: '192.0.2' }, 'spec.ipv4Address'],
  ['A: IPv6 in ipv4Address', 'ARecord', { ipv4Address: '2001:db8::1' }, 'spec.ipv4Address'],
  ['A: host name in ipv4Address', 'ARecord', { ipv4Address: 'www.example.com' }, 'spec.ipv4Address'],
  ['A: empty ipv4Addresses', 'ARecord', { ipv4Address: undefined, ipv4Addresses: [] }, 'spec.ipv4Addresses'],
  [
    'A: bad item in ipv4Addresses',
    'ARecord',
    { ipv4Address: undefined, ipv4Addresses: ['192.0.2.1', '192.0.2.300'] },
    'spec.ipv4Addresses[1]',
  ],
  ['A: both spellings set', 'ARecord', { ipv4Addresses: ['192.0.2.2'] }, 'spec.ipv4Addresses', { cel: true }],
  ['A: no address at all', 'ARecord', { ipv4Address: undefined }, 'spec.ipv4Address', { cel: true }],
  ['A: negative TTL', 'ARecord', { ttl: -1 }, 'spec.ttl'],
  ['A: TTL above 2^31-1', 'ARecord', { ttl: 2147483648 }, 'spec.ttl'],
  ['A: TTL as a string', 'ARecord', { ttl: '300' }, 'spec.ttl'],
  ['A: owner with a space', 'ARecord', { name: 'w w' }, 'spec.name'],
  ['A: owner injection', 'ARecord', { name: INJECT }, 'spec.name'],
  ['A: owner label of 64 characters', 'ARecord', { name: 'a'.repeat(64) }, 'spec.name'],
  ['A: owner longer than 254 characters', 'ARecord', { name: Array(9).fill('a'.repeat(30)).join('.') }, 'spec.name'],
  ['A: wildcard not leftmost', 'ARecord', { name: 'www.*' }, 'spec.name'],
  ['A: wildcard inside a label', 'ARecord', { name: 'w*w' }, 'spec.name'],
  ['A: empty label', 'ARecord', { name: 'a..b' }, 'spec.name'],
  ['A: leading dot', 'ARecord', { name: '.www' }, 'spec.name'],
  ['A: newline in owner', 'ARecord', { name: 'www\nevil IN A 6.6.6.6' }, 'spec.name'],
  ['A: owner label starting with a hyphen', 'ARecord', { name: '-www' }, 'spec.name'],
  ['A: zoneRef not a Kubernetes name', 'ARecord', { zoneRef: 'Example_Com' }, 'spec.zoneRef'],
  ['A: unknown spec field', 'ARecord', { ipv4: '192.0.2.1' }, 'spec.ipv4', { strict: true }],
  // --- AAAARecord
  ['AAAA: non-hex digit', 'AAAARecord', { ipv6Address: '2001:db8::g' }, 'spec.ipv6Address'],
  ['AAAA: IPv4 in ipv6Address', 'AAAARecord', { ipv6Address: '192.0.2.1' }, 'spec.ipv6Address'],
  ['AAAA: triple colon', 'AAAARecord', { ipv6Address: '2001:::1' }, 'spec.ipv6Address'],
  ['AAAA: two double colons', 'AAAARecord', { ipv6Address: '2001::db8::1' }, 'spec.ipv6Address'],
  ['AAAA: nine groups', 'AAAARecord', { ipv6Address: '1:2:3:4:5:6:7:8:9' }, 'spec.ipv6Address'],
  ['AAAA: both spellings set', 'AAAARecord', { ipv6Addresses: ['2001:db8::2'] }, 'spec.ipv6Addresses', { cel: true }],
  ['AAAA: no address at all', 'AAAARecord', { ipv6Address: undefined }, 'spec.ipv6Address', { cel: true }],
  ['AAAA: empty ipv6Addresses', 'AAAARecord', { ipv6Address: undefined, ipv6Addresses: [] }, 'spec.ipv6Addresses'],
  // --- CNAMERecord
  ['CNAME: at the apex', 'CNAMERecord', { name: '@' }, 'spec.name', { cel: true }],
  ['CNAME: target is an IPv4 address', 'CNAMERecord', { target: '192.0.2.1' }, 'spec.target'],
  ['CNAME: a one-label target', 'CNAMERecord', { target: 'www' }, 'spec.target', { cel: true }],
  ['CNAME: a one-label target with the dot', 'CNAMERecord', { target: 'www.' }, 'spec.target', { cel: true }],
  ['CNAME: target is an IPv4 address with a dot', 'CNAMERecord', { target: '192.0.2.1.' }, 'spec.target'],
  ['CNAME: target injection', 'CNAMERecord', { target: INJECT }, 'spec.target'],
  ['CNAME: target with a space', 'CNAMERecord', { target: 'www example.com' }, 'spec.target'],
  ['CNAME: target with a semicolon', 'CNAMERecord', { target: 'www.example.com;rm' }, 'spec.target'],
  ['CNAME: missing target', 'CNAMERecord', { target: undefined }, 'spec.target'],
  // --- MXRecord
  ['MX: priority above 65535', 'MXRecord', { priority: 65536 }, 'spec.priority'],
  ['MX: negative priority', 'MXRecord', { priority: -1 }, 'spec.priority'],
  ['MX: fractional priority', 'MXRecord', { priority: 1.5 }, 'spec.priority'],
  ['MX: mail server is an IP address', 'MXRecord', { mailServer: '192.0.2.25' }, 'spec.mailServer'],
  ['MX: a one-label mail server', 'MXRecord', { mailServer: 'mail' }, 'spec.mailServer', { cel: true }],
  ['MX: mail server with a quote', 'MXRecord', { mailServer: 'mail".example.com' }, 'spec.mailServer'],
  ['MX: mail server injection', 'MXRecord', { mailServer: INJECT }, 'spec.mailServer'],
  ['MX: mail server label starting with a hyphen', 'MXRecord', { mailServer: '-mail.example.com' }, 'spec.mailServer'],
  ['MX: missing mail server', 'MXRecord', { mailServer: undefined }, 'spec.mailServer'],
  // --- TXTRecord
  ['TXT: empty list', 'TXTRecord', { text: [] }, 'spec.text'],
  ['TXT: newline', 'TXTRecord', { text: ['v=spf1\n-all'] }, 'spec.text[0]'],
  ['TXT: carriage return', 'TXTRecord', { text: ['ok', 'bad\r'] }, 'spec.text[1]'],
  ['TXT: unbalanced double quote', 'TXTRecord', { text: ['v=spf1 "oops'] }, 'spec.text[0]'],
  ['TXT: quote injection', 'TXTRecord', { text: ['a"; $INCLUDE /etc/passwd'] }, 'spec.text[0]'],
  ['TXT: control character', 'TXTRecord', { text: ['bell\u0007'] }, 'spec.text[0]'],
  ['TXT: trailing lone backslash', 'TXTRecord', { text: ['abc\\'] }, 'spec.text[0]'],
  ['TXT: value longer than 4096', 'TXTRecord', { text: ['a'.repeat(4097)] }, 'spec.text[0]'],
  ['TXT: text as a plain string', 'TXTRecord', { text: 'v=spf1 -all' }, 'spec.text'],
  // --- NSRecord
  ['NS: name server is an IP address', 'NSRecord', { nameserver: '192.0.2.53' }, 'spec.nameserver'],
  ['NS: a one-label name server', 'NSRecord', { nameserver: 'ns1' }, 'spec.nameserver', { cel: true }],
  ['SRV: a one-label target', 'SRVRecord', { target: 'sip' }, 'spec.target', { cel: true }],
  ['NS: name server injection', 'NSRecord', { nameserver: `ns1.example.com${INJECT}` }, 'spec.nameserver'],
  ['NS: underscore in host name', 'NSRecord', { nameserver: 'ns_1.example.com' }, 'spec.nameserver'],
  ['NS: missing name server', 'NSRecord', { nameserver: undefined }, 'spec.nameserver'],
  // --- SRVRecord
  ['SRV: port above 65535', 'SRVRecord', { port: 70000 }, 'spec.port'],
  ['SRV: negative weight', 'SRVRecord', { weight: -1 }, 'spec.weight'],
  ['SRV: priority above 65535', 'SRVRecord', { priority: 65536 }, 'spec.priority'],
  ['SRV: owner without underscores', 'SRVRecord', { name: 'sip.tcp' }, 'spec.name', { cel: true }],
  ['SRV: owner with only the service label', 'SRVRecord', { name: '_sip' }, 'spec.name', { cel: true }],
  ['SRV: owner at the apex', 'SRVRecord', { name: '@' }, 'spec.name', { cel: true }],
  ['SRV: missing owner name', 'SRVRecord', { name: undefined }, 'spec.name'],
  ['SRV: target is an IP address', 'SRVRecord', { target: '192.0.2.60' }, 'spec.target'],
  ['SRV: target injection', 'SRVRecord', { target: INJECT }, 'spec.target'],
  // --- CAARecord
  ['CAA: flags above 255', 'CAARecord', { flags: 256 }, 'spec.flags'],
  ['CAA: a reserved flag bit', 'CAARecord', { flags: 1 }, 'spec.flags', { cel: true }],
  ['CAA: unknown tag', 'CAARecord', { tag: 'issuer' }, 'spec.tag'],
  ['CAA: value with a quote', 'CAARecord', { value: 'letsencrypt.org"; x' }, 'spec.value'],
  ['CAA: value with a newline', 'CAARecord', { value: 'letsencrypt.org\nx' }, 'spec.value'],
  [
    'CAA: iodef value not a URL',
    'CAARecord',
    { tag: 'iodef', value: 'security@example.com' },
    'spec.value',
    { cel: true },
  ],
  // --- PTRRecord (RFC 1035 §3.3.12)
  ['PTR: ptrdname is an IP address', 'PTRRecord', { ptrdname: '192.0.2.10' }, 'spec.ptrdname'],
  ['PTR: a one-label ptrdname', 'PTRRecord', { ptrdname: 'host' }, 'spec.ptrdname', { cel: true }],
  ['PTR: missing ptrdname', 'PTRRecord', { ptrdname: undefined }, 'spec.ptrdname'],
  ['PTR: name and address both', 'PTRRecord', { address: '192.0.2.10' }, 'spec.address', { cel: true }],
  ['PTR: address not an address', 'PTRRecord', { name: undefined, address: 'host.example.com' }, 'spec.address'],
  // --- TLSARecord (RFC 6698 §2.1, §3)
  ['TLSA: unassigned usage', 'TLSARecord', { usage: 4 }, 'spec.usage'],
  ['TLSA: unassigned selector', 'TLSARecord', { selector: 2 }, 'spec.selector'],
  ['TLSA: unassigned matching type', 'TLSARecord', { matchingType: 3 }, 'spec.matchingType'],
  [
    'TLSA: SHA2-256 of 62 digits',
    'TLSARecord',
    { certificateData: 'ab'.repeat(31) },
    'spec.certificateData',
    { cel: true },
  ],
  ['TLSA: SHA2-512 data of SHA2-256 length', 'TLSARecord', { matchingType: 2 }, 'spec.certificateData', { cel: true }],
  ['TLSA: odd number of hex digits', 'TLSARecord', { certificateData: 'abc' }, 'spec.certificateData'],
  ['TLSA: data not hex', 'TLSARecord', { certificateData: 'zz'.repeat(32) }, 'spec.certificateData'],
  ['TLSA: owner without _port._protocol', 'TLSARecord', { name: 'www' }, 'spec.name', { cel: true }],
  ['TLSA: missing owner', 'TLSARecord', { name: undefined }, 'spec.name'],
  // --- SSHFPRecord (RFC 4255 §3.1, RFC 6594, RFC 7479, RFC 8709)
  ['SSHFP: reserved algorithm 0', 'SSHFPRecord', { algorithm: 0 }, 'spec.algorithm'],
  ['SSHFP: unassigned algorithm 5', 'SSHFPRecord', { algorithm: 5 }, 'spec.algorithm'],
  ['SSHFP: unassigned fingerprint type 3', 'SSHFPRecord', { fingerprintType: 3 }, 'spec.fingerprintType'],
  [
    'SSHFP: SHA-1 fingerprint of SHA-256 length',
    'SSHFPRecord',
    { fingerprintType: 1 },
    'spec.fingerprint',
    { cel: true },
  ],
  [
    'SSHFP: SHA-256 fingerprint of SHA-1 length',
    'SSHFPRecord',
    { fingerprint: 'ab'.repeat(20) },
    'spec.fingerprint',
    { cel: true },
  ],
  ['SSHFP: fingerprint with a colon', 'SSHFPRecord', { fingerprint: 'ab:cd' }, 'spec.fingerprint'],
  // --- SVCBRecord / HTTPSRecord (RFC 9460)
  ['SVCB: AliasMode with params', 'SVCBRecord', { priority: 0 }, 'spec.params', { cel: true }],
  ['SVCB: priority above 65535', 'SVCBRecord', { priority: 65536 }, 'spec.priority'],
  ['SVCB: a one-label target', 'SVCBRecord', { target: 'doh' }, 'spec.target', { cel: true }],
  ['SVCB: empty alpn list', 'SVCBRecord', { params: { alpn: [] } }, 'spec.params.alpn'],
  ['SVCB: alpn id with a space', 'SVCBRecord', { params: { alpn: ['h 2'] } }, 'spec.params.alpn[0]'],
  ['SVCB: port above 65535', 'SVCBRecord', { params: { port: 65536 } }, 'spec.params.port'],
  ['SVCB: ipv4hint not IPv4', 'SVCBRecord', { params: { ipv4hint: ['2001:db8::1'] } }, 'spec.params.ipv4hint[0]'],
  ['SVCB: ipv6hint not IPv6', 'SVCBRecord', { params: { ipv6hint: ['192.0.2.1'] } }, 'spec.params.ipv6hint[0]'],
  ['SVCB: ech not base64', 'SVCBRecord', { params: { ech: 'not base64!' } }, 'spec.params.ech'],
  ['SVCB: mandatory lists itself', 'SVCBRecord', { params: { mandatory: ['mandatory'] } }, 'spec.params.mandatory[0]'],
  [
    'SVCB: mandatory key not given',
    'SVCBRecord',
    { params: { mandatory: ['port'] } },
    'spec.params.mandatory',
    { cel: true },
  ],
  ['SVCB: unknown param', 'SVCBRecord', { params: { echconfig: 'AAAA' } }, 'spec.params.echconfig', { strict: true }],
  [
    'HTTPS: no-default-alpn without alpn',
    'HTTPSRecord',
    { params: { alpn: undefined, noDefaultAlpn: true } },
    'spec.params.noDefaultAlpn',
    { cel: true },
  ],
  ['HTTPS: dohpath not starting with /', 'HTTPSRecord', { params: { dohpath: 'dns-query' } }, 'spec.params.dohpath'],
  // --- NAPTRRecord (RFC 3403 §4.1)
  ['NAPTR: flags with a symbol', 'NAPTRRecord', { flags: 'S+' }, 'spec.flags'],
  ['NAPTR: services with a space', 'NAPTRRecord', { services: 'SIP D2U' }, 'spec.services'],
  [
    'NAPTR: both regexp and replacement',
    'NAPTRRecord',
    { regexp: '!^.*$!sip:a@example.com!' },
    'spec.replacement',
    { cel: true },
  ],
  [
    'NAPTR: neither regexp nor replacement',
    'NAPTRRecord',
    { replacement: undefined },
    'spec.replacement',
    { cel: true },
  ],
  ['NAPTR: a one-label replacement', 'NAPTRRecord', { replacement: 'sip' }, 'spec.replacement', { cel: true }],
  ['NAPTR: order above 65535', 'NAPTRRecord', { order: 65536 }, 'spec.order'],
  ['NAPTR: regexp with a newline', 'NAPTRRecord', { replacement: '.', regexp: '!a!b!\n' }, 'spec.regexp'],
  // --- DSRecord (RFC 4034 §5.1)
  ['DS: at the apex', 'DSRecord', { name: '@' }, 'spec.name', { cel: true }],
  ['DS: unassigned digest type 3 (GOST, RFC 8624)', 'DSRecord', { digestType: 3 }, 'spec.digestType'],
  ['DS: SHA-384 digest of SHA-256 length', 'DSRecord', { digestType: 4 }, 'spec.digest', { cel: true }],
  ['DS: SHA-256 digest of SHA-1 length', 'DSRecord', { digest: 'ab'.repeat(20) }, 'spec.digest', { cel: true }],
  ['DS: SHA-1 digest of SHA-256 length', 'DSRecord', { digestType: 1 }, 'spec.digest', { cel: true }],
  ['DS: algorithm 0 (reserved)', 'DSRecord', { algorithm: 0 }, 'spec.algorithm'],
  ['DS: key tag above 65535', 'DSRecord', { keyTag: 65536 }, 'spec.keyTag'],
  ['DS: missing owner', 'DSRecord', { name: undefined }, 'spec.name'],
  // --- DNAMERecord (RFC 6672)
  ['DNAME: target is an IP address', 'DNAMERecord', { target: '192.0.2.1' }, 'spec.target'],
  ['DNAME: a one-label target', 'DNAMERecord', { target: 'net' }, 'spec.target', { cel: true }],
  ['DNAME: missing target', 'DNAMERecord', { target: undefined }, 'spec.target'],
  // --- LOCRecord (RFC 1876)
  ['LOC: latitude without hemisphere', 'LOCRecord', { latitude: '52 22 23' }, 'spec.latitude'],
  ['LOC: longitude in the wrong hemisphere letters', 'LOCRecord', { longitude: '4 53 32 N' }, 'spec.longitude'],
  ['LOC: altitude with three decimals', 'LOCRecord', { altitude: '1.005m' }, 'spec.altitude'],
  ['LOC: missing altitude', 'LOCRecord', { altitude: undefined }, 'spec.altitude'],
  // --- DNSRecordSet
  [
    'RRset: SOA is the zone’s',
    'DNSRecordSet',
    { type: 'SOA', records: ['a. b. 1 2 3 4 5'] },
    'spec.type',
    { cel: true },
  ],
  [
    'RRset: DNSKEY is named’s',
    'DNSRecordSet',
    { type: 'DNSKEY', records: ['257 3 13 AAAA'] },
    'spec.type',
    { cel: true },
  ],
  [
    'RRset: apex NS is the zone’s nameServers',
    'DNSRecordSet',
    { name: '@', type: 'NS', records: ['ns9.example.net.'] },
    'spec.name',
    { cel: true },
  ],
  [
    'RRset: a type without grammar',
    'DNSRecordSet',
    { type: 'CERT', records: ['1 0 0 AQID'] },
    'spec.type',
    { cel: true },
  ],
  ['RRset: lower-case type', 'DNSRecordSet', { type: 'rp' }, 'spec.type'],
  ['RRset: no records', 'DNSRecordSet', { records: [] }, 'spec.records'],
  [
    'RRset: a newline in a record',
    'DNSRecordSet',
    { records: ['a.example. b.example.\n@ NS evil.'] },
    'spec.records[0]',
  ],
  ['Zone: slash outside the reverse tree', 'DNSZone', { zoneName: '0/26.example.com' }, 'spec.zoneName', { cel: true }],
  // --- DNSZone
  ['Zone: trailing dot in zoneName', 'DNSZone', { zoneName: 'example.com.' }, 'spec.zoneName'],
  ['Zone: zoneName injection', 'DNSZone', { zoneName: 'example.com"; include "/etc/passwd' }, 'spec.zoneName'],
  ['Zone: zoneName label of 64 characters', 'DNSZone', { zoneName: `${'a'.repeat(64)}.com` }, 'spec.zoneName'],
  ['Zone: zoneName with an underscore', 'DNSZone', { zoneName: 'my_zone.example' }, 'spec.zoneName'],
  ['Zone: zoneName with a slash (path traversal)', 'DNSZone', { zoneName: '../../etc/passwd' }, 'spec.zoneName'],
  ['Zone: missing zoneName', 'DNSZone', { zoneName: undefined }, 'spec.zoneName'],
  ['Zone: negative $TTL', 'DNSZone', { ttl: -5 }, 'spec.ttl'],
  ['Zone: clusterRef not a Kubernetes name', 'DNSZone', { clusterRef: 'Prod DNS' }, 'spec.clusterRef'],
  ['Zone: no placement', 'DNSZone', { clusterRef: undefined }, 'spec.clusterRef', { cel: true }],
  [
    'Zone: SOA both primary spellings',
    'DNSZone',
    { soaRecord: { primaryNs: 'ns1.example.com.' } },
    'spec.soaRecord.primaryNs',
    { cel: true },
  ],
  [
    'Zone: SOA without primary',
    'DNSZone',
    { soaRecord: { primaryNameServer: undefined } },
    'spec.soaRecord.primaryNameServer',
    { cel: true },
  ],
  ['Zone: SOA without adminEmail', 'DNSZone', { soaRecord: { adminEmail: undefined } }, 'spec.soaRecord.adminEmail'],
  [
    'Zone: SOA adminEmail injection',
    'DNSZone',
    { soaRecord: { adminEmail: `root${INJECT}` } },
    'spec.soaRecord.adminEmail',
  ],
  [
    'Zone: SOA primary is an IP',
    'DNSZone',
    { soaRecord: { primaryNameServer: '192.0.2.53' } },
    'spec.soaRecord.primaryNameServer',
  ],
  ['Zone: SOA refresh 0', 'DNSZone', { soaRecord: { refresh: 0 } }, 'spec.soaRecord.refresh'],
  ['Zone: SOA serial above 2^32-1', 'DNSZone', { soaRecord: { serial: 4294967296 } }, 'spec.soaRecord.serial'],
  [
    'Zone: name server host is an IP',
    'DNSZone',
    { nameServers: [{ hostname: '192.0.2.53' }] },
    'spec.nameServers[0].hostname',
  ],
  [
    'Zone: bad IPv4 glue',
    'DNSZone',
    { nameServers: [{ hostname: 'ns1.example.com.', ipv4Address: '192.0.2' }] },
    'spec.nameServers[0].ipv4Address',
  ],
  [
    'Zone: bad IPv6 glue',
    'DNSZone',
    { nameServers: [{ hostname: 'ns1.example.com.', ipv6Address: 'fe80::1::2' }] },
    'spec.nameServers[0].ipv6Address',
  ],
  [
    'Zone: dnssecPolicy injection',
    'DNSZone',
    { dnssecPolicy: 'default; }; include "/etc/passwd' },
    'spec.dnssecPolicy',
  ],
  [
    'Zone: In expression without values',
    'DNSZone',
    { recordsFrom: [{ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }] },
    'spec.recordsFrom[0].selector.matchExpressions[0].values',
    { cel: true },
  ],
  [
    'Zone: Exists expression with values',
    'DNSZone',
    { bind9InstancesFrom: [{ selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } }] },
    'spec.bind9InstancesFrom[0].selector.matchExpressions[0].values',
    { cel: true },
  ],
  [
    'Zone: Exists expression with values (PowerDNS servers)',
    'DNSZone',
    { powerDnsServersFrom: [{ selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } }] },
    'spec.powerDnsServersFrom[0].selector.matchExpressions[0].values',
    { cel: true },
  ],
  [
    'Zone: unknown selector operator',
    'DNSZone',
    { recordsFrom: [{ selector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['x'] }] } }] },
    'spec.recordsFrom[0].selector.matchExpressions[0].operator',
  ],
  ['Zone: selector term without selector', 'DNSZone', { recordsFrom: [{}] }, 'spec.recordsFrom[0].selector'],
  [
    'Zone: sources policy Selector without a selector',
    'DNSZone',
    { sources: { policy: 'Selector' } },
    'spec.sources.selector',
    { cel: true },
  ],
  [
    'Zone: sources selector without policy Selector',
    'DNSZone',
    { sources: { selector: { matchLabels: { team: 'a' } } } },
    'spec.sources.selector',
    { cel: true },
  ],
  ['Zone: unknown sources policy', 'DNSZone', { sources: { policy: 'Everyone' } }, 'spec.sources.policy'],
  [
    'Zone: sources selector In expression without values',
    'DNSZone',
    { sources: { policy: 'Selector', selector: { matchExpressions: [{ key: 'team', operator: 'In' }] } } },
    'spec.sources.selector.matchExpressions[0].values',
    { cel: true },
  ],
  [
    'Zone: an empty unmanaged-record rule',
    'DNSZone',
    { unmanagedRecords: [{}] },
    'spec.unmanagedRecords[0]',
    { cel: true },
  ],
  [
    'Zone: an unmanaged-record name glob with a space',
    'DNSZone',
    { unmanagedRecords: [{ name: 'a b' }] },
    'spec.unmanagedRecords[0].name',
  ],
  [
    'Zone: a deletion guard above 100 %',
    'DNSZone',
    { deletionGuard: { maxDeletePercent: 101 } },
    'spec.deletionGuard.maxDeletePercent',
  ],
  // --- Bind9Cluster
  ['Cluster: primary replicas above 100', 'Bind9Cluster', { primary: { replicas: 101 } }, 'spec.primary.replicas'],
  ['Cluster: version "latest"', 'Bind9Cluster', { version: 'latest' }, 'spec.version'],
  [
    'Cluster: a network peer with both an ipBlock and a podSelector',
    'Bind9Cluster',
    { networkPolicy: { dnsFrom: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] } },
    'spec.networkPolicy.dnsFrom[0]',
    { cel: true },
  ],
  [
    'Cluster: a network peer CIDR that is not one',
    'Bind9Cluster',
    { networkPolicy: { bindcarFrom: [{ ipBlock: { cidr: 'monitoring' } }] } },
    'spec.networkPolicy.bindcarFrom[0].ipBlock.cidr',
  ],
  [
    'Cluster: allowQuery prefix /33',
    'Bind9Cluster',
    { global: { allowQuery: ['10.0.0.0/33'] } },
    'spec.global.allowQuery[0]',
  ],
  [
    'Cluster: allowTransfer injection',
    'Bind9Cluster',
    { global: { allowTransfer: ['any; }; include "/etc/passwd"; #'] } },
    'spec.global.allowTransfer[0]',
  ],
  [
    'Cluster: forwarder is a host name',
    'Bind9Cluster',
    { global: { forwarders: ['dns.google'] } },
    'spec.global.forwarders[0]',
  ],
  [
    'Cluster: forwarder with a prefix',
    'Bind9Cluster',
    { global: { forwarders: ['10.0.0.0/8'] } },
    'spec.global.forwarders[0]',
  ],
  [
    'Cluster: listenOn with a space',
    'Bind9Cluster',
    { global: { listenOn: ['10.0.0.1 port 53'] } },
    'spec.global.listenOn[0]',
  ],
  ['Cluster: recursion as a string', 'Bind9Cluster', { global: { recursion: 'no' } }, 'spec.global.recursion'],
  ['Cluster: ACL named "any"', 'Bind9Cluster', { acls: { any: ['10.0.0.0/8'] } }, 'spec.acls', { cel: true }],
  [
    'Cluster: allowQuery names an undefined ACL',
    'Bind9Cluster',
    { global: { allowQuery: ['trusted'] } },
    'spec.global.allowQuery',
    { cel: true },
  ],
  [
    'Cluster: allowTransfer names an undefined negated ACL',
    'Bind9Cluster',
    { acls: { internal: ['10.0.0.0/8'] }, global: { allowTransfer: ['!external'] } },
    'spec.global.allowTransfer',
    { cel: true },
  ],
  [
    'Cluster: listenOn names an undefined ACL',
    'Bind9Cluster',
    { global: { listenOn: ['lan'] } },
    'spec.global.listenOn',
    { cel: true },
  ],
  [
    'Cluster: listenOnV6 names an undefined ACL',
    'Bind9Cluster',
    { global: { listenOnV6: ['lan6'] } },
    'spec.global.listenOnV6',
    { cel: true },
  ],
  [
    'Cluster: primary allowTransfer names an undefined ACL',
    'Bind9Cluster',
    { primary: { allowTransfer: ['secondaries'] } },
    'spec.primary.allowTransfer',
    { cel: true },
  ],
  [
    'Provider: secondary allowTransfer names an undefined ACL',
    'ClusterBind9Provider',
    { secondary: { allowTransfer: ['peers'] } },
    'spec.secondary.allowTransfer',
    { cel: true },
  ],
  [
    'Cluster: ACL refers to an undefined ACL',
    'Bind9Cluster',
    { acls: { trusted: ['office', '10.0.0.0/8'] } },
    'spec.acls',
    { cel: true },
  ],
  [
    'Cluster: ACL entry injection',
    'Bind9Cluster',
    { acls: { trusted: ['10.0.0.0/8; }; acl x {'] } },
    'spec.acls.trusted[0]',
  ],
  [
    'Cluster: PVC settings with emptyDir storage',
    'Bind9Cluster',
    { storage: { persistentVolumeClaim: { size: '1Gi' } } },
    'spec.storage.persistentVolumeClaim',
    { cel: true },
  ],
  [
    'Cluster: unknown storage type',
    'Bind9Cluster',
    { storage: { storageType: 'hostPath' } },
    'spec.storage.storageType',
  ],
  [
    'Cluster: bad PVC size',
    'Bind9Cluster',
    { storage: { storageType: 'persistentVolumeClaim', persistentVolumeClaim: { size: 'lots' } } },
    'spec.storage.persistentVolumeClaim.size',
  ],
  [
    'Cluster: rndc algorithm hmac-md5',
    'Bind9Cluster',
    { rndcKey: { algorithm: 'hmac-md5' } },
    'spec.rndcKey.algorithm',
  ],
  [
    'Cluster: secondary region with capitals',
    'Bind9Cluster',
    { secondary: { zones: ['US-West-2'] } },
    'spec.secondary.zones[0]',
  ],
  [
    'Cluster: secondary zone object without region',
    'Bind9Cluster',
    { secondary: { zones: [{ replicas: 2 }] } },
    'spec.secondary.zones[0]',
  ],
  [
    'Cluster: secondary zone replicas above 100',
    'Bind9Cluster',
    { secondary: { zones: [{ region: 'eu-west-1', replicas: 101 }] } },
    'spec.secondary.zones[0]',
  ],
  [
    'Cluster: secondary zone as a number',
    'Bind9Cluster',
    { secondary: { zones: [5] } },
    'spec.secondary.zones[0]',
    { ts: true },
  ],
  ['Cluster: dnssec as a string', 'Bind9Cluster', { global: { dnssec: 'yes' } }, 'spec.global.dnssec', { ts: true }],
  [
    'Cluster: dnssec policy injection',
    'Bind9Cluster',
    { global: { dnssec: { signing: { enabled: true, policy: 'x"; }' } } } },
    'spec.global.dnssec',
  ],
  [
    'Cluster: invalid label key',
    'Bind9Cluster',
    { primary: { labels: { 'bad key': 'x' } } },
    'spec.primary.labels',
    { cel: true },
  ],
  [
    'Cluster: label value too long',
    'Bind9Cluster',
    { primary: { labels: { app: 'v'.repeat(64) } } },
    'spec.primary.labels.app',
  ],
  [
    'Cluster: unknown service type',
    'Bind9Cluster',
    { primary: { service: { type: 'ExternalName' } } },
    'spec.primary.service.type',
  ],
  ['Cluster: image reference injection', 'Bind9Cluster', { image: { image: 'bind9; rm -rf /' } }, 'spec.image.image'],
  [
    'Cluster: unknown pull policy',
    'Bind9Cluster',
    { image: { imagePullPolicy: 'Sometimes' } },
    'spec.image.imagePullPolicy',
  ],
  [
    'Cluster: ConfigMap ref path traversal',
    'Bind9Cluster',
    { configMapRefs: { namedConf: '../etc' } },
    'spec.configMapRefs.namedConf',
  ],
  // --- ClusterBind9Provider
  ['Provider: missing namespace', 'ClusterBind9Provider', { namespace: undefined }, 'spec.namespace'],
  ['Provider: invalid namespace', 'ClusterBind9Provider', { namespace: 'DNS_System' }, 'spec.namespace'],
  [
    'Provider: invalid secondary label key',
    'ClusterBind9Provider',
    { secondary: { labels: { '-bad': 'x' } } },
    'spec.secondary.labels',
    { cel: true },
  ],
  [
    'Provider: secondary replicas negative',
    'ClusterBind9Provider',
    { secondary: { replicas: -1 } },
    'spec.secondary.replicas',
  ],
  // --- Bind9Instance
  ['Instance: unknown role', 'Bind9Instance', { role: 'master' }, 'spec.role'],
  ['Instance: missing clusterRef', 'Bind9Instance', { clusterRef: undefined }, 'spec.clusterRef'],
  ['Instance: negative replicas', 'Bind9Instance', { replicas: -1 }, 'spec.replicas'],
  [
    'Instance: bindcar URL with ftp scheme',
    'Bind9Instance',
    { external: { bindcarUrl: 'ftp://bindcar.example.com' } },
    'spec.external.bindcarUrl',
  ],
  [
    'Instance: bindcar URL injection',
    'Bind9Instance',
    { external: { bindcarUrl: 'http://x; rm -rf /' } },
    'spec.external.bindcarUrl',
  ],
  [
    'Instance: external without bindcarUrl',
    'Bind9Instance',
    { external: { dnsAddress: '192.0.2.53:53' } },
    'spec.external.bindcarUrl',
  ],
  [
    'Instance: DNS address without port',
    'Bind9Instance',
    { external: { bindcarUrl: 'http://192.0.2.53:8080', dnsAddress: '192.0.2.53' } },
    'spec.external.dnsAddress',
  ],
  [
    'Instance: config forwarder not an IP',
    'Bind9Instance',
    { config: { forwarders: ['8.8.8.8 port 53'] } },
    'spec.config.forwarders[0]',
  ],
];

/** At least 60 invalid objects, each with the field its rejection must name. */
export const INVALID_SPECS: InvalidSpec[] = CASES.map(([name, kind, patch, field, flags]) => ({
  name,
  kind,
  doc: bindyDoc(kind, merge(BASE_SPECS[kind], patch)),
  field,
  celOnly: flags?.cel ?? false,
  ...(flags?.ts ? { tsOnly: true } : {}),
  ...(flags?.strict ? { strictFieldValidation: true } : {}),
}));

const VALID: [string, BindyKind, Record<string, unknown>][] = [
  ['A: wildcard owner', 'ARecord', { name: '*' }],
  ['TXT: one empty string', 'TXTRecord', { text: [''] }],
  ['MX: null MX (RFC 7505)', 'MXRecord', { priority: 0, mailServer: '.' }],
  ['MX: internationalised mail server', 'MXRecord', { mailServer: 'post.bücher.example' }],
  ['CNAME: internationalised target', 'CNAMERecord', { target: 'münchen.example.de' }],
  ['NS: internationalised name server', 'NSRecord', { nameserver: 'ns1.bücher.example' }],
  ['SRV: internationalised target', 'SRVRecord', { target: 'sip.bücher.example' }],
  ['A: wildcard subdomain owner', 'ARecord', { name: '*.apps' }],
  ['A: absolute owner', 'ARecord', { name: 'www.example.com.' }],
  ['A: multi-label relative owner', 'ARecord', { name: 'a.b' }],
  ['A: owner defaults to metadata.name', 'ARecord', { name: undefined }],
  ['A: Rust spelling only', 'ARecord', { ipv4Address: undefined, ipv4Addresses: ['192.0.2.1', '192.0.2.2'] }],
  ['A: TTL 0 and max', 'ARecord', { ttl: 2147483647 }],
  ['AAAA: IPv4-mapped', 'AAAARecord', { ipv6Address: '::ffff:192.0.2.1' }],
  ['AAAA: loopback', 'AAAARecord', { ipv6Address: '::1' }],
  ['AAAA: full form, upper case', 'AAAARecord', { ipv6Address: '2001:0DB8:0000:0000:0000:0000:0000:0001' }],
  ['AAAA: Rust spelling only', 'AAAARecord', { ipv6Address: undefined, ipv6Addresses: ['2001:db8::1', 'fe80::1'] }],
  [
    'CNAME: DKIM-style target with underscores',
    'CNAMERecord',
    { name: 's1._domainkey', target: 's1.domainkey.u123.wl.sendgrid.net' },
  ],
  ['CNAME: target without trailing dot', 'CNAMERecord', { target: 'www.example.com' }],
  ['TXT: balanced quotes and escapes', 'TXTRecord', { text: ['say "hello"', 'escaped \\" quote', 'unicode ✓ text'] }],
  ['TXT: DMARC on _dmarc', 'TXTRecord', { name: '_dmarc', text: ['v=DMARC1; p=none'] }],
  ['TXT: long DKIM key', 'TXTRecord', { name: 'sel._domainkey', text: [`v=DKIM1; k=rsa; p=${'A'.repeat(800)}`] }],
  ['SRV: "." target (no service)', 'SRVRecord', { target: '.' }],
  ['SRV: absolute owner', 'SRVRecord', { name: '_ldap._tcp.example.com.' }],
  ['CAA: iodef mailto', 'CAARecord', { tag: 'iodef', value: 'mailto:security@example.com' }],
  ['CAA: issue with parameters', 'CAARecord', { flags: 128, value: 'letsencrypt.org; validationmethods=dns-01' }],
  [
    'Zone: Rust spellings (primaryNs, selectors only)',
    'DNSZone',
    {
      clusterRef: undefined,
      bind9InstancesFrom: [{ selector: { matchLabels: { 'bindy.firestoned.io/role': 'primary' } } }],
      recordsFrom: [{ selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['example-com'] }] } }],
      soaRecord: {
        primaryNameServer: undefined,
        primaryNs: 'ns1.example.com.',
        serial: 2025010101,
        refresh: 3600,
        retry: 600,
        expire: 604800,
        negativeTtl: 300,
      },
    },
  ],
  ['Zone: admin e-mail in @ form', 'DNSZone', { soaRecord: { adminEmail: 'hostmaster@example.com' } }],
  ['Zone: reverse zone', 'DNSZone', { zoneName: '2.0.192.in-addr.arpa' }],
  ['Zone: RFC 2317 classless reverse zone', 'DNSZone', { zoneName: '0/26.2.0.192.in-addr.arpa' }],
  ['Zone: RFC 2317 range spelling', 'DNSZone', { zoneName: '64-127.2.0.192.in-addr.arpa' }],
  ['Zone: ip6.arpa reverse zone', 'DNSZone', { zoneName: '8.b.d.0.1.0.0.2.ip6.arpa' }],
  ['PTR: owner from the address', 'PTRRecord', { name: undefined, address: '192.0.2.10' }],
  ['PTR: IPv6 address', 'PTRRecord', { name: undefined, address: '2001:db8::10' }],
  ['NS: RFC 2317 delegation owner', 'NSRecord', { zoneRef: 'rev', name: '0/26', nameserver: 'ns1.customer.example' }],
  ['CNAME: RFC 2317 target', 'CNAMERecord', { zoneRef: 'rev', name: '10', target: '10.0/26.2.0.192.in-addr.arpa.' }],
  ['TLSA: DANE-EE full SPKI', 'TLSARecord', { matchingType: 0, certificateData: '30' + 'ab'.repeat(40) }],
  ['TLSA: SHA2-512, upper case', 'TLSARecord', { matchingType: 2, certificateData: 'AB'.repeat(64) }],
  ['SSHFP: RSA SHA-1', 'SSHFPRecord', { algorithm: 1, fingerprintType: 1, fingerprint: 'ab'.repeat(20) }],
  ['SVCB: AliasMode', 'SVCBRecord', { priority: 0, target: 'svc.example.net.', params: undefined }],
  [
    'HTTPS: every key',
    'HTTPSRecord',
    {
      params: {
        mandatory: ['alpn', 'port'],
        alpn: ['h3', 'h2'],
        noDefaultAlpn: true,
        port: 8443,
        ipv4hint: ['192.0.2.1'],
        ech: 'AEX+DQBBpQAgACBHAKcf',
        ipv6hint: ['2001:db8::1'],
      },
    },
  ],
  [
    'NAPTR: ENUM regexp',
    'NAPTRRecord',
    { flags: 'u', services: 'E2U+sip', regexp: '!^.*$!sip:info@example.com!', replacement: '.' },
  ],
  ['DS: SHA-384', 'DSRecord', { digestType: 4, digest: 'ab'.repeat(48) }],
  ['LOC: every part', 'LOCRecord', { size: '20m', horizontalPrecision: '100m', verticalPrecision: '0.50m' }],
  ['RRset: HINFO', 'DNSRecordSet', { name: 'host', type: 'HINFO', records: ['"PC" "Linux"'] }],
  ['RRset: a typed kind’s type (A)', 'DNSRecordSet', { name: 'www', type: 'A', records: ['192.0.2.1', '192.0.2.2'] }],
  ['DNAME: internationalised target', 'DNAMERecord', { target: 'bücher.example' }],
  [
    'Zone: no soaRecord (defaults)',
    'DNSZone',
    {
      soaRecord: undefined,
      nameServers: [{ hostname: 'ns1.example.com', ipv4Address: '192.0.2.53', ipv6Address: '2001:db8::53' }],
      dnssecPolicy: 'none',
    },
  ],
  [
    'Cluster: address-match grammar',
    'Bind9Cluster',
    {
      acls: { trusted: ['10.0.0.0/8', '!192.0.2.1', '2001:db8::/32', 'key transfer-key', 'localnets'] },
      global: {
        allowQuery: ['trusted', 'localhost'],
        allowTransfer: [],
        listenOn: ['!trusted', 'any'],
        listenOnV6: ['none'],
        forwarders: ['192.0.2.1', '2001:db8::1'],
      },
    },
  ],
  [
    'Cluster: mixed secondary.zones list',
    'Bind9Cluster',
    { secondary: { replicas: 3, zones: ['us-west-2', { region: 'eu-west-1', replicas: 2 }] } },
  ],
  [
    'Cluster: Rust dnssec object form',
    'Bind9Cluster',
    { global: { dnssec: { validation: true, signing: { enabled: true, policy: 'default' } } } },
  ],
  ['Cluster: seed dnssec boolean', 'Bind9Cluster', { global: { dnssec: true, recursion: false } }],
  [
    'Cluster: PVC storage, rndc key, image',
    'Bind9Cluster',
    {
      storage: {
        storageType: 'persistentVolumeClaim',
        persistentVolumeClaim: { size: '1Gi', storageClassName: 'standard', accessModes: ['ReadWriteOnce'] },
      },
      rndcKey: { algorithm: 'hmac-sha512', secretRef: { name: 'bindy-rndc' } },
      image: {
        image: 'internetsystemsconsortium/bind9:9.18',
        imagePullPolicy: 'IfNotPresent',
        imagePullSecrets: ['regcred'],
      },
      configMapRefs: { namedConf: 'bindy-named-conf' },
      primary: {
        replicas: 2,
        region: 'us-east-1',
        labels: { 'app.kubernetes.io/part-of': 'dns' },
        service: { type: 'LoadBalancer', annotations: { 'x/y': 'z' } },
      },
    },
  ],
  [
    'Instance: external bindcar',
    'Bind9Instance',
    {
      external: {
        bindcarUrl: 'https://bindcar.example.com:8443',
        dnsAddress: '[2001:db8::53]:53',
      },
    },
  ],
  [
    'Instance: overrides',
    'Bind9Instance',
    {
      role: 'secondary',
      replicas: 3,
      region: 'eu-west-1',
      version: '9.20',
      config: { recursion: false, dnssec: false },
    },
  ],
];

/** Valid variants covering both spellings and every grammar branch (must be accepted everywhere). */
export const VALID_SPECS: ValidSpec[] = VALID.map(([name, kind, patch]) => ({
  name,
  kind,
  doc: bindyDoc(kind, merge(BASE_SPECS[kind], patch)),
}));
