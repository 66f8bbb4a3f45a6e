/**
 * manifests/ and metacontroller/: every YAML parses, kustomize builds every overlay, and every object names only
 * fields that exist — core kinds checked against client-node's model attribute maps (the OpenAPI-generated
 * types). The same check runs over the children the infrastructure hooks return in their golden responses.
 * CompositeControllers are checked against Metacontroller's own CRDs, which are Metacontroller's files and not in
 * this repository, by test/cluster/compositecontrollers.test.ts; full apiserver checks are all in test/cluster.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { SERVICE_NODE_OPTIONS } from '../../scripts/bundle.js';
import { REPO, fixtureCases } from '../hooks/children/support.js';

const execFileP = promisify(execFile);

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e) ? [p] : [];
    })
    .sort();
}

type Attr = { name: string; baseName: string; type: string };
const models = k8s as unknown as Record<string, { getAttributeTypeMap?: () => Attr[] }>;
const LEAF = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString', 'RuntimeRawExtension']);

/** Paths of fields in `obj` that the client-node model `type` does not have. */
export function unknownModelFields(obj: unknown, type: string, path = ''): string[] {
  if (obj === null || obj === undefined) return [];
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr)
    return Array.isArray(obj)
      ? obj.flatMap((v, i) => unknownModelFields(v, arr[1]!, `${path}[${i}]`))
      : [`${path} (expected a list)`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map)
    return typeof obj === 'object'
      ? Object.entries(obj as object).flatMap(([k, v]) => unknownModelFields(v, map[1]!, `${path}[${k}]`))
      : [`${path} (expected a map)`];
  if (LEAF.has(type)) return [];
  const model = models[type];
  if (!model?.getAttributeTypeMap) return [`${path} (unknown model ${type})`];
  if (typeof obj !== 'object' || Array.isArray(obj)) return [`${path} (expected an object of ${type})`];
  const attrs = model.getAttributeTypeMap();
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => {
    const a = attrs.find((x) => x.baseName === k);
    return a ? unknownModelFields(v, a.type, path ? `${path}.${k}` : k) : [`${path ? `${path}.` : ''}${k}`];
  });
}

const CORE: Record<string, string> = {
  'v1/Namespace': 'V1Namespace',
  'v1/Service': 'V1Service',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Secret': 'V1Secret',
  'v1/PersistentVolumeClaim': 'V1PersistentVolumeClaim',
  'apps/v1/Deployment': 'V1Deployment',
  'apps/v1/StatefulSet': 'V1StatefulSet',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
  'apiextensions.k8s.io/v1/CustomResourceDefinition': 'V1CustomResourceDefinition',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': 'V1MutatingWebhookConfiguration',
};

/** Kinds whose fields a cluster test checks instead, against CRDs this repository does not carry. */
const CHECKED_IN_CLUSTER: Record<string, string> = {
  'metacontroller.k8s.io/v1alpha1/CompositeController': 'test/cluster/compositecontrollers.test.ts',
  // the same test dry-runs every object of metacontroller/, the index-label DecoratorController included
  'metacontroller.k8s.io/v1alpha1/DecoratorController': 'test/cluster/compositecontrollers.test.ts',
  // the monitoring overlay, dry-run against the Prometheus Operator's CRDs (generated from its pinned API types)
  'monitoring.coreos.com/v1/ServiceMonitor': 'test/cluster/kustomize.test.ts',
  'monitoring.coreos.com/v1/PodMonitor': 'test/cluster/kustomize.test.ts',
  'monitoring.coreos.com/v1/PrometheusRule': 'test/cluster/kustomize.test.ts',
};

/** Unknown fields of one object of any kind we ship; throws for kinds nothing checks. */
function unknownFields(obj: { apiVersion?: string; kind?: string }): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  if (CORE[key]) return unknownModelFields(obj, CORE[key]);
  if (CHECKED_IN_CLUSTER[key]) return [];
  throw new Error(`no schema to check ${key}`);
}

const KUSTOMIZATION = /(^|\/)kustomization\.ya?ml$/;
/** Not Kubernetes objects: promtool's rule unit tests (test/monitoring/promtool.test.ts runs them). */
const NOT_OBJECTS = /(^|\/)rules\.test\.yaml$/;
const files = [...yamlFiles(join(REPO, 'manifests')), ...yamlFiles(join(REPO, 'metacontroller'))];

describe('manifests/ and metacontroller/', () => {
  it('has YAML files to check', () => {
    expect(files.length).to.be.at.least(10);
  });

  for (const f of files) {
    it(`${relative(REPO, f)} parses and names only existing fields`, () => {
      const docs = parseAllDocuments(readFileSync(f, 'utf8'));
      for (const d of docs)
        expect(
          d.errors.map((e) => e.message),
          relative(REPO, f),
        ).to.deep.equal([]);
      if (KUSTOMIZATION.test(f) || NOT_OBJECTS.test(f)) return;
      for (const obj of docs
        .map((d) => d.toJS() as { apiVersion?: string; kind?: string } | null)
        .filter((o) => o !== null)) {
        expect(unknownFields(obj), `${obj.kind} in ${relative(REPO, f)}`).to.deep.equal([]);
      }
    });
  }

  it('the unknown-field check catches a misspelt field (it can fail)', () => {
    expect(
      unknownModelFields(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'x' },
          spec: { replica: 2, template: { spec: { containers: [{ name: 'a', imagePullPolicyy: 'x' }] } } },
        },
        'V1Deployment',
      ),
    ).to.deep.equal(['spec.replica', 'spec.template.spec.containers[0].imagePullPolicyy']);
  });

  it('CompositeControllers use hook v2, generateSelector, InPlace children (instance Services: OnDelete), a resync period and the bindy-hooks service', () => {
    for (const f of yamlFiles(join(REPO, 'metacontroller')).filter((x) => !KUSTOMIZATION.test(x))) {
      for (const obj of parseAllDocuments(readFileSync(f, 'utf8'))
        .map((d) => d.toJS() as Record<string, any> | null)
        .filter((o) => o !== null)) {
        if (obj['kind'] !== 'CompositeController') continue;
        const spec = obj['spec'];
        expect(spec.generateSelector, f).to.equal(true);
        expect(spec.resyncPeriodSeconds, f).to.be.a('number');
        // An instance Service is never updated: dynamic-apply cannot merge its 53/UDP + 53/TCP ports
        // (metacontroller/bind9instance.yaml says why; test/hooks/children/apply.test.ts checks every child).
        for (const c of spec.childResources ?? [])
          expect(c.updateStrategy?.method, `${f} ${c.resource}`).to.equal(
            f.endsWith('bind9instance.yaml') && c.resource === 'services' ? 'OnDelete' : 'InPlace',
          );
        for (const [name, hook] of Object.entries(spec.hooks as Record<string, any>)) {
          expect(hook.version, `${f} ${name}`).to.equal('v2');
          expect(hook.webhook.service, `${f} ${name}`).to.deep.equal({
            name: 'bindy-hooks',
            namespace: 'bindy-system',
            port: 80,
          });
        }
      }
    }
  });

  it('the DecoratorControllers use hook v2, the bindy-hooks service, a resync period; only the sources have attachments', () => {
    const decorators = yamlFiles(join(REPO, 'metacontroller'))
      .filter((x) => !KUSTOMIZATION.test(x))
      .flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as Record<string, any> | null))
      .filter((o) => o?.['kind'] === 'DecoratorController');
    expect(decorators.map((d) => d!['metadata'].name)).to.deep.equal([
      'bindy-sources-gateway-api',
      'bindy-index-labels',
      'bindy-sources',
    ]);
    for (const sources of decorators
      .filter((d) => d!['metadata'].name.startsWith('bindy-sources'))
      .map((d) => d!['spec'])) {
      expect(sources.resyncPeriodSeconds).to.be.a('number');
      expect(Object.keys(sources.hooks)).to.deep.equal(['customize', 'sync', 'finalize']);
      for (const h of Object.values(sources.hooks) as { version: string; webhook: { service: unknown } }[]) {
        expect(h.version).to.equal('v2');
        expect(h.webhook.service).to.deep.equal({ name: 'bindy-hooks', namespace: 'bindy-system', port: 80 });
      }
    }
    for (const d of decorators.filter((x) => x!['metadata'].name === 'bindy-index-labels')) {
      const spec = d!['spec'];
      expect(spec.resyncPeriodSeconds).to.be.a('number');
      expect(spec.attachments).to.equal(undefined);
      expect(Object.keys(spec.hooks)).to.deep.equal(['sync']);
      expect(spec.hooks.sync.version).to.equal('v2');
      expect(spec.hooks.sync.webhook.service).to.deep.equal({
        name: 'bindy-hooks',
        namespace: 'bindy-system',
        port: 80,
      });
      expect(spec.hooks.sync.webhook.path).to.equal('/sync/index-labels');
    }
  });

  it('crds/kustomization.yaml lists every CRD, so the manifests install all of them', () => {
    const src = readdirSync(join(REPO, 'crds'))
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .sort();
    const listed = parseAllDocuments(readFileSync(join(REPO, 'crds', 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
      resources: string[];
    };
    expect([...listed.resources].sort()).to.deep.equal(src);
  });

  for (const overlay of ['base', 'overlays/dev', 'overlays/production', 'overlays/admission']) {
    it(`kubectl kustomize manifests/${overlay} builds (no load-restrictor flag) with objects that name existing fields`, async function () {
      this.timeout(30000);
      const { stdout } = await execFileP('kubectl', ['kustomize', join(REPO, 'manifests', overlay)]).catch(
        (e: { code?: string; stderr?: string }) => {
          throw new Error(
            e.code === 'ENOENT' ? 'kubectl not found in PATH (needed for kustomize)' : `kustomize failed: ${e.stderr}`,
          );
        },
      );
      const objs = parseAllDocuments(stdout).map((d) => d.toJS() as Record<string, any>);
      const kinds = objs.map((o) => `${o['kind']}/${o['metadata'].name}`);
      expect(kinds).to.include.members([
        'Namespace/bindy-system',
        'Deployment/bindy-hooks',
        'Service/bindy-hooks',
        'ServiceAccount/bindy-hooks',
        'CompositeController/bindy-bind9cluster',
        'CompositeController/bindy-bind9instance',
        'CompositeController/bindy-clusterbind9provider',
        'DecoratorController/bindy-index-labels',
        'CustomResourceDefinition/bind9instances.bindy.firestoned.io',
      ]);
      for (const o of objs) expect(unknownFields(o), `${o['kind']}/${o['metadata'].name}`).to.deep.equal([]);
      // kustomize transformers must not touch the CRDs (e.g. the images transformer)
      for (const o of objs.filter((x) => x['kind'] === 'CustomResourceDefinition')) {
        const file = `${o['metadata'].name.split('.')[0]}.yaml`;
        expect(o, file).to.deep.equal(parseAllDocuments(readFileSync(join(REPO, 'crds', file), 'utf8'))[0]!.toJS());
      }
    });
  }

  it('every environment variable of the hooks Deployment is read by the hooks code', () => {
    const docs = parseAllDocuments(readFileSync(join(REPO, 'manifests', 'base', 'hooks.yaml'), 'utf8')).map(
      (d) => d.toJS() as Record<string, any>,
    );
    const dep = docs.find((d) => d['kind'] === 'Deployment')!;
    const names = (dep['spec'].template.spec.containers[0].env as { name: string }[]).map((e) => e.name);
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) sources.push(readFileSync(p, 'utf8'));
      }
    };
    walk(join(REPO, 'hooks'));
    const all = sources.join('\n');
    const readByNode = new Set(['NODE_OPTIONS']); // node itself reads it (V8 flags), never the hooks' code
    for (const n of names.filter((x) => !readByNode.has(x)))
      expect(all.includes(`env['${n}']`), `${n} is not read anywhere in hooks/`).to.equal(true);
  });

  it('the hooks Deployment runs node with the V8 options their code cache was written under', () => {
    const docs = parseAllDocuments(readFileSync(join(REPO, 'manifests', 'base', 'hooks.yaml'), 'utf8')).map(
      (d) => d.toJS() as Record<string, any>,
    );
    const env = docs.find((d) => d['kind'] === 'Deployment')!['spec'].template.spec.containers[0].env as {
      name: string;
      value?: string;
    }[];
    expect(env.find((e) => e.name === 'NODE_OPTIONS')?.value).to.equal(SERVICE_NODE_OPTIONS.hooks);
  });

  it('the children the infrastructure hooks return name only existing fields', () => {
    for (const kind of ['bind9instance', 'bind9cluster']) {
      for (const c of fixtureCases(kind)) {
        if (!existsSync(c.responsePath)) continue;
        const res = JSON.parse(readFileSync(c.responsePath, 'utf8')) as {
          children: { apiVersion: string; kind: string }[];
        };
        for (const child of res.children.filter((x) => CORE[`${x.apiVersion}/${x.kind}`])) {
          expect(unknownFields(child), `${kind}/${c.name}: ${child.kind}`).to.deep.equal([]);
        }
      }
    }
  });
});
