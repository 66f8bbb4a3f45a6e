/**
 * The monitoring overlay (manifests/overlays/monitoring) asks only for what the services export: the alert rules and
 * the dashboard name metrics that a scrape of the real hooks and bindcar finds after a real push (the local stack:
 * real named, bindcar and hooks, examples/ applied). The rules themselves are unit-tested by promtool
 * (test/monitoring/promtool.test.ts, `npm run test:monitoring`).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isBindyObject, readManifests } from '../../cli/manifests.js';
import { freePort } from '../../local/named.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import type { StoredObject } from '../../local/store.js';

const DIR = 'manifests/overlays/monitoring';
const METRIC = /\b(?:bindy|bindcar)_[a-z0-9_]+\b/g;

/** Every metric name an expression of the rules or the dashboard uses (recording rules, `bindy:…`, excluded). */
function referenced(): Set<string> {
  const rule = parse(readFileSync(`${DIR}/prometheusrule.yaml`, 'utf8')) as {
    spec: { groups: { rules: { expr: string }[] }[] };
  };
  const exprs = rule.spec.groups.flatMap((g) => g.rules.map((r) => r.expr));
  const dashboard = JSON.parse(readFileSync(`${DIR}/bindy-dashboard.json`, 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  exprs.push(...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)));
  return new Set(exprs.flatMap((e) => e.match(METRIC) ?? []));
}

const names = (exposition: string) =>
  new Set(
    exposition
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]!),
  );

describe('manifests/overlays/monitoring uses only metrics the services export', function () {
  this.timeout(120_000);
  let stack: LocalStack | undefined;
  after(async () => stack?.stop());

  it('after a real push, hooks and bindcar export every metric the alerts and the dashboard use', async () => {
    stack = await startLocalStack({ dnsPort: await freePort() });
    const objects = readManifests('examples')
      .filter((d) => isBindyObject(d.object))
      .map((d) => d.object as StoredObject);
    await stack.apply(objects);
    // the kubelet's readiness probe sets bindcar_ready; a refused request counts an error by code
    expect((await fetch(`${stack.bindcarUrl}/readyz`)).status).to.equal(200);
    expect((await fetch(`${stack.bindcarUrl}/api/v1/zones/example.com/records`)).status).to.equal(401);
    const hooks = await (await fetch(`${stack.hooksUrl}/metrics`)).text();
    const bindcar = await (await fetch(`${stack.bindcarUrl}/metrics`)).text();
    const exported = new Set([...names(hooks), ...names(bindcar)]);
    const wanted = referenced();
    expect(wanted.size, 'the overlay names metrics').to.be.greaterThan(8);
    expect([...wanted].filter((m) => !exported.has(m))).to.deep.equal([]);
    // and they say what happened: the example zone is Ready, its records served
    expect(hooks).to.match(/^bindy_zone_ready\{zone_namespace="default",dnszone="example-com"\} 1$/m);
    expect(hooks).to.match(
      /^bindy_zone_records\{zone_namespace="default",dnszone="example-com",state="served"\} [1-9]/m,
    );
    expect(hooks).to.match(/^bindy_zone_pushes_total\{result="served"\} [1-9]/m);
    expect(bindcar).to.match(/^bindcar_ready 1$/m);
  });
});
