import { expect } from 'chai';
import { importZone, resourceName, txtEntry } from '../../cli/import.js';
import { parseZoneFile } from '../../cli/zone-parser.js';

const ZONE = `$TTL 3600
@ IN SOA ns1.example.com. hostmaster.example.com. ( 2024010101 7200 600 1209600 300 )
@ IN NS ns1
@ IN NS ns2.example.net.
ns1 IN A 192.0.2.53
www 300 IN A 192.0.2.1
www 300 IN A 192.0.2.2
v6 IN AAAA 2001:db8::1
alias IN CNAME www
@ IN MX 10 mail
@ IN MX 20 mail2.example.net.
@ IN TXT "v=spf1 -all"
dkim IN TXT "v=DKIM1; k=rsa; " "p=MIGf"
sub IN NS ns.sub
_sip._tcp IN SRV 10 5 5060 sip
@ IN CAA 0 issue "letsencrypt.org"
10 IN PTR host.example.com.
_443._tcp.www IN TLSA 3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b566 64c5d3d6
@ IN HTTPS 1 . alpn=h3,h2 port=443
svc IN SVCB 1 svc-backend key65001=opaque
@ IN RP hostmaster admin-info
admin-info IN TXT "call +1 555 0100"
cert IN CERT 1 0 0 AQIDBAUG
@ IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
`;

describe('cli/import', () => {
  const parsed = parseZoneFile(ZONE, 'example.com');
  const result = importZone(parsed, { zone: 'example.com', namespace: 'dns' });

  it('puts SOA, $TTL and apex NS on the DNSZone', () => {
    expect(result.zone).to.deep.equal({
      apiVersion: 'bindy.firestoned.io/v1beta1',
      kind: 'DNSZone',
      metadata: { name: 'example-com', namespace: 'dns' },
      spec: {
        zoneName: 'example.com',
        soaRecord: {
          primaryNs: 'ns1.example.com.',
          adminEmail: 'hostmaster.example.com.',
          serial: 2024010101,
          refresh: 7200,
          retry: 600,
          expire: 1209600,
          negativeTtl: 300,
          ttl: 3600,
        },
        ttl: 3600,
        nameServers: [{ hostname: 'ns1.example.com.' }, { hostname: 'ns2.example.net.' }],
      },
    });
  });

  it('makes one CR per A/AAAA/TXT RRset and one per RR of the other kinds', () => {
    const summary = result.records.map((r) => {
      const o = r as { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
      return `${o.kind} ${o.metadata.name} ${String(o.spec['name'])}`;
    });
    expect(summary).to.deep.equal([
      'ARecord ns1-a ns1',
      'ARecord www-a www',
      'AAAARecord v6-aaaa v6',
      'CNAMERecord alias-cname alias',
      'MXRecord apex-mx @',
      'MXRecord apex-mx-2 @',
      'TXTRecord apex-txt @',
      'TXTRecord dkim-txt dkim',
      'NSRecord sub-ns sub',
      'SRVRecord sip-tcp-srv _sip._tcp',
      'CAARecord apex-caa @',
      'PTRRecord 10-ptr 10',
      'TLSARecord 443-tcp-www-tlsa _443._tcp.www',
      'HTTPSRecord apex-https @',
      'DNSRecordSet svc-svcb svc',
      'DNSRecordSet apex-rp @',
      'TXTRecord admin-info-txt admin-info',
    ]);
    const www = result.records[1] as { spec: Record<string, unknown> };
    expect(www.spec).to.deep.equal({
      zoneRef: 'example-com',
      name: 'www',
      ttl: 300,
      ipv4Addresses: ['192.0.2.1', '192.0.2.2'],
    });
  });

  it('reads the newer types through the grammar: names completed, a kind’s fields, else one DNSRecordSet', () => {
    const spec = (kind: string) =>
      (result.records.find((r) => (r as { kind: string }).kind === kind) as { spec: Record<string, unknown> }).spec;
    expect(spec('PTRRecord')).to.deep.include({ name: '10', ptrdname: 'host.example.com.' });
    expect(spec('TLSARecord')).to.deep.include({
      usage: 3,
      selector: 1,
      matchingType: 1,
      certificateData: '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
    });
    expect(spec('HTTPSRecord')).to.deep.include({
      priority: 1,
      target: '.',
      params: { alpn: ['h3', 'h2'], port: 443 },
    });
    const sets = result.records.filter((r) => (r as { kind: string }).kind === 'DNSRecordSet') as {
      spec: Record<string, unknown>;
    }[];
    // a key SVCBRecord has no field for keeps the RRset generic; RP's relative names are completed with the origin
    expect(sets.map((r) => [r.spec['type'], r.spec['records']])).to.deep.equal([
      ['SVCB', ['1 svc-backend.example.com. key65001="opaque"']],
      ['RP', ['hostmaster.example.com. admin-info.example.com.']],
    ]);
  });

  it('reports what it cannot import, with the reason, instead of dropping it', () => {
    expect(result.skipped).to.deep.equal([
      { line: 23, owner: 'cert.example.com.', type: 'CERT', reason: 'bindy has no grammar for type CERT' },
      {
        line: 24,
        owner: 'example.com.',
        type: 'DNSKEY',
        reason: "named maintains DNSKEY records itself in a signed zone: set the DNSZone's dnssecPolicy",
      },
    ]);
  });

  it('joins the strings of a TXT RR and keeps presentation escapes as written', () => {
    expect(txtEntry([{ text: 'v=spf1 -all', quoted: true }])).to.equal('v=spf1 -all');
    expect(txtEntry([{ text: 'say \\"hi\\"', quoted: true }])).to.equal('say \\"hi\\"');
    expect(
      txtEntry([
        { text: 'v=DKIM1; ', quoted: true },
        { text: 'p=MIGf', quoted: true },
      ]),
    ).to.equal('v=DKIM1; p=MIGf');
    expect(txtEntry([{ text: 'bell\\007', quoted: true }])).to.equal('bell\\007');
  });

  it('derives DNS-1123 resource names', () => {
    expect(resourceName('_sip._tcp-srv')).to.equal('sip-tcp-srv');
    expect(resourceName('*.dev-a')).to.equal('wildcard-dev-a');
    expect(resourceName('x'.repeat(300))).to.match(/^x{54}-[0-9a-f]{8}$/);
    expect(resourceName('x'.repeat(300))).to.not.equal(resourceName('x'.repeat(301)));
  });
});
