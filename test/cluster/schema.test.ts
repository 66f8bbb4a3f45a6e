import { expect } from 'chai';
import { INVALID_SPECS, VALID_SPECS } from '../schema/invalid-specs.js';
import { clusterEnv, describeCluster, ensureCrds, ensureNamespace } from './support.js';

const NS = 'bindy-schema';

/** Server-side dry-run apply of one object (kubectl's default --validate=strict → fieldValidation=Strict). */
function dryRun(doc: Record<string, unknown>) {
  return clusterEnv().kubectl(
    ['apply', '--server-side', '--dry-run=server', '--field-manager=bindy-cluster-test', '-n', NS, '-f', '-'],
    { stdin: JSON.stringify(doc), check: false },
  );
}

/**
 * The rejection must name the field: the path itself or a path below it (`spec.a[0]` matches
 * `spec.a[0].b`), as a whole path segment (`spec.name` does not match `spec.nameserver`).
 */
export function namesField(message: string, field: string): boolean {
  const esc = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s"'.(\\[])${esc}(?=[.:\\[\\s"')]|$)`).test(message);
}

describeCluster('schema and CEL on a real apiserver (test/schema/invalid-specs.ts)', () => {
  before(async () => {
    await ensureCrds();
    await ensureNamespace(NS);
  });

  it('the tables are not empty', () => {
    expect(INVALID_SPECS.filter((c) => !c.tsOnly)).to.not.have.lengthOf(0);
    expect(VALID_SPECS).to.not.have.lengthOf(0);
  });

  for (const c of INVALID_SPECS) {
    if (c.tsOnly) {
      it.skip(`rejects ${c.kind} "${c.name}": not replayed, the apiserver cannot catch it (tsOnly)`);
      continue;
    }
    const by = c.celOnly ? 'CEL' : 'schema';
    it(`rejects ${c.kind} "${c.name}" (${by}) naming ${c.field}`, async () => {
      const r = await dryRun(c.doc);
      const message = `${r.stderr}${r.stdout}`;
      expect(r.code, `accepted: ${message}`).to.not.equal(0);
      // kubectl prints the apiserver's Status: "Error from server (...)" or, for 422 Invalid, `The <Kind> "case" is invalid: ...`
      expect(message, 'rejected, but not by the apiserver').to.match(
        new RegExp(`Error from server|The ${c.kind} "case" is invalid`),
      );
      expect(namesField(message, c.field), `message does not name ${c.field}: ${message}`).to.equal(true);
    });
  }

  for (const c of VALID_SPECS) {
    it(`accepts ${c.kind} "${c.name}"`, async () => {
      const r = await dryRun(c.doc);
      expect(r.code, `${r.stderr}${r.stdout}`).to.equal(0);
    });
  }
});

describe('cluster support: namesField', () => {
  const cases: [message: string, field: string, want: boolean][] = [
    ['ARecord.bindy "case" is invalid: spec.ipv4Address: Invalid value', 'spec.ipv4Address', true],
    ['is invalid: spec.secondary.zones[0].region: Required value', 'spec.secondary.zones[0]', true],
    ['is invalid: spec.nameserver: Invalid value', 'spec.name', false],
    ['strict decoding error: unknown field "spec.ipv4"', 'spec.ipv4', true],
    ['is invalid: spec.ipv4Addresses[1]: Invalid value', 'spec.ipv4Addresses[1]', true],
    ['is invalid: spec.ipv4Addresses[10]: Invalid value', 'spec.ipv4Addresses[1]', false],
  ];
  for (const [message, field, want] of cases) {
    it(`${field} in "${message}" → ${want}`, () => expect(namesField(message, field)).to.equal(want));
  }
});
