/**
 * metacontroller/: every CompositeController names only fields Metacontroller's own CRDs declare. The apiserver
 * checks it with strict field validation (`kubectl --validate=strict`: an unknown field is an error, not a field
 * silently pruned), against the CRDs of the Metacontroller release the manifests target. test/manifests/ checks
 * the core kinds without a cluster; this is the check for the kinds only Metacontroller defines.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ensureMetacontrollerCrds } from './shared.js';
import { REPO_ROOT, clusterEnv, describeCluster, filesIn } from './support.js';

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: Record<string, any> };

const files = filesIn('metacontroller', ['.yaml', '.yml']).filter((f) => !/(^|\/)kustomization\.ya?ml$/.test(f));
const objects = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(REPO_ROOT, file), 'utf8'))
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null)
    .map((obj) => ({ file, obj })),
);

/** A server-side dry-run create with strict field validation; nothing is stored. */
const dryRunCreate = (obj: Obj) =>
  clusterEnv().kubectl(['create', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'], {
    stdin: stringify(obj),
    check: false,
  });

describeCluster("metacontroller/ objects against Metacontroller's own CRDs (strict field validation)", () => {
  before(async () => {
    await ensureMetacontrollerCrds();
  });

  it('metacontroller/ holds CompositeControllers', () => {
    expect(objects.filter((o) => o.obj.kind === 'CompositeController')).to.not.have.lengthOf(0);
  });

  for (const { file, obj } of objects) {
    it(`${file}: ${obj.kind} ${obj.metadata?.name} is accepted, every field known`, async () => {
      const r = await dryRunCreate(obj);
      expect(r.code, `${r.stderr}${r.stdout}`).to.equal(0);
      expect(r.stderr, 'no warnings (kubectl prints unknown fields as warnings when not strict)').to.equal('');
    });
  }

  it('rejects a misspelt field, naming it (the check can fail)', async () => {
    const cc = objects.find((o) => o.obj.kind === 'CompositeController')!.obj;
    const bad = structuredClone(cc);
    bad.spec!['hooks'].sync.webhook.urll = 'http://example.invalid/sync';
    const r = await dryRunCreate(bad);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/unknown field "spec\.hooks\.sync\.webhook\.urll"/);
  });
});
