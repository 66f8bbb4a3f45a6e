import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { CEL_RULES, KINDS, RECORD_KINDS, SCHEMAS } from '../../hooks/schema/generated.js';
import { loadCrds, normalizeSchema, UNTYPED_OVERRIDES } from '../../scripts/gen/crds.js';
import type { CrdInfo, JsonSchema } from '../../scripts/gen/crds.js';
import { renderGenerated } from '../../scripts/gen/generated.js';
import { README_END, README_START, renderApiReference, spliceReadme } from '../../scripts/gen/readme.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

function fakeCrd(spec: JsonSchema): CrdInfo {
  return {
    file: 'fakes.yaml',
    group: 'example.io',
    version: 'v1',
    kind: 'Fake',
    plural: 'fakes',
    scope: 'Namespaced',
    shortNames: [],
    categories: [],
    columns: [],
    celRules: [],
    schema: {
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec },
    },
  };
}
const specOf = (s: JsonSchema): JsonSchema => (s['properties'] as Record<string, JsonSchema>)['spec']!;

describe('scripts/gen-schemas', () => {
  it('hooks/schema/generated.ts is up to date with crds/ (npm run gen)', async function () {
    this.timeout(60000);
    const fresh = await renderGenerated(loadCrds(join(ROOT, 'crds')));
    expect(fresh === readFileSync(join(ROOT, 'hooks/schema/generated.ts'), 'utf8'), 'stale: run npm run gen').to.equal(
      true,
    );
  });

  it('the README API reference is up to date with crds/ (npm run gen)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(
      spliceReadme(readme, renderApiReference(loadCrds(join(ROOT, 'crds')))) === readme,
      'stale: run npm run gen',
    ).to.equal(true);
  });

  it('renders one API table per kind', () => {
    const md = renderApiReference(loadCrds(join(ROOT, 'crds')));
    for (const k of KINDS) expect(md).to.include(`### ${k.kind}\n`);
    expect(md).to.include('| `spec.zoneName` | string | yes |');
  });

  it('refuses a README without the markers', () => {
    expect(() => spliceReadme('# x\n', 'table')).to.throw(/markers/);
    expect(spliceReadme(`a\n${README_START}\nold\n${README_END}\nb`, '\nnew')).to.equal(
      `a\n${README_START}\nnew\n${README_END}\nb`,
    );
  });

  it('exports 24 schemas, 18 record kinds with RR types, and the CEL catalogue', () => {
    expect(Object.keys(SCHEMAS)).to.have.length(24);
    expect(RECORD_KINDS.map((r) => `${r.kind}:${r.plural}:${r.rrType}`)).to.deep.equal([
      'AAAARecord:aaaarecords:AAAA',
      'ARecord:arecords:A',
      'CAARecord:caarecords:CAA',
      'CNAMERecord:cnamerecords:CNAME',
      'DNAMERecord:dnamerecords:DNAME',
      'DNSRecordSet:dnsrecordsets:null',
      'DSRecord:dsrecords:DS',
      'HTTPSRecord:httpsrecords:HTTPS',
      'LOCRecord:locrecords:LOC',
      'MXRecord:mxrecords:MX',
      'NAPTRRecord:naptrrecords:NAPTR',
      'NSRecord:nsrecords:NS',
      'PTRRecord:ptrrecords:PTR',
      'SRVRecord:srvrecords:SRV',
      'SSHFPRecord:sshfprecords:SSHFP',
      'SVCBRecord:svcbrecords:SVCB',
      'TLSARecord:tlsarecords:TLSA',
      'TXTRecord:txtrecords:TXT',
    ]);
    expect(CEL_RULES.length).to.be.at.least(10);
  });
});

describe('scripts/gen/crds normalizeSchema', () => {
  it('pins apiVersion and kind, replaces metadata and requires them', () => {
    const s = normalizeSchema(fakeCrd({ type: 'object', properties: { a: { type: 'string', maxLength: 3 } } }));
    const p = s['properties'] as Record<string, JsonSchema>;
    expect(p['apiVersion']).to.deep.equal({ type: 'string', enum: ['example.io/v1'] });
    expect(p['kind']).to.deep.equal({ type: 'string', enum: ['Fake'] });
    expect(p['metadata']!['properties'] as object).to.include.keys(
      'name',
      'namespace',
      'uid',
      'generation',
      'labels',
      'annotations',
      'creationTimestamp',
      'deletionTimestamp',
      'resourceVersion',
    );
    expect(s['required']).to.deep.equal(['apiVersion', 'kind', 'metadata']);
  });

  it('closes objects, keeps maps open, turns int-or-string into anyOf and list-type set into uniqueItems', () => {
    const spec = specOf(
      normalizeSchema(
        fakeCrd({
          type: 'object',
          'x-kubernetes-validations': [{ rule: 'true', message: 'm' }],
          properties: {
            port: { 'x-kubernetes-int-or-string': true },
            tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        }),
      ),
    );
    const p = spec['properties'] as Record<string, JsonSchema>;
    expect(spec['additionalProperties']).to.equal(false);
    expect(spec).to.not.have.property('x-kubernetes-validations');
    expect(p['port']).to.deep.equal({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(p['tags']).to.deep.equal({ type: 'array', items: { type: 'string' }, uniqueItems: true });
    expect(p['labels']).to.deep.equal({ type: 'object', additionalProperties: { type: 'string' } });
    expect(p['free']).to.deep.equal({ type: 'object', additionalProperties: true });
  });

  it('replaces untyped string-or-object nodes by their override and fails on unknown ones', () => {
    const zones = {
      type: 'object',
      properties: { zones: { type: 'array', items: { 'x-kubernetes-preserve-unknown-fields': true } } },
    };
    const spec = specOf(normalizeSchema(fakeCrd({ type: 'object', properties: { secondary: zones } })));
    const items = (
      (spec['properties'] as Record<string, JsonSchema>)['secondary']!['properties'] as Record<string, JsonSchema>
    )['zones']!['items'];
    expect(items).to.deep.equal(UNTYPED_OVERRIDES['spec.secondary.zones[]']);
    expect(() =>
      normalizeSchema(fakeCrd({ type: 'object', properties: { x: { 'x-kubernetes-preserve-unknown-fields': true } } })),
    ).to.throw(/untyped node spec\.x has no entry in UNTYPED_OVERRIDES/);
  });
});
