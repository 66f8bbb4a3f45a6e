/**
 * The DNS conformance table (./cases.ts) through bindcar's declarative PUT against a real named: each step's body
 * on a fresh zone and as an update of the group's zone. Checked per step: what named serves (AXFR by dig), that the
 * serial moves exactly when the content does (and `changed` says so), the findings (a 422 naming each refused record;
 * nothing changes, and the body without them is then served), and that the same body again answers `changed: false`
 * with the same serial.
 */
import { expect } from 'chai';
import type { AxiosResponse } from 'axios';
import type { FieldError, PutZoneBody, PutZoneResult } from '../../dns/contract.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { GROUPS } from './cases.js';
import {
  axfr,
  expectSerialRule,
  expectServed,
  fill,
  groupZones,
  putBody,
  refusedIndexes,
  servedSerial,
  type Served,
  type Step,
} from './support.js';

describe('DNS conformance through the bindcar PUT (body → bindcar → named)', function () {
  this.timeout(60_000);
  let h: BindcarHarness;
  before(async () => {
    h = await startBindcar();
  });
  after(async () => {
    await h?.stop();
  });

  const put = (zone: string, body: PutZoneBody) =>
    h.http.put<PutZoneResult>(`/api/v1/zones/${encodeURIComponent(zone)}`, body);
  const remove = (zone: string) => h.http.delete(`/api/v1/zones/${encodeURIComponent(zone)}`);

  /**
   * PUTs the step's body. A step with findings is refused first (422 naming each record, nothing applied), then
   * PUT again without the records named. @returns the accepted answer
   */
  async function apply(zone: string, step: Step, before: Served | undefined): Promise<AxiosResponse<PutZoneResult>> {
    const body = putBody(zone, step.body);
    if (step.refused?.length) {
      const r = (await put(zone, body)) as unknown as AxiosResponse<{ code: string; details: FieldError[] }>;
      expect(r.status, `${zone}: the body is refused (${JSON.stringify(r.data)})`).to.equal(422);
      expect(r.data.code).to.equal('INVALID_SPEC');
      for (const [field, fragment] of fill(step.refused, zone))
        expect(
          r.data.details.some((d) => d.field === field && d.message.includes(fragment)),
          `${zone}: the 422 names ${field} (${fragment}); got ${JSON.stringify(r.data.details)}`,
        ).to.equal(true);
      const dropped = refusedIndexes(step);
      expect(r.data.details.map((d) => Number(/^records\/(\d+)/.exec(d.field)?.[1])).sort()).to.deep.equal(
        [...dropped].sort(),
      );
      const after = await axfr(h.named, zone);
      if (before) expect(after, `${zone}: a refused body changes nothing`).to.deep.equal(before);
      else expect(after, `${zone}: a refused body creates nothing`).to.equal(undefined);
      body.records = body.records.filter((_, i) => !dropped.has(i));
    }
    const r = await put(zone, body);
    expect(r.status, `${zone}: ${JSON.stringify(r.data)}`).to.equal(before ? 200 : 201);
    expect(r.data.refused, `${zone}: named refused nothing`).to.equal(undefined);
    return r;
  }

  /** The same body again: `changed: false`, the same serial, nothing else moves. */
  async function expectNoChange(zone: string, step: Step, served: Served) {
    const body = putBody(zone, step.body);
    const dropped = refusedIndexes(step);
    body.records = body.records.filter((_, i) => !dropped.has(i));
    const r = await put(zone, body);
    expect(r.status).to.equal(200);
    expect(r.data, `${zone}: the same body again`).to.deep.include({
      changed: false,
      serial: served.serial,
      added: 0,
      removed: 0,
    });
    expect(await servedSerial(h.named, zone), `${zone}: the serial stays`).to.equal(served.serial);
  }

  GROUPS.forEach((group) => {
    describe(group.name, () => {
      const zones = groupZones(group, 'put');
      const zone = zones.update;
      const empty: Step = { tc: 'empty', source: '', body: [], served: [] };
      let prev: Served | undefined;

      before(async () => {
        expect((await put(zone, putBody(zone, []))).status).to.equal(201);
        prev = await axfr(h.named, zone);
      });
      after(async () => {
        await remove(zone);
      });

      group.steps.forEach((step, si) => {
        it(`${step.tc} — fresh zone  [${step.source}]`, async () => {
          const fzone = zones.fresh(si);
          try {
            const r = await apply(fzone, step, undefined);
            expect(r.data).to.include({ created: true, changed: true });
            const served = await expectServed(h.named, fzone, step);
            expect(r.data.serial, `${fzone}: the answer's serial is served`).to.equal(served.serial);
            await expectNoChange(fzone, step, served);
          } finally {
            await remove(fzone);
          }
        });

        it(`${step.tc} — update of the group's zone`, async () => {
          expect(prev, `${zone}: the previous step left it served`).to.not.equal(undefined);
          const before = prev!;
          const r = await apply(zone, step, before);
          prev = await axfr(h.named, zone);
          const served = await expectServed(h.named, zone, step, prev);
          expectSerialRule(zone, before, served);
          expect(r.data.changed, `${zone}: changed says whether the content did`).to.equal(
            before.lines.join('\n') !== served.lines.join('\n'),
          );
          expect(r.data.serial, `${zone}: the answer's serial is served`).to.equal(served.serial);
          await expectNoChange(zone, step, served);
        });
      });

      it('emptied again — update of the group’s zone  [dnscontrol tcEmptyZone()]', async () => {
        const before = prev!;
        const r = await apply(zone, empty, before);
        const served = await expectServed(h.named, zone, empty);
        expectSerialRule(zone, before, served);
        expect(r.data.changed).to.equal(before.lines.length > 0);
        await expectNoChange(zone, empty, served);
      });
    });
  });
});
