/**
 * bindcar's own DNS code (UPDATE, TSIG HMAC-SHA256, AXFR/IXFR) checked against a real named.
 */
import { expect } from 'chai';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { createDnsClient, UpdateRejectedError } from '../../bindcar/dns-client.js';
import { NamedUnavailableError } from '../../bindcar/errors.js';
import {
  buildUpdate,
  decodeMessage,
  tsigSign,
  TsigVerifier,
  updateOpWire,
  type TsigKey,
} from '../../bindcar/dns-wire.js';
import { applyTransfer, diffZone } from '../../bindcar/zone-state.js';
import { desiredZone } from '../../dns/zone-model.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { zoneBody } from './builders.js';

/** One raw TCP exchange: send `msg`, return the first response message. */
async function rawTcp(port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    s.connect(port, '127.0.0.1', () => {
      const l = Buffer.alloc(2);
      l.writeUInt16BE(msg.length);
      s.write(Buffer.concat([l, msg]));
    });
  });
}

describe('bindcar DNS client against real named', function () {
  this.timeout(60000);
  let h: BindcarHarness;
  const zone = 'wire.test';
  const now = (): number => Math.floor(Date.now() / 1000);
  before(async () => {
    h = await startBindcar();
    expect((await h.http.put(`/api/v1/zones/${zone}`, zoneBody(zone))).status).to.equal(201);
  });
  after(async () => {
    await h?.stop();
  });

  it("signs UPDATEs that named accepts and verifies named's signed answer", async () => {
    const key = h.named.updateKey as TsigKey;
    const id = 4242;
    const upd = buildUpdate(id, zone, [
      updateOpWire(zone, { op: 'add', owner: `raw.${zone}.`, type: 'A', ttl: 60, data: '192.0.2.77' }),
    ]);
    const { signed, mac } = tsigSign(upd, key, now());
    const resp = await rawTcp(h.named.dnsPort, signed);
    const m = decodeMessage(resp);
    expect(m.rcode).to.equal(0);
    expect(new TsigVerifier(key, mac, now).verify(resp, m)).to.equal(undefined);
    expect((await h.named.query(`raw.${zone}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.77']);
    // a tampered answer, or one checked against another request's MAC, does not verify
    const tampered = Buffer.from(resp);
    tampered[3] = tampered[3]! ^ 0x01;
    expect(new TsigVerifier(key, mac, now).verify(tampered, decodeMessage(tampered))).to.match(/MAC/);
    expect(new TsigVerifier(key, Buffer.alloc(32), now).verify(resp, m)).to.match(/MAC/);
    expect(new TsigVerifier(key, mac, () => now() + 3600).verify(resp, m)).to.match(/time/);
  });

  it('is refused by named when the TSIG secret is wrong', async () => {
    const bad = createDnsClient(
      { host: '127.0.0.1', port: h.named.dnsPort },
      { ...h.named.updateKey, secret: Buffer.alloc(32, 7).toString('base64') },
    );
    const err = await bad
      .update(zone, [
        [updateOpWire(zone, { op: 'add', owner: `evil.${zone}.`, type: 'A', ttl: 60, data: '192.0.2.66' })],
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(UpdateRejectedError);
    expect((err as UpdateRejectedError).rcode).to.equal('NOTAUTH');
    expect((await h.named.query(`evil.${zone}`, 'A')).answers).to.have.length(0);
  });

  it('transfers a multi-message zone by AXFR and follows it by IXFR, verifying TSIG on every message', async () => {
    const big = 'axfr.test';
    const recs = Array.from({ length: 4000 }, (_, i) => ({
      name: `n${i}`,
      type: 'TXT' as const,
      ttl: 60,
      data: `"${'y'.repeat(30)} ${i}"`,
    }));
    expect((await h.http.put(`/api/v1/zones/${big}`, zoneBody(big, recs))).status).to.equal(201);
    const c = createDnsClient({ host: '127.0.0.1', port: h.named.dnsPort }, h.named.updateKey);
    const axfr = await c.transfer(big);
    expect(axfr.length).to.be.greaterThan(1);
    const served = applyTransfer(big, undefined, axfr);
    expect(served.rrsets.size).to.equal(4000 + 2);
    // change two records, then IXFR from the old serial brings exactly that difference
    const d = desiredZone(
      big,
      zoneBody(
        big,
        recs.map((r, i) => (i < 2 ? { ...r, data: '"changed"' } : r)),
      ),
    );
    if (!d.ok) throw new Error('invalid');
    const diff = diffZone(d.zone, served);
    await c.update(big, diff.messages);
    const ixfr = await c.transfer(big, served.serial);
    const after = applyTransfer(big, served, ixfr);
    expect(after.serial).to.equal(served.serial + 1);
    expect(after.touched && [...after.touched].sort()).to.deep.equal([`n0.${big}. TXT`, `n1.${big}. TXT`]);
    expect(after.rrsets.get(`n0.${big}. TXT`)?.data).to.deep.equal(['"changed"']);
    // up to date: a single SOA
    const same = applyTransfer(big, after, await c.transfer(big, after.serial));
    expect(same.serial).to.equal(after.serial);
  });

  it('ignores DNSSEC records of a signed zone: identical PUT is a no-op', async () => {
    const z = 'signed.test';
    const body = zoneBody(z, [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }], { dnssecPolicy: 'default' });
    expect((await h.http.put(`/api/v1/zones/${z}`, body)).status).to.equal(201);
    // named generates the keys and signs in the background: seconds on a loaded 2-core machine (bounded at 30 s).
    // Asked through bindcar's DNSSEC read, as the hooks' pushes do (it nudges named when no DNSKEY is served yet).
    let keys = 0;
    for (let i = 0; i < 300 && keys === 0; i++) {
      await h.http.get(`/api/v1/zones/${z}/dnssec`);
      keys = (await h.named.query(z, 'DNSKEY')).answers.length;
      if (!keys) await new Promise((r) => setTimeout(r, 100));
    }
    expect(keys).to.be.greaterThan(0);
    expect((await h.http.put(`/api/v1/zones/${z}`, body)).data).to.include({ changed: false });
    body.records.push({ name: 'new', type: 'A', ttl: 60, data: '192.0.2.2' });
    const r = await h.http.put(`/api/v1/zones/${z}`, body);
    expect(r.data).to.include({ changed: true, added: 1, removed: 0 });
    const recs = (await h.http.get(`/api/v1/zones/${z}/records`)).data.records as { type: string }[];
    expect(recs.map((x) => x.type)).to.not.include('RRSIG');
  });

  describe('kept-alive TCP connections', () => {
    const op = (owner: string, data: string) => [
      updateOpWire(zone, { op: 'add', owner: `${owner}.${zone}.`, type: 'A', ttl: 60, data }),
    ];

    it('runs UPDATEs and transfers one after another on one connection, and opens more only for exchanges at once', async () => {
      let opened = 0;
      const c = createDnsClient({ host: '127.0.0.1', port: h.named.dnsPort }, h.named.updateKey, {
        onConnect: () => opened++,
      });
      for (let i = 0; i < 5; i++) await c.update(zone, [op(`seq${i}`, `192.0.2.${10 + i}`)]);
      const axfr = applyTransfer(zone, undefined, await c.transfer(zone));
      await c.update(zone, [op('seq5', '192.0.2.15'), op('seq6', '192.0.2.16')]);
      const ixfr = applyTransfer(zone, axfr, await c.transfer(zone, axfr.serial));
      expect(ixfr.serial).to.equal(axfr.serial + 2);
      expect(ixfr.rrsets.get(`seq6.${zone}. A`)?.data).to.deep.equal(['192.0.2.16']);
      expect(opened).to.equal(1);
      await Promise.all([0, 1, 2].map((i) => c.update(zone, [op(`par${i}`, `192.0.2.${20 + i}`)])));
      expect(opened).to.be.within(2, 3);
      const before = opened;
      for (let i = 0; i < 3; i++) await c.update(zone, [op(`again${i}`, `192.0.2.${30 + i}`)]);
      expect(opened).to.equal(before);
      for (const n of ['seq0', 'seq6', 'par2', 'again2'])
        expect((await h.named.query(`${n}.${zone}`, 'A')).answers).to.have.length(1);
    });

    it('replaces a kept connection named closed without answering, and sends the exchange once more', async () => {
      // A relay to named that closes a connection when its request number closeAt(connection) arrives: what named
      // does to a connection whose tcp-idle-timeout ends just as bindcar reuses it.
      let closeAt = (_conn: number): number => 0;
      const conns: Socket[] = [];
      const relay = createServer((client) => {
        const at = closeAt(conns.length);
        conns.push(client);
        const upstream = new Socket();
        let requests = 0;
        upstream.connect(h.named.dnsPort, '127.0.0.1');
        upstream.on('data', (d) => client.write(d));
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        client.on('data', (d) => {
          if (++requests === at) client.destroy();
          else upstream.write(d);
        });
      });
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      const target = { host: '127.0.0.1', port: (relay.address() as AddressInfo).port };
      try {
        let opened = 0;
        closeAt = (n) => (n === 0 ? 2 : 0);
        const c = createDnsClient(target, h.named.updateKey, { onConnect: () => opened++ });
        await c.update(zone, [op('relay1', '192.0.2.41')]);
        await c.update(zone, [op('relay2', '192.0.2.42')]);
        expect(opened).to.equal(2);
        expect((await h.named.query(`relay2.${zone}`, 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.42']);
        // a new connection that fails before the answer is not tried again: named may have acted on the request
        closeAt = () => 1;
        const seen = conns.length;
        const fresh = createDnsClient(target, h.named.updateKey);
        const err = await fresh.update(zone, [op('gone', '192.0.2.43')]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(NamedUnavailableError);
        expect(conns.length - seen).to.equal(1);
      } finally {
        for (const s of conns) s.destroy();
        relay.close();
      }
    });
  });
});
