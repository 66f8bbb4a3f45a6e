import { expect } from 'chai';
import {
  keyBytes,
  parseKeyFile,
  randomKey,
  renderKeyFile,
  resolveKey,
  type TsigAlgorithm,
} from '../../../hooks/children/keys.js';
import { fakeKeys } from './support.js';

describe('hooks/children/keys', () => {
  const secret = Buffer.alloc(32, 1).toString('base64');

  it('renders a BIND key statement and parses it back', () => {
    const text = renderKeyFile({ name: 'bindy-rndc', algorithm: 'hmac-sha256', secret });
    expect(text).to.equal(`key "bindy-rndc" {\n  algorithm hmac-sha256;\n  secret "${secret}";\n};\n`);
    expect(parseKeyFile(text)).to.deep.equal({ algorithm: 'hmac-sha256', secret });
  });

  const bad: [string, string][] = [
    ['not a key file', 'hello'],
    ['unknown algorithm', `key "k" {\n  algorithm hmac-md5;\n  secret "${secret}";\n};\n`],
    ['secret not base64', 'key "k" {\n  algorithm hmac-sha256;\n  secret "abc";\n};\n'],
    ['injected statement', `key "k" {\n  algorithm hmac-sha256;\n  secret "${secret}";\n};\ncontrols {};\n`],
  ];
  for (const [name, text] of bad)
    it(`parseKeyFile rejects ${name}`, () => expect(parseKeyFile(text)).to.equal(undefined));

  it('refuses to render unsafe names or secrets', () => {
    expect(() => renderKeyFile({ name: 'a"b', algorithm: 'hmac-sha256', secret })).to.throw(/safe BIND key name/);
    expect(() => renderKeyFile({ name: 'k', algorithm: 'hmac-sha256', secret: 'x";' })).to.throw(/not base64/);
  });

  it('reuses a known secret without calling the generator', () => {
    const gen = fakeKeys();
    expect(resolveKey('k', 'hmac-sha512', secret, gen)).to.deep.equal({ name: 'k', algorithm: 'hmac-sha512', secret });
    expect(gen.calls).to.equal(0);
  });

  for (const alg of ['hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as TsigAlgorithm[]) {
    it(`generates ${keyBytes(alg)} random bytes for ${alg}`, () => {
      const k = resolveKey('k', alg, undefined, randomKey);
      expect(Buffer.from(k.secret, 'base64')).to.have.length(keyBytes(alg));
      expect(resolveKey('k', alg, undefined, randomKey).secret).to.not.equal(k.secret);
    });
  }
});
