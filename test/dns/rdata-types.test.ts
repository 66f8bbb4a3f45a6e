/**
 * The grammar of the types beyond RFC 1035's (dns/rdata-fields.ts, dns/svcb.ts): per type, valid presentation data
 * from the type's RFC (examples and test vectors, cited per row) → the one canonical form, invalid data → the RDATA
 * part refused and why, and the wire form both ways. Then BIND reads every canonical form (named-checkzone -k fail)
 * and prints it back, and the grammar reads BIND's print as the same value: the two agree on every valid row.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { RecordType } from '../../dns/contract.js';
import { canonicalRecord, formatRdata, parseRdata, rdataFromWire, rdataToWire } from '../../dns/rdata.js';

const execFileP = promisify(execFile);
const Z = 'example.com';
const SHA256 = '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6';
const HASH28 = 'c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6';

interface Valid {
  type: RecordType;
  name: string;
  data: string;
  canonical: string;
  source: string;
}

const VALID: Valid[] = [
  // TLSA — RFC 6698 §2.3 (examples), RFC 7218 (mnemonic values as numbers)
  {
    type: 'TLSA',
    name: '_443._tcp.www',
    data: '0 0 1 d2abde240d7cd3ee6b4b28c54df034b9 7983a1d16e8a410e4561cb106618e971',
    canonical: '0 0 1 D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB106618E971',
    source: 'RFC 6698 §2.3, first example (hex split by spaces)',
  },
  {
    type: 'TLSA',
    name: '_443._tcp.www',
    data: '1 1 2 92003ba34942dc74152e2f2c408d29eca5a520e7f2e06bb944f4dca346baf63c1b177615d466f6c4b71c216a50292bd58c9ebdd2f74e38fe51ffd48c43326cbc',
    canonical:
      '1 1 2 92003BA34942DC74152E2F2C408D29ECA5A520E7F2E06BB944F4DCA346BAF63C1B177615D466F6C4B71C216A50292BD58C9EBDD2F74E38FE51FFD48C43326CBC',
    source: 'RFC 6698 §2.3, second example (SHA2-512)',
  },
  {
    type: 'TLSA',
    name: '_25._tcp.mail',
    data: '3 1 0 3059301306072a8648ce3d020106082a8648ce3d03010703420004',
    canonical: '3 1 0 3059301306072A8648CE3D020106082A8648CE3D03010703420004',
    source: 'RFC 7671 §5.1 (DANE-EE SPKI), RFC 7672 §3.1 (_25._tcp)',
  },
  {
    type: 'SMIMEA',
    name: `${HASH28}._smimecert`,
    data: `3 0 1 ${SHA256}`,
    canonical: `3 0 1 ${SHA256.toUpperCase()}`,
    source: 'RFC 8162 §2, §3 (owner: SHA2-256 of the local part, 28 octets)',
  },
  // SSHFP — RFC 4255 §3.2, RFC 6594 §3.1, RFC 7479 §3
  {
    type: 'SSHFP',
    name: 'host',
    data: '2 1 123456789abcdef67890123456789abcdef67890',
    canonical: '2 1 123456789ABCDEF67890123456789ABCDEF67890',
    source: 'RFC 4255 §3.2 (presentation example)',
  },
  {
    type: 'SSHFP',
    name: 'host',
    data: `4 2 ${SHA256}`,
    canonical: `4 2 ${SHA256.toUpperCase()}`,
    source: 'RFC 7479 §3 (Ed25519), RFC 6594 §3.1.2 (SHA-256)',
  },
  // DS — RFC 4034 §5.4, RFC 4509 §2.3 (SHA-256)
  {
    type: 'DS',
    name: 'dskey',
    data: '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118',
    canonical: '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118',
    source: 'RFC 4034 §5.4',
  },
  {
    type: 'DS',
    name: 'dskey',
    data: '60485 5 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A',
    canonical: '60485 5 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A',
    source: 'RFC 4509 §2.3',
  },
  // SVCB / HTTPS — RFC 9460 Appendix D (test vectors)
  { type: 'HTTPS', name: '@', data: '0 foo.example.com.', canonical: '0 foo.example.com.', source: 'RFC 9460 D.1' },
  { type: 'SVCB', name: '@', data: '1 .', canonical: '1 .', source: 'RFC 9460 D.2, figure 3' },
  {
    type: 'SVCB',
    name: '@',
    data: '16 foo.example.com. port=53',
    canonical: '16 foo.example.com. port=53',
    source: 'RFC 9460 D.2, figure 4',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. key667=hello',
    canonical: '1 foo.example.com. key667="hello"',
    source: 'RFC 9460 D.2, figure 5 (generic key)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. key667="hello\\210qoo"',
    canonical: '1 foo.example.com. key667="hello\\210qoo"',
    source: 'RFC 9460 D.2, figure 6 (escaped octet)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. ipv6hint="2001:db8::1,2001:db8::53:1"',
    canonical: '1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1',
    source: 'RFC 9460 D.2, figure 7',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 example.com. ipv6hint="2001:db8:122:344::192.0.2.33"',
    canonical: '1 example.com. ipv6hint=2001:db8:122:344::c000:221',
    source: 'RFC 9460 D.2, figure 8 (an IPv4 tail)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1',
    canonical: '16 foo.example.org. mandatory=alpn,ipv4hint alpn="h2,h3-19" ipv4hint=192.0.2.1',
    source: 'RFC 9460 D.2, figure 9 (keys sorted, mandatory sorted)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
    canonical: '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
    source: 'RFC 9460 D.2, figure 10 (value-list escaping)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2',
    canonical: '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
    source: 'RFC 9460 D.2, figure 10 (the same value, \\DDD spelling)',
  },
  {
    type: 'HTTPS',
    name: '@',
    data: '1 . alpn=h3,h2 no-default-alpn port=8443 ech=AEX+DQBBpQAgACBHAKcf',
    canonical: '1 . alpn="h3,h2" no-default-alpn port=8443 ech=AEX+DQBBpQAgACBHAKcf',
    source: 'RFC 9460 §7.1.1, §7.2; draft-ietf-tls-svcb-ech §2',
  },
  {
    type: 'SVCB',
    name: '_dns.resolver',
    data: '1 doh.example.net. alpn=h2 dohpath=/dns-query{?dns}',
    canonical: '1 doh.example.net. alpn="h2" dohpath="/dns-query{?dns}"',
    source: 'RFC 9461 §5, §6 (example)',
  },
  // NAPTR — RFC 3403 §6.2, RFC 3263 §4.1, RFC 6116 §3.2
  {
    type: 'NAPTR',
    name: 'cid',
    data: '100 10 "" "" "!^urn:cid:.+@([^\\\\.]+\\\\.)(.*)$!\\\\2!i" .',
    canonical: '100 10 "" "" "!^urn:cid:.+@([^\\\\.]+\\\\.)(.*)$!\\\\2!i" .',
    source: 'RFC 3403 §6.2',
  },
  {
    type: 'NAPTR',
    name: '@',
    data: '50 50 "s" "SIPS+D2T" "" _sips._tcp.example.com.',
    canonical: '50 50 "s" "SIPS+D2T" "" _sips._tcp.example.com.',
    source: 'RFC 3263 §4.1',
  },
  {
    type: 'NAPTR',
    name: '4.3.2.1.5.5.5.0.0.8.1.e164',
    data: '100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .',
    canonical: '100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .',
    source: 'RFC 6116 §3.2',
  },
  // DNAME — RFC 6672 §3.1
  {
    type: 'DNAME',
    name: 'frobozz',
    data: 'frobozz-division.acme.example.',
    canonical: 'frobozz-division.acme.example.',
    source: 'RFC 6672 §3.1',
  },
  // RP, AFSDB — RFC 1183 §2.2, §1
  {
    type: 'RP',
    name: 'louie',
    data: 'louie.trantor.umd.edu. LAM1.people.umd.edu.',
    canonical: 'louie.trantor.umd.edu. lam1.people.umd.edu.',
    source: 'RFC 1183 §2.2',
  },
  { type: 'RP', name: 'x', data: '. .', canonical: '. .', source: 'RFC 1183 §2.2 (the root: none)' },
  {
    type: 'AFSDB',
    name: 'toaster',
    data: '1 jack.toaster.com.',
    canonical: '1 jack.toaster.com.',
    source: 'RFC 1183 §1',
  },
  // HINFO — RFC 1035 §3.3.2, RFC 8482 §4.2
  {
    type: 'HINFO',
    name: 'h',
    data: '"DEC-2060" "TOPS20"',
    canonical: '"DEC-2060" "TOPS20"',
    source: 'RFC 1035 §3.3.2',
  },
  { type: 'HINFO', name: 'h', data: '"RFC8482" ""', canonical: '"RFC8482" ""', source: 'RFC 8482 §4.2' },
  // URI — RFC 7553 §4.5
  {
    type: 'URI',
    name: '_ftp._tcp',
    data: '10 1 "ftp://ftp1.example.com/public"',
    canonical: '10 1 "ftp://ftp1.example.com/public"',
    source: 'RFC 7553 §4.5',
  },
  // OPENPGPKEY — RFC 7929 §2.3, §3; DHCID — RFC 4701 §3.6
  {
    type: 'OPENPGPKEY',
    name: `${HASH28}._openpgpkey`,
    data: 'mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjl',
    canonical: 'mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjl',
    source: 'RFC 7929 §2.3 (base64), §3 (owner)',
  },
  {
    type: 'DHCID',
    name: 'chi',
    data: 'AAIBY2/AuCccgoJbsaxcQc9TUapptP69l OjxfNuVAA2kjEA=',
    canonical: 'AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=',
    source: 'RFC 4701 §3.6 (example 1, split base64)',
  },
  // LOC — RFC 1876 §4 (examples)
  {
    type: 'LOC',
    name: 'cambridge-net',
    data: '42 21 54 N 71 06 18 W -24m 30m',
    canonical: '42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m',
    source: 'RFC 1876 §4 (defaults for hp and vp)',
  },
  {
    type: 'LOC',
    name: 'loiosh',
    data: '42 21 43.952 N 71 5 6.344 W -24m 1m 200m',
    canonical: '42 21 43.952 N 71 5 6.344 W -24.00m 1m 200m 10m',
    source: 'RFC 1876 §4',
  },
  {
    type: 'LOC',
    name: 'pipex',
    data: '52 14 05 N 00 08 50 E 10m',
    canonical: '52 14 5.000 N 0 8 50.000 E 10.00m 1m 10000m 10m',
    source: 'RFC 1876 §4 (all defaults)',
  },
  {
    type: 'LOC',
    name: 'small',
    data: '0 S 180 W 0.5m 0.5m 0.05m 0m',
    canonical: '0 0 0.000 N 180 0 0.000 W 0.50m 0.50m 0.05m 0.00m',
    source: 'RFC 1876 §2 (centimetre sizes; 180 W; the equator is N, as 0 S is the same value)',
  },
];

interface Invalid {
  type: RecordType;
  name: string;
  data: string;
  /** The field the refusal names: `name`, or `data` with the RDATA part. */
  field: 'name' | 'data';
  part?: string;
  message: string;
  source: string;
}

const INVALID: Invalid[] = [
  // TLSA / SMIMEA
  {
    type: 'TLSA',
    name: '_443._tcp',
    data: `4 1 1 ${SHA256}`,
    field: 'data',
    part: 'usage',
    message: 'usage 4 is not assigned',
    source: 'RFC 6698 §7.2',
  },
  {
    type: 'TLSA',
    name: '_443._tcp',
    data: `3 2 1 ${SHA256}`,
    field: 'data',
    part: 'selector',
    message: 'selector 2',
    source: 'RFC 6698 §7.3',
  },
  {
    type: 'TLSA',
    name: '_443._tcp',
    data: `3 1 3 ${SHA256}`,
    field: 'data',
    part: 'matchingType',
    message: 'matching type 3',
    source: 'RFC 6698 §7.4',
  },
  {
    type: 'TLSA',
    name: '_443._tcp',
    data: '3 1 1 abcd',
    field: 'data',
    part: 'certificateData',
    message: '64 hex digits, not 4',
    source: 'RFC 6698 §2.1.3 (SHA2-256 is 32 octets)',
  },
  {
    type: 'TLSA',
    name: '_443._tcp',
    data: `3 1 2 ${SHA256}`,
    field: 'data',
    part: 'certificateData',
    message: '128 hex digits',
    source: 'RFC 6698 §2.1.3 (SHA2-512 is 64 octets)',
  },
  {
    type: 'TLSA',
    name: '_443._tcp',
    data: '3 1 1 abc',
    field: 'data',
    part: 'certificateData',
    message: 'not hexadecimal',
    source: 'RFC 6698 §2.2 (hex pairs)',
  },
  {
    type: 'TLSA',
    name: 'www',
    data: `3 1 1 ${SHA256}`,
    field: 'name',
    message: '_port._protocol',
    source: 'RFC 6698 §3',
  },
  {
    type: 'TLSA',
    name: '_70000._tcp',
    data: `3 1 1 ${SHA256}`,
    field: 'name',
    message: 'above 65535',
    source: 'RFC 6698 §3 (a port number)',
  },
  {
    type: 'SMIMEA',
    name: 'alice._smimecert',
    data: `3 0 1 ${SHA256}`,
    field: 'name',
    message: '._smimecert',
    source: 'RFC 8162 §3',
  },
  // SSHFP
  {
    type: 'SSHFP',
    name: 'h',
    data: '0 1 123456789abcdef67890123456789abcdef67890',
    field: 'data',
    part: 'algorithm',
    message: 'algorithm 0',
    source: 'RFC 4255 §3.1.1 (0 reserved)',
  },
  {
    type: 'SSHFP',
    name: 'h',
    data: '1 0 123456789abcdef67890123456789abcdef67890',
    field: 'data',
    part: 'fingerprintType',
    message: 'fingerprint type 0',
    source: 'RFC 4255 §3.1.2 (0 reserved)',
  },
  {
    type: 'SSHFP',
    name: 'h',
    data: `1 1 ${SHA256}`,
    field: 'data',
    part: 'fingerprint',
    message: '40 hex digits, not 64',
    source: 'RFC 4255 §3.1.2 (SHA-1 is 20 octets)',
  },
  // DS
  {
    type: 'DS',
    name: 'sub',
    data: '60485 0 2 ' + SHA256,
    field: 'data',
    part: 'algorithm',
    message: 'algorithm 0 is reserved',
    source: 'RFC 4034 §A.1',
  },
  {
    type: 'DS',
    name: 'sub',
    data: '60485 1 2 ' + SHA256,
    field: 'data',
    part: 'algorithm',
    message: 'MUST NOT',
    source: 'RFC 8624 §3.1 (RSAMD5)',
  },
  {
    type: 'DS',
    name: 'sub',
    data: '60485 13 3 ' + SHA256,
    field: 'data',
    part: 'digestType',
    message: 'GOST',
    source: 'RFC 8624 §3.3',
  },
  {
    type: 'DS',
    name: 'sub',
    data: '60485 13 2 2BB183AF5F22588179A53B0A98631FAD1A292118',
    field: 'data',
    part: 'digest',
    message: '64 hex digits, not 40',
    source: 'RFC 4509 §2.2 (SHA-256 is 32 octets)',
  },
  {
    type: 'DS',
    name: 'sub',
    data: '60485 13 2',
    field: 'data',
    part: 'digest',
    message: '64 hex digits, not 0',
    source: 'RFC 4034 §5.3 (four fields)',
  },
  // SVCB / HTTPS — RFC 9460 Appendix D.3 (failure cases) and the rules they illustrate
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. key123=abc key123=def',
    field: 'data',
    part: 'key123',
    message: 'twice',
    source: 'RFC 9460 D.3, figure 11 (repeated key)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. mandatory',
    field: 'data',
    part: 'mandatory',
    message: 'one or more keys',
    source: 'RFC 9460 D.3, figure 12 (missing value)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. alpn',
    field: 'data',
    part: 'alpn',
    message: 'one or more protocol ids',
    source: 'RFC 9460 D.3, figure 12',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. port',
    field: 'data',
    part: 'port',
    message: 'port is a number',
    source: 'RFC 9460 D.3, figure 12',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. ipv4hint',
    field: 'data',
    part: 'ipv4hint',
    message: 'one or more addresses',
    source: 'RFC 9460 D.3, figure 12',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. no-default-alpn=abc',
    field: 'data',
    part: 'no-default-alpn',
    message: 'has no value',
    source: 'RFC 9460 D.3, figure 13',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. mandatory=key123',
    field: 'data',
    part: 'mandatory',
    message: 'does not give',
    source: 'RFC 9460 D.3, figure 14 (mandatory key missing)',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. mandatory=mandatory',
    field: 'data',
    part: 'mandatory',
    message: 'itself',
    source: 'RFC 9460 D.3, figure 15',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 foo.example.com. mandatory=key123,key123 key123=abc',
    field: 'data',
    part: 'mandatory',
    message: 'twice',
    source: 'RFC 9460 D.3, figure 16 (duplicate mandatory key)',
  },
  {
    type: 'HTTPS',
    name: '@',
    data: '0 foo.example.com. alpn=h2',
    field: 'data',
    part: 'params',
    message: 'AliasMode',
    source: 'RFC 9460 §2.4.2',
  },
  {
    type: 'HTTPS',
    name: '@',
    data: '1 . no-default-alpn',
    field: 'data',
    part: 'no-default-alpn',
    message: 'needs alpn',
    source: 'RFC 9460 §7.1.1',
  },
  {
    type: 'HTTPS',
    name: '@',
    data: '1 . ipv4hint=2001:db8::1',
    field: 'data',
    part: 'ipv4hint',
    message: 'not an IPv4 address',
    source: 'RFC 9460 §7.3',
  },
  {
    type: 'HTTPS',
    name: '@',
    data: '1 . ech=not-base64',
    field: 'data',
    part: 'ech',
    message: 'base64',
    source: 'draft-ietf-tls-svcb-ech §2',
  },
  {
    type: 'SVCB',
    name: '_dns',
    data: '1 . dohpath=/dns-query',
    field: 'data',
    part: 'dohpath',
    message: '"dns" variable',
    source: 'RFC 9461 §5',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 . key65535=x',
    field: 'data',
    part: 'key65535',
    message: 'reserved',
    source: 'RFC 9460 §14.3.2',
  },
  {
    type: 'SVCB',
    name: '@',
    data: '1 . echconfig=AAAA',
    field: 'data',
    part: 'params',
    message: 'no SvcParamKey',
    source: 'RFC 9460 §2.1 (a name or keyNNNNN)',
  },
  // NAPTR
  {
    type: 'NAPTR',
    name: 'n',
    data: '10 10 "u" "E2U+sip" "!^.*$!sip:a@example.com!" sip.example.com.',
    field: 'data',
    part: 'replacement',
    message: 'not both',
    source: 'RFC 3403 §4.1',
  },
  {
    type: 'NAPTR',
    name: 'n',
    data: '10 10 "s" "SIP+D2T" "" .',
    field: 'data',
    part: 'replacement',
    message: 'needs a regexp or a replacement',
    source: 'RFC 3403 §4.1',
  },
  {
    type: 'NAPTR',
    name: 'n',
    data: '10 10 "s+" "SIP+D2T" "" _sip._tcp.example.com.',
    field: 'data',
    part: 'flags',
    message: 'letters and digits',
    source: 'RFC 3403 §4.1',
  },
  {
    type: 'NAPTR',
    name: 'n',
    data: '10 10 "u" "E2U+sip" "!^.*$!sip:a@example.com" .',
    field: 'data',
    part: 'regexp',
    message: 'three',
    source: 'RFC 3402 §3.2 (delim ere delim repl delim flags)',
  },
  {
    type: 'NAPTR',
    name: 'n',
    data: '10 10 "u" "E2U+sip" "1^.*$1sip:a@example.com1" .',
    field: 'data',
    part: 'regexp',
    message: 'delimiter',
    source: 'RFC 3402 §3.2 (a digit is no delimiter)',
  },
  {
    type: 'NAPTR',
    name: 'n',
    data: '10 10 "u" "E2U+sip" "!^.*$!sip:a@example.com!x" .',
    field: 'data',
    part: 'regexp',
    message: 'only "i"',
    source: 'RFC 3402 §3.2 (flags)',
  },
  {
    type: 'NAPTR',
    name: 'n',
    data: '10 10 "u" "E2U+sip" .',
    field: 'data',
    message: 'NAPTR data is',
    source: 'RFC 3403 §4.1 (six fields)',
  },
  // DNAME, RP, AFSDB, HINFO, URI, OPENPGPKEY, DHCID
  {
    type: 'DNAME',
    name: 'd',
    data: '.',
    field: 'data',
    part: 'target',
    message: 'root',
    source: 'RFC 6672 §2.1 (a target domain)',
  },
  {
    type: 'DNAME',
    name: 'd',
    data: 'other.net',
    field: 'data',
    part: 'target',
    message: 'absolute',
    source: 'RFC 1035 §5.1 (presentation names in rdata end with a dot)',
  },
  {
    type: 'RP',
    name: 'r',
    data: 'louie.trantor.umd.edu.',
    field: 'data',
    message: 'RP data is',
    source: 'RFC 1183 §2.2 (two names)',
  },
  {
    type: 'AFSDB',
    name: 'a',
    data: '3 jack.toaster.com.',
    field: 'data',
    part: 'subtype',
    message: 'subtype 3',
    source: 'RFC 1183 §1',
  },
  {
    type: 'AFSDB',
    name: 'a',
    data: '1 jack_1.toaster.com.',
    field: 'data',
    part: 'hostname',
    message: 'host name',
    source: 'RFC 1183 §1 (a host), RFC 1123 §2.1',
  },
  {
    type: 'HINFO',
    name: 'h',
    data: '"PC"',
    field: 'data',
    message: 'HINFO data is',
    source: 'RFC 1035 §3.3.2 (CPU and OS)',
  },
  {
    type: 'URI',
    name: '_ftp._tcp',
    data: '10 1 "ftp1.example.com"',
    field: 'data',
    part: 'target',
    message: 'absolute URI',
    source: 'RFC 7553 §4.5, RFC 3986 §3',
  },
  {
    type: 'OPENPGPKEY',
    name: 'alice._openpgpkey',
    data: 'mQINBFit',
    field: 'name',
    message: '_openpgpkey',
    source: 'RFC 7929 §3',
  },
  {
    type: 'DHCID',
    name: 'chi',
    data: 'AAIC',
    field: 'data',
    part: 'digest',
    message: 'digest type 2',
    source: 'RFC 4701 §3.5',
  },
  // LOC
  {
    type: 'LOC',
    name: 'l',
    data: '91 0 0 N 0 0 0 E 0m',
    field: 'data',
    part: 'latitude',
    message: 'out of range',
    source: 'RFC 1876 §2 (latitude within 90 degrees)',
  },
  {
    type: 'LOC',
    name: 'l',
    data: '52 60 0 N 0 0 0 E 0m',
    field: 'data',
    part: 'latitude',
    message: '0–59 minutes',
    source: 'RFC 1876 §3',
  },
  {
    type: 'LOC',
    name: 'l',
    data: '52 N 181 E 0m',
    field: 'data',
    part: 'longitude',
    message: 'out of range',
    source: 'RFC 1876 §2 (longitude within 180 degrees)',
  },
  {
    type: 'LOC',
    name: 'l',
    data: '52 N 4 E 0m 15m',
    field: 'data',
    part: 'size',
    message: 'one digit times a power of ten',
    source: 'RFC 1876 §2 (mantissa and exponent of one digit each)',
  },
  {
    type: 'LOC',
    name: 'l',
    data: '52 N 4 E -100001m',
    field: 'data',
    part: 'altitude',
    message: '-100000.00m',
    source: 'RFC 1876 §3',
  },
  {
    type: 'LOC',
    name: 'l',
    data: '52 N 4 X 0m',
    field: 'data',
    part: 'longitude',
    message: 'E|W',
    source: 'RFC 1876 §3 (hemisphere letters)',
  },
];

describe('dns/rdata: the types beyond RFC 1035', () => {
  for (const v of VALID) {
    it(`${v.type} ${v.data.slice(0, 50)} → canonical  [${v.source}]`, () => {
      const r = canonicalRecord(Z, { name: v.name, type: v.type, ttl: 300, data: v.data });
      expect(r, JSON.stringify(r)).to.deep.include({ ok: true });
      if (!r.ok) return;
      expect(r.value.data).to.equal(v.canonical);
      // canonical is a fixed point, and survives the wire form both ways
      const again = parseRdata(v.type, r.value.data);
      expect(again.ok && formatRdata(again.value)).to.equal(v.canonical);
      if (!again.ok) return;
      const wire = rdataToWire(again.value);
      expect(formatRdata(rdataFromWire(v.type, wire, 0, wire.length))).to.equal(v.canonical);
    });
  }

  for (const c of INVALID) {
    it(`${c.type} ${c.data.slice(0, 50)} is refused, naming ${c.part ?? c.field}  [${c.source}]`, () => {
      const r = canonicalRecord(Z, { name: c.name, type: c.type, ttl: 300, data: c.data });
      expect(r.ok, JSON.stringify(r)).to.equal(false);
      if (r.ok) return;
      expect(r.field).to.equal(c.field);
      if (c.part) expect(r.part).to.equal(c.part);
      expect(r.message).to.include(c.message);
    });
  }

  it('reads malformed wire data as an error, never as a value (RFC 9460 §2.2: keys out of order)', () => {
    const p = parseRdata('SVCB', '1 . alpn=h2 port=443');
    if (!p.ok) throw new Error(p.message);
    const wire = rdataToWire(p.value);
    // swap the two SvcParams: port (3) before alpn (1)
    const head = wire.subarray(0, 3);
    const alpn = wire.subarray(3, 3 + 4 + 3);
    const port = wire.subarray(3 + 4 + 3);
    const swapped = Buffer.concat([head, port, alpn]);
    expect(() => rdataFromWire('SVCB', swapped, 0, swapped.length)).to.throw(/out of order/);
    expect(() => rdataFromWire('TLSA', Buffer.from([3, 1]), 0, 2)).to.throw(/truncated/);
  });

  it('agrees with BIND: named-checkzone loads every canonical form and prints the same values', async () => {
    const lines = VALID.map((v, i) => {
      const r = canonicalRecord(Z, { name: v.name, type: v.type, ttl: 300, data: v.data });
      if (!r.ok) throw new Error(r.message);
      // one owner per row, so BIND prints them apart
      return `r${i}.${r.value.name === '@' ? '' : `${r.value.name}.`}${Z}. 300 IN ${v.type} ${r.value.data}`;
    });
    const text = [
      `$ORIGIN ${Z}.`,
      '$TTL 300',
      '@ SOA ns1 hostmaster 1 3600 600 604800 300',
      '@ NS ns1.example.net.',
      ...lines,
      '',
    ].join('\n');
    const tmp = mkdtempSync(join(tmpdir(), 'rdata-types-'));
    try {
      const f = join(tmp, 'z.zone');
      writeFileSync(f, text);
      let out: string;
      try {
        ({ stdout: out } = await execFileP('named-checkzone', ['-k', 'fail', '-D', '-o', '-', Z, f], {
          timeout: 10000,
        }));
      } catch (e) {
        const err = e as { code?: string; stdout?: string; stderr?: string };
        if (err.code === 'ENOENT') throw new Error('named-checkzone is missing: apt-get install bind9-utils');
        throw new Error(`named-checkzone refused the canonical forms: ${err.stdout ?? ''}${err.stderr ?? ''}`);
      }
      const printed = new Map<string, string>();
      for (const l of out.split('\n')) {
        const m = /^(r\d+)\.\S*\s+\d+\s+IN\s+(\S+)\s+(.*)$/.exec(l);
        if (m) printed.set(m[1]!, m[3]!);
      }
      VALID.forEach((v, i) => {
        const bind = printed.get(`r${i}`);
        expect(bind, `BIND printed ${v.type} r${i}`).to.be.a('string');
        const back = parseRdata(v.type, bind!);
        expect(back.ok && formatRdata(back.value), `${v.type}: BIND printed ${bind}`).to.equal(v.canonical);
      });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
