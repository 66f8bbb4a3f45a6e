/**
 * The conformance table's groups for the record types beyond DNSControl's first eight, and for reverse zones (issue
 * 15): each state cites the RFC it comes from, as ./cases.ts does. The served lines are dig's presentation (hex split
 * into groups of 56 digits, upper case; SVCB's dohpath as key7, which BIND 9.18 prints by number).
 */
import type { Cr, Group } from './support.js';

const cr =
  (kind: string) =>
  (name: string, spec: Record<string, unknown>): Cr => [kind, name, spec];
const A = cr('ARecord');
const CNAME = cr('CNAMERecord');
const NS = cr('NSRecord');
const PTR = cr('PTRRecord');
const TLSA = cr('TLSARecord');
const SSHFP = cr('SSHFPRecord');
const SVCB = cr('SVCBRecord');
const HTTPS = cr('HTTPSRecord');
const NAPTR = cr('NAPTRRecord');
const DS = cr('DSRecord');
const DNAME = cr('DNAMERecord');
const RRSET = cr('DNSRecordSet');
const LOC = cr('LOCRecord');

/** Hex as dig prints it: upper case, in groups of 56 digits. */
const dig = (hex: string) =>
  hex
    .toUpperCase()
    .match(/.{1,56}/g)!
    .join(' ');

const SHA256 = '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6';
const SHA256B = 'd2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971';
const SHA512 =
  '92003ba34942dc74152e2f2c408d29eca5a520e7f2e06bb944f4dca346baf63c1b177615d466f6c4b71c216a50292bd58c9ebdd2f74e38fe51ffd48c43326cbc';
const SHA1 = '123456789abcdef67890123456789abcdef67890';
const HASH28 = 'c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6';

export const TYPE_GROUPS: Group[] = [
  {
    name: 'PTR in a reverse zone',
    zones: { update: '1.10.in-addr.arpa', fresh: (si) => `${si}.2.10.in-addr.arpa` },
    steps: [
      {
        tc: 'a PTR for an address',
        source: 'RFC 1035 §3.5 (IN-ADDR.ARPA), §3.3.12 (PTRDNAME)',
        crs: [PTR('host-4', { name: '4.3', ptrdname: 'host.example.com' })],
        body: ['4.3 300 PTR host.example.com.'],
        served: ['4.3 300 PTR host.example.com.'],
      },
      {
        tc: 'two names for one address: one RRset of two PTRs',
        source: 'RFC 2181 §10.2 (several PTRs at one name are an RRset)',
        crs: [
          PTR('host-4', { name: '4.3', ptrdname: 'host.example.com' }),
          PTR('host-4-alias', { name: '4.3', ptrdname: 'alias.example.com' }),
        ],
        body: ['4.3 300 PTR host.example.com.', '4.3 300 PTR alias.example.com.'],
        served: ['4.3 300 PTR alias.example.com.', '4.3 300 PTR host.example.com.'],
      },
      {
        tc: 'a PTR target that is no host name is refused (BIND check-names in reverse zones)',
        source: 'RFC 1123 §2.1 (host names are LDH); RFC 1035 §3.5',
        crs: [
          PTR('host-4', { name: '4.3', ptrdname: 'host.example.com' }),
          PTR('bad', { name: '5.3', ptrdname: 'host_5.example.com' }),
        ],
        body: ['4.3 300 PTR host.example.com.', '5.3 300 PTR host_5.example.com.'],
        served: ['4.3 300 PTR host.example.com.'],
        status: { bad: { reason: 'InvalidRecord', message: 'spec.ptrdname: PTR target label "host_5"' } },
        refused: [['records/1/data', 'PTR target label "host_5" is not a valid host name label']],
      },
    ],
  },
  {
    name: 'RFC 2317 classless zone',
    zones: { update: '0/26.3.10.10.in-addr.arpa', fresh: (si) => `0/26.${si}.11.10.in-addr.arpa` },
    steps: [
      {
        tc: 'the PTRs of a /26 under its classless zone name',
        source: 'RFC 2317 §4 (the child zone 0/26 holds names 1–63)',
        crs: [
          PTR('host-1', { name: '1', ptrdname: 'host1.example.com' }),
          PTR('host-2', { name: '2', ptrdname: 'host2.example.com' }),
        ],
        body: ['1 300 PTR host1.example.com.', '2 300 PTR host2.example.com.'],
        served: ['1 300 PTR host1.example.com.', '2 300 PTR host2.example.com.'],
        answers: [['1.{z}.', 'PTR', ['host1.example.com.']]],
      },
    ],
  },
  {
    name: 'RFC 2317 parent zone',
    zones: { update: '12.10.in-addr.arpa', fresh: (si) => `${si}.13.10.in-addr.arpa` },
    steps: [
      {
        tc: 'the parent delegates 0/26 and aliases its addresses into it',
        source: 'RFC 2317 §4 (NS for the 0/26 label, a CNAME per address)',
        crs: [
          NS('deleg', { name: '0/26.7', nameserver: 'ns1.example.net' }),
          CNAME('addr-1', { name: '1.7', target: '1.0/26.7.{z}' }),
          CNAME('addr-2', { name: '2.7', target: '2.0/26.7.{z}' }),
        ],
        body: ['0/26.7 300 NS ns1.example.net.', '1.7 300 CNAME 1.0/26.7.{z}.', '2.7 300 CNAME 2.0/26.7.{z}.'],
        served: ['0/26.7 300 NS ns1.example.net.', '1.7 300 CNAME 1.0/26.7.{z}.', '2.7 300 CNAME 2.0/26.7.{z}.'],
      },
      {
        tc: 'a "/" outside the reverse tree is refused',
        source: 'RFC 2317 §4 (classless names belong to in-addr.arpa); RFC 1123 §2.1',
        crs: [CNAME('away', { name: '3.7', target: '3.0/26.example.com' })],
        body: ['3.7 300 CNAME 3.0/26.example.com.'],
        served: [],
        status: { away: { reason: 'InvalidRecord', message: 'only names under in-addr.arpa and ip6.arpa may' } },
        refused: [['records/0/data', 'only names under in-addr.arpa and ip6.arpa may']],
      },
    ],
  },
  {
    name: 'PTR in ip6.arpa',
    zones: { update: '8.b.d.0.1.0.0.2.ip6.arpa', fresh: (si) => `${si}.9.b.d.0.1.0.0.2.ip6.arpa` },
    steps: [
      {
        tc: 'a PTR under its nibble name',
        source: 'RFC 3596 §2.5 (IP6.ARPA nibbles)',
        crs: [PTR('host', { name: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0', ptrdname: 'host.example.com' })],
        body: ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 300 PTR host.example.com.'],
        served: ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 300 PTR host.example.com.'],
      },
    ],
  },
  {
    name: 'TLSA',
    steps: [
      {
        tc: 'Create TLSA (DANE-EE, SPKI, SHA2-256)',
        source: 'RFC 6698 §2.1, §3; RFC 7671 §5.1',
        crs: [
          TLSA('www-tlsa', {
            name: '_443._tcp.www',
            usage: 3,
            selector: 1,
            matchingType: 1,
            certificateData: SHA256,
          }),
        ],
        body: [`_443._tcp.www 300 TLSA 3 1 1 ${SHA256}`],
        served: [`_443._tcp.www 300 TLSA 3 1 1 ${dig(SHA256)}`],
      },
      {
        tc: 'a second association (PKIX-TA, Cert, SHA2-512) in the same RRset',
        source: 'RFC 6698 §2.3 (second example); RFC 7671 §8 (several TLSA records)',
        crs: [
          TLSA('www-tlsa', {
            name: '_443._tcp.www',
            usage: 3,
            selector: 1,
            matchingType: 1,
            certificateData: SHA256B,
          }),
          TLSA('www-tlsa-ta', {
            name: '_443._tcp.www',
            usage: 1,
            selector: 1,
            matchingType: 2,
            certificateData: SHA512,
          }),
        ],
        body: [`_443._tcp.www 300 TLSA 3 1 1 ${SHA256B}`, `_443._tcp.www 300 TLSA 1 1 2 ${SHA512}`],
        served: [`_443._tcp.www 300 TLSA 1 1 2 ${dig(SHA512)}`, `_443._tcp.www 300 TLSA 3 1 1 ${dig(SHA256B)}`],
      },
      {
        tc: 'a digest of the wrong length is refused',
        source: 'RFC 6698 §2.1.3 (SHA2-256 is 32 octets)',
        crs: [
          TLSA('short', {
            name: '_25._tcp.mail',
            usage: 3,
            selector: 1,
            matchingType: 1,
            certificateData: 'abcd',
          }),
        ],
        body: ['_25._tcp.mail 300 TLSA 3 1 1 abcd'],
        served: [],
        status: { short: { admission: ['spec.certificateData', 'is 64 hex digits'] } },
        refused: [['records/0/data', 'TLSA matching type 1 is a 256-bit digest']],
      },
    ],
  },
  {
    name: 'SSHFP',
    steps: [
      {
        tc: 'Create SSHFP (RSA SHA-1 and Ed25519 SHA-256)',
        source: 'RFC 4255 §3.2; RFC 7479 §3; RFC 6594 §3.1.2',
        crs: [
          SSHFP('host-rsa', { name: 'host', algorithm: 1, fingerprintType: 1, fingerprint: SHA1 }),
          SSHFP('host-ed', { name: 'host', algorithm: 4, fingerprintType: 2, fingerprint: SHA256 }),
        ],
        body: [`host 300 SSHFP 1 1 ${SHA1}`, `host 300 SSHFP 4 2 ${SHA256}`],
        served: [`host 300 SSHFP 1 1 ${dig(SHA1)}`, `host 300 SSHFP 4 2 ${dig(SHA256)}`],
      },
      {
        tc: 'Change the fingerprint, drop the RSA key',
        source: 'RFC 4255 §3.1.3',
        crs: [SSHFP('host-ed', { name: 'host', algorithm: 4, fingerprintType: 2, fingerprint: SHA256B })],
        body: [`host 300 SSHFP 4 2 ${SHA256B}`],
        served: [`host 300 SSHFP 4 2 ${dig(SHA256B)}`],
      },
    ],
  },
  {
    name: 'HTTPS and SVCB',
    steps: [
      {
        tc: 'HTTPS ServiceMode at the apex with SvcParams',
        source: 'RFC 9460 §9, §7 (alpn, port, ipv4hint, ipv6hint)',
        crs: [
          HTTPS('apex', {
            name: '@',
            priority: 1,
            target: '.',
            params: { alpn: ['h3', 'h2'], port: 8443, ipv4hint: ['192.0.2.1'], ipv6hint: ['2001:db8::1'] },
          }),
        ],
        body: ['@ 300 HTTPS 1 . alpn="h3,h2" port=8443 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1'],
        served: ['@ 300 HTTPS 1 . alpn="h3,h2" port=8443 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1'],
      },
      {
        tc: 'Change the params (mandatory, no-default-alpn, ech), add an SVCB for DoH',
        source: 'RFC 9460 §8, §7.1.1; draft-ietf-tls-svcb-ech §2; RFC 9461 §5',
        crs: [
          HTTPS('apex', {
            name: '@',
            priority: 1,
            target: '.',
            params: { mandatory: ['alpn'], alpn: ['h2'], noDefaultAlpn: true, ech: 'AEX+DQBBpQAgACBHAKcf' },
          }),
          SVCB('doh', {
            name: '_dns',
            priority: 1,
            target: 'doh.example.net',
            params: { alpn: ['h2'], dohpath: '/dns-query{?dns}' },
          }),
        ],
        body: [
          '@ 300 HTTPS 1 . mandatory=alpn alpn="h2" no-default-alpn ech=AEX+DQBBpQAgACBHAKcf',
          '_dns 300 SVCB 1 doh.example.net. alpn="h2" dohpath="/dns-query{?dns}"',
        ],
        served: [
          '@ 300 HTTPS 1 . mandatory=alpn alpn="h2" no-default-alpn ech=AEX+DQBBpQAgACBHAKcf',
          '_dns 300 SVCB 1 doh.example.net. alpn="h2" key7="/dns-query{?dns}"',
        ],
      },
      {
        tc: 'AliasMode at the apex',
        source: 'RFC 9460 §2.4.2, Appendix D.1',
        crs: [HTTPS('apex', { name: '@', priority: 0, target: 'cdn.example.net' })],
        body: ['@ 300 HTTPS 0 cdn.example.net.'],
        served: ['@ 300 HTTPS 0 cdn.example.net.'],
      },
      {
        tc: 'a ServiceMode record beside the AliasMode one is left out',
        source: 'RFC 9460 §2.4.2 (with an AliasMode record, ServiceMode records are ignored)',
        crs: [
          HTTPS('apex', { name: '@', priority: 0, target: 'cdn.example.net' }),
          HTTPS('apex-service', { name: '@', priority: 1, target: '.', params: { alpn: ['h2'] } }),
        ],
        body: ['@ 300 HTTPS 0 cdn.example.net.', '@ 300 HTTPS 1 . alpn=h2'],
        served: ['@ 300 HTTPS 0 cdn.example.net.'],
        status: { 'apex-service': { reason: 'Conflict', message: 'is in AliasMode (priority 0)' } },
        refused: [['records/1', 'is in AliasMode (priority 0)']],
      },
      {
        tc: 'AliasMode with SvcParams is refused',
        source: 'RFC 9460 §2.4.2 (AliasMode records carry no SvcParams)',
        crs: [HTTPS('alias-params', { name: 'www', priority: 0, target: 'cdn.example.net', params: { alpn: ['h2'] } })],
        body: ['www 300 HTTPS 0 cdn.example.net. alpn=h2'],
        served: [],
        status: { 'alias-params': { admission: ['spec.params', 'AliasMode'] } },
        refused: [['records/0/data', 'AliasMode, which carries no SvcParams']],
      },
    ],
  },
  {
    name: 'NAPTR',
    steps: [
      {
        tc: 'SIP service location (flag S to an SRV)',
        source: 'RFC 3263 §4.1; RFC 3403 §4.1',
        crs: [
          NAPTR('sip-tcp', {
            name: '@',
            order: 50,
            preference: 50,
            flags: 's',
            services: 'SIPS+D2T',
            replacement: '_sips._tcp.{z}',
          }),
          NAPTR('sip-udp', {
            name: '@',
            order: 90,
            preference: 50,
            flags: 's',
            services: 'SIP+D2U',
            replacement: '_sip._udp.{z}',
          }),
        ],
        body: [
          '@ 300 NAPTR 50 50 "s" "SIPS+D2T" "" _sips._tcp.{z}.',
          '@ 300 NAPTR 90 50 "s" "SIP+D2U" "" _sip._udp.{z}.',
        ],
        served: [
          '@ 300 NAPTR 50 50 "s" "SIPS+D2T" "" _sips._tcp.{z}.',
          '@ 300 NAPTR 90 50 "s" "SIP+D2U" "" _sip._udp.{z}.',
        ],
      },
      {
        tc: 'an ENUM rule (flag u, a regexp)',
        source: 'RFC 6116 §3.2; RFC 3402 §3.2',
        crs: [
          NAPTR('enum', {
            name: '4.3.2.1',
            order: 100,
            preference: 10,
            flags: 'u',
            services: 'E2U+sip',
            regexp: '!^.*$!sip:info@example.com!',
          }),
        ],
        body: ['4.3.2.1 300 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .'],
        served: ['4.3.2.1 300 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .'],
      },
      {
        tc: 'a regexp without its third delimiter is refused',
        source: 'RFC 3402 §3.2 (delim-char ere delim-char repl delim-char flags)',
        crs: [
          NAPTR('enum', {
            name: '4.3.2.1',
            order: 100,
            preference: 10,
            flags: 'u',
            services: 'E2U+sip',
            regexp: '!^.*$!sip:info@example.com',
          }),
        ],
        body: ['4.3.2.1 300 NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com" .'],
        served: [],
        status: { enum: { reason: 'InvalidRecord', message: 'spec.regexp: NAPTR regexp is not' } },
        refused: [['records/0/data', 'NAPTR regexp is not']],
      },
    ],
  },
  {
    name: 'DS',
    steps: [
      {
        tc: 'a DS beside its delegation',
        source: 'RFC 4034 §5, §5.4; RFC 4509 §2.3',
        crs: [
          NS('sub', { nameserver: 'ns1.example.net' }),
          DS('sub-ds', { name: 'sub', keyTag: 60485, algorithm: 13, digestType: 2, digest: SHA256 }),
        ],
        body: ['sub 300 NS ns1.example.net.', `sub 300 DS 60485 13 2 ${SHA256}`],
        served: ['sub 300 NS ns1.example.net.', `sub 300 DS 60485 13 2 ${dig(SHA256)}`],
      },
      {
        tc: 'a DS where nothing is delegated is left out',
        source: 'RFC 4035 §2.4 (a DS RRset sits at a delegation point)',
        crs: [DS('lone-ds', { name: 'nowhere', keyTag: 1, algorithm: 13, digestType: 2, digest: SHA256 })],
        body: [`nowhere 300 DS 1 13 2 ${SHA256}`],
        served: [],
        status: { 'lone-ds': { reason: 'InvalidRecord', message: 'nowhere.{z}. is not a delegation' } },
        refused: [['records/0', 'nowhere.{z}. is not a delegation']],
      },
    ],
  },
  {
    name: 'DNAME',
    steps: [
      {
        tc: 'Create DNAME',
        source: 'RFC 6672 §2.1, §3.1',
        crs: [DNAME('old', { target: 'example.net' })],
        body: ['old 300 DNAME example.net.'],
        served: ['old 300 DNAME example.net.'],
        answers: [['www.old.{z}.', 'CNAME', ['www.example.net.']]],
      },
      {
        tc: 'Change the DNAME target',
        source: 'RFC 6672 §2.1',
        crs: [DNAME('old', { target: 'example.org' })],
        body: ['old 300 DNAME example.org.'],
        served: ['old 300 DNAME example.org.'],
      },
      {
        tc: 'data added below the DNAME is left out',
        source: 'RFC 6672 §2.4 ("Resource records MUST NOT exist at any subdomain of the owner of a DNAME RR")',
        crs: [DNAME('old', { target: 'example.org' }), A('below', { name: 'www.old', ipv4Address: '192.0.2.8' })],
        body: ['old 300 DNAME example.org.', 'www.old 300 A 192.0.2.8'],
        served: ['old 300 DNAME example.org.'],
        status: { below: { reason: 'Conflict', message: 'is below the DNAME old.{z}.' } },
        refused: [['records/1', 'is below the DNAME old.{z}.']],
      },
    ],
  },
  {
    name: 'generic RRsets (DNSRecordSet)',
    steps: [
      {
        tc: 'the types without a kind of their own, one RRset each',
        source:
          'RFC 1183 §2.2 (RP), §1 (AFSDB); RFC 1035 §3.3.2 (HINFO); RFC 7553 §4.5 (URI); RFC 7929 (OPENPGPKEY); RFC 4701 §3.6 (DHCID); RFC 8162 (SMIMEA)',
        crs: [
          RRSET('rp', { name: '@', type: 'RP', records: ['hostmaster.{z}. .'] }),
          RRSET('afsdb', { name: 'afs', type: 'AFSDB', records: ['1 db1.{z}.', '2 db2.{z}.'] }),
          RRSET('hinfo', { name: 'host', type: 'HINFO', records: ['"PC" "Linux"'] }),
          RRSET('uri', { name: '_ftp._tcp', type: 'URI', records: ['10 1 "ftp://ftp1.example.com/public"'] }),
          RRSET('pgp', {
            name: `${HASH28}._openpgpkey`,
            type: 'OPENPGPKEY',
            records: ['mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjl'],
          }),
          RRSET('dhcid', {
            name: 'chi',
            type: 'DHCID',
            records: ['AAIBY2/AuCccgoJbsaxcQc9TUapptP69l OjxfNuVAA2kjEA='],
          }),
          RRSET('smimea', { name: `${HASH28}._smimecert`, type: 'SMIMEA', records: [`3 0 1 ${SHA256}`] }),
        ],
        body: [
          '@ 300 RP hostmaster.{z}. .',
          'afs 300 AFSDB 1 db1.{z}.',
          'afs 300 AFSDB 2 db2.{z}.',
          'host 300 HINFO "PC" "Linux"',
          '_ftp._tcp 300 URI 10 1 "ftp://ftp1.example.com/public"',
          `${HASH28}._openpgpkey 300 OPENPGPKEY mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjl`,
          'chi 300 DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=',
          `${HASH28}._smimecert 300 SMIMEA 3 0 1 ${SHA256}`,
        ],
        served: [
          '@ 300 RP hostmaster.{z}. .',
          'afs 300 AFSDB 1 db1.{z}.',
          'afs 300 AFSDB 2 db2.{z}.',
          'host 300 HINFO "PC" "Linux"',
          '_ftp._tcp 300 URI 10 1 "ftp://ftp1.example.com/public"',
          `${HASH28}._openpgpkey 300 OPENPGPKEY mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjl`,
          'chi 300 DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=',
          `${HASH28}._smimecert 300 SMIMEA 3 0 1 ${dig(SHA256)}`,
        ],
      },
      {
        tc: "a typed kind's type through a DNSRecordSet merges with the typed record",
        source: 'RFC 2181 §5 (an RRset is owner, type and its data, whoever declares it)',
        crs: [
          A('www', { ipv4Address: '192.0.2.1' }),
          RRSET('www-more', { name: 'www', type: 'A', records: ['192.0.2.2'] }),
        ],
        body: ['www 300 A 192.0.2.1', 'www 300 A 192.0.2.2'],
        served: ['www 300 A 192.0.2.1', 'www 300 A 192.0.2.2'],
      },
      {
        tc: 'what bindy owns, or has no grammar for, is refused with the reason',
        source:
          "RFC 1035 §5.2 (one SOA, the zone's); RFC 4035 §2 (named signs); RFC 3597 (unknown types are not guessed)",
        crs: [
          RRSET('soa', { name: '@', type: 'SOA', records: ['ns.{z}. h.{z}. 1 2 3 4 5'] }),
          RRSET('apex-ns', { name: '@', type: 'NS', records: ['ns9.example.net.'] }),
          RRSET('cert', { name: 'c', type: 'CERT', records: ['1 0 0 AQID'] }),
          RRSET('bad-data', { name: 'host', type: 'HINFO', records: ['"PC"'] }),
        ],
        body: [],
        served: [],
        status: {
          soa: { admission: ['spec.type', 'SOA belongs to the zone'] },
          'apex-ns': { admission: ['spec.name', 'the apex NS records are'] },
          cert: { admission: ['spec.type', 'bindy has no grammar for this type'] },
          'bad-data': { reason: 'InvalidRecord', message: 'spec.records[0]: HINFO data is' },
        },
      },
    ],
  },
  {
    name: 'LOC',
    steps: [
      {
        tc: 'Create LOC (defaults for size and precisions)',
        source: 'RFC 1876 §3, §4 (cambridge-net.kei.com)',
        crs: [LOC('hq', { latitude: '42 21 54 N', longitude: '71 06 18 W', altitude: '-24m', size: '30m' })],
        body: ['hq 300 LOC 42 21 54 N 71 06 18 W -24m 30m'],
        served: ['hq 300 LOC 42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m'],
      },
      {
        tc: 'Change the position and every precision',
        source: 'RFC 1876 §4 (loiosh.kei.com)',
        crs: [
          LOC('hq', {
            latitude: '42 21 43.952 N',
            longitude: '71 5 6.344 W',
            altitude: '-24m',
            size: '1m',
            horizontalPrecision: '200m',
            verticalPrecision: '0.50m',
          }),
        ],
        body: ['hq 300 LOC 42 21 43.952 N 71 5 6.344 W -24m 1m 200m 0.50m'],
        served: ['hq 300 LOC 42 21 43.952 N 71 5 6.344 W -24.00m 1m 200m 0.50m'],
      },
      {
        tc: 'a size the wire cannot carry is refused, not rounded',
        source: 'RFC 1876 §2 (sizes are one digit times a power of ten)',
        crs: [LOC('hq', { latitude: '42 21 43.952 N', longitude: '71 5 6.344 W', altitude: '-24m', size: '15m' })],
        body: ['hq 300 LOC 42 21 43.952 N 71 5 6.344 W -24m 15m'],
        served: [],
        status: { hq: { reason: 'InvalidRecord', message: 'spec.size: LOC size 15m is not one digit' } },
        refused: [['records/0/data', 'LOC size 15m is not one digit']],
      },
    ],
  },
];
