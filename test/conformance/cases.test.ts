/**
 * The conformance table itself: an expectation that names nothing would never be checked, so every key and field it
 * states must point at something the step has.
 */
import { expect } from 'chai';
import { GROUPS } from './cases.js';
import { bodyRecord, refusedIndexes, slug } from './support.js';

describe('the DNS conformance table (test/conformance/cases.ts)', () => {
  it('gives every group its own zone name and every step a source', () => {
    const slugs = GROUPS.map((g) => slug(g.name));
    expect(new Set(slugs).size, slugs.join(' ')).to.equal(GROUPS.length);
    for (const g of GROUPS)
      for (const s of g.steps)
        expect(s.source, `${g.name} / ${s.tc}`).to.match(/dnscontrol integration_test\.go testgroup "|RFC \d+/);
  });

  for (const g of GROUPS) {
    it(`${g.name}: every expectation names a record of its step`, () => {
      for (const s of g.steps) {
        const what = `${g.name} / ${s.tc}`;
        const crs = s.crs ?? [];
        const names = crs.map(([, name]) => name);
        expect(new Set(names).size, `${what}: CR names are unique`).to.equal(names.length);
        expect(
          Object.keys(s.status ?? {}).filter((n) => !names.includes(n)),
          `${what}: status keys`,
        ).to.deep.equal([]);
        for (const line of s.body) expect(() => bodyRecord(line), `${what}: ${line}`).to.not.throw();
        for (const line of s.served) expect(line, `${what}: served`).to.match(/^\S+ \d+ [A-Z]+ \S/);
        for (const i of refusedIndexes(s)) expect(i, `${what}: refused index`).to.be.lessThan(s.body.length);
        expect(
          (s.refused ?? []).every(([field]) => /^records\/\d+/.test(field)),
          `${what}: refused fields name body records`,
        ).to.equal(true);
        if (!s.crs) expect(`${g.name} ${s.tc}`, `${what}: a PUT-only step says so`).to.include('PUT only');
      }
    });
  }
});
