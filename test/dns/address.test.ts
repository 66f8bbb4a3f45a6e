/**
 * The one reader of addresses in bindcar's inputs.
 */
import { expect } from 'chai';
import { addressFamily, canonicalIP, splitHostPort } from '../../dns/address.js';

describe('bindcar/address', () => {
  const cases: [string, { names?: boolean }, { host: string; port?: string }][] = [
    ['192.0.2.1:53', {}, { host: '192.0.2.1', port: '53' }],
    ['[2001:db8::1]:5300', {}, { host: '2001:db8::1', port: '5300' }],
    ['2001:db8::1', {}, { host: '2001:db8::1' }],
    ['2001:db8:0:0:0:0:0:1', { names: true }, { host: '2001:db8:0:0:0:0:0:1' }],
    ['192.0.2.1', {}, { host: '192.0.2.1' }],
    // a name is split only where names are allowed; elsewhere the entry stays whole for the error
    ['ns.example:53', {}, { host: 'ns.example:53' }],
    ['ns.example:53', { names: true }, { host: 'ns.example', port: '53' }],
    ['[zz]:53', { names: true }, { host: '[zz]:53' }],
    ['192.0.2.1:123456', {}, { host: '192.0.2.1:123456' }],
  ];
  for (const [input, opts, want] of cases)
    it(`splits ${input}${opts.names ? ' (names)' : ''}`, () => expect(splitHostPort(input, opts)).to.deep.equal(want));

  it('canonicalises and sorts addresses by family', () => {
    expect(canonicalIP('2001:DB8:0::1')).to.equal('2001:db8::1');
    expect(canonicalIP('192.0.2.01')).to.equal(undefined);
    expect(addressFamily('2001:db8::1')).to.equal(6);
    expect(addressFamily('192.0.2.1')).to.equal(4);
  });
});
