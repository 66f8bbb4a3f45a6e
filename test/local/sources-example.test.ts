/**
 * examples/sources/ through the local runtime (`npm start -- -f examples/sources`): a real named answers the hosts of
 * the annotated Ingress and LoadBalancer Service at the addresses their status names (and, with gateway-api/, of an
 * HTTPRoute at its Gateway's), and the record declared by hand keeps its name.
 */
import { expect } from 'chai';
import { loadFolder } from '../../cli/commands/up.js';
import { freePort } from '../../local/named.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { answerData } from '../scenarios/loop-driver.js';

describe('examples/sources through the local runtime', function () {
  this.timeout(60_000);
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({ dnsPort: await freePort(), logLevel: 'error' });
  });
  after(async () => {
    await stack?.stop();
  });

  it('loads every file, and named answers the sources’ hosts; the hand-declared record wins its name', async () => {
    const { objects, problems } = loadFolder('examples/sources');
    expect(problems).to.deep.equal([]);
    expect(objects.map((o) => o.kind).sort()).to.deep.equal([
      'ARecord',
      'Bind9Cluster',
      'DNSZone',
      'Ingress',
      'Service',
    ]);
    const r = await stack.apply(objects);
    expect(r.errors).to.equal(0);
    const dig = async (name: string, type: string) => answerData(await stack.named.query(name, type), type);
    expect(await dig('shop.apps.example.org', 'A')).to.deep.equal(['192.0.2.10']);
    expect(await dig('shop.apps.example.org', 'AAAA')).to.deep.equal(['2001:db8::10']);
    expect(await dig('api.apps.example.org', 'CNAME')).to.deep.equal(['lb-1234.elb.example.net.']);
    expect(await dig('status.apps.example.org', 'A')).to.deep.equal(['192.0.2.80']);
    const ingress = stack.store.get('networking.k8s.io/v1', 'Ingress', 'default', 'shop')!;
    const report = JSON.parse(ingress.metadata.annotations!['bindy.firestoned.io/dns']!) as {
      problems: { reason: string; message: string }[];
    };
    expect(report.problems.map((p) => p.reason)).to.deep.equal(['Conflict', 'Conflict']);
    expect(report.problems[0]!.message).to.match(/status\.apps\.example\.org\. is declared by hand/);
  });

  it('with examples/sources/gateway-api: an HTTPRoute answers at its Gateway’s address', async () => {
    const base = loadFolder('examples/sources');
    const gateway = loadFolder('examples/sources/gateway-api');
    expect(gateway.problems).to.deep.equal([]);
    expect(gateway.objects.map((o) => o.kind).sort()).to.deep.equal(['Gateway', 'HTTPRoute']);
    const r = await stack.apply([...base.objects, ...gateway.objects]);
    expect(r.errors).to.equal(0);
    expect(answerData(await stack.named.query('docs.apps.example.org', 'A'), 'A')).to.deep.equal(['192.0.2.30']);
    expect(answerData(await stack.named.query('shop.apps.example.org', 'A'), 'A')).to.deep.equal(['192.0.2.10']);
  });
});
