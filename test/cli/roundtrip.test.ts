/**
 * Import → render round trip against a real named: a zone file with every type bindy has a grammar for (quoted and
 * escaped TXT, multi-string TXT, delegation with glue, SRV, CAA, PTR, TLSA, SMIMEA, SSHFP, HTTPS/SVCB in both modes and
 * with a key no kind has a field for, NAPTR, DS, DNAME, RP, HINFO, URI, OPENPGPKEY, DHCID, AFSDB, LOC; relative names and
 * split hex/base64 included), an RFC 2317 classless reverse zone and a 10,000-record zone are loaded into named as written, then
 * imported to CRs, rendered the way the hooks render them and loaded again: both serve the same RRsets.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importZone } from '../../cli/import.js';
import { zoneFileName } from '../../dns/names.js';
import { startNamed, type NamedInstance } from '../../local/named.js';
import type { StoredObject } from '../../local/store.js';
import { renderZones } from '../../cli/render.js';
import { parseZoneFile } from '../../cli/zone-parser.js';
import { validateObject } from '../../hooks/schema/cel.js';

const run = promisify(execFile);

const EVERY_TYPE = `$ORIGIN rt.example.
$TTL 3600
@ IN SOA ns1 hostmaster ( 2024060101 7200 600 1209600 300 )
  IN NS ns1
  IN NS ns2.provider.example.net.
ns1 IN A 192.0.2.53
www 300 IN A 192.0.2.1
www 300 IN A 192.0.2.2
v6 IN AAAA 2001:db8::1
alias IN CNAME www
@ IN MX 10 mail
@ IN MX 20 mx.provider.example.net.
mail IN A 192.0.2.25
@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
quoted IN TXT "say \\"hello\\"; semi; back\\\\slash"
dkim._domainkey IN TXT ( "v=DKIM1; k=rsa; " ; first half
                         "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC" )  ; second half
sub IN NS ns.sub
ns.sub IN A 192.0.2.99
_sip._tcp IN SRV 10 5 5060 sip
sip IN A 192.0.2.60
@ IN CAA 0 issue "letsencrypt.org"
@ IN CAA 0 iodef "mailto:security@rt.example"
*.wild IN A 192.0.2.200
4 IN PTR host.rt.example.
_443._tcp.www IN TLSA ( 3 1 1 0c72ac70b745ac19998811b131d662c9
                        ac69dbdbe7cb23e5b514b56664c5d3d6 )
c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._smimecert IN SMIMEA 3 0 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6
www IN SSHFP 4 2 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6
www IN SSHFP 1 1 123456789abcdef67890123456789abcdef67890
@ IN HTTPS 1 . alpn="h3,h2" port=8443 ipv4hint=192.0.2.1 ech=AEX+DQBBpQAgACBHAKcf ipv6hint=2001:db8::1
alias-https IN HTTPS 0 www
_dns IN SVCB 1 www mandatory=alpn alpn=h2 dohpath=/dns-query{?dns}
opaque IN SVCB 2 www key65001="x y"
@ IN NAPTR 100 10 "S" "SIP+D2T" "" _sip._tcp
e164 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:info@rt.example!" .
sub IN DS 60485 13 2 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6
old IN DNAME rt.example.net.
@ IN RP hostmaster info
info IN TXT "call us"
host IN HINFO "PC" "Linux"
_ftp._tcp IN URI 10 1 "ftp://ftp.rt.example/public"
c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey IN OPENPGPKEY mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjl
chi IN DHCID ( AAIBY2/AuCccgoJbsaxcQc9TUapptP69l
               OjxfNuVAA2kjEA= )
afs IN AFSDB 1 afsdb
afsdb IN A 192.0.2.210
hq IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 20m 10m 2m
`;

/** RRsets as served (AXFR), normalised: TXT strings joined (consumers concatenate them). */
async function served(named: NamedInstance, zone: string): Promise<string[]> {
  const { stdout } = await run(
    'dig',
    ['@127.0.0.1', '-p', String(named.dnsPort), '+noall', '+answer', '+onesoa', zone, 'AXFR'],
    { maxBuffer: 64 << 20 },
  );
  const lines = stdout
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith(';'))
    .map((l) => {
      const [name, ttl, , type, ...rest] = l.split(/\s+/);
      let data = rest.join(' ');
      if (type === 'TXT') data = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
      return `${name?.toLowerCase()} ${ttl} ${type} ${data}`;
    });
  return [...new Set(lines)].sort();
}

async function load(named: NamedInstance, zone: string, text: string): Promise<string[]> {
  const file = join(named.dir, zoneFileName(zone));
  writeFileSync(file, text);
  await named.rndc('addzone', `"${zone}"`, `{ type primary; file "${file}"; };`);
  try {
    return await served(named, zone);
  } finally {
    await named.rndc('delzone', zone);
  }
}

async function roundTrip(zone: string, text: string): Promise<{ rendered: string; skipped: string[] }> {
  const parsed = parseZoneFile(text, zone);
  expect(parsed.problems).to.deep.equal([]);
  const result = importZone(parsed, { zone, clusterRef: 'dns' });
  for (const o of [result.zone, ...result.records]) expect(validateObject(o), JSON.stringify(o)).to.deep.equal([]);
  const { zones, problems } = await renderZones([result.zone, ...result.records] as StoredObject[]);
  expect(problems).to.deep.equal([]);
  expect(zones).to.have.length(1);
  expect(zones[0]?.excluded).to.deep.equal([]);
  return { rendered: zones[0]?.text as string, skipped: result.skipped.map((s) => s.type) };
}

describe('bindy import → render round trip (real named)', function () {
  this.timeout(120000);
  let named: NamedInstance;
  before(async () => {
    named = await startNamed();
  });
  after(async () => named?.stop());

  it('serves the same RRsets for a zone with every supported type', async () => {
    const original = await load(named, 'rt.example', EVERY_TYPE);
    const { rendered, skipped } = await roundTrip('rt.example', EVERY_TYPE);
    expect(skipped).to.deep.equal([]);
    const again = await load(named, 'rt.example', rendered);
    expect(again).to.deep.equal(original);
    expect(original.find((l) => l.startsWith('dkim._domainkey'))).to.contain('v=DKIM1; k=rsa; p=MIGf');
    expect(original.find((l) => l.startsWith('quoted'))).to.contain('say \\"hello\\"; semi; back\\\\slash');
  });

  it('serves the same RRsets for an RFC 2317 classless reverse zone', async () => {
    const zone = '0/26.2.0.192.in-addr.arpa';
    const text = [
      '$TTL 3600',
      '@ IN SOA ns1.example.net. hostmaster.example.net. 3 3600 600 604800 300',
      '@ IN NS ns1.example.net.',
      '1 IN PTR host1.example.com.',
      '2 IN PTR host2.example.com.',
      '2 IN PTR alias2.example.com.',
      '',
    ].join('\n');
    const original = await load(named, zone, text);
    expect(original).to.include(`2.${zone}. 3600 PTR alias2.example.com.`);
    const { rendered, skipped } = await roundTrip(zone, text);
    expect(skipped).to.deep.equal([]);
    expect(await load(named, zone, rendered)).to.deep.equal(original);
  });

  it('serves the same RRsets for a 10,000-record zone', async () => {
    const lines = [
      '$TTL 300',
      '@ IN SOA ns1.big.example. hostmaster.big.example. 7 3600 600 604800 300',
      '@ IN NS ns1',
      'ns1 IN A 198.51.100.1',
    ];
    for (let i = 0; i < 10000; i++) {
      const kind = i % 4;
      if (kind === 0) lines.push(`h${i} IN A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      else if (kind === 1) lines.push(`h${i} IN AAAA 2001:db8::${i.toString(16)}`);
      else if (kind === 2) lines.push(`h${i} IN TXT "record ${i}"`);
      else lines.push(`c${i} IN CNAME h${i - 3}`);
    }
    const text = `${lines.join('\n')}\n`;
    const original = await load(named, 'big.example', text);
    expect(original.length).to.equal(10000 + 3);
    const { rendered } = await roundTrip('big.example', text);
    expect(await load(named, 'big.example', rendered)).to.deep.equal(original);
  });

  it('reports what it cannot import (no grammar, named’s DNSSEC records) instead of dropping it', () => {
    const parsed = parseZoneFile(`${EVERY_TYPE}cert IN CERT 1 0 0 AQIDBAUG\n@ IN NSEC3PARAM 1 0 0 -\n`, 'rt.example');
    const result = importZone(parsed, { zone: 'rt.example' });
    expect(result.skipped.map((s) => `${s.owner} ${s.type}`)).to.deep.equal([
      'cert.rt.example. CERT',
      'rt.example. NSEC3PARAM',
    ]);
  });
});
