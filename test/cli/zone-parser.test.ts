import { expect } from 'chai';
import { parseTtl, parseZoneFile, tokenize } from '../../cli/zone-parser.js';

describe('cli/zone-parser', () => {
  describe('parseTtl', () => {
    const cases: [string, number | undefined][] = [
      ['300', 300],
      ['1h', 3600],
      ['1h30m', 5400],
      ['1W2d', 7 * 86400 + 2 * 86400],
      ['IN', undefined],
      ['1x', undefined],
    ];
    for (const [text, want] of cases) it(`reads ${text}`, () => expect(parseTtl(text)).to.equal(want));
  });

  it('joins parentheses across lines and drops comments', () => {
    const { lines, problems } = tokenize('@ IN SOA ns1 host ( ; comment\n 1 ; serial\n 2 3 4 5 )\nwww A 192.0.2.1\n');
    expect(problems).to.deep.equal([]);
    expect(lines).to.have.length(2);
    expect(lines[0]?.tokens.map((t) => t.text)).to.deep.equal([
      '@',
      'IN',
      'SOA',
      'ns1',
      'host',
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('keeps quoted strings with their escapes and semicolons', () => {
    const { lines } = tokenize('t TXT "a;b" "say \\"hi\\"" plain\n');
    expect(lines[0]?.tokens.slice(2)).to.deep.equal([
      { text: 'a;b', quoted: true },
      { text: 'say \\"hi\\"', quoted: true },
      { text: 'plain', quoted: false },
    ]);
  });

  it('resolves $ORIGIN, $TTL, @, relative names and blank-owner continuation', () => {
    const text = [
      '$TTL 1h',
      '$ORIGIN example.com.',
      '@ IN SOA ns1 hostmaster 1 7200 600 86400 300',
      '  IN NS ns1',
      'www 60 IN A 192.0.2.1',
      '    IN A 192.0.2.2',
      '$ORIGIN sub.example.com.',
      'host CNAME www.example.com.',
      'Upper.Example.COM. A 192.0.2.9',
    ].join('\n');
    const { records, problems } = parseZoneFile(text, 'example.com');
    expect(problems).to.deep.equal([]);
    expect(records.map((r) => [r.owner, r.ttl, r.type, r.rdata.map((t) => t.text).join(' ')])).to.deep.equal([
      ['example.com.', 3600, 'SOA', 'ns1 hostmaster 1 7200 600 86400 300'],
      ['example.com.', 3600, 'NS', 'ns1'],
      ['www.example.com.', 60, 'A', '192.0.2.1'],
      ['www.example.com.', 3600, 'A', '192.0.2.2'],
      ['host.sub.example.com.', 3600, 'CNAME', 'www.example.com.'],
      ['upper.example.com.', 3600, 'A', '192.0.2.9'],
    ]);
  });

  it('takes the SOA minimum as default TTL when there is no $TTL (RFC 2308)', () => {
    const { records } = parseZoneFile('@ SOA ns1 h 1 2 3 4 77\nwww A 192.0.2.1\n', 'example.com.');
    expect(records[1]?.ttl).to.equal(77);
  });

  it('reports $INCLUDE, unbalanced parentheses and unterminated strings with line numbers', () => {
    const { problems } = parseZoneFile('$TTL 60\n$INCLUDE /etc/passwd\nx TXT "open\n', 'example.com');
    expect(problems.map((p) => p.line)).to.include(2);
    expect(problems.map((p) => p.message).join('\n'))
      .to.match(/\$INCLUDE is not supported/)
      .and.match(/unterminated/);
    expect(parseZoneFile('$TTL 60\n@ SOA a b ( 1 2 3 4 5\n', 'x.').problems[0]?.message).to.match(/unbalanced "\("/);
  });

  it('reports a record without TTL when nothing supplies one', () => {
    const { problems, records } = parseZoneFile('www A 192.0.2.1\n', 'example.com');
    expect(records).to.deep.equal([]);
    expect(problems[0]?.message).to.match(/no TTL/);
  });
});
