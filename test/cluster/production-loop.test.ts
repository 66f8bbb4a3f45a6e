/**
 * The production loop, once per Metacontroller apply strategy: the real Metacontroller calls the hooks (as the
 * bindy-hooks ServiceAccount), which drive a real named through bindcar. The shared scenario table runs here and
 * through the local runtime in `npm test`; the rows below it need what only a real apiserver + Metacontroller have
 * (children applied with an apply strategy, SyncError events, resourceVersions, the seed across namespaces).
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { SCENARIOS } from '../scenarios/production-loop.js';
import { condition, type LoopObject } from '../scenarios/loop-driver.js';
import { pollUntil } from '../support/poll.js';
import {
  REPO_ROOT,
  classifyDoc,
  clusterEnv,
  describeCluster,
  ensureCrds,
  ensureNamespace,
  filesIn,
  readDocs,
} from './support.js';
import type { ApplyStrategy } from './env/metacontroller.js';
import { ensureMetacontrollerCrds } from './shared.js';
import { controllerFileFor, startProductionLoop, type ProductionLoop } from './production-loop/harness.js';
import { GATEWAY_API_RESOURCES, gatewayApiCrdFiles } from './env/gateway-api-crds.js';
import { answerData } from '../scenarios/loop-driver.js';
import { kubeDriver, NAMESPACED_BINDY_RESOURCES, resourceOf } from './production-loop/kube-driver.js';
import { describeScale, runScale } from './production-loop/scale.js';

const STRATEGIES: readonly ApplyStrategy[] = ['dynamic-apply', 'server-side-apply'];

interface Json {
  items: LoopObject[];
}

async function listJson(loop: ProductionLoop, resources: readonly string[], ns: string): Promise<LoopObject[]> {
  const r = await loop.env.kubectl(['get', resources.join(','), '-n', ns, '-o', 'json']);
  return (JSON.parse(r.stdout) as Json).items;
}

/** SyncError events Metacontroller recorded on the namespace's current bindy objects (not on earlier runs' ones). */
async function syncErrors(loop: ProductionLoop, ns: string): Promise<string[]> {
  const uids = new Set((await listJson(loop, NAMESPACED_BINDY_RESOURCES, ns)).map((o) => String(o.metadata['uid'])));
  const events = await listJson(loop, ['events'], ns);
  return events
    .filter((e) => e['reason'] === 'SyncError' && uids.has((e['involvedObject'] as { uid: string }).uid))
    .map((e) => {
      const io = e['involvedObject'] as { kind: string; name: string };
      return `${io.kind}/${io.name}: ${String(e['message'])}`;
    });
}

describeCluster('manifests/metacontroller: the Metacontroller install bindy ships', () => {
  it('applies to a real apiserver (server-side dry run) after its CRDs', async function () {
    this.timeout(120_000);
    await ensureMetacontrollerCrds();
    // A server dry run does not create the namespace its other objects need.
    await clusterEnv().kubectl(['create', 'namespace', 'metacontroller'], { check: false });
    const r = await clusterEnv().kubectl([
      'apply',
      '-k',
      join(REPO_ROOT, 'manifests/metacontroller'),
      '--dry-run=server',
    ]);
    expect(r.stdout).to.match(/statefulset\.apps\/metacontroller (created|configured|unchanged) \(server dry run\)/);
  });
});

for (const strategy of STRATEGIES) {
  const short = strategy === 'dynamic-apply' ? 'dyn' : 'ssa';
  // The index labels come from the decorator alone under dynamic-apply (manifests/base), and from the admission
  // webhook with the decorator behind it under server-side-apply (manifests/overlays/admission): both installs run
  // every row.
  const admission = strategy === 'server-side-apply';
  const install = admission ? ', index labels at admission' : '';
  describeCluster(`production loop: real Metacontroller (--apply-strategy=${strategy}${install})`, function () {
    let loop: ProductionLoop;
    const namespaces: string[] = [];
    const ns = async (suffix: string): Promise<string> => {
      const name = `loop-${short}-${suffix}`;
      await ensureNamespace(name);
      namespaces.push(name);
      return name;
    };
    /** Runs a row; a failure carries the Metacontroller log excerpt. */
    const withLog = async (fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        const e = err as Error;
        e.message += `\n--- Metacontroller log (errors) ---\n${await loop.metacontrollerLog()}`;
        throw e;
      }
    };

    before(async function () {
      this.timeout(20 * 60_000);
      await ensureCrds();
      await ensureMetacontrollerCrds();
      loop = await startProductionLoop(clusterEnv(), strategy, { admission });
    });

    after(async function () {
      this.timeout(300_000);
      if (!loop) return;
      // Leave nothing for the next strategy's Metacontroller: delete every object while this one (and bindcar) can
      // still finalize them. There is no garbage collector (no controller-manager), so children go explicitly.
      for (const n of namespaces) {
        await loop.env.kubectl(['delete', NAMESPACED_BINDY_RESOURCES.join(','), '--all', '-n', n, '--wait=false'], {
          check: false,
        });
      }
      for (const n of namespaces) {
        await pollUntil(
          async () => {
            const left = await listJson(loop, NAMESPACED_BINDY_RESOURCES, n);
            if (left.length)
              throw new Error(`${n}: ${left.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')} left`);
          },
          { timeoutMs: 120_000, intervalMs: 500 },
        );
        await loop.env.kubectl(
          [
            'delete',
            'deployments.apps,services,configmaps,secrets,serviceaccounts,networkpolicies.networking.k8s.io,poddisruptionbudgets.policy',
            '--all',
            '-n',
            n,
          ],
          {
            check: false,
          },
        );
      }
      await loop.stop();
    });

    SCENARIOS.forEach((s, i) => {
      it(s.name, async function () {
        this.timeout(120_000);
        const driver = kubeDriver(loop, await ns(`s${i}`));
        await withLog(() => s.run(driver));
      });
    });

    it('Gateway API: an annotated HTTPRoute answers at its Gateway’s status.addresses, follows a change and leaves with it', async function () {
      this.timeout(240_000);
      const n = await ns('gateway-api');
      const k = loop.env.kubectl.bind(loop.env);
      const z = 'gw.loop.test';
      const dig = async (name: string) => answerData(await loop.named.query(name, 'A'), 'A');
      await withLog(async () => {
        // GIVEN the Gateway API CRDs (the real ones, from their Go module) and the routes DecoratorController
        for (const f of await gatewayApiCrdFiles()) await k(['apply', '--server-side', '--force-conflicts', '-f', f]);
        await k([
          'wait',
          '--for=condition=Established',
          '--timeout=60s',
          ...GATEWAY_API_RESOURCES.map((r) => `crd/${r}.gateway.networking.k8s.io`),
        ]);
        const dcFile = join(REPO_ROOT, 'metacontroller/gateway-api/sources-gateway-api.yaml');
        await k(['apply', '-f', '-'], { stdin: await controllerFileFor(dcFile, loop.hooksUrl) });
        const d = kubeDriver(loop, n);
        await d.apply(
          {
            apiVersion: 'bindy.firestoned.io/v1beta1',
            kind: 'Bind9Instance',
            metadata: { name: 'ext', labels: { 'loop.bindy.test/placement': 'external' } },
            spec: { clusterRef: 'loop', role: 'primary', external: { ...loop.external } },
          },
          {
            apiVersion: 'bindy.firestoned.io/v1beta1',
            kind: 'DNSZone',
            metadata: { name: 'gw' },
            spec: {
              zoneName: z,
              bind9InstancesFrom: [{ selector: { matchLabels: { 'loop.bindy.test/placement': 'external' } } }],
            },
          },
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'Gateway',
            metadata: { name: 'edge' },
            spec: { gatewayClassName: 'example', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
          },
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'HTTPRoute',
            metadata: { name: 'docs', annotations: { 'bindy.firestoned.io/zone': 'gw' } },
            spec: { parentRefs: [{ name: 'edge' }], hostnames: [`docs.${z}`] },
          },
        );
        const report = async () => {
          const r = await k(['get', 'httproutes.gateway.networking.k8s.io', 'docs', '-n', n, '-o', 'json']);
          const a = (JSON.parse(r.stdout) as LoopObject).metadata['annotations'] as Record<string, string> | undefined;
          return a?.['bindy.firestoned.io/dns'];
        };
        // Metacontroller starts the DecoratorController once its discovery has the new CRDs (--discovery-interval)
        await pollUntil(async () => expect(await report(), 'the route’s report').to.match(/NoAddress/), {
          timeoutMs: 120_000,
          intervalMs: 500,
        });
        const setAddress = (ip: string) =>
          k([
            'patch',
            'gateways.gateway.networking.k8s.io',
            'edge',
            '-n',
            n,
            '--subresource=status',
            '--type=merge',
            '-p',
            JSON.stringify({ status: { addresses: [{ type: 'IPAddress', value: ip }] } }),
          ]);
        // WHEN the Gateway gets an address THEN the route's host answers it
        let t0 = Date.now();
        await setAddress('192.0.2.30');
        await d.eventually(async () => expect(await dig(`docs.${z}`)).to.deep.equal(['192.0.2.30']));
        const create = Date.now() - t0;
        // WHEN the address changes THEN the answer follows
        t0 = Date.now();
        await setAddress('192.0.2.31');
        await d.eventually(async () => expect(await dig(`docs.${z}`)).to.deep.equal(['192.0.2.31']));
        const change = Date.now() - t0;
        // WHEN the route is deleted THEN its host is gone
        t0 = Date.now();
        await k(['delete', 'httproutes.gateway.networking.k8s.io', 'docs', '-n', n, '--wait=false']);
        await d.eventually(async () => expect(await dig(`docs.${z}`)).to.deep.equal([]));
        const gone = Date.now() - t0;
        console.log(
          `      gateway-api (${strategy}): Gateway status patch → dig answer ${create} ms, address change ${change} ms, route deletion ${gone} ms`,
        );
        await k(['delete', 'gateways.gateway.networking.k8s.io', 'edge', '-n', n, '--wait=false']);
        // the next Metacontroller run applies its own copy (with its hooks URL) when it needs it
        await k(['delete', 'decoratorcontroller', 'bindy-sources-gateway-api', '--ignore-not-found']);
      });
    });

    it('cluster → instances → children are created and updated (version bump, named.conf change), no SyncError', async function () {
      this.timeout(180_000);
      const n = await ns('infra');
      const d = kubeDriver(loop, n);
      const cluster = (version: string, allowQuery: string[]): LoopObject => ({
        apiVersion: 'bindy.firestoned.io/v1beta1',
        kind: 'Bind9Cluster',
        metadata: { name: 'infra' },
        spec: { version, global: { allowQuery }, primary: { replicas: 1 }, secondary: { replicas: 1 } },
      });
      const deployment = (name: string) =>
        loop.env
          .kubectl(['get', 'deployment', name, '-n', n, '-o', 'json'], { check: false })
          .then((r) => (r.code === 0 ? (JSON.parse(r.stdout) as LoopObject) : undefined));
      const podTemplate = (dep: LoopObject | undefined) =>
        dep?.spec?.['template'] as
          | {
              metadata: { annotations?: Record<string, string> };
              spec: { containers: { name: string; image: string }[] };
            }
          | undefined;
      const names = ['infra-primary-0', 'infra-secondary-0'];
      await withLog(async () => {
        await d.apply(cluster('9.18', ['any']));
        const first = await d.eventually(async () => {
          const deps = await Promise.all(names.map(deployment));
          deps.forEach((dep, i) => expect(dep, `Deployment ${names[i]}`).to.not.equal(undefined));
          for (const kind of ['Service', 'ConfigMap', 'Secret', 'ServiceAccount']) {
            const objs = await listJson(loop, [resourceOf(kind)], n);
            for (const name of names)
              expect(
                objs.some((o) => o.metadata.name.startsWith(name)),
                `${kind} of ${name}`,
              ).to.equal(true);
          }
          return deps;
        }, 60_000);
        const image = (dep: LoopObject | undefined) =>
          podTemplate(dep)!.spec.containers.find((c) => c.name === 'named')!.image;
        const hash = (dep: LoopObject | undefined) => JSON.stringify(podTemplate(dep)!.metadata.annotations ?? {});
        const before = first.map((dep) => ({ image: image(dep), hash: hash(dep) }));
        // A version bump rolls the image.
        await d.apply(cluster('9.20', ['any']));
        await d.eventually(async () => {
          const deps = await Promise.all(names.map(deployment));
          deps.forEach((dep, i) => {
            expect(image(dep), `${names[i]} image after the version bump`).to.not.equal(before[i]!.image);
            expect(image(dep)).to.match(/9\.20/);
          });
        }, 60_000);
        const mid = (await Promise.all(names.map(deployment))).map(hash);
        // A named.conf change rolls the pod template (config hash).
        await d.apply(cluster('9.20', ['10.0.0.0/8']));
        await d.eventually(async () => {
          const deps = await Promise.all(names.map(deployment));
          deps.forEach((dep, i) =>
            expect(hash(dep), `${names[i]} pod template after a named.conf change`).to.not.equal(mid[i]),
          );
        }, 60_000);
        // Let a few more syncs pass (a failing update shows as SyncError only after Metacontroller tried it).
        await new Promise((r) => setTimeout(r, 3000));
        expect(await syncErrors(loop, n), 'SyncError events').to.deep.equal([]);
      });
    });

    it('the seed blog post applies verbatim and every instance gets its children, no SyncError', async function () {
      this.timeout(180_000);
      const docs = filesIn('examples/seed')
        .flatMap((f) => readDocs(f))
        .filter((doc) => classifyDoc(doc.value).apply)
        .map((doc) => doc.value as LoopObject);
      const seedNamespaces = [...new Set(docs.map((o) => o.metadata.namespace).filter((x): x is string => !!x))];
      for (const s of seedNamespaces) {
        await ensureNamespace(s);
        namespaces.push(s);
      }
      if (!namespaces.includes('default')) namespaces.push('default');
      await withLog(async () => {
        await loop.env.kubectl(['apply', '-f', '-'], { stdin: docs.map((o) => JSON.stringify(o)).join('\n') });
        for (const s of [...seedNamespaces, 'default']) {
          await pollUntil(
            async () => {
              const instances = await listJson(loop, [resourceOf('Bind9Instance')], s);
              for (const i of instances.filter((x) => !x.spec?.['external'])) {
                const dep = await loop.env.kubectl(['get', 'deployment', i.metadata.name, '-n', s], { check: false });
                expect(dep.code, `Deployment of ${s}/${i.metadata.name}`).to.equal(0);
                expect(condition(i), `${s}/${i.metadata.name} has a status`).to.not.equal(undefined);
              }
            },
            { timeoutMs: 90_000, intervalMs: 500 },
          );
          const errors = await syncErrors(loop, s);
          expect(errors, `SyncError events in ${s}: ${errors.join(' | ').slice(0, 2000)}`).to.deep.equal([]);
        }
      });
    });

    it('scale: zones × records applied at once settle, and one change re-syncs only its zone', async function () {
      this.timeout(15 * 60_000);
      const zones = Number(process.env['BINDY_SCALE_ZONES'] ?? 50);
      const n = await ns('scale');
      await withLog(async () => {
        const f = await runScale(loop, n, { zones, perZone: 5 });
        console.log(`      scale (${strategy}): ${describeScale(f)}`);
        // Each zone: its first sync once labelled, and the echo of its record-status writes (Metacontroller re-syncs
        // a parent on any change of a related object, status included); more when record labels arrive split over
        // syncs. The guards are loose (a loaded 2-core machine adds syncs); README "Metacontroller at scale" has the
        // figures, scripts/scale-loop.ts the full size.
        expect(f.syncsMax, 'DNSZone syncs of one zone while settling').to.be.at.most(8);
        expect(f.zoneHookBytes / f.objectBytes, 'DNSZone hook request bytes per object byte').to.be.below(8);
        expect(Object.keys(f.change.syncs), 'zones re-synced by one record change').to.deep.equal([`${n}/z0`]);
        expect(f.change.syncs[`${n}/z0`], 'its push and the echo of its status write').to.be.at.most(2);
        expect(f.change.ms, 'one record change → answer (ms)').to.be.below(1000);
        expect(f.created.otherSyncs, 'syncs of other zones when a zone is created').to.deep.equal({});
        expect(f.zoneChanged.otherSyncs, 'syncs of other zones when a zone changes').to.deep.equal({});
        expect(f.zoneChanged.ownSyncs, 'a changed zone: one sync, no echo of its own status').to.equal(1);
        // labelled as they are created, the records leave the decorator nothing to write; without the webhook it
        // writes every record's labels
        if (admission) expect(f.labelWrites.record, 'record label writes while settling').to.equal(0);
        else expect(f.labelWrites.record, 'record label writes while settling').to.be.at.least(zones * 5);
      });
    });

    it('idle for 60 s: no resourceVersion changes, and the hook calls it took', async function () {
      this.timeout(120_000);
      const snapshot = async () => {
        const out = new Map<string, string>();
        for (const n of namespaces) {
          for (const o of await listJson(loop, NAMESPACED_BINDY_RESOURCES, n))
            out.set(`${n}/${o.kind}/${o.metadata.name}`, String(o.metadata['resourceVersion']));
        }
        return out;
      };
      await new Promise((r) => setTimeout(r, 5000)); // let the rows above settle
      const before = await snapshot();
      const calls0 = await loop.hookCalls();
      await new Promise((r) => setTimeout(r, 60_000));
      const after = await snapshot();
      const calls1 = await loop.hookCalls();
      const changed = [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
      const delta = Object.fromEntries(
        Object.entries(calls1)
          .map(([k, v]) => [k, v - (calls0[k] ?? 0)] as const)
          .filter(([, v]) => v > 0),
      );
      console.log(`      idle 60 s (${strategy}): ${before.size} objects, hook calls ${JSON.stringify(delta)}`);
      expect(changed, 'objects whose resourceVersion moved while idle').to.deep.equal([]);
    });
  });
}
