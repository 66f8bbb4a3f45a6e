/**
 * The DNS conformance table (./cases.ts) through the resources: each step's CRs pass the apiserver's checks (schema +
 * CEL, as `kubectl apply` would) and are reconciled by the real hooks through the local stack behind `npm start`
 * (the Metacontroller stand-in, bindcar, a real named). Checked per step, on a fresh zone and as an update of the
 * group's zone: what named serves (AXFR by dig), that the serial moves exactly when the content does, every record's
 * status (and `bindy render`'s findings, the same rule set), and that a resync changes nothing — no other push body,
 * no status write, the same serial, and `bindy plan`'s comparison of the manifests with the server finds no change.
 */
import { expect } from 'chai';
import { getRecords } from '../../bindcar/apply-zone.js';
import { planLines, planZone } from '../../cli/plan.js';
import { renderZones } from '../../cli/render.js';
import type { FieldError, PutZoneBody } from '../../dns/contract.js';
import { validateObject } from '../../hooks/schema/cel.js';
import { API_VERSION } from '../../hooks/schema/generated.js';
import { freePort } from '../../local/named.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import type { StoredObject } from '../../local/store.js';
import { condition, type LoopObject } from '../scenarios/loop-driver.js';
import { GROUPS } from './cases.js';
import {
  axfr,
  expectSerialRule,
  expectServed,
  fill,
  groupZones,
  servedSerial,
  ZONE_NS,
  ZONE_TTL,
  type Served,
  type Step,
} from './support.js';

const PLACEMENT = { 'conformance.bindy.test/placement': 'external' };
const key = (o: StoredObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('DNS conformance through the resources (CRs → hooks → bindcar → named)', function () {
  this.timeout(60_000);
  let stack: LocalStack;
  /** Every applied object (the folder the stack reconciles), by kind/namespace/name. */
  const objects = new Map<string, StoredObject>();
  /** Every zone body the DNSZone hook pushed, in order. */
  const pushes: { zone: string; body: PutZoneBody }[] = [];

  before(async () => {
    stack = await startLocalStack({
      dnsPort: await freePort(),
      logLevel: 'error',
      onPush: (zone, body) => pushes.push({ zone, body: structuredClone(body) }),
      zoneOptions: { degradedResyncSeconds: 1, deletionRetrySeconds: 1 },
    });
  });
  after(async () => {
    await stack?.stop();
  });

  const meta = (ns: string, name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: ns, ...extra });

  /** The namespace's objects for a step: an external instance, the zone, and the step's CRs (oldest first). */
  function folder(ns: string, zone: string, step: Step): StoredObject[] {
    return [
      {
        apiVersion: API_VERSION,
        kind: 'Bind9Instance',
        metadata: meta(ns, 'ext', { labels: PLACEMENT }),
        spec: {
          clusterRef: 'conformance',
          role: 'primary',
          external: { bindcarUrl: stack.bindcarUrl, dnsAddress: `127.0.0.1:${stack.named.dnsPort}` },
        },
      },
      {
        apiVersion: API_VERSION,
        kind: 'DNSZone',
        metadata: meta(ns, 'z'),
        spec: {
          zoneName: zone,
          ttl: ZONE_TTL,
          nameServers: [{ hostname: ZONE_NS.slice(0, -1) }],
          bind9InstancesFrom: [{ selector: { matchLabels: PLACEMENT } }],
        },
      },
      ...(step.crs ?? []).map(([kind, name, spec]): StoredObject => ({
        apiVersion: API_VERSION,
        kind,
        metadata: meta(ns, name),
        spec: { zoneRef: 'z', ...fill(spec, zone) },
      })),
    ];
  }

  /**
   * Replaces the namespace's objects with `wanted` (none: the namespace is emptied) as `kubectl apply` would: an
   * object the apiserver's checks refuse is not stored, and one that existed keeps its previous version.
   * @returns the refusals, by metadata.name
   */
  async function applyNamespace(ns: string, wanted: StoredObject[]): Promise<Map<string, FieldError[]>> {
    const refused = new Map<string, FieldError[]>();
    const previous = [...objects.values()].filter((o) => o.metadata.namespace === ns);
    for (const o of previous) objects.delete(key(o));
    for (const o of wanted) {
      const errors = validateObject(o);
      if (errors.length === 0) objects.set(key(o), o);
      else {
        refused.set(o.metadata.name as string, errors);
        const old = previous.find((p) => key(p) === key(o));
        if (old) objects.set(key(o), old);
      }
    }
    const round = await stack.apply([...objects.values()]);
    expect(round.errors, `${ns}: hook errors while reconciling`).to.equal(0);
    return refused;
  }

  const stored = (kind: string, ns: string, name: string) =>
    stack.store.get(API_VERSION, kind, ns, name) as LoopObject | undefined;

  /** Every CR's status (and `bindy render`'s finding for it) says what the step expects. */
  async function expectStatuses(ns: string, zone: string, step: Step, refused: Map<string, FieldError[]>) {
    const z = condition(stored('DNSZone', ns, 'z'));
    expect(z, `DNSZone ${ns}/z Ready`).to.include({ status: 'True' });
    const rendered = await renderZones([...objects.values()].filter((o) => o.metadata.namespace === ns));
    const findings = rendered.zones[0]?.findings ?? [];
    for (const [kind, name] of step.crs ?? []) {
      const want = fill(step.status?.[name], zone);
      const what = `${kind} ${name}`;
      if (want && 'admission' in want) {
        const [field, fragment] = want.admission;
        const errors = refused.get(name) ?? [];
        expect(
          errors.some((e) => e.field === field && e.message.includes(fragment)),
          `${what}: refused at admission naming ${field} (${fragment}); got ${JSON.stringify(errors)}`,
        ).to.equal(true);
        continue;
      }
      expect(refused.get(name), `${what}: admitted`).to.equal(undefined);
      const obj = stored(kind, ns, name);
      const ready = condition(obj);
      const finding = findings.filter((f) => f.kind === kind && f.name === name);
      if (!want || 'warning' in want) {
        expect(ready, `${what} Ready`).to.include({ status: 'True', reason: 'Served' });
        expect(ready?.observedGeneration, `${what}: Ready for its generation`).to.equal(obj?.metadata.generation);
        if (want) {
          expect(ready?.message, `${what}: the warning`).to.include(`; warning: ${want.warning}`);
          expect(
            finding.map((f) => f.reason),
            `${what}: bindy render's finding`,
          ).to.deep.equal(['Warning']);
        } else {
          expect(ready?.message, `${what}: no warning`).to.not.include('warning');
          expect(finding, `${what}: bindy render finds nothing`).to.deep.equal([]);
        }
      } else {
        expect(ready, `${what} Ready`).to.include({ status: 'False', reason: want.reason });
        expect(ready?.message, `${what}: the finding`).to.include(want.message);
        expect(
          finding.map((f) => f.reason),
          `${what}: bindy render's finding`,
        ).to.deep.equal([want.reason]);
      }
    }
  }

  /** A resync changes nothing: the same push body (if any), no status write, the same serial, an empty plan. */
  async function expectNoChange(ns: string, zone: string, served: Served) {
    const versions = () =>
      [...objects.values()]
        .filter((o) => o.metadata.namespace === ns)
        .map(
          (o) =>
            `${key(o)}@${stack.store.get(o.apiVersion, o.kind, ns, o.metadata.name as string)?.metadata.resourceVersion}`,
        );
    const before = versions();
    const last = pushes.filter((p) => p.zone === zone).at(-1);
    expect(last, `${zone}: the hook pushed it`).to.not.equal(undefined);
    const n = pushes.length;
    await stack.reconcile();
    for (const p of pushes.slice(n).filter((p) => p.zone === zone))
      expect(p.body, `${zone}: a resync pushes the same body`).to.deep.equal(last!.body);
    expect(versions(), `${ns}: a resync writes no status`).to.deep.equal(before);
    expect(await servedSerial(stack.named, zone), `${zone}: a resync keeps the serial`).to.equal(served.serial);
    const rendered = await renderZones([...objects.values()].filter((o) => o.metadata.namespace === ns));
    expect(rendered.zones.map((r) => r.zoneName)).to.deep.equal([zone]);
    const plan = planZone(rendered.zones[0]!, await getRecords(stack.bindcar!.zones, zone));
    expect(plan.action, `bindy plan: ${planLines(plan).join('\n')}`).to.equal('none');
  }

  GROUPS.forEach((group, gi) => {
    const steps = group.steps.filter((s) => s.crs !== undefined);
    if (steps.length === 0) return;
    describe(group.name, () => {
      const ns = `u-${gi}`;
      const zones = groupZones(group, 'res');
      const zone = zones.update;
      let prev: Served | undefined;

      before(async () => {
        await applyNamespace(ns, folder(ns, zone, { tc: 'empty', source: '', body: [], served: [], crs: [] }));
        prev = await axfr(stack.named, zone);
      });
      after(async () => {
        await applyNamespace(ns, []);
      });

      steps.forEach((step, si) => {
        it(`${step.tc} — fresh zone  [${step.source}]`, async () => {
          const fns = `f-${gi}-${si}`;
          const fzone = zones.fresh(si);
          try {
            const refused = await applyNamespace(fns, folder(fns, fzone, step));
            const served = await expectServed(stack.named, fzone, step);
            await expectStatuses(fns, fzone, step, refused);
            await expectNoChange(fns, fzone, served);
          } finally {
            await applyNamespace(fns, []);
          }
          expect(stack.store.list(API_VERSION, 'DNSZone', fns), `${fns}: the zone is deleted`).to.deep.equal([]);
        });

        it(`${step.tc} — update of the group's zone`, async () => {
          expect(prev, `${zone}: the previous step left it served`).to.not.equal(undefined);
          const refused = await applyNamespace(ns, folder(ns, zone, step));
          const before = prev!;
          prev = await axfr(stack.named, zone);
          const served = await expectServed(stack.named, zone, step, prev);
          expectSerialRule(zone, before, served);
          await expectStatuses(ns, zone, step, refused);
          await expectNoChange(ns, zone, served);
        });
      });

      it('emptied again — update of the group’s zone  [dnscontrol tcEmptyZone()]', async () => {
        const empty: Step = { tc: 'empty', source: '', body: [], served: [], crs: [] };
        await applyNamespace(ns, folder(ns, zone, empty));
        const served = await expectServed(stack.named, zone, empty);
        expectSerialRule(zone, prev!, served);
        await expectNoChange(ns, zone, served);
      });
    });
  });
});
