import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { API_GROUP, RECORD_KINDS } from '../../hooks/schema/generated.js';
import { validateObject } from '../../hooks/schema/cel.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = join(ROOT, 'examples');
const SEED_MD = join(ROOT, '../shared/seeds/bindy-gitops-dns.md');

type Doc = Record<string, unknown>;

function docs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    expect(d.errors, `${file}: YAML errors`).to.deep.equal([]);
    return d.toJS() as Doc;
  });
}

/** Seed blocks that are not Kubernetes objects, with the reason they are skipped. */
const NOT_BINDY: Record<string, string> = {
  '07-confighub-prod-environment.yaml':
    'ConfigHub environment configuration (dns.zones…), the input ConfigHub renders into CRs; not a Kubernetes object',
};

const isBindy = (d: Doc): boolean =>
  typeof d['apiVersion'] === 'string' && (d['apiVersion'] as string).startsWith(`${API_GROUP}/`);

/** Every ```yaml block of the seed, with the fence's indentation removed (CommonMark). */
function seedYamlBlocks(md: string): string[] {
  const lines = md.split('\n');
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```yaml\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    for (i++; !/^\s*```\s*$/.test(lines[i]!); i++) {
      const l = lines[i]!;
      body.push(l.slice(0, indent).trim() === '' ? l.slice(indent) : l);
    }
    blocks.push(body.join('\n') + '\n');
  }
  return blocks;
}

describe('examples/ (GitOps folder)', () => {
  // Flat on purpose: `bindy validate examples`, local mode and the cluster tests read a folder non-recursively,
  // which keeps examples/seed/ (the blog's snippets, several conflicting objects) out of the runnable set.
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(EXAMPLES, f));

  it('is a flat folder: cluster.yaml, zone.yaml and record-*.yaml', () => {
    expect(
      files.map((f) => f.slice(EXAMPLES.length + 1)).filter((f) => !/^(cluster|zone|record-[a-z0-9-]+)\.yaml$/.test(f)),
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

  it('holds one Bind9Cluster, one DNSZone for example.com and at least one record of every kind', () => {
    const kinds = all.map((x) => x.doc['kind']);
    expect(kinds.filter((k) => k === 'Bind9Cluster')).to.have.length(1);
    const zones = all.filter((x) => x.doc['kind'] === 'DNSZone');
    expect(zones).to.have.length(1);
    expect((zones[0]!.doc['spec'] as Doc)['zoneName']).to.equal('example.com');
    for (const r of RECORD_KINDS) expect(kinds, r.kind).to.include(r.kind);
  });

  it('places the zone on the cluster and attaches every record to the zone (zoneRef or recordsFrom label)', () => {
    const cluster = all.find((x) => x.doc['kind'] === 'Bind9Cluster')!.doc;
    const zone = all.find((x) => x.doc['kind'] === 'DNSZone')!.doc;
    const zoneSpec = zone['spec'] as {
      clusterRef: string;
      recordsFrom: { selector: { matchLabels: Record<string, string> } }[];
    };
    expect(zoneSpec.clusterRef).to.equal((cluster['metadata'] as Doc)['name']);
    const zoneName = (zone['metadata'] as Doc)['name'];
    const selector = zoneSpec.recordsFrom[0]!.selector.matchLabels;
    for (const { file, doc } of all.filter((x) => String(x.doc['kind']).endsWith('Record'))) {
      const labels = ((doc['metadata'] as Doc)['labels'] ?? {}) as Record<string, string>;
      const byRef = (doc['spec'] as Doc)['zoneRef'] === zoneName;
      const byLabel = Object.entries(selector).every(([k, v]) => labels[k] === v);
      expect(byRef || byLabel, file).to.equal(true);
    }
  });
});

describe('examples/seed (every YAML block of the product spec, verbatim)', () => {
  const dir = join(EXAMPLES, 'seed');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  it('holds ten numbered blocks', () => {
    expect(files).to.have.length(10);
    files.forEach((f, i) => expect(f.startsWith(String(i + 1).padStart(2, '0') + '-'), f).to.equal(true));
  });

  for (const f of files) {
    const parsed = docs(join(dir, f));
    parsed.forEach((doc, i) => {
      const reason = NOT_BINDY[f];
      if (reason !== undefined) {
        it(`${f} doc ${i + 1}: skipped, ${reason}`, () => {
          // THEN the skip is deliberate: the doc really is not a bindy object, and validateObject says so
          expect(isBindy(doc)).to.equal(false);
          expect(doc).to.not.have.property('kind');
          expect(validateObject(doc).map((e) => e.field)).to.deep.equal(['kind']);
        });
        return;
      }
      it(`${f} doc ${i + 1}: ${String(doc['kind'])} validates (schema + CEL)`, () => {
        expect(isBindy(doc), 'every seed doc not listed in NOT_BINDY must be a bindy object').to.equal(true);
        expect(validateObject(doc)).to.deep.equal([]);
      });
    });
  }

  it('matches the seed markdown block for block (when ../shared/seeds is present)', function () {
    if (!existsSync(SEED_MD)) this.skip(); // a fresh clone does not carry the shared seed
    const blocks = seedYamlBlocks(readFileSync(SEED_MD, 'utf8'));
    expect(blocks.map((b, i) => [files[i], b])).to.deep.equal(
      files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
  });

  it("also accepts the YAML of the seed's kubectl heredocs (when ../shared/seeds is present)", function () {
    if (!existsSync(SEED_MD)) this.skip();
    const heredocs = [...readFileSync(SEED_MD, 'utf8').matchAll(/<<EOF\n([\s\S]*?)\nEOF/g)].map((m) => m[1]!);
    expect(heredocs.length).to.be.at.least(3);
    for (const h of heredocs) {
      for (const d of parseAllDocuments(h)) expect(validateObject(d.toJS()), h).to.deep.equal([]);
    }
  });
});
