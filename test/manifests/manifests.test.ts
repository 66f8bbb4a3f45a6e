/**
 * manifests/ and metacontroller/: every YAML parses, kustomize builds every overlay, and every object names only
 * fields that exist — core kinds checked against client-node's model attribute maps (the OpenAPI-generated
 * types), CompositeControllers against Metacontroller's own CRD schema. The same check runs over the children
 * the infrastructure hooks return in their golden responses. Full apiserver checks are in test/cluster.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { REPO, fixtureCases } from '../hooks/children/support.js';

const execFileP = promisify(execFile);
const METACONTROLLER_CRDS = join(REPO, '..', 'shared', 'metacontroller-crds', 'metacontroller-crds-v1.yaml');

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

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
};

/** Paths of fields in `obj` that a CRD's structural schema does not declare (the apiserver would prune them). */
export function unknownSchemaFields(obj: unknown, schema: Schema, path = ''): string[] {
  if (obj === null || typeof obj !== 'object') return [];
  if (Array.isArray(obj))
    return schema.items ? obj.flatMap((v, i) => unknownSchemaFields(v, schema.items!, `${path}[${i}]`)) : [];
  if (schema['x-kubernetes-preserve-unknown-fields']) return [];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => {
    const p = path ? `${path}.${k}` : k;
    const sub =
      schema.properties?.[k] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub) return unknownSchemaFields(v, sub, p);
    if (schema.additionalProperties === true || (path === 'metadata' && !schema.properties)) return [];
    return [p];
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
};

function metacontrollerSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const d of parseAllDocuments(readFileSync(METACONTROLLER_CRDS, 'utf8'))) {
    const crd = d.toJS() as {
      spec?: {
        group: string;
        names: { kind: string };
        versions: { name: string; schema: { openAPIV3Schema: Schema } }[];
      };
    } | null;
    for (const v of crd?.spec?.versions ?? [])
      out[`${crd!.spec!.group}/${v.name}/${crd!.spec!.names.kind}`] = v.schema.openAPIV3Schema;
  }
  return out;
}

/** Unknown fields of one object of any kind we ship; throws for kinds we cannot check. */
function unknownFields(obj: { apiVersion?: string; kind?: string }, mc: Record<string, Schema>): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  if (CORE[key]) return unknownModelFields(obj, CORE[key]);
  if (mc[key]) return unknownSchemaFields(obj, mc[key]);
  throw new Error(`no schema to check ${key}`);
}

const KUSTOMIZATION = /(^|\/)kustomization\.ya?ml$/;
const files = [...yamlFiles(join(REPO, 'manifests')), ...yamlFiles(join(REPO, 'metacontroller'))];

describe('manifests/ and metacontroller/', () => {
  let mc: Record<string, Schema> = {};
  before(() => {
    expect(
      existsSync(METACONTROLLER_CRDS),
      `${METACONTROLLER_CRDS} missing (the shared/ folder beside the checkout)`,
    ).to.equal(true);
    mc = metacontrollerSchemas();
  });

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
      if (KUSTOMIZATION.test(f)) return;
      for (const obj of docs
        .map((d) => d.toJS() as { apiVersion?: string; kind?: string } | null)
        .filter((o) => o !== null)) {
        expect(unknownFields(obj, mc), `${obj.kind} in ${relative(REPO, f)}`).to.deep.equal([]);
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
    expect(
      unknownSchemaFields(
        { spec: { generateSelector: true, hooks: { sync: { webhook: { urll: 'x' } } } } },
        mc['metacontroller.k8s.io/v1alpha1/CompositeController']!,
      ),
    ).to.deep.equal(['spec.hooks.sync.webhook.urll']);
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

  it('crds/kustomization.yaml lists every CRD, so the manifests install all of them', () => {
    const src = readdirSync(join(REPO, 'crds'))
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .sort();
    const listed = parseAllDocuments(readFileSync(join(REPO, 'crds', 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
      resources: string[];
    };
    expect([...listed.resources].sort()).to.deep.equal(src);
  });

  for (const overlay of ['base', 'overlays/dev', 'overlays/production']) {
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
        'CustomResourceDefinition/bind9instances.bindy.firestoned.io',
      ]);
      for (const o of objs) expect(unknownFields(o, mc), `${o['kind']}/${o['metadata'].name}`).to.deep.equal([]);
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
    for (const n of names) expect(all.includes(`env['${n}']`), `${n} is not read anywhere in hooks/`).to.equal(true);
  });

  it('the children the infrastructure hooks return name only existing fields', () => {
    for (const kind of ['bind9instance', 'bind9cluster']) {
      for (const c of fixtureCases(kind)) {
        if (!existsSync(c.responsePath)) continue;
        const res = JSON.parse(readFileSync(c.responsePath, 'utf8')) as {
          children: { apiVersion: string; kind: string }[];
        };
        for (const child of res.children.filter((x) => CORE[`${x.apiVersion}/${x.kind}`])) {
          expect(unknownFields(child, mc), `${kind}/${c.name}: ${child.kind}`).to.deep.equal([]);
        }
      }
    }
  });
});
