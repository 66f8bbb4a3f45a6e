import { expect } from 'chai';
import type { ZoneRecord } from '../../dns/contract.js';
import {
  CLASS_ANY,
  CLASS_IN,
  CLASS_NONE,
  decodeMessage,
  buildUpdate,
  TYPE_SOA,
  updateOpWire,
  type WireRR,
} from '../../bindcar/dns-wire.js';
import { desiredZone, type DesiredZone } from '../../dns/zone-model.js';
import {
  applyTransfer,
  diffZone,
  MAX_UPDATE_BYTES,
  mismatches,
  servedFromDesired,
  serialGt,
} from '../../bindcar/zone-state.js';
import type { Message } from '../../bindcar/dns-wire.js';
import { zoneBody } from './builders.js';

const Z = 'diff.test';

function desired(records: ZoneRecord[], over: Parameters<typeof zoneBody>[2] = {}): DesiredZone {
  const d = desiredZone(Z, zoneBody(Z, records, over));
  if (!d.ok) throw new Error(JSON.stringify(d.errors));
  return d.zone;
}

/** Decode the update section of each message into "CLASS owner TYPE" strings. */
function ops(messages: Buffer[][]): string[][] {
  return messages.map((updates) => {
    const m = decodeMessage(buildUpdate(1, Z, updates));
    return m.ns.map(
      (rr: WireRR) =>
        `${rr.klass === CLASS_ANY ? 'DELSET' : rr.klass === CLASS_NONE ? 'DEL' : rr.klass === CLASS_IN ? 'ADD' : '?'} ${rr.name} ${rr.type === TYPE_SOA ? 'SOA' : rr.type}`,
    );
  });
}

const A = (name: string, data: string, ttl = 60): ZoneRecord => ({ name, type: 'A', ttl, data });

describe('bindcar: the PUT body is parsed once', () => {
  it('keeps the parsed rdata in the desired RRsets, in data order', () => {
    const d = desired([
      { name: 'm', type: 'MX', ttl: 60, data: '20 B.example.net.' },
      { name: 'm', type: 'MX', ttl: 60, data: '10 a.example.net.' },
    ]);
    const set = d.rrsets.get(`m.${Z}. MX`)!;
    expect(set.data).to.deep.equal(['10 a.example.net.', '20 b.example.net.']);
    expect(set.rdata).to.deep.equal([
      { type: 'MX', preference: 10, exchange: 'a.example.net.' },
      { type: 'MX', preference: 20, exchange: 'b.example.net.' },
    ]);
  });

  it('encodes an UPDATE addition from that value exactly as from its text', () => {
    const set = desired([A('a', '192.0.2.1')]).rrsets.get(`a.${Z}. A`);
    const op = { op: 'add', owner: set!.owner, type: 'A', ttl: 60, data: set!.data[0]! } as const;
    expect(updateOpWire(Z, { ...op, rdata: set!.rdata![0]! })).to.deep.equal(updateOpWire(Z, op));
  });
});

describe('bindcar/zone-state diffZone', () => {
  it('produces nothing for an identical zone', () => {
    const d = desired([A('a', '192.0.2.1')]);
    const diff = diffZone(d, servedFromDesired(d, 7));
    expect(diff).to.deep.include({ messages: [], added: 0, removed: 0, expectedSerial: 7, changedRRsets: 0 });
  });

  it('replaces changed RRsets, adds new and deletes removed ones, deletions first', () => {
    const served = servedFromDesired(desired([A('a', '192.0.2.1'), A('gone', '192.0.2.9')]), 7);
    const diff = diffZone(desired([A('a', '192.0.2.2'), A('new', '192.0.2.3')]), served);
    expect(ops(diff.messages)).to.deep.equal([
      [`DELSET a.${Z}. 1`, `DELSET gone.${Z}. 1`, `ADD a.${Z}. 1`, `ADD new.${Z}. 1`],
    ]);
    expect(diff).to.deep.include({ added: 2, removed: 2, expectedSerial: 8, changedRRsets: 3 });
    expect(diff.keys.sort()).to.deep.equal([`a.${Z}. A`, `gone.${Z}. A`, `new.${Z}. A`]);
  });

  it('treats a TTL change as a change of the RRset', () => {
    const served = servedFromDesired(desired([A('a', '192.0.2.1', 60)]), 1);
    const diff = diffZone(desired([A('a', '192.0.2.1', 300)]), served);
    expect(ops(diff.messages)).to.deep.equal([[`DELSET a.${Z}. 1`, `ADD a.${Z}. 1`]]);
  });

  it('changes the apex NS RR by RR with deletions after additions, glue in the same message', () => {
    const served = servedFromDesired(desired([]), 1);
    const want = desired([], { nameServers: [{ hostname: `ns2.${Z}.`, ipv4Addresses: ['192.0.2.54'] }] });
    expect(ops(diffZone(want, served).messages)).to.deep.equal([
      [`DELSET ns1.${Z}. 1`, `ADD ${Z}. 2`, `ADD ns2.${Z}. 1`, `DEL ${Z}. 2`],
    ]);
  });

  it('never deletes the whole apex NS RRset', () => {
    const served = servedFromDesired(desired([]), 1);
    const want: DesiredZone = {
      ...desired([]),
      rrsets: new Map([...desired([]).rrsets].filter(([k]) => !k.endsWith(' NS'))),
    };
    expect(ops(diffZone(want, served).messages).flat()).to.not.include(`DELSET ${Z}. 2`);
  });

  it('chunks large changes into messages under the size budget, an owner never split', () => {
    const many = (tag: string): ZoneRecord[] =>
      Array.from({ length: 3000 }, (_, i) => ({
        name: `h${i}`,
        type: 'TXT',
        ttl: 60,
        data: `"${tag}${'z'.repeat(50)}"`,
      }));
    const diff = diffZone(desired(many('b')), servedFromDesired(desired(many('a')), 10));
    expect(diff.messages.length).to.be.greaterThan(2);
    for (const m of diff.messages) expect(buildUpdate(1, Z, m).length).to.be.below(MAX_UPDATE_BYTES);
    const seenIn = new Map<string, Set<number>>();
    ops(diff.messages).forEach((m, i) =>
      m.forEach((o) => seenIn.set(o.split(' ')[1]!, (seenIn.get(o.split(' ')[1]!) ?? new Set()).add(i))),
    );
    expect(seenIn.size).to.equal(3000);
    for (const where of seenIn.values()) expect(where.size).to.equal(1);
    expect(diff.expectedSerial).to.equal(10 + diff.messages.length);
  });

  it('sends the SOA only for SOA changes or a serial floor, with a serial above every bump', () => {
    const d = desired([A('a', '192.0.2.1')]);
    const served = servedFromDesired(d, 41);
    expect(ops(diffZone(d, served, 100).messages)).to.deep.equal([[`ADD ${Z}. SOA`]]);
    expect(diffZone(d, served, 100).expectedSerial).to.equal(100);
    expect(diffZone(d, served, 10).messages).to.deep.equal([]);
    const soaChanged: DesiredZone = { ...d, soa: { ...d.soa, refresh: 1 } };
    const diff = diffZone(soaChanged, served);
    expect(diff.expectedSerial).to.equal(42);
    const withRecord = diffZone({ ...soaChanged, rrsets: desired([A('a', '192.0.2.2')]).rrsets }, served);
    expect(ops(withRecord.messages)).to.deep.equal([[`DELSET a.${Z}. 1`, `ADD a.${Z}. 1`, `ADD ${Z}. SOA`]]);
    expect(withRecord.expectedSerial).to.equal(42);
  });

  it('reports mismatches between desired and served', () => {
    const d = desired([A('a', '192.0.2.1')]);
    const s = servedFromDesired(desired([A('a', '192.0.2.2'), A('b', '192.0.2.3')]), 1);
    expect(mismatches(d, s)).to.deep.equal([
      `a.${Z}. A is 60 [192.0.2.2], wanted 60 [192.0.2.1]`,
      `b.${Z}. A is served but not desired`,
    ]);
    expect(mismatches(d, s, 20, [`b.${Z}. A`])).to.deep.equal([`b.${Z}. A is served but not desired`]);
    expect(mismatches(d, servedFromDesired(d, 9))).to.deep.equal([]);
  });

  it('compares serials with RFC 1982 arithmetic', () => {
    expect(serialGt(2, 1)).to.equal(true);
    expect(serialGt(1, 2)).to.equal(false);
    expect(serialGt(0, 4294967295)).to.equal(true);
    expect(serialGt(5, 5)).to.equal(false);
  });
});

describe('bindcar/zone-state applyTransfer', () => {
  const name = (n: string) =>
    Buffer.concat([
      ...n
        .split('.')
        .filter(Boolean)
        .map((l) => Buffer.from([l.length, ...Buffer.from(l)])),
      Buffer.from([0]),
    ]);
  const soaRR = (serial: number): WireRR => {
    const fixed = Buffer.alloc(20);
    [serial, 3600, 600, 604800, 300].forEach((v, i) => fixed.writeUInt32BE(v, i * 4));
    const msg = Buffer.concat([name('ns1.example.com.'), name('hostmaster.example.com.'), fixed]);
    return { name: 'example.com.', type: 6, klass: 1, ttl: 300, msg, rdOff: 0, rdLen: msg.length };
  };
  const aRR = (owner: string, ip: string): WireRR => {
    const msg = Buffer.from(ip.split('.').map(Number));
    return { name: owner, type: 1, klass: 1, ttl: 300, msg, rdOff: 0, rdLen: 4 };
  };
  const message = (an: WireRR[]) => ({ an }) as unknown as Message;
  const base = () =>
    applyTransfer('example.com', undefined, [
      message([soaRR(1), aRR('a.example.com.', '10.0.0.1'), aRR('b.example.com.', '10.0.0.2'), soaRR(1)]),
    ]);
  // IXFR 1 → 2: a's address changes
  const ixfr = message([
    soaRR(2),
    soaRR(1),
    aRR('a.example.com.', '10.0.0.1'),
    soaRR(2),
    aRR('a.example.com.', '10.0.0.9'),
    soaRR(2),
  ]);

  it('applies an incremental transfer to a copy, leaving the base as it was', () => {
    const b = base();
    const after = applyTransfer('example.com', b, [ixfr]);
    expect(after.rrsets.get('a.example.com. A')!.data).to.deep.equal(['10.0.0.9']);
    expect(b.rrsets.get('a.example.com. A')!.data).to.deep.equal(['10.0.0.1']);
    expect([after.serial, b.serial]).to.deep.equal([2, 1]);
    expect([...after.touched!]).to.deep.equal(['a.example.com. A']);
  });

  it('in place: changes the base map and serial instead of copying the zone (the cost follows the change)', () => {
    const b = base();
    const after = applyTransfer('example.com', b, [ixfr], true);
    expect(after.rrsets).to.equal(b.rrsets);
    expect(b.serial).to.equal(2);
    expect(after.rrsets.get('a.example.com. A')!.data).to.deep.equal(['10.0.0.9']);
    expect(after.rrsets.get('b.example.com. A')!.data).to.deep.equal(['10.0.0.2']);
    expect([...after.touched!]).to.deep.equal(['a.example.com. A']);
  });
});
