/**
 * The native control-channel client against a real named, and its codec.
 */
import { expect } from 'chai';
import { decodeControlMessage, encodeControlMessage, createNativeRndc } from '../../bindcar/rndc-native.js';
import { RndcError } from '../../bindcar/rndc.js';
import { NamedTimeoutError, NamedUnavailableError } from '../../bindcar/errors.js';
import { freePort, startNamed, type NamedInstance } from '../support/named.js';

describe('bindcar/rndc-native', function () {
  this.timeout(30000);
  let named: NamedInstance;
  before(async () => {
    named = await startNamed();
  });
  after(async () => {
    await named?.stop();
  });
  const client = (over: Partial<Parameters<typeof createNativeRndc>[0]> = {}) =>
    createNativeRndc({
      host: '127.0.0.1',
      port: named.rndcPort,
      secret: named.rndcKey.secret,
      timeoutMs: 2000,
      ...over,
    });

  it('runs commands and returns their text like the rndc binary', async () => {
    expect(await client().run(['status'])).to.match(/server is up and running/);
    expect(await client().run(['status'])).to.equal(await named.rndc('status'));
  });

  it('keeps its connection: commands one after another share one, commands at once open more', async () => {
    let opened = 0;
    const c = client({ onConnect: () => opened++ });
    for (let i = 0; i < 5; i++) expect(await c.run(['status'])).to.match(/server is up and running/);
    // a refused command leaves the connection usable
    await c.run(['zonestatus', 'missing.test']).catch(() => undefined);
    expect(await c.run(['status'])).to.match(/server is up and running/);
    expect(opened).to.be.at.most(2);
    const before = opened;
    await Promise.all([0, 1, 2].map(() => c.run(['status'])));
    expect(opened - before).to.be.within(1, 3);
  });

  it('maps a failed command to RndcError with rndc-like stderr', async () => {
    const e = await client()
      .run(['zonestatus', 'missing.test'])
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(e).to.be.instanceOf(RndcError);
    expect((e as RndcError).notFound).to.equal(true);
    expect((e as RndcError).stderr).to.match(/^rndc: 'zonestatus' failed: not found/);
  });

  it('adds a zone in one call (the config text travels intact)', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = `${named.dir}/native.test.zone`;
    await writeFile(file, '$TTL 60\n@ IN SOA ns.native.test. h.native.test. 1 60 60 60 60\n@ IN NS ns.example.net.\n');
    await client().run(['addzone', 'native.test', `{ type primary; file "${file}"; };`]);
    expect(await named.soaSerial('native.test')).to.equal(1);
    const e = await client()
      .run(['addzone', 'native.test', `{ type primary; file "${file}"; };`])
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect((e as RndcError).alreadyExists).to.equal(true);
  });

  it('is rejected with a wrong key, and reports unreachable and hung servers', async () => {
    const wrong = await client({ secret: Buffer.alloc(32, 1).toString('base64') })
      .run(['status'])
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(wrong).to.be.instanceOf(NamedUnavailableError);
    const port = await freePort();
    const closed = await client({ port })
      .run(['status'])
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(closed).to.be.instanceOf(NamedUnavailableError);
    await named.pause();
    try {
      const hung = await client({ timeoutMs: 300 })
        .run(['status'])
        .then(
          () => undefined,
          (x: unknown) => x,
        );
      expect(hung).to.be.instanceOf(NamedTimeoutError);
    } finally {
      named.resume();
    }
  });

  it('signs and verifies messages; a tampered message does not verify', () => {
    const secret = Buffer.alloc(32, 9);
    const wire = encodeControlMessage(secret, { _ser: '1', _tim: '2', _exp: '3' }, { type: 'status' });
    const msg = wire.subarray(4);
    const t = decodeControlMessage(secret, msg);
    expect(t).to.be.an('object');
    expect((t as { _data: { type: Buffer } })._data.type.toString()).to.equal('status');
    const bad = Buffer.from(msg);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    expect(decodeControlMessage(secret, bad)).to.match(/does not verify/);
    expect(decodeControlMessage(Buffer.alloc(32, 8), msg)).to.match(/does not verify/);
  });
});
