/**
 * The one reader of named `key` statements: the update key file and rndc.conf.
 */
import { expect } from 'chai';
import { keyStatements, parseKeyFile, parseRndcConf } from '../../bindcar/key-file.js';

describe('bindcar/key-file', () => {
  it('reads hmac-sha256 keys from a named key file', () => {
    const text =
      'key "other" { algorithm hmac-md5; secret "AAAA"; };\nkey "bindcar-update" {\n  algorithm hmac-sha256;\n  secret "c2VjcmV0";\n};\n';
    expect(parseKeyFile(text, 'bindcar-update')).to.deep.equal({ name: 'bindcar-update', secret: 'c2VjcmV0' });
    expect(parseKeyFile(text, 'other')).to.match(/hmac-sha256/);
    expect(parseKeyFile(text, 'missing')).to.match(/no key/);
  });

  it('reads the default key and server from an rndc.conf', () => {
    const text =
      'key "other" { algorithm hmac-md5; secret "AAAA"; };\nkey "rndc-key" { algorithm hmac-sha256; secret "c2VjcmV0"; };\noptions { default-key "rndc-key"; default-server 127.0.0.1; default-port 9953; };\n';
    expect(parseRndcConf(text)).to.deep.equal({ secret: 'c2VjcmV0', server: '127.0.0.1', port: 9953 });
    expect(parseRndcConf('key "k" { algorithm hmac-md5; secret "AAAA"; };')).to.equal(undefined);
  });

  it('lists every key statement and skips what only mentions a key', () => {
    const text =
      'key rndc-key { algorithm HMAC-SHA256; secret "c2VjcmV0"; };\nserver 127.0.0.1 { key "rndc-key"; };\noptions { default-key "rndc-key"; default-server localhost; };\n';
    expect(keyStatements(text)).to.deep.equal([{ name: 'rndc-key', algorithm: 'HMAC-SHA256', secret: 'c2VjcmV0' }]);
    // a default-server that is not an address is left to the rndc binary
    expect(parseRndcConf(text)).to.deep.equal({ secret: 'c2VjcmV0' });
  });
});
