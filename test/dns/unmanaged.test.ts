import { expect } from 'chai';
import { describeUnmanagedRule, unmanagedMatcher, unmanagedRuleError } from '../../dns/unmanaged.js';

describe('dns/unmanaged', () => {
  const z = 'example.com';
  const m = unmanagedMatcher(z, [
    { name: '_acme-challenge.**' },
    { name: 'h?.*', type: 'A' },
    { type: 'TXT', value: 'heritage=external-dns,*' },
    { name: '@', type: 'MX' },
  ]);

  it('name globs: * within a label, ** across labels, ? one character, case-insensitive; @ is the apex', () => {
    expect(m('_acme-challenge.www.example.com.', 'TXT', '"x"')).to.equal(0);
    expect(m('_ACME-challenge.a.b.example.com.', 'TXT', '"x"')).to.equal(0);
    expect(m('_acme-challenge.example.com.', 'TXT', '"x"')).to.equal(-1);
    expect(m('h1.lab.example.com.', 'A', '192.0.2.1')).to.equal(1);
    expect(m('h1.lab.dc.example.com.', 'A', '192.0.2.1')).to.equal(-1);
    expect(m('h12.lab.example.com.', 'A', '192.0.2.1')).to.equal(-1);
    expect(m('h1.lab.example.com.', 'AAAA', '2001:db8::1')).to.equal(-1);
    expect(m('example.com.', 'MX', '10 mail.example.com.')).to.equal(3);
    expect(m('www.example.com.', 'MX', '10 mail.example.com.')).to.equal(-1);
  });

  it('TXT values match the text (strings joined, unquoted) or the presentation form', () => {
    expect(m('www.example.com.', 'TXT', '"heritage=external-dns,external-dns/owner=default"')).to.equal(2);
    expect(m('www.example.com.', 'TXT', '"heritage=external-dns," "external-dns/owner=a"')).to.equal(2);
    expect(m('www.example.com.', 'TXT', '"v=spf1 -all"')).to.equal(-1);
    const byData = unmanagedMatcher(z, [{ value: '10 *.example.net.' }]);
    expect(byData('example.com.', 'MX', '10 mx.example.net.')).to.equal(0);
    expect(byData('example.com.', 'MX', '20 mx.example.net.')).to.equal(-1);
  });

  it('refuses a rule that gives nothing or a name no owner could have; such a rule matches nothing', () => {
    expect(unmanagedRuleError({})?.part).to.equal('rule');
    expect(unmanagedRuleError({ name: 'a b' })?.part).to.equal('name');
    expect(unmanagedRuleError({ name: '*.dev' })).to.equal(undefined);
    expect(unmanagedMatcher(z, [{}])('www.example.com.', 'A', '192.0.2.1')).to.equal(-1);
    expect(describeUnmanagedRule({ name: 'x', type: 'TXT', value: 'y' })).to.equal('name "x", type TXT, value "y"');
  });
});
