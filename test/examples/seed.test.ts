/**
 * examples/seed/: every YAML block of the blog post, one numbered file each, that `kubectl apply -f examples/seed/`
 * applies as is. These checks need nothing outside the repository; the block-for-block comparison with the post
 * itself (which is not ours to copy in) and the real `kubectl apply` run in test/cluster/examples.test.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse } from 'yaml';
import { freePort } from '../../local/named.js';
import { API_GROUP, CEL_RULES } from '../../hooks/schema/generated.js';
import { validateObject } from '../../hooks/schema/cel.js';
import {
  NAMESPACES_FILE,
  ROOT,
  isManifestFile,
  markdownYamlBlocks,
  seedBlockFiles,
  seedDocs,
  seedFileBlock,
  seedFileNames,
  seedObjects,
  type Obj,
} from './seed.js';

const run = promisify(execFile);

/** The number of YAML blocks in the post: ten ```yaml fences and the three heredocs of its Getting Started. */
const POST_BLOCKS = 13;

const isKubeObject = (v: unknown): v is Obj =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Obj).apiVersion === 'string' &&
  typeof (v as Obj).kind === 'string' &&
  typeof (v as Obj).metadata?.name === 'string';

const at = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o === null || typeof o !== 'object' ? undefined : (o as never)[k]), obj);

describe('examples/seed (every YAML block of the blog post, verbatim)', () => {
  const blockFiles = seedBlockFiles();

  it(`holds ${NAMESPACES_FILE}, the ${POST_BLOCKS} blocks numbered 01… in the order of the post, and a README`, () => {
    expect(seedFileNames()).to.deep.equal([NAMESPACES_FILE, ...blockFiles, 'README.md']);
    expect(blockFiles.map((f) => Number(f.slice(0, 2)))).to.deep.equal(
      Array.from({ length: POST_BLOCKS }, (_, i) => i + 1),
    );
  });

  for (const f of blockFiles) {
    const block = seedFileBlock(f);
    if (isManifestFile(f)) {
      it(`${f}: every document is a bindy object that validates (schema + CEL)`, () => {
        const docs = seedDocs().filter((d) => d.file === f);
        expect(docs).to.not.have.lengthOf(0);
        for (const { obj, doc } of docs) {
          expect(obj.apiVersion.startsWith(`${API_GROUP}/`), `${f}#${doc}`).to.equal(true);
          expect(validateObject(obj), `${f}#${doc}`).to.deep.equal([]);
        }
      });
    } else {
      it(`${f}: kept as a note kubectl does not read, because its block is not a Kubernetes object`, () => {
        // THEN kubectl would reject the block (no apiVersion/kind), so it must not be a manifest file
        expect(isKubeObject(parse(block))).to.equal(false);
        expect(parse(block)).to.be.an('object');
      });
    }
  }

  it(`${NAMESPACES_FILE} creates exactly the namespaces the seed's objects name, and nothing else`, () => {
    const docs = seedDocs();
    const created = docs.filter((d) => d.file === NAMESPACES_FILE);
    expect(created.map((d) => d.obj.kind)).to.satisfy((k: string[]) => k.every((x) => x === 'Namespace'));
    const named = [...new Set(docs.flatMap((d) => (d.obj.metadata.namespace ? [d.obj.metadata.namespace] : [])))];
    expect(created.map((d) => d.obj.metadata.name).sort()).to.deep.equal(named.sort());
    expect(named).to.not.have.lengthOf(0);
    expect(docs.filter((d) => d.obj.kind === 'Namespace' && d.file !== NAMESPACES_FILE)).to.deep.equal([]);
  });

  it('defines only the objects examples/seed/README.md lists more than once (later files replace earlier ones)', () => {
    const repeated = [...seedObjects()]
      .filter(([, defs]) => defs.length > 1)
      .map(([key, defs]) => [key, defs.map((d) => `${d.file}#${d.doc}`)]);
    expect(repeated).to.deep.equal([
      [
        'DNSZone default/example-com',
        ['01-dnszone-and-arecord.yaml#1', '03-dnszone-soa-record.yaml#1', '12-dnszone-example-com-my-dns.yaml#1'],
      ],
      [
        'ARecord default/www',
        ['01-dnszone-and-arecord.yaml#2', '04-arecord-and-mxrecord.yaml#1', '13-arecord-www.yaml#1'],
      ],
    ]);
  });

  it('redefinitions agree on every immutable field, so the apiserver accepts each later apply', () => {
    const immutable = CEL_RULES.filter((r) => r.rule === 'self == oldSelf');
    expect(immutable, 'the CRDs have immutable fields to check').to.not.have.lengthOf(0);
    let checked = 0;
    for (const [key, defs] of seedObjects()) {
      for (const r of immutable.filter((x) => x.kind === defs[0]!.obj.kind)) {
        const values = defs.map((d) => at(d.obj, r.path));
        expect(new Set(values.map((v) => JSON.stringify(v))).size, `${key} ${r.path}: ${values.join(', ')}`).to.equal(
          1,
        );
        if (defs.length > 1) checked++;
      }
    }
    expect(checked, 'a redefined object with an immutable field (DNSZone spec.zoneName)').to.be.at.least(1);
  });
});

describe('markdownYamlBlocks (reads the post for test/cluster/examples.test.ts)', () => {
  it('returns ```yaml fences (dedented inside list items) and <<EOF heredocs of other fences, in order', () => {
    const md = [
      '# Title',
      '```yaml',
      'a: 1',
      '',
      '---',
      'b: 2',
      '```',
      '1. Step:',
      '   ```yaml',
      '   # comment',
      '   c:',
      '     d: 3',
      '   ```',
      '```bash',
      'echo hi',
      'kubectl apply -f - <<EOF',
      'e: 4',
      'EOF',
      'cat <<EOF',
      'f: 5',
      'EOF',
      '```',
      '```',
      'not: yaml',
      '```',
    ].join('\n');
    expect(markdownYamlBlocks(md)).to.deep.equal([
      'a: 1\n\n---\nb: 2\n',
      '# comment\nc:\n  d: 3\n',
      'e: 4\n',
      'f: 5\n',
    ]);
  });
});

describe('bindy up --once -f examples/seed (local mode reads the folder as kubectl does)', function () {
  this.timeout(60000);

  it('applies every bindy object of the folder, serves example.com with its three records, and exits 1 naming what the seed leaves unserved', async () => {
    const port = await freePort();
    // The blog post's team-payments zone names a cluster (platform-dns) the post never defines, and its prod-dns
    // record names no zone of its namespace: `--once` says so and exits 1, as it does for anything not Ready.
    const failed = await run(
      process.execPath,
      ['bin/bindy.js', 'up', '--once', '-f', 'examples/seed', '--dns-port', String(port)],
      { cwd: ROOT },
    ).then(
      () => {
        throw new Error('bindy up --once exited 0 although the seed leaves a zone and a record unserved');
      },
      (err: { code?: number; stdout: string; stderr: string }) => err,
    );
    expect(failed.code).to.equal(1);
    const { stdout, stderr } = failed;
    expect(stderr).to.match(/^not ready: DNSZone team-payments\/team-payments, ARecord prod-dns\/www$/m);
    const bindy = seedDocs().filter((d) => d.obj.apiVersion.startsWith(`${API_GROUP}/`));
    expect(stdout).to.match(
      new RegExp(`^applied examples/seed \\(initial\\): ${bindy.length} objects in \\d+ ms$`, 'm'),
    );
    expect(stderr).to.not.match(/rejected:|hook error:/);
    expect(stdout).to.match(/^zone example\.com \(default\/example-com\): serial \d+, 3 records, Ready=True$/m);
    for (const r of [
      'ARecord default/api api.example.com.',
      'ARecord default/www www.example.com.',
      'MXRecord default/mail mail.example.com.',
    ])
      expect(stdout).to.contain(`  ${r} Ready\n`);
  });
});
