import { expect } from 'chai';
import {
  canonicalIPv6,
  canonicalRecord,
  parseCharacterStrings,
  parseRdata,
  rdataFromWire,
  rdataToWire,
  formatRdata,
} from '../../dns/rdata.js';
import { absoluteOwner, checkAbsoluteName, checkZoneName, relativeOwner } from '../../dns/names.js';
import type { RecordType } from '../../dns/contract.js';

const Z = 'example.com';

describe('dns/rdata canonicalRecord', () => {
  it('refuses an SRV owner without _service._proto leading labels (RFC 2782), naming the name', () => {
    expect(
      canonicalRecord('example.com', { name: 'sip', type: 'SRV', ttl: 60, data: '10 5 5060 sip.example.net.' }),
    ).to.deep.equal({
      ok: false,
      field: 'name',
      message: 'an SRV owner starts with _service._proto (RFC 2782), not "sip"',
    });
    expect(
      canonicalRecord('example.com', { name: '_sip._tcp.eu', type: 'SRV', ttl: 60, data: '10 5 5060 sip.example.net.' })
        .ok,
    ).to.equal(true);
  });

  // Valid presentation forms per RFC 1035 §5.1, RFC 3596 §2.4, RFC 2782, RFC 8659 §4.1 → canonical form.
  const valid: {
    name: string;
    in: { name: string; type: string; data: string };
    out: { name: string; data: string };
  }[] = [
    { name: 'A', in: { name: 'www', type: 'A', data: '192.0.2.1' }, out: { name: 'www', data: '192.0.2.1' } },
    { name: 'A at apex', in: { name: '@', type: 'A', data: '192.0.2.1' }, out: { name: '@', data: '192.0.2.1' } },
    {
      name: 'A absolute owner',
      in: { name: 'WWW.Example.COM.', type: 'a', data: '192.0.2.1' },
      out: { name: 'www', data: '192.0.2.1' },
    },
    {
      name: 'A wildcard',
      in: { name: '*.dev', type: 'A', data: '192.0.2.1' },
      out: { name: '*.dev', data: '192.0.2.1' },
    },
    {
      name: 'AAAA compressed',
      in: { name: 'v6', type: 'AAAA', data: '2001:DB8:0:0:0:0:0:1' },
      out: { name: 'v6', data: '2001:db8::1' },
    },
    {
      name: 'AAAA first longest run',
      in: { name: 'v6', type: 'AAAA', data: '2001:db8:0:0:1:0:0:1' },
      out: { name: 'v6', data: '2001:db8::1:0:0:1' },
    },
    {
      name: 'AAAA v4 tail',
      in: { name: 'v6', type: 'AAAA', data: '::ffff:192.0.2.1' },
      out: { name: 'v6', data: '::ffff:c000:201' },
    },
    {
      name: 'CNAME',
      in: { name: 'alias', type: 'CNAME', data: 'WWW.example.com.' },
      out: { name: 'alias', data: 'www.example.com.' },
    },
    {
      name: 'CNAME out of zone',
      in: { name: 'alias', type: 'CNAME', data: 'target.example.net.' },
      out: { name: 'alias', data: 'target.example.net.' },
    },
    {
      name: 'MX',
      in: { name: '@', type: 'MX', data: '10   mail.example.com.' },
      out: { name: '@', data: '10 mail.example.com.' },
    },
    {
      name: 'TXT quoted chunks',
      in: { name: '@', type: 'TXT', data: '"v=spf1 -all" "two"' },
      out: { name: '@', data: '"v=spf1 -all" "two"' },
    },
    {
      name: 'TXT unquoted',
      in: { name: '@', type: 'TXT', data: 'hello world' },
      out: { name: '@', data: '"hello" "world"' },
    },
    {
      name: 'TXT escapes',
      in: { name: 't', type: 'TXT', data: '"a\\"b\\\\c\\010d"' },
      out: { name: 't', data: '"a\\"b\\\\c\\010d"' },
    },
    { name: 'TXT empty', in: { name: 't', type: 'TXT', data: '""' }, out: { name: 't', data: '""' } },
    {
      name: 'TXT utf-8 → \\DDD',
      in: { name: 't', type: 'TXT', data: '"é"' },
      out: { name: 't', data: '"\\195\\169"' },
    },
    {
      name: 'TXT semicolon inside quotes',
      in: { name: 't', type: 'TXT', data: '"a;b"' },
      out: { name: 't', data: '"a;b"' },
    },
    {
      name: 'TXT _acme owner',
      in: { name: '_acme-challenge.www', type: 'TXT', data: '"tok"' },
      out: { name: '_acme-challenge.www', data: '"tok"' },
    },
    {
      name: 'NS delegation',
      in: { name: 'sub', type: 'NS', data: 'ns1.sub.example.com.' },
      out: { name: 'sub', data: 'ns1.sub.example.com.' },
    },
    {
      name: 'SRV',
      in: { name: '_sip._tcp', type: 'SRV', data: '10 5 5060 sip.example.com.' },
      out: { name: '_sip._tcp', data: '10 5 5060 sip.example.com.' },
    },
    {
      name: 'SRV no service',
      in: { name: '_x._tcp', type: 'SRV', data: '0 0 0 .' },
      out: { name: '_x._tcp', data: '0 0 0 .' },
    },
    {
      name: 'CAA',
      in: { name: '@', type: 'CAA', data: '0 ISSUE "letsencrypt.org"' },
      out: { name: '@', data: '0 issue "letsencrypt.org"' },
    },
    {
      name: 'CAA unquoted',
      in: { name: '@', type: 'CAA', data: '128 iodef mailto:a@example.com' },
      out: { name: '@', data: '128 iodef "mailto:a@example.com"' },
    },
    {
      name: 'PTR',
      in: { name: '1', type: 'PTR', data: 'host.example.com.' },
      out: { name: '1', data: 'host.example.com.' },
    },
  ];
  for (const c of valid) {
    it(`accepts and canonicalises ${c.name}`, () => {
      const r = canonicalRecord(Z, { ...c.in, ttl: 300 });
      expect(r).to.deep.equal({
        ok: true,
        value: { name: c.out.name, type: c.in.type.toUpperCase(), ttl: 300, data: c.out.data },
      });
    });
  }

  // Invalid inputs: each names the field it fails on.
  const invalid: { name: string; rec: { name: string; type: string; ttl?: number; data: string }; field: string }[] = [
    { name: 'unknown type', rec: { name: 'x', type: 'CERT', data: '1 0 0 AQID' }, field: 'type' },
    { name: 'SOA type', rec: { name: '@', type: 'SOA', data: 'a. b. 1 2 3 4 5' }, field: 'type' },
    { name: 'negative ttl', rec: { name: 'x', type: 'A', ttl: -1, data: '192.0.2.1' }, field: 'ttl' },
    { name: 'ttl above 2^31-1', rec: { name: 'x', type: 'A', ttl: 2 ** 31, data: '192.0.2.1' }, field: 'ttl' },
    { name: 'A with leading zeros', rec: { name: 'x', type: 'A', data: '192.000.2.1' }, field: 'data' },
    { name: 'A with v6', rec: { name: 'x', type: 'A', data: '2001:db8::1' }, field: 'data' },
    { name: 'A out of range', rec: { name: 'x', type: 'A', data: '256.1.1.1' }, field: 'data' },
    {
      name: 'A owner underscore (check-names)',
      rec: { name: 'under_score', type: 'A', data: '192.0.2.1' },
      field: 'name',
    },
    { name: 'AAAA garbage', rec: { name: 'x', type: 'AAAA', data: '2001:db8::g' }, field: 'data' },
    { name: 'AAAA zone id', rec: { name: 'x', type: 'AAAA', data: 'fe80::1%eth0' }, field: 'data' },
    { name: 'CNAME relative target', rec: { name: 'x', type: 'CNAME', data: 'www' }, field: 'data' },
    { name: 'CNAME IP as name', rec: { name: 'x', type: 'CNAME', data: '192.0.2.1.' }, field: 'data' },
    { name: 'CNAME two targets', rec: { name: 'x', type: 'CNAME', data: 'a.example. b.example.' }, field: 'data' },
    { name: 'MX missing preference', rec: { name: 'x', type: 'MX', data: 'mail.example.com.' }, field: 'data' },
    { name: 'MX preference too big', rec: { name: 'x', type: 'MX', data: '70000 mail.example.com.' }, field: 'data' },
    { name: 'MX underscore host', rec: { name: 'x', type: 'MX', data: '10 m_x.example.com.' }, field: 'data' },
    { name: 'SRV three fields', rec: { name: '_s._tcp', type: 'SRV', data: '1 2 sip.example.com.' }, field: 'data' },
    { name: 'CAA flags too big', rec: { name: '@', type: 'CAA', data: '256 issue "x"' }, field: 'data' },
    { name: 'CAA two values', rec: { name: '@', type: 'CAA', data: '0 issue "a" "b"' }, field: 'data' },
    // RFC 8659 §4.1: only bit 0 (128) is defined; a record MUST clear the reserved bits
    { name: 'CAA reserved flag bit', rec: { name: '@', type: 'CAA', data: '1 issue "x"' }, field: 'data' },
    { name: 'CAA reserved beside critical', rec: { name: '@', type: 'CAA', data: '129 issue "x"' }, field: 'data' },
    // RFC 8659 §4.4 (and the CAARecord CEL rule): an iodef value is a mailto: or http(s):// URL
    { name: 'CAA iodef not a URL', rec: { name: '@', type: 'CAA', data: '0 iodef "security"' }, field: 'data' },
    { name: 'TXT chunk over 255', rec: { name: 't', type: 'TXT', data: `"${'a'.repeat(256)}"` }, field: 'data' },
    { name: 'TXT unterminated', rec: { name: 't', type: 'TXT', data: '"abc' }, field: 'data' },
    { name: 'TXT newline', rec: { name: 't', type: 'TXT', data: '"a\nb"' }, field: 'data' },
    { name: 'TXT unquoted semicolon', rec: { name: 't', type: 'TXT', data: 'a;b' }, field: 'data' },
    { name: 'TXT \\DDD over 255', rec: { name: 't', type: 'TXT', data: '"\\300"' }, field: 'data' },
    { name: 'owner outside zone', rec: { name: 'www.example.net.', type: 'TXT', data: '"x"' }, field: 'name' },
    { name: 'owner inner wildcard', rec: { name: 'a.*.b', type: 'TXT', data: '"x"' }, field: 'name' },
    { name: 'owner with space', rec: { name: 'a b', type: 'TXT', data: '"x"' }, field: 'name' },
    { name: 'owner $INCLUDE', rec: { name: '$INCLUDE', type: 'TXT', data: '"x"' }, field: 'name' },
    { name: 'owner label > 63', rec: { name: 'a'.repeat(64), type: 'TXT', data: '"x"' }, field: 'name' },
    { name: 'owner empty label', rec: { name: 'a..b', type: 'TXT', data: '"x"' }, field: 'name' },
  ];
  for (const c of invalid) {
    it(`rejects ${c.name} naming field ${c.field}`, () => {
      const r = canonicalRecord(Z, { ttl: 300, ...c.rec });
      expect(r.ok).to.equal(false);
      if (!r.ok) {
        expect(r.field).to.equal(c.field);
        expect(r.message).to.have.length.greaterThan(0);
      }
    });
  }
});

describe('dns/rdata wire', () => {
  const cases: [RecordType, string][] = [
    ['A', '192.0.2.1'],
    ['AAAA', '2001:db8::1'],
    ['CNAME', 'www.example.com.'],
    ['MX', '10 mail.example.com.'],
    ['TXT', '"a\\"b" "\\000"'],
    ['NS', 'ns1.example.com.'],
    ['SRV', '1 2 3 t.example.com.'],
    ['CAA', '0 issue "letsencrypt.org"'],
    ['PTR', 'host.example.com.'],
  ];
  for (const [type, data] of cases) {
    it(`round-trips ${type} through wire form`, () => {
      const p = parseRdata(type, data);
      expect(p.ok).to.equal(true);
      if (!p.ok) return;
      const wire = rdataToWire(p.value);
      expect(formatRdata(rdataFromWire(type, wire, 0, wire.length))).to.equal(data);
    });
  }
});

describe('dns/names', () => {
  const zones: [string, string | null][] = [
    ['example.com', 'example.com'],
    ['Example.COM.', 'example.com'],
    ['2.0.192.in-addr.arpa', '2.0.192.in-addr.arpa'],
    ['_msdcs.example.com', '_msdcs.example.com'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['', null],
    ['.', null],
    ['../etc', null],
    ['a/b', null],
    ['-rf.example', null],
    ['a..b', null],
    ['a b', null],
    ['zone";foo', null],
    [`${'a'.repeat(64)}.com`, null],
    [Array(130).fill('a').join('.'), null],
  ];
  for (const [input, want] of zones) {
    it(`zone name ${JSON.stringify(input.slice(0, 40))} → ${want ?? 'rejected'}`, () => {
      const c = checkZoneName(input);
      if (want === null) expect(c.ok).to.equal(false);
      else expect(c).to.deep.equal({ ok: true, name: want });
    });
  }
  it('resolves and relativises owners', () => {
    expect(absoluteOwner('example.com', '@')).to.deep.equal({ ok: true, name: 'example.com.' });
    expect(absoluteOwner('example.com', 'a.b')).to.deep.equal({ ok: true, name: 'a.b.example.com.' });
    expect(relativeOwner('example.com', 'a.b.example.com.')).to.equal('a.b');
    expect(relativeOwner('example.com', 'example.com.')).to.equal('@');
  });
  it('requires absolute rdata names and rejects numeric TLDs', () => {
    expect(checkAbsoluteName('host.example', false).ok).to.equal(false);
    expect(checkAbsoluteName('10.0.0.1.', false).ok).to.equal(false);
  });
  it('parses character-strings with every escape form', () => {
    const r = parseCharacterStrings('"a b" c\\032d "\\"" ""');
    expect(Array.isArray(r)).to.equal(true);
    expect((r as Buffer[]).map((b) => b.toString('latin1'))).to.deep.equal(['a b', 'c d', '"', '']);
  });
  it('formats IPv6 per RFC 5952', () => {
    expect(canonicalIPv6('2001:db8:0:0:0:0:2:1')).to.equal('2001:db8::2:1');
    expect(canonicalIPv6('2001:db8:0:1:1:1:1:1')).to.equal('2001:db8:0:1:1:1:1:1');
    expect(canonicalIPv6('::')).to.equal('::');
  });
});
