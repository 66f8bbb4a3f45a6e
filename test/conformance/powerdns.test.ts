/**
 * The DNS conformance table (./cases.ts) through the PowerDNS backend (hooks/ports/powerdns.ts) against a real
 * pdns_server: each step's body on a fresh zone and as an update of the group's zone, exactly as ./put.test.ts runs it
 * through bindcar against named. Checked per step: what PowerDNS serves (AXFR by dig: the same presentation the table
 * holds for named, so both servers answer the same RRsets), that the serial moves exactly when the content does, that
 * a body the rules refuse is refused before any request naming the same records (nothing changes), and that the same
 * body again sends no PATCH and keeps the serial.
 */
import { expect } from 'chai';
import type { FieldError, PutZoneBody, PutZoneResult } from '../../dns/contract.js';
import type { PdnsChange } from '../../dns/powerdns.js';
import { createPowerDnsClient, type PowerDnsConnection } from '../../hooks/ports/powerdns.js';
import { startPdns, type PdnsInstance } from '../../local/pdns.js';
import { answerData } from '../scenarios/loop-driver.js';
import { GROUPS } from './cases.js';
import {
  axfrServed,
  expectSerialRule,
  expectedLines,
  fill,
  groupZones,
  putBody,
  refusedIndexes,
  type Served,
  type Step,
} from './support.js';

/** AXFR of `zone` from PowerDNS (loopback may transfer unsigned: its default allow-axfr-ips is 127.0.0.0/8). */
const axfrPdns = (pdns: PdnsInstance, zone: string) => axfrServed(pdns.dnsPort, zone, { lowerOwners: true });

describe('DNS conformance through the PowerDNS backend (body → PowerDNS API → pdns_server)', function () {
  this.timeout(60_000);
  let pdns: PdnsInstance;
  let conn: PowerDnsConnection;
  const patches: PdnsChange[][] = [];
  const client = createPowerDnsClient({ onPatch: (_z, c) => patches.push([...c]) });
  const opts = { kind: 'Native' as const, soaEditApi: 'OFF' as const };
  before(async () => {
    pdns = await startPdns();
    conn = { serverUrl: pdns.serverUrl, apiKey: pdns.apiKey };
  });
  after(async () => {
    await pdns?.stop();
  });

  const put = async (zone: string, body: PutZoneBody) => client.putZone(conn, opts, zone, body);
  const remove = (zone: string) => client.deleteZone(conn, zone);

  async function expectServed(zone: string, step: Step, read?: Served): Promise<Served> {
    const served = read ?? (await axfrPdns(pdns, zone));
    expect(served, `PowerDNS serves ${zone}`).to.not.equal(undefined);
    expect(served!.lines, `${zone}: served RRsets (AXFR)`).to.deep.equal(expectedLines(step, zone));
    for (const [name, type, data] of fill(step.answers ?? [], zone)) {
      const got = answerData(await pdns.query(name, type), type);
      expect(got, `${zone}: ${name} ${type} answered`).to.deep.equal(data === undefined ? undefined : [...data].sort());
    }
    return served!;
  }

  /** Pushes the step's body; a step with findings is refused first (no request, nothing changes). */
  async function apply(zone: string, step: Step, before: Served | undefined): Promise<PutZoneResult> {
    const body = putBody(zone, step.body);
    if (step.refused?.length) {
      const r = await put(zone, body);
      expect(r.ok, `${zone}: the body is refused`).to.equal(false);
      if (r.ok) throw new Error('unreachable');
      expect(r.error).to.include({ code: 'INVALID_SPEC', attempts: 0 });
      const details = r.error.details as FieldError[];
      for (const [field, fragment] of fill(step.refused, zone))
        expect(
          details.some((d) => d.field === field && d.message.includes(fragment)),
          `${zone}: the refusal names ${field} (${fragment}); got ${JSON.stringify(details)}`,
        ).to.equal(true);
      const dropped = refusedIndexes(step);
      const after = await axfrPdns(pdns, zone);
      if (before) expect(after, `${zone}: a refused body changes nothing`).to.deep.equal(before);
      else expect(after, `${zone}: a refused body creates nothing`).to.equal(undefined);
      body.records = body.records.filter((_, i) => !dropped.has(i));
    }
    const r = await put(zone, body);
    expect(r.ok, `${zone}: ${JSON.stringify(r)}`).to.equal(true);
    if (!r.ok) throw new Error('unreachable');
    expect(r.result.refused, `${zone}: PowerDNS refused nothing`).to.equal(undefined);
    return r.result;
  }

  /** The same body again: no PATCH, `changed: false`, the same serial. */
  async function expectNoChange(zone: string, step: Step, served: Served) {
    const body = putBody(zone, step.body);
    const dropped = refusedIndexes(step);
    body.records = body.records.filter((_, i) => !dropped.has(i));
    patches.length = 0;
    const r = await put(zone, body);
    expect(r.ok && r.result, `${zone}: the same body again`).to.deep.include({
      changed: false,
      serial: served.serial,
      added: 0,
      removed: 0,
    });
    expect(patches, `${zone}: no PATCH for an unchanged zone`).to.deep.equal([]);
    expect(await pdns.soaSerial(zone), `${zone}: the serial stays`).to.equal(served.serial);
  }

  GROUPS.forEach((group) => {
    describe(group.name, () => {
      const zones = groupZones(group, 'put');
      const zone = zones.update;
      const empty: Step = { tc: 'empty', source: '', body: [], served: [] };
      let prev: Served | undefined;

      before(async () => {
        const r = await put(zone, putBody(zone, []));
        expect(r.ok && r.result.created).to.equal(true);
        prev = await axfrPdns(pdns, zone);
      });
      after(async () => {
        await remove(zone);
      });

      group.steps.forEach((step, si) => {
        it(`${step.tc} — fresh zone  [${step.source}]`, async () => {
          const fzone = zones.fresh(si);
          try {
            const r = await apply(fzone, step, undefined);
            expect(r).to.include({ created: true, changed: true });
            const served = await expectServed(fzone, step);
            expect(r.serial, `${fzone}: the answer's serial is served`).to.equal(served.serial);
            await expectNoChange(fzone, step, served);
          } finally {
            await remove(fzone);
          }
        });

        it(`${step.tc} — update of the group's zone`, async () => {
          expect(prev, `${zone}: the previous step left it served`).to.not.equal(undefined);
          const before = prev!;
          const r = await apply(zone, step, before);
          prev = await axfrPdns(pdns, zone);
          const served = await expectServed(zone, step, prev);
          expectSerialRule(zone, before, served);
          expect(r.changed, `${zone}: changed says whether the content did`).to.equal(
            before.lines.join('\n') !== served.lines.join('\n'),
          );
          expect(r.serial, `${zone}: the answer's serial is served`).to.equal(served.serial);
          await expectNoChange(zone, step, served);
        });
      });

      it('emptied again — update of the group’s zone  [dnscontrol tcEmptyZone()]', async () => {
        const before = prev!;
        const r = await apply(zone, empty, before);
        const served = await expectServed(zone, empty);
        expectSerialRule(zone, before, served);
        expect(r.changed).to.equal(before.lines.length > 0);
        await expectNoChange(zone, empty, served);
      });
    });
  });
});
