/**
 * `bindy render` prints what the DNSZone hook pushes: each folder is applied to the local stack (real named, bindcar,
 * the hooks driven as Metacontroller would) and every zone body the hook sends bindcar is compared with the one
 * `renderZones` plans offline, given the primaries' address the stack uses (loopback).
 */
import { expect } from 'chai';
import { renderZones } from '../../cli/render.js';
import { isBindyObject, readManifests } from '../../cli/manifests.js';
import type { PutZoneBody } from '../../dns/contract.js';
import { freePort } from '../../local/named.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import type { StoredObject } from '../../local/store.js';

for (const folder of ['examples', 'examples/seed']) {
  describe(`bindy render -f ${folder} is what the hook pushes`, function () {
    this.timeout(120_000);
    let stack: LocalStack | undefined;
    after(async () => stack?.stop());

    it('every pushed zone body equals the rendered one', async () => {
      const objects = readManifests(folder)
        .filter((d) => isBindyObject(d.object))
        .map((d) => d.object as StoredObject);
      // the first push of each zone is the plan's body; later ones add the serial floor the primaries reported
      // (hooks/zone/secondaries.ts), which no folder holds,
      const pushed = new Map<string, PutZoneBody>();
      const later: [string, PutZoneBody][] = [];
      stack = await startLocalStack({
        dnsPort: await freePort(),
        onPush: (zone, body) => {
          const copy = structuredClone(body);
          if (pushed.has(zone)) later.push([zone, copy]);
          else pushed.set(zone, copy);
        },
      });
      await stack.apply(objects);
      const rendered = await renderZones(objects, undefined, { primaryAddress: '127.0.0.1' });
      expect(rendered.problems).to.deep.equal([]);
      expect(pushed.size, 'the hook pushed zones').to.be.greaterThan(0);
      const byName = new Map(rendered.zones.map((z) => [z.zoneName, z.body]));
      for (const [zone, body] of pushed) expect(byName.get(zone), zone).to.deep.equal(body);
      // and the deletion guard's baseline, what the zone served lately (hooks/zone/deletion-baseline.ts)
      const planned = ({ serial: _, deletionGuard, ...rest }: PutZoneBody) => {
        const { baseline: __, ...guard } = deletionGuard ?? {};
        return { ...rest, deletionGuard: guard };
      };
      for (const [zone, body] of later)
        expect(planned(body), `${zone}, a later push`).to.deep.equal(planned(pushed.get(zone)!));
    });
  });
}
