import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { RECORD_KINDS } from '../../hooks/schema/generated.js';
import { validateObject } from '../../hooks/schema/cel.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = join(ROOT, 'examples');
type Doc = Record<string, unknown>;

function docs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    expect(d.errors, `${file}: YAML errors`).to.deep.equal([]);
    return d.toJS() as Doc;
  });
}

describe('examples/ (GitOps folder)', () => {
  // Flat on purpose: `bindy validate examples`, local mode and the cluster tests read a folder non-recursively,
  // which keeps examples/seed/ (the blog post's blocks, see test/examples/seed.test.ts) out of the runnable set.
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(EXAMPLES, f));

  it('is a flat folder: cluster.yaml, zone.yaml, zone-*.yaml and record-*.yaml', () => {
    expect(
      files
        .map((f) => f.slice(EXAMPLES.length + 1))
        .filter((f) => !/^(cluster|zone|zone-[a-z0-9-]+|record-[a-z0-9-]+)\.yaml$/.test(f)),
    ).to.deep.equal([]);
  });
  const all = files.flatMap((f) => docs(f).map((d) => ({ file: f.slice(ROOT.length + 1), doc: d })));

  for (const { file, doc } of all) {
    const meta = doc['metadata'] as Doc;
    it(`${file}: ${String(doc['kind'])} ${String(meta['name'])} is valid (schema + CEL) and sets no namespace`, () => {
      expect(validateObject(doc)).to.deep.equal([]);
      expect(meta).to.not.have.property('namespace');
    });
  }

  it('holds one Bind9Cluster, the DNSZones example.com and 2.0.192.in-addr.arpa, and a record of every kind', () => {
    const kinds = all.map((x) => x.doc['kind']);
    expect(kinds.filter((k) => k === 'Bind9Cluster')).to.have.length(1);
    const zones = all.filter((x) => x.doc['kind'] === 'DNSZone');
    expect(zones.map((z) => (z.doc['spec'] as Doc)['zoneName']).sort()).to.deep.equal([
      '2.0.192.in-addr.arpa',
      'example.com',
    ]);
    for (const r of RECORD_KINDS) expect(kinds, r.kind).to.include(r.kind);
  });

  it('places the zones on the cluster and attaches every record to a zone (zoneRef, or example.com by label)', () => {
    const cluster = all.find((x) => x.doc['kind'] === 'Bind9Cluster')!.doc;
    const reverse = all.find((x) => (x.doc['spec'] as Doc)['zoneName'] === '2.0.192.in-addr.arpa')!.doc;
    expect((reverse['spec'] as Doc)['clusterRef']).to.equal((cluster['metadata'] as Doc)['name']);
    const reverseName = (reverse['metadata'] as Doc)['name'];
    const zone = all.find((x) => (x.doc['spec'] as Doc)['zoneName'] === 'example.com')!.doc;
    const zoneSpec = zone['spec'] as {
      clusterRef: string;
      recordsFrom: { selector: { matchLabels: Record<string, string> } }[];
    };
    expect(zoneSpec.clusterRef).to.equal((cluster['metadata'] as Doc)['name']);
    const zoneName = (zone['metadata'] as Doc)['name'];
    const selector = zoneSpec.recordsFrom[0]!.selector.matchLabels;
    for (const { file, doc } of all.filter((x) => RECORD_KINDS.some((k) => k.kind === x.doc['kind']))) {
      const labels = ((doc['metadata'] as Doc)['labels'] ?? {}) as Record<string, string>;
      const ref = (doc['spec'] as Doc)['zoneRef'];
      if (ref === reverseName) continue;
      const byRef = ref === zoneName;
      const byLabel = Object.entries(selector).every(([k, v]) => labels[k] === v);
      expect(byRef || byLabel, file).to.equal(true);
    }
  });
});
