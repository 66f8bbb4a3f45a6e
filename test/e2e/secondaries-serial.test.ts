/**
 * Serial consistency across the primaries of a cluster (design in bindcar/zones.ts): two real named, each
 * with its own bindcar. The PUT body's `serial` is a floor; sending the highest serial any primary reported and
 * re-PUTting the primaries that answer lower makes every primary serve the same serial for the same content.
 */
import { expect } from 'chai';
import type { PutZoneBody } from '../../dns/contract.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';

const ZONE = 'serial.test';
const body = (ip: string, serial?: number): PutZoneBody => ({
  type: 'primary',
  ttl: 300,
  soa: {
    mname: 'ns1.serial.test.',
    rname: 'hostmaster.serial.test.',
    refresh: 3600,
    retry: 600,
    expire: 604800,
    minimum: 300,
  },
  nameServers: [{ hostname: 'ns1.serial.test.', ipv4Addresses: ['192.0.2.53'] }],
  records: [{ name: 'www', type: 'A', ttl: 300, data: ip }],
  ...(serial !== undefined ? { serial } : {}),
});

/**
 * The push protocol the zone hook follows: PUT to every primary with floor = the highest serial known so far, then
 * re-PUT the primaries that answered lower, with the new highest, until all agree (bounded rounds).
 */
async function pushAll(primaries: BindcarHarness[], ip: string, known: number | undefined): Promise<number[]> {
  let floor = known;
  let serials: number[] = [];
  let targets = primaries;
  for (let round = 0; round < 3 && targets.length; round++) {
    const answers = await Promise.all(targets.map((p) => p.http.put(`/api/v1/zones/${ZONE}`, body(ip, floor))));
    for (const a of answers) expect(a.status, JSON.stringify(a.data)).to.be.oneOf([200, 201]);
    serials = round === 0 ? answers.map((a) => a.data.serial as number) : serials;
    if (round > 0) targets.forEach((t, i) => (serials[primaries.indexOf(t)] = answers[i]!.data.serial as number));
    floor = Math.max(...serials);
    targets = primaries.filter((_, i) => serials[i]! < floor!);
  }
  return serials;
}

describe('e2e: serial consistency across two primaries', function () {
  this.timeout(30000);
  let a: BindcarHarness;
  let b: BindcarHarness;
  before(async () => {
    [a, b] = await Promise.all([startBindcar(), startBindcar()]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('primaries that diverged (one missed pushes) converge on the highest serial for the same content', async () => {
    expect(await pushAll([a, b], '192.0.2.1', undefined)).to.deep.equal([1, 1]);
    // b misses two changes (unreachable), then gets the latest content without a floor: same content, lower serial
    await a.http.put(`/api/v1/zones/${ZONE}`, body('192.0.2.2'));
    const onA = (await a.http.put(`/api/v1/zones/${ZONE}`, body('192.0.2.3'))).data.serial as number;
    const onB = (await b.http.put(`/api/v1/zones/${ZONE}`, body('192.0.2.3'))).data.serial as number;
    expect([onA, onB]).to.deep.equal([3, 2]);
    // the next sync sends the highest serial as the floor: b jumps to it, a does not move (same content)
    const r = await b.http.put(`/api/v1/zones/${ZONE}`, body('192.0.2.3', onA));
    expect(r.data).to.include({ serial: 3, changed: true });
    expect((await a.http.put(`/api/v1/zones/${ZONE}`, body('192.0.2.3', onA))).data).to.include({
      serial: 3,
      changed: false,
    });
    expect([await a.named.soaSerial(ZONE), await b.named.soaSerial(ZONE)]).to.deep.equal([3, 3]);
  });

  it('a change pushed with the agreed floor gives every primary the same new serial', async () => {
    expect(await pushAll([a, b], '192.0.2.4', 3)).to.deep.equal([4, 4]);
    expect([await a.named.soaSerial(ZONE), await b.named.soaSerial(ZONE)]).to.deep.equal([4, 4]);
    expect((await b.named.query(`www.${ZONE}`, 'A')).answers.map((x) => x.data)).to.deep.equal(['192.0.2.4']);
  });

  it('a primary that lost the zone (re-created) comes back at the floor, not at 1', async () => {
    expect((await b.http.delete(`/api/v1/zones/${ZONE}`)).status).to.equal(200);
    const created = await b.http.put(`/api/v1/zones/${ZONE}`, body('192.0.2.4', 4));
    expect(created.data).to.include({ created: true, serial: 4 });
    expect(await pushAll([a, b], '192.0.2.4', 4)).to.deep.equal([4, 4]);
  });
});
