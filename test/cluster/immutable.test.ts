/** Transition rules (CEL with oldSelf) only exist on the apiserver: checked here against a real one. */
import { expect } from 'chai';
import { clusterEnv, describeCluster, ensureCrds, ensureNamespace } from './support.js';

const NS = 'bindy-immutable';

const zone = (zoneName: string) =>
  JSON.stringify({
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'DNSZone',
    metadata: { name: 'example-com', namespace: NS },
    spec: { zoneName, clusterRef: 'dns', ttl: 300 },
  });

const apply = (text: string) =>
  clusterEnv().kubectl(['apply', '--server-side', '--field-manager=bindy-cluster-test', '-f', '-'], {
    stdin: text,
    check: false,
  });

describeCluster('transition rules on a real apiserver', () => {
  before(async () => {
    await ensureCrds();
    await ensureNamespace(NS);
  });

  it('refuses to change spec.zoneName of an existing DNSZone, naming the field', async () => {
    // GIVEN a served zone
    expect((await apply(zone('example.com'))).code).to.equal(0);
    // WHEN its zone name is edited in place
    const res = await apply(zone('example.org'));
    // THEN the apiserver rejects it with the rule's message, and other fields stay editable
    expect(res.code).to.not.equal(0);
    expect(res.stderr).to.contain('spec.zoneName is immutable');
    expect((await apply(zone('example.com').replace('"ttl":300', '"ttl":600'))).code).to.equal(0);
  });
});
