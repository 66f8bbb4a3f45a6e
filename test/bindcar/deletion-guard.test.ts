import { expect } from 'chai';
import { deletedRecords, deletionToken, guardVerdict } from '../../bindcar/deletion-guard.js';
import type { RRset } from '../../dns/rrset.js';

const set = (owner: string, data: string[], ttl = 60): [string, RRset] => [
  `${owner}/A`,
  { owner, type: 'A', ttl, data },
];

describe('bindcar/deletion-guard', () => {
  const served = new Map([set('a.x.', ['192.0.2.1', '192.0.2.2']), set('b.x.', ['192.0.2.3'])]);

  it('counts RRs served and not desired, ignoring TTLs, sorted', () => {
    const desired = new Map([set('a.x.', ['192.0.2.2'], 300)]);
    expect(deletedRecords(desired, served)).to.deep.equal({
      deleted: ['a.x. A 192.0.2.1', 'b.x. A 192.0.2.3'],
      served: 3,
    });
    expect(deletedRecords(new Map([...served].map(([k, s]) => [k, { ...s, ttl: 1 }])), served).deleted).to.deep.equal(
      [],
    );
  });

  it('holds above maxDeletes or maxDeletePercent (from minRecords on), lets the acknowledged token through', () => {
    const change = { deleted: ['a', 'b', 'c'], served: 10 };
    expect(guardVerdict(undefined, change, 7)).to.deep.equal({});
    expect(guardVerdict({ maxDeletes: 3 }, change, 7)).to.deep.equal({});
    const held = guardVerdict({ maxDeletes: 2 }, change, 7).held!;
    expect(held).to.include({ deletes: 3, served: 10, limit: 'deletionGuard.maxDeletes 2' });
    expect(guardVerdict({ maxDeletePercent: 30 }, change, 7)).to.deep.equal({});
    expect(guardVerdict({ maxDeletePercent: 29 }, change, 7).held?.limit).to.equal('deletionGuard.maxDeletePercent 29');
    // small zones are left alone by the percentage
    expect(guardVerdict({ maxDeletePercent: 29, minRecords: 11 }, change, 7)).to.deep.equal({});
    expect(guardVerdict({ maxDeletes: 2, acknowledged: held.token }, change, 7)).to.deep.equal({ acknowledged: true });
    expect(guardVerdict({ maxDeletes: 2, acknowledged: deletionToken(['a']) }, change, 7).held).to.not.equal(undefined);
  });

  it('counts from the baseline: deletions spread over several PUTs count together', () => {
    // 14 served lately, 11 now, this PUT deletes 1 more: 4 of 14
    const v = guardVerdict({ maxDeletePercent: 25, baseline: 14 }, { deleted: ['h3'], served: 11 }, 10);
    expect(v.held).to.include({ deletes: 4, served: 14 });
    // a baseline below what is served changes nothing
    expect(guardVerdict({ maxDeletePercent: 25, baseline: 5 }, { deleted: ['h3'], served: 11 }, 10)).to.deep.equal({});
  });
});
