/**
 * Every child the infrastructure hooks return must be updatable by Metacontroller under both apply strategies.
 * Creation always works; it is the later update that the apiserver rejects when dynamic-apply's guessed merge key
 * collapses two list items ("spec.ports[1].name: Duplicate value"). Checked over every golden fixture of
 * test/fixtures/sync/{clusterbind9provider,bind9cluster,bind9instance} (written by fixtures-gen.ts), with the
 * emulation of test/hooks/children/apply-emulation.ts.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { infraDeps, syncBind9Instance } from '../../../hooks/controllers/bind9instance.js';
import type { KubeObject, SyncRequest } from '../../../hooks/metacontroller.js';
import {
  detectListMapKey,
  dynamicApplyFindings,
  dynamicMerge,
  serverSideApplyFindings,
  withApiserverDefaults,
  type ListMapFinding,
} from './apply-emulation.js';
import { REPO, fakeKeys, fixtureCases } from './support.js';

type Obj = Record<string, unknown>;
const INFRA_KINDS = ['clusterbind9provider', 'bind9cluster', 'bind9instance'] as const;

/**
 * The one list that cannot be merged, on purpose: a Service's 53/UDP and 53/TCP (one ClusterIP for both, see
 * hooks/children/workload.ts instanceService) share `port`, the key dynamic-apply must pick because the apiserver
 * requires it on every item. Services are therefore never updated (`updateStrategy: OnDelete` in
 * metacontroller/bind9instance.yaml, checked below) and their content is fixed per instance (bind9instance.test.ts).
 */
const isServiceDnsPorts = (kind: string, f: ListMapFinding) =>
  kind === 'Service' && f.path === 'spec.ports' && f.key === 'port' && f.value === '53';

/** The last-applied configuration of an observed fixture child: it without what the apiserver added. */
function lastApplied(observed: KubeObject): Obj {
  const o = structuredClone(observed) as unknown as Obj & { metadata: Obj };
  for (const k of ['namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'ownerReferences'])
    delete o.metadata[k];
  delete o['status'];
  return o;
}

const describeFinding = (child: KubeObject, f: ListMapFinding) =>
  `${child.kind} ${child.metadata.name}: ${f.path} has two items with ${f.key}=${f.value}`;

/**
 * What dynamic-apply and server-side apply would reject when updating `observed` (or the just-created child) to
 * `desired`. A Service must show exactly the one known finding, so the exception cannot silently widen or vanish.
 */
function updateProblems(desired: KubeObject, observed: KubeObject | undefined): string[] {
  const last = observed ? lastApplied(observed) : (desired as Obj);
  const live = withApiserverDefaults((observed ?? desired) as Obj);
  const dynamic = dynamicApplyFindings(live, last, desired as Obj);
  const expected = dynamic.filter((f) => isServiceDnsPorts(desired.kind, f));
  return [
    ...(desired.kind === 'Service' && expected.length !== 1
      ? [`dynamic-apply: Service ${desired.metadata.name}: expected the 53/UDP+53/TCP port collision, found none`]
      : []),
    ...dynamic.filter((f) => !expected.includes(f)).map((f) => `dynamic-apply: ${describeFinding(desired, f)}`),
    ...serverSideApplyFindings(desired as Obj).map((f) => `server-side apply: ${describeFinding(desired, f)}`),
  ];
}

function observedChild(req: SyncRequest, child: KubeObject): KubeObject | undefined {
  const ns = child.metadata.namespace ?? req.parent.metadata.namespace;
  const key = ns ? `${ns}/${child.metadata.name}` : child.metadata.name!;
  return req.children[`${child.kind}.${child.apiVersion}`]?.[key];
}

describe('children are updatable by Metacontroller (dynamic-apply and server-side apply)', () => {
  describe('the emulation of pkg/dynamic/apply/apply.go', () => {
    const svcPort = (name: string, protocol: string) => ({ name, port: 53, targetPort: 5353, protocol });
    const table: { what: string; lists: unknown[][]; key: string }[] = [
      {
        what: 'container ports: containerPort wins over name',
        lists: [[{ name: 'a', containerPort: 1 }]],
        key: 'containerPort',
      },
      { what: 'Service ports: port wins over name', lists: [[svcPort('dns-udp', 'UDP')]], key: 'port' },
      { what: 'volume mounts: mountPath wins over name', lists: [[{ name: 'a', mountPath: '/a' }]], key: 'mountPath' },
      { what: 'env: name', lists: [[{ name: 'A', value: '1' }]], key: 'name' },
      {
        what: 'a key must be on every item of every list',
        lists: [[{ name: 'a', containerPort: 1 }], [{ name: 'b' }]],
        key: 'name',
      },
      { what: 'no known key: replaced, not merged', lists: [[{ key: 'k', operator: 'In' }]], key: '' },
      { what: 'strings: replaced', lists: [['a', 'b']], key: '' },
    ];
    for (const t of table) it(t.what, () => expect(detectListMapKey(...t.lists)).to.equal(t.key));

    it('reproduces the rejected update of a Service with 53/UDP and 53/TCP (the merge emits dns-tcp twice)', () => {
      const desired = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { ports: [svcPort('dns-udp', 'UDP'), svcPort('dns-tcp', 'TCP')] },
      };
      const merged = dynamicMerge(withApiserverDefaults(desired), desired, desired) as { spec: { ports: Obj[] } };
      expect(merged.spec.ports.map((p) => p['name'])).to.deep.equal(['dns-tcp', 'dns-tcp']);
      expect(dynamicApplyFindings(withApiserverDefaults(desired), desired, desired)).to.deep.equal([
        { path: 'spec.ports', key: 'port', value: '53' },
      ]);
    });

    it('finds a containerPort declared twice (UDP and TCP) inside a container, naming the path', () => {
      const dep = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'named',
                  ports: [
                    { name: 'dns-udp', containerPort: 5353, protocol: 'UDP' },
                    { name: 'dns-tcp', containerPort: 5353, protocol: 'TCP' },
                  ],
                },
              ],
            },
          },
        },
      };
      expect(dynamicApplyFindings(withApiserverDefaults(dep), dep, dep)).to.deep.equal([
        { path: 'spec.template.spec.containers[name=named].ports', key: 'containerPort', value: '5353' },
      ]);
      expect(serverSideApplyFindings(dep)).to.deep.equal([]);
    });

    it('finds what server-side apply rejects: two imagePullSecrets of one name', () => {
      const dep = {
        kind: 'Deployment',
        spec: { template: { spec: { imagePullSecrets: [{ name: 'r' }, { name: 'r' }] } } },
      };
      expect(serverSideApplyFindings(dep)).to.deep.equal([
        { path: 'spec.template.spec.imagePullSecrets', key: 'name', value: 'r' },
      ]);
    });
  });

  for (const kind of INFRA_KINDS) {
    describe(`every child of test/fixtures/sync/${kind}`, () => {
      for (const c of fixtureCases(kind)) {
        it(`${c.name}: no list of objects holds two items under the merge key, and a resync changes nothing`, () => {
          const req = c.request as SyncRequest;
          const res = JSON.parse(readFileSync(c.responsePath, 'utf8')) as { children: KubeObject[] };
          const problems: string[] = [];
          for (const child of res.children) {
            problems.push(...updateProblems(child, observedChild(req, child)));
            // The sync after a create: Metacontroller merges the same desired object into what the apiserver
            // stored and updates only when the result differs. It must not differ (the Service aside: OnDelete).
            if (child.kind === 'Service') continue;
            const live = withApiserverDefaults(child as Obj);
            if (!isDeepStrictEqual(dynamicMerge(live, child as Obj, child as Obj), live))
              problems.push(`dynamic-apply: ${child.kind} ${child.metadata.name}: a resync would update it`);
          }
          expect(problems).to.deep.equal([]);
        });
      }
    });
  }

  it('a spec.version bump reaches the Deployment image under dynamic-apply', () => {
    const req = structuredClone(
      fixtureCases('bind9instance').find((x) => x.name === 'children-ready')!.request,
    ) as SyncRequest;
    (req.parent['spec'] as { version: string }).version = '9.20';
    const desired = syncBind9Instance(req, { ...infraDeps({}), generateKey: fakeKeys() }).children.find(
      (x) => x.kind === 'Deployment',
    )!;
    const observed = observedChild(req, desired)!;
    const merged = dynamicMerge(withApiserverDefaults(observed), lastApplied(observed), desired) as {
      spec: { template: { spec: { containers: { name: string; image: string }[] } } };
    };
    expect(updateProblems(desired, observed)).to.deep.equal([]);
    expect(merged.spec.template.spec.containers.map((x) => `${x.name} ${x.image}`)).to.deep.equal([
      'named internetsystemsconsortium/bind9:9.20',
      `bindcar ${infraDeps({}).bindcarImage}`,
    ]);
  });

  it('the Service, whose DNS ports cannot be merged, is OnDelete; every other child is updated in place', () => {
    for (const f of ['clusterbind9provider', 'bind9cluster', 'bind9instance']) {
      const spec = parse(readFileSync(join(REPO, 'metacontroller', `${f}.yaml`), 'utf8')).spec as {
        childResources: { resource: string; updateStrategy: { method: string } }[];
      };
      for (const r of spec.childResources) {
        const expected = f === 'bind9instance' && r.resource === 'services' ? 'OnDelete' : 'InPlace';
        expect(r.updateStrategy.method, `${f} ${r.resource}`).to.equal(expected);
      }
    }
  });
});
