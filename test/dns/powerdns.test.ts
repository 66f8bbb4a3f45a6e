import { expect } from 'chai';
import type { PutZoneBody } from '../../dns/contract.js';
import {
  accountOwner,
  isBindyAccount,
  ownerAccount,
  parseSoaContent,
  pdnsContent,
  pdnsCreateBody,
  pdnsZoneId,
  planPdnsPatch,
  readPdnsZone,
  rrsetOfError,
  serialAfter,
  settingsChange,
  soaContent,
  type PdnsRRset,
} from '../../dns/powerdns.js';
import { desiredZone, type DesiredZone } from '../../dns/zone-model.js';

const ZONE = 'example.com';
const SOA = {
  mname: 'ns1.example.com.',
  rname: 'hostmaster.example.com.',
  refresh: 3600,
  retry: 600,
  expire: 604800,
  minimum: 300,
};

function desired(records: string[], extra: Partial<PutZoneBody> = {}): DesiredZone {
  const body: PutZoneBody = {
    type: 'primary',
    ttl: 300,
    soa: SOA,
    nameServers: [{ hostname: 'ns1.example.net.' }],
    records: records.map((l) => {
      const [name, ttl, type, ...data] = l.split(' ');
      return { name: name!, ttl: Number(ttl), type: type as never, data: data.join(' ') };
    }),
    ...extra,
  };
  const d = desiredZone(ZONE, body);
  if (!d.ok) throw new Error(JSON.stringify(d.errors));
  return d.zone;
}

/** What PowerDNS would return for a zone created from `d` (the create body's RRsets, as GET shows them). */
function servedAs(d: DesiredZone, serial = 7): PdnsRRset[] {
  return pdnsCreateBody(d, { kind: 'Native', soaEditApi: 'OFF' }, serial).rrsets;
}

describe('dns/powerdns', () => {
  describe('content in PowerDNS’s form', () => {
    // PowerDNS 4.7.3 refuses content that is not its own rendering ("Not in expected format (parsed as '…')");
    // the parsed-as forms below are its answers to bindy's canonical text (pdns_server 4.7.3's own answers)
    const cases: [string, Parameters<typeof pdnsContent>[0], string, string][] = [
      ['A as is', 'A', '192.0.2.1', '192.0.2.1'],
      ['MX as is (absolute target)', 'MX', '10 mail.example.com.', '10 mail.example.com.'],
      ['TXT as is (quoted strings)', 'TXT', '"v=spf1 -all" "x"', '"v=spf1 -all" "x"'],
      ['CAA as is (quoted value)', 'CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
      [
        'HTTPS: alpn unquoted, port, hints',
        'HTTPS',
        '1 . alpn="h3,h2" port=8443 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1',
        '1 . alpn=h3,h2 port=8443 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1',
      ],
      [
        'HTTPS: mandatory, no-default-alpn, ech quoted',
        'HTTPS',
        '1 . mandatory=alpn alpn="h2" no-default-alpn ech=AEX+DQBBpQAgACBHAKcf',
        '1 . mandatory=alpn alpn=h2 no-default-alpn ech="AEX+DQBBpQAgACBHAKcf"',
      ],
      ['SVCB: AliasMode', 'SVCB', '0 svc.example.net.', '0 svc.example.net.'],
      [
        'SVCB: dohpath is key7 to PowerDNS 4.7, quoted',
        'SVCB',
        '1 dns.example.net. alpn="h2" dohpath="/q{?dns}"',
        '1 dns.example.net. alpn=h2 key7="/q{?dns}"',
      ],
      [
        'LOC: sizes with two decimals',
        'LOC',
        '42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m',
        '42 21 54.000 N 71 6 18.000 W -24.00m 30.00m 10000.00m 10.00m',
      ],
      [
        'LOC: sub-metre precision',
        'LOC',
        '42 21 43.952 N 71 5 6.344 W -24.00m 1m 200m 0.50m',
        '42 21 43.952 N 71 5 6.344 W -24.00m 1.00m 200.00m 0.50m',
      ],
    ];
    for (const [name, type, data, want] of cases)
      it(name, () => {
        expect(pdnsContent(type, data)).to.equal(want);
      });
  });

  it('spells zone ids as PowerDNS does (ws-api.cc apiZoneNameToId): =XX for all but letters, digits, . and -', () => {
    expect(pdnsZoneId('example.com')).to.equal('example.com.');
    expect(pdnsZoneId('example.com.')).to.equal('example.com.');
    expect(pdnsZoneId('0/26.2.0.192.in-addr.arpa')).to.equal('0=2F26.2.0.192.in-addr.arpa.');
    expect(pdnsZoneId('_tcp.example.com')).to.equal('=5Ftcp.example.com.');
  });

  it('marks ownership in the 40-character account: bindy:<namespace/name>, else a digest', () => {
    expect(ownerAccount('dns/example-com')).to.equal('bindy:dns/example-com');
    const long = ownerAccount(`a-long-namespace-name/${'z'.repeat(60)}`);
    expect(long)
      .to.have.length(40)
      .and.match(/^bindy:~[0-9a-f]{33}$/);
    expect(isBindyAccount(long)).to.equal(true);
    expect(accountOwner('bindy:dns/example-com')).to.equal('dns/example-com');
    expect(accountOwner(long)).to.equal(undefined);
    expect(isBindyAccount('')).to.equal(false);
    expect(isBindyAccount('powerdns-operator')).to.equal(false);
  });

  it('reads the SOA content and writes it back', () => {
    const s = parseSoaContent('NS1.example.com. hostmaster.example.com. 42 3600 600 604800 300', 120)!;
    expect(s.serial).to.equal(42);
    expect(s.soa).to.deep.equal({ ...SOA, ttl: 120 });
    expect(soaContent({ ...SOA, ttl: 120 }, 43)).to.equal(
      'ns1.example.com. hostmaster.example.com. 43 3600 600 604800 300',
    );
    expect(parseSoaContent('a. b. 1 2 3', 1)).to.equal(undefined);
  });

  it('reads a zone back canonically: hex in any case, AAAA in any spelling, names in any case', () => {
    const got = readPdnsZone(ZONE, [
      { name: 'example.com.', type: 'SOA', ttl: 300, records: [{ content: soaContent({ ...SOA, ttl: 300 }, 9) }] },
      { name: 'WWW.example.com.', type: 'AAAA', ttl: 300, records: [{ content: '2001:DB8:0:0::10' }] },
      {
        name: '_443._tcp.www.example.com.',
        type: 'TLSA',
        ttl: 300,
        records: [{ content: `3 1 1 ${'ab'.repeat(32)}` }],
      },
      { name: 'x.example.com.', type: 'DNSKEY', ttl: 300, records: [{ content: 'whatever' }] },
    ]);
    expect(got.serial).to.equal(9);
    expect(got.rrsets.get('www.example.com. AAAA')?.data).to.deep.equal(['2001:db8::10']);
    expect(got.rrsets.get('_443._tcp.www.example.com. TLSA')?.data).to.deep.equal([`3 1 1 ${'AB'.repeat(32)}`]);
    expect(got.rrsets.has('x.example.com. DNSKEY'), 'types bindy does not manage are left out').to.equal(false);
  });

  it('keeps a disabled record or content its grammar cannot read as unreadable: replaced, never compared', () => {
    const got = readPdnsZone(ZONE, [
      { name: 'a.example.com.', type: 'A', ttl: 300, records: [{ content: '192.0.2.1', disabled: true }] },
      { name: 'b.example.com.', type: 'A', ttl: 300, records: [{ content: 'not an address' }] },
    ]);
    expect([...got.unreadable.keys()].sort()).to.deep.equal(['a.example.com. A', 'b.example.com. A']);
    const d = desired(['a 300 A 192.0.2.1']);
    const plan = planPdnsPatch(d, got, { serverSerial: true });
    expect(plan.changes.map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.include.members([
      'REPLACE a.example.com. A',
      'DELETE b.example.com. A',
    ]);
  });

  describe('the PATCH', () => {
    const base = desired(['www 300 A 192.0.2.1', '@ 300 MX 10 mail.example.com.', 'mail 300 A 192.0.2.2']);

    it('is empty when nothing differs (an empty PATCH would still move the serial)', () => {
      const plan = planPdnsPatch(base, readPdnsZone(ZONE, servedAs(base)), { serverSerial: false });
      expect(plan.changes).to.deep.equal([]);
      expect(plan.serial).to.equal(7);
      expect([plan.added, plan.removed]).to.deep.equal([0, 0]);
    });

    it('deletes before it replaces: a CNAME taking the place of an A at one name (PowerDNS checks in order)', () => {
      const next = desired([
        'www 300 CNAME elsewhere.example.net.',
        '@ 300 MX 10 mail.example.com.',
        'mail 300 A 192.0.2.2',
      ]);
      const plan = planPdnsPatch(next, readPdnsZone(ZONE, servedAs(base)), { serverSerial: true });
      expect(plan.changes.map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.deep.equal([
        'DELETE www.example.com. A',
        'REPLACE www.example.com. CNAME',
      ]);
    });

    it('replaces only the RRsets that differ, deletes the ones no longer desired, and moves the serial once', () => {
      const next = desired(['www 300 A 192.0.2.9', 'www 300 AAAA 2001:db8::1', '@ 300 MX 10 mail.example.com.']);
      const plan = planPdnsPatch(next, readPdnsZone(ZONE, servedAs(base)), { serverSerial: false });
      expect(plan.changes.map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.deep.equal([
        'DELETE mail.example.com. A',
        'REPLACE www.example.com. A',
        'REPLACE www.example.com. AAAA',
        'REPLACE example.com. SOA',
      ]);
      expect(plan.changes.at(-1)!.records![0]!.content).to.equal(soaContent(next.soa, 8));
      expect(plan.serial).to.equal(8);
      expect([plan.added, plan.removed]).to.deep.equal([2, 2]);
    });

    it('takes the floor when it is ahead (RFC 1982), alone or with a change; never goes back', () => {
      const served = readPdnsZone(ZONE, servedAs(base, 7));
      expect(planPdnsPatch(base, served, { serverSerial: false, floor: 100 }).serial).to.equal(100);
      expect(planPdnsPatch(base, served, { serverSerial: false, floor: 3 }).serial).to.equal(7);
      expect(planPdnsPatch(base, served, { serverSerial: false, floor: 3 }).changes).to.deep.equal([]);
      const wrapped = readPdnsZone(ZONE, servedAs(base, 4294967295));
      const next = desired(['www 300 A 192.0.2.9', '@ 300 MX 10 mail.example.com.', 'mail 300 A 192.0.2.2']);
      expect(planPdnsPatch(next, wrapped, { serverSerial: false }).serial).to.equal(1);
      expect(serialAfter(1, 4294967295)).to.equal(true);
    });

    it('never writes a serial when PowerDNS numbers it; the SOA only when its fields change', () => {
      const served = readPdnsZone(ZONE, servedAs(base, 2026120201));
      const next = desired(['www 300 A 192.0.2.9', '@ 300 MX 10 mail.example.com.', 'mail 300 A 192.0.2.2']);
      const plan = planPdnsPatch(next, served, { serverSerial: true, floor: 5 });
      expect(plan.changes.map((c) => c.type)).to.deep.equal(['A']);
      expect(plan.serial).to.equal(undefined);
      const soaChanged = desired(['www 300 A 192.0.2.1', '@ 300 MX 10 mail.example.com.', 'mail 300 A 192.0.2.2'], {
        soa: { ...SOA, refresh: 7200 },
      });
      const p2 = planPdnsPatch(soaChanged, served, { serverSerial: true });
      expect(p2.changes.map((c) => c.type)).to.deep.equal(['SOA']);
      expect(p2.changes[0]!.records![0]!.content, 'the serial it has').to.contain(' 2026120201 ');
    });

    it('a TTL change is a REPLACE', () => {
      const next = desired(['www 60 A 192.0.2.1', '@ 300 MX 10 mail.example.com.', 'mail 300 A 192.0.2.2']);
      const plan = planPdnsPatch(next, readPdnsZone(ZONE, servedAs(base)), { serverSerial: true });
      expect(plan.changes).to.deep.equal([
        {
          name: 'www.example.com.',
          type: 'A',
          ttl: 60,
          changetype: 'REPLACE',
          records: [{ content: '192.0.2.1', disabled: false }],
        },
      ]);
    });

    it('never deletes the SOA, and recreates one someone deleted', () => {
      const noSoa = servedAs(base).filter((s) => s.type !== 'SOA');
      const plan = planPdnsPatch(base, readPdnsZone(ZONE, noSoa), { serverSerial: false });
      expect(plan.changes.map((c) => `${c.changetype} ${c.type}`)).to.deep.equal(['REPLACE SOA']);
      expect(plan.changes.some((c) => c.changetype === 'DELETE' && c.type === 'SOA')).to.equal(false);
    });

    it('leaves unmanaged records alone: kept in a REPLACE of their RRset, never deleted, never compared', () => {
      const rules = {
        unmanagedRecords: [
          { name: '_acme-challenge.**', type: 'TXT' as const },
          { type: 'TXT' as const, value: 'heritage=*' },
        ],
      };
      const d = desired(
        ['www 300 A 192.0.2.1', '@ 300 TXT "v=spf1 -all"', '@ 300 MX 10 mail.example.com.', 'mail 300 A 192.0.2.2'],
        rules,
      );
      const served = readPdnsZone(ZONE, [
        ...servedAs(base),
        { name: '_acme-challenge.www.example.com.', type: 'TXT', ttl: 60, records: [{ content: '"token"' }] },
        { name: 'example.com.', type: 'TXT', ttl: 300, records: [{ content: '"heritage=external-dns"' }] },
      ]);
      const plan = planPdnsPatch(d, served, { serverSerial: true });
      expect(plan.changes).to.deep.equal([
        {
          name: 'example.com.',
          type: 'TXT',
          ttl: 300,
          changetype: 'REPLACE',
          records: [
            { content: '"v=spf1 -all"', disabled: false },
            { content: '"heritage=external-dns"', disabled: false },
          ],
        },
      ]);
      // the desired zone no longer has the SPF: the RRset keeps the unmanaged record alone
      const p2 = planPdnsPatch(base, readPdnsZone(ZONE, [...servedAs(d)]), { serverSerial: true });
      expect(p2.changes.map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.deep.equal(['DELETE example.com. TXT']);
      const d3 = desired(['www 300 A 192.0.2.1', '@ 300 MX 10 mail.example.com.', 'mail 300 A 192.0.2.2'], rules);
      const p3 = planPdnsPatch(
        d3,
        readPdnsZone(ZONE, [
          ...servedAs(base),
          {
            name: 'example.com.',
            type: 'TXT',
            ttl: 300,
            records: [{ content: '"heritage=x"' }, { content: '"v=spf1 -all"' }],
          },
        ]),
        { serverSerial: true },
      );
      expect(p3.changes).to.deep.equal([
        {
          name: 'example.com.',
          type: 'TXT',
          ttl: 300,
          changetype: 'REPLACE',
          records: [{ content: '"heritage=x"', disabled: false }],
        },
      ]);
    });
  });

  it('creates the zone in one POST: SOA first, every RRset, no nameservers of its own, the account', () => {
    const d = desired(['www 300 A 192.0.2.1']);
    const body = pdnsCreateBody(d, { kind: 'Master', soaEditApi: 'OFF', account: 'bindy:dns/z' }, 5);
    expect(body).to.include({ name: 'example.com.', kind: 'Master', soa_edit_api: 'OFF', account: 'bindy:dns/z' });
    expect(body.nameservers).to.deep.equal([]);
    expect(body.rrsets.map((s) => `${s.name} ${s.type}`)).to.deep.equal([
      'example.com. SOA',
      'example.com. NS',
      'www.example.com. A',
    ]);
    expect(body.rrsets[0]!.records[0]!.content).to.equal(soaContent(d.soa, 5));
  });

  it('changes only the zone settings that differ', () => {
    const want = { kind: 'Native' as const, soaEditApi: 'OFF' as const, account: 'bindy:dns/z' };
    expect(
      settingsChange({ id: 'x.', name: 'x.', kind: 'Native', soa_edit_api: 'OFF', account: 'bindy:dns/z' }, want),
    ).to.deep.equal({});
    expect(
      settingsChange({ id: 'x.', name: 'x.', kind: 'Master', soa_edit_api: 'DEFAULT', account: '' }, want),
    ).to.deep.equal({
      kind: 'Native',
      soa_edit_api: 'OFF',
      account: 'bindy:dns/z',
    });
  });

  it('finds the RRset a 422 names, in both of PowerDNS’s spellings', () => {
    expect(rrsetOfError('RRset alias.example.com. IN A: Conflicts with pre-existing RRset')).to.deep.equal({
      owner: 'alias.example.com.',
      type: 'A',
    });
    expect(rrsetOfError('Record WWW.example.com./HTTPS \'1 . alpn="h3"\': Not in expected format')).to.deep.equal({
      owner: 'www.example.com.',
      type: 'HTTPS',
    });
    expect(rrsetOfError("Key 'ttl' not an Integer or not present")).to.equal(undefined);
  });
});
