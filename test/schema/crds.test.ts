import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadCrds } from '../../scripts/gen/crds.js';
import type { JsonSchema } from '../../scripts/gen/crds.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const crds = loadCrds(join(ROOT, 'crds'));
const byKind = (k: string): JsonSchema => crds.find((c) => c.kind === k)!.schema;
const specOf = (k: string): JsonSchema => (byKind(k)['properties'] as Record<string, JsonSchema>)['spec']!;
const props = (s: JsonSchema): Record<string, JsonSchema> => (s['properties'] as Record<string, JsonSchema>) ?? {};

// Short names of core and common built-in resources (kubectl api-resources on Kubernetes 1.35);
// a CRD short name equal to one of these is shadowed by the built-in (and `kubectl delete ns x` would hit Namespaces).
const BUILTIN_SHORT_NAMES = [
  'cs',
  'cm',
  'ep',
  'ev',
  'limits',
  'ns',
  'no',
  'pvc',
  'pv',
  'po',
  'podtemplate',
  'rc',
  'quota',
  'sa',
  'svc',
  'crd',
  'crds',
  'ds',
  'deploy',
  'rs',
  'sts',
  'hpa',
  'cj',
  'csr',
  'ing',
  'netpol',
  'pdb',
  'pc',
  'sc',
  'ep',
  'eps',
  'ev',
  'ingclass',
  'vac',
  'rt',
  'lease',
  'apiservice',
  'priorityclass',
];

/** Visits every schema node with its dotted path. */
function walk(s: JsonSchema, path: string, visit: (node: JsonSchema, path: string) => void): void {
  visit(s, path);
  for (const [k, v] of Object.entries(props(s))) walk(v, path ? `${path}.${k}` : k, visit);
  if (s['items']) walk(s['items'] as JsonSchema, `${path}[]`, visit);
  if (s['additionalProperties'] && typeof s['additionalProperties'] === 'object')
    walk(s['additionalProperties'] as JsonSchema, `${path}.*`, visit);
}

/** Resolves a printer-column JSONPath (`.spec.x`, `.status.conditions[?(@.type=="Ready")].status`) in a schema. */
function resolveColumn(schema: JsonSchema, jsonPath: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const tok of jsonPath
    .replace(/\[\?\(@\.[a-z]+=="[A-Za-z]+"\)\]/g, '[]')
    .split('.')
    .filter(Boolean)) {
    if (!node) return undefined;
    const name = tok.replace(/\[\]$/, '');
    if (name === 'metadata') return { type: 'object' };
    node = props(node)[name];
    if (node && tok.endsWith('[]')) node = node['items'] as JsonSchema | undefined;
  }
  return node;
}

describe('crds/', () => {
  it('defines the 24 kinds of bindy.firestoned.io/v1beta1, one file each', () => {
    expect(crds.map((c) => c.kind).sort()).to.deep.equal([
      'AAAARecord',
      'ARecord',
      'Bind9Cluster',
      'Bind9Instance',
      'CAARecord',
      'CNAMERecord',
      'ClusterBind9Provider',
      'ClusterPowerDNSServer',
      'DNAMERecord',
      'DNSRecordSet',
      'DNSZone',
      'DSRecord',
      'HTTPSRecord',
      'LOCRecord',
      'MXRecord',
      'NAPTRRecord',
      'NSRecord',
      'PTRRecord',
      'PowerDNSServer',
      'SRVRecord',
      'SSHFPRecord',
      'SVCBRecord',
      'TLSARecord',
      'TXTRecord',
    ]);
    for (const c of crds) {
      expect(c.group).to.equal('bindy.firestoned.io');
      expect(c.file).to.equal(`${c.plural}.yaml`);
      expect(c.scope).to.equal(c.kind.startsWith('Cluster') ? 'Cluster' : 'Namespaced');
    }
  });

  for (const c of crds) {
    describe(c.kind, () => {
      const raw = parse(readFileSync(join(ROOT, 'crds', c.file), 'utf8')) as {
        metadata: { name: string };
        spec: { versions: { name: string; served: boolean; storage: boolean; subresources?: { status?: object } }[] };
      };

      it('serves and stores v1beta1 with a status subresource', () => {
        expect(raw.metadata.name).to.equal(`${c.plural}.bindy.firestoned.io`);
        expect(raw.spec.versions).to.have.length(1);
        const v = raw.spec.versions[0]!;
        expect([v.name, v.served, v.storage]).to.deep.equal(['v1beta1', true, true]);
        expect(v.subresources?.status).to.deep.equal({});
      });

      it('has short names that shadow no built-in resource', () => {
        expect(c.shortNames.length).to.be.at.least(1);
        for (const s of c.shortNames) expect(BUILTIN_SHORT_NAMES, s).to.not.include(s);
      });

      it('has printer columns that point at fields that exist, including Ready', () => {
        expect(c.columns.map((col) => col.name)).to.include('Ready');
        for (const col of c.columns)
          expect(resolveColumn(c.schema, col.jsonPath), col.jsonPath).to.not.equal(undefined);
      });

      it('bounds every string and list (maxLength/enum, maxItems) and every map (maxProperties)', () => {
        walk(c.schema, '', (n, path) => {
          if (path === 'apiVersion' || path === 'kind' || path === 'metadata') return;
          if (n['type'] === 'string' && !n['enum'] && !n['format']) expect(n, path).to.have.property('maxLength');
          if (n['type'] === 'array') expect(n, path).to.have.property('maxItems');
          if (n['type'] === 'object' && n['additionalProperties']) expect(n, path).to.have.property('maxProperties');
        });
      });

      it('uses patterns from the RE2 ∩ ECMAScript subset, anchored', () => {
        walk(c.schema, '', (n, path) => {
          const p = n['pattern'] as string | undefined;
          if (!p) return;
          expect(() => new RegExp(p, 'u'), path).to.not.throw();
          expect(p, path).to.match(/^\^.*\$$/);
          expect(p, `${path}: lookaround/backreference is not RE2`).to.not.match(/\(\?[=!<]|\\[1-9]/);
        });
      });
    });
  }

  it('gives every record kind the same zoneRef/name/ttl fields', () => {
    const records = crds.filter((c) => c.kind.endsWith('Record'));
    expect(records).to.have.length(17);
    const common = (k: string): unknown => {
      const p = props(specOf(k));
      return { zoneRef: p['zoneRef'], name: p['name'], ttl: p['ttl'] };
    };
    for (const r of records) expect(common(r.kind), r.kind).to.deep.equal(common('ARecord'));
  });

  it('keeps ClusterBind9Provider = Bind9Cluster + required namespace', () => {
    const provider = structuredClone(specOf('ClusterBind9Provider'));
    expect(provider['required']).to.deep.equal(['namespace']);
    delete props(provider)['namespace'];
    delete provider['required'];
    expect(props(provider)).to.deep.equal(props(specOf('Bind9Cluster')));
    expect(provider['x-kubernetes-validations']).to.deep.equal(specOf('Bind9Cluster')['x-kubernetes-validations']);
  });

  it('gives Bind9Instance.config the shape of Bind9Cluster.global', () => {
    const strip = (s: JsonSchema): unknown => ({ ...s, description: undefined });
    expect(strip(props(specOf('Bind9Instance'))['config']!)).to.deep.equal(
      strip(props(specOf('Bind9Cluster'))['global']!),
    );
  });

  it('accepts both spellings where the seed and the Rust bindy differ', () => {
    expect(props(specOf('ARecord'))).to.include.keys('ipv4Address', 'ipv4Addresses');
    expect(props(specOf('AAAARecord'))).to.include.keys('ipv6Address', 'ipv6Addresses');
    expect(props(props(specOf('DNSZone'))['soaRecord']!)).to.include.keys('primaryNameServer', 'primaryNs');
    expect(props(specOf('DNSZone'))).to.include.keys('clusterRef', 'bind9InstancesFrom', 'recordsFrom');
  });
});
