import { expect } from 'chai';
import { childName, isDnsLabel, labelValue } from '../../../hooks/children/names.js';

describe('hooks/children/names', () => {
  // https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names
  const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
  const table: { name: string; parts: string[]; expected?: string }[] = [
    { name: 'short names are joined unchanged', parts: ['prod-dns', 'primary-0'], expected: 'prod-dns-primary-0' },
    { name: 'a single part stays as is', parts: ['prod-dns-primary-0'], expected: 'prod-dns-primary-0' },
    {
      name: 'exactly 63 characters stays',
      parts: ['a'.repeat(53), 'primary-0'],
      expected: `${'a'.repeat(53)}-primary-0`,
    },
    { name: '64 characters are shortened with a hash', parts: ['a'.repeat(54), 'primary-0'] },
    { name: 'dots of subdomain names are replaced', parts: ['dns.example.com', 'config'] },
    { name: 'a leading digit gets a letter (Services need DNS-1035)', parts: ['1dns', 'keys'] },
    {
      name: 'a 253-character name',
      parts: [`${'x'.repeat(60)}.${'y'.repeat(60)}.${'z'.repeat(60)}.${'w'.repeat(70)}`, 'secondary-12'],
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const out = childName(...t.parts);
      expect(out.length).to.be.at.most(63);
      expect(out).to.match(dns1035);
      expect(isDnsLabel(out)).to.equal(true);
      if (t.expected) expect(out).to.equal(t.expected);
      else
        expect(out, 'keeps the last part readable').to.match(
          new RegExp(`-[0-9a-f]{8}-${t.parts[t.parts.length - 1]}$`),
        );
      expect(childName(...t.parts), 'stable').to.equal(out);
    });
  }

  it('keeps distinct long inputs distinct', () => {
    const a = childName(`${'a'.repeat(70)}-one`, 'primary-0');
    const b = childName(`${'a'.repeat(70)}-two`, 'primary-0');
    expect(a).to.not.equal(b);
  });

  it('labelValue keeps valid label values and shortens others', () => {
    expect(labelValue('prod-dns')).to.equal('prod-dns');
    expect(labelValue('Prod_DNS.v2')).to.equal('Prod_DNS.v2');
    const long = labelValue('x'.repeat(100));
    expect(long.length).to.be.at.most(63);
    expect(long).to.not.equal('x'.repeat(63));
  });
});
