import { expect } from 'chai';
import type { DNSRecord } from '../../../hooks/schema/generated.js';
import { absoluteTarget, canonicalZoneName, resolveOwner, toAsciiName } from '../../../dns/names.js';
import { recordRRs, txtData, txtOctets } from '../../../hooks/zone/records.js';

const rec = (kind: string, spec: Record<string, unknown>, name = 'r'): DNSRecord =>
  ({
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind,
    metadata: { name, namespace: 'dns' },
    spec,
  }) as unknown as DNSRecord;

describe('hooks/zone/names', () => {
  const owners: { input: string; expected: string | { outOfZone: boolean } }[] = [
    { input: '@', expected: 'example.com.' },
    { input: 'www', expected: 'www.example.com.' },
    { input: 'WWW.Sub', expected: 'www.sub.example.com.' },
    { input: 'host.example.com.', expected: 'host.example.com.' },
    { input: 'example.com.', expected: 'example.com.' },
    { input: 'www.example.org.', expected: { outOfZone: true } },
    { input: 'notexample.com.', expected: { outOfZone: true } },
    { input: 'bücher', expected: 'xn--bcher-kva.example.com.' },
    { input: 'münchen.de.example.com.', expected: 'xn--mnchen-3ya.de.example.com.' },
    { input: '*.apps', expected: '*.apps.example.com.' },
    // a relative name that repeats the zone is still relative (zone-file semantics)
    { input: 'www.example.com', expected: 'www.example.com.example.com.' },
  ];
  for (const { input, expected } of owners) {
    it(`resolves owner ${JSON.stringify(input)}`, () => {
      const r = resolveOwner('example.com', input);
      if (typeof expected === 'string') expect(r).to.deep.equal({ ok: true, name: expected });
      else expect(r).to.include({ ok: false, outOfZone: expected.outOfZone });
    });
  }
  it('converts IDN zone names and keeps ASCII ones', () => {
    expect(canonicalZoneName('Bücher.Example')).to.deep.equal({ ok: true, name: 'xn--bcher-kva.example' });
    expect(canonicalZoneName('Example.COM.')).to.deep.equal({ ok: true, name: 'example.com' });
    expect(canonicalZoneName('bad..name').ok).to.equal(false);
  });
  it('makes targets absolute without appending the zone', () => {
    expect(absoluteTarget('mail.example.net')).to.deep.equal({ ok: true, name: 'mail.example.net.' });
    expect(absoluteTarget('mail.example.net.')).to.deep.equal({ ok: true, name: 'mail.example.net.' });
    expect(absoluteTarget('.')).to.deep.equal({ ok: true, name: '.' });
  });
  it('refuses a one-label target instead of reading it as a top-level name (or completing it with the zone)', () => {
    expect(absoluteTarget('www', 'example.com')).to.deep.equal({
      ok: false,
      reason:
        '"www" is a single label: targets are fully qualified names (the trailing dot is optional), never relative to the zone; a name in this zone is written www.example.com',
    });
    expect(absoluteTarget('WWW').ok).to.equal(false);
    // with the dot it is an explicit absolute name
    expect(absoluteTarget('www.')).to.deep.equal({ ok: true, name: 'www.' });
    const r = recordRRs('example.com', rec('CNAMERecord', { name: 'alias', target: 'www' }), 3600);
    expect(r).to.deep.include({
      ok: false,
      reason: 'InvalidRecord',
      message:
        'spec.target: "www" is a single label: targets are fully qualified names (the trailing dot is optional), never relative to the zone; a name in this zone is written www.example.com',
    });
  });
  it('refuses labels IDNA cannot encode', () => {
    expect(toAsciiName('a\u0000ü').ok).to.equal(false);
  });
});

describe('hooks/zone/records', () => {
  const cases: { name: string; record: DNSRecord; expected: unknown }[] = [
    {
      name: 'A, seed spelling',
      record: rec('ARecord', { ipv4Address: '192.0.2.1' }, 'www'),
      expected: { ok: true, fqdn: 'www.example.com.', rrs: [{ name: 'www', type: 'A', ttl: 3600, data: '192.0.2.1' }] },
    },
    {
      name: 'A list with TTL',
      record: rec('ARecord', { name: '@', ipv4Addresses: ['192.0.2.2', '192.0.2.1'], ttl: 60 }),
      expected: {
        ok: true,
        fqdn: 'example.com.',
        rrs: [
          { name: '@', type: 'A', ttl: 60, data: '192.0.2.2' },
          { name: '@', type: 'A', ttl: 60, data: '192.0.2.1' },
        ],
      },
    },
    {
      name: 'AAAA canonicalised',
      record: rec('AAAARecord', { name: 'v6', ipv6Address: '2001:DB8:0:0:0:0:0:1' }),
      expected: {
        ok: true,
        fqdn: 'v6.example.com.',
        rrs: [{ name: 'v6', type: 'AAAA', ttl: 3600, data: '2001:db8::1' }],
      },
    },
    {
      name: 'CNAME target without dot',
      record: rec('CNAMERecord', { name: 'api', target: 'www.example.com' }),
      expected: {
        ok: true,
        fqdn: 'api.example.com.',
        rrs: [{ name: 'api', type: 'CNAME', ttl: 3600, data: 'www.example.com.' }],
      },
    },
    {
      name: 'MX',
      record: rec('MXRecord', { name: '@', priority: 10, mailServer: 'Mail.Example.com' }),
      expected: {
        ok: true,
        fqdn: 'example.com.',
        rrs: [{ name: '@', type: 'MX', ttl: 3600, data: '10 mail.example.com.' }],
      },
    },
    {
      name: 'NS delegation',
      record: rec('NSRecord', { name: 'dev', nameserver: 'ns1.example.net' }),
      expected: {
        ok: true,
        fqdn: 'dev.example.com.',
        rrs: [{ name: 'dev', type: 'NS', ttl: 3600, data: 'ns1.example.net.' }],
      },
    },
    {
      name: 'SRV',
      record: rec('SRVRecord', { name: '_sip._tcp', priority: 1, weight: 2, port: 5060, target: 'sip.example.net' }),
      expected: {
        ok: true,
        fqdn: '_sip._tcp.example.com.',
        rrs: [{ name: '_sip._tcp', type: 'SRV', ttl: 3600, data: '1 2 5060 sip.example.net.' }],
      },
    },
    {
      name: 'SRV no service',
      record: rec('SRVRecord', { name: '_x._tcp', priority: 0, weight: 0, port: 0, target: '.' }),
      expected: {
        ok: true,
        fqdn: '_x._tcp.example.com.',
        rrs: [{ name: '_x._tcp', type: 'SRV', ttl: 3600, data: '0 0 0 .' }],
      },
    },
    {
      name: 'CAA',
      record: rec('CAARecord', { name: '@', flags: 128, tag: 'issue', value: 'ca.example.net' }),
      expected: {
        ok: true,
        fqdn: 'example.com.',
        rrs: [{ name: '@', type: 'CAA', ttl: 3600, data: '128 issue "ca.example.net"' }],
      },
    },
    {
      name: 'TXT entries are separate RRs',
      record: rec('TXTRecord', { name: 't', text: ['a b', 'c'] }),
      expected: {
        ok: true,
        fqdn: 't.example.com.',
        rrs: [
          { name: 't', type: 'TXT', ttl: 3600, data: '"a b"' },
          { name: 't', type: 'TXT', ttl: 3600, data: '"c"' },
        ],
      },
    },
    {
      name: 'IDN owner',
      record: rec('ARecord', { name: 'bücher', ipv4Address: '192.0.2.9' }),
      expected: {
        ok: true,
        fqdn: 'xn--bcher-kva.example.com.',
        rrs: [{ name: 'xn--bcher-kva', type: 'A', ttl: 3600, data: '192.0.2.9' }],
      },
    },
    {
      name: 'absolute owner outside the zone',
      record: rec('ARecord', { name: 'x.example.org.', ipv4Address: '192.0.2.9' }),
      expected: {
        ok: false,
        reason: 'OutOfZone',
        message: 'spec.name: "x.example.org." is not inside zone example.com',
      },
    },
    {
      name: 'bad address names its field',
      record: rec('ARecord', { ipv4Addresses: ['192.0.2.1', '192.0.2.300'] }),
      expected: {
        ok: false,
        fqdn: 'r.example.com.',
        reason: 'InvalidRecord',
        message: 'spec.ipv4Addresses[1]: "192.0.2.300" is not an IPv4 address (dotted quad, no leading zeros)',
      },
    },
    {
      name: 'CNAME target that is an IP',
      record: rec('CNAMERecord', { target: '192.0.2.1' }),
      expected: {
        ok: false,
        fqdn: 'r.example.com.',
        reason: 'InvalidRecord',
        message: 'spec.target: CNAME target "192.0.2.1." looks like an IP address, not a domain name',
      },
    },
    {
      name: 'A without data',
      record: rec('ARecord', {}),
      expected: {
        ok: false,
        fqdn: 'r.example.com.',
        reason: 'InvalidRecord',
        message: 'spec.ipv4Address: is required',
      },
    },
  ];
  for (const c of cases) {
    it(`turns ${c.name} into RRs`, () => expect(recordRRs('example.com', c.record, 3600)).to.deep.equal(c.expected));
  }

  it('serves valid data the CRDs used to refuse: a null MX, an internationalised target, an empty TXT string', () => {
    const rrs = (kind: string, spec: Record<string, unknown>) => {
      const r = recordRRs('example.com', rec(kind, { name: '@', ...spec }), 3600);
      return r.ok ? r.rrs.map((x) => x.data) : r.message;
    };
    expect(rrs('MXRecord', { priority: 0, mailServer: '.' })).to.deep.equal(['0 .']);
    expect(rrs('MXRecord', { priority: 10, mailServer: '.' })).to.equal(
      'spec.mailServer: a null MX (exchange ".", RFC 7505) has preference 0',
    );
    expect(rrs('CNAMERecord', { name: 'shop', target: 'münchen.example.de' })).to.deep.equal([
      'xn--mnchen-3ya.example.de.',
    ]);
    expect(rrs('TXTRecord', { text: [''] })).to.deep.equal(['""']);
  });

  it('names spec.flags for a CAA flag with a reserved bit, and refuses an iodef that is no URL (RFC 8659 §4.1, §4.4)', () => {
    const caa = (spec: Record<string, unknown>) =>
      recordRRs('example.com', rec('CAARecord', { name: '@', tag: 'issue', value: 'ca.example.net', ...spec }), 3600);
    expect(caa({ flags: 1 })).to.deep.include({
      ok: false,
      reason: 'InvalidRecord',
      message:
        'spec.flags: CAA flags 1 set a reserved bit: only 0 and 128 (issuer critical) are defined (RFC 8659 §4.1)',
    });
    expect(caa({ tag: 'iodef', value: 'security' })).to.deep.include({
      ok: false,
      message: 'spec.value: a CAA iodef value must be a mailto: or http(s):// URL (RFC 8659 §4.4)',
    });
    expect(caa({ flags: 128, tag: 'iodef', value: 'mailto:security@example.com' })).to.deep.include({ ok: true });
  });

  it('gives a CAA record without flags the CRD’s default, 0', () => {
    const r = recordRRs('example.com', rec('CAARecord', { name: '@', tag: 'issue', value: 'ca.example.net' }), 3600);
    expect(r).to.deep.equal({
      ok: true,
      fqdn: 'example.com.',
      rrs: [{ name: '@', type: 'CAA', ttl: 3600, data: '0 issue "ca.example.net"' }],
    });
  });

  it('splits TXT values into ≤255-octet strings, never inside a UTF-8 sequence', () => {
    const long = 'a'.repeat(254) + 'é' + 'b'.repeat(10); // é is 2 octets and would straddle octet 255
    expect(txtData(long)).to.equal(`"${'a'.repeat(254)}" "\\195\\169${'b'.repeat(10)}"`);
    expect(
      txtData('x'.repeat(600))
        .split(' ')
        .map((s) => s.length - 2),
    ).to.deep.equal([255, 255, 90]);
    expect(txtData('')).to.equal('""');
  });
  it('escapes quotes and backslashes, decoding the CRD-style escapes once', () => {
    expect(txtData('say "hi"')).to.equal('"say \\"hi\\""');
    expect(txtData('say \\"hi\\"')).to.equal('"say \\"hi\\""');
    expect(txtData('a\\\\b')).to.equal('"a\\\\b"');
    expect([...txtOctets('\\065')]).to.deep.equal([65]);
  });
});
