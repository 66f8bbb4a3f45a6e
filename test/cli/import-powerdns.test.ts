/**
 * `bindy import` from PowerDNS: the PowerDNS Operator's manifests (test/fixtures/powerdns-operator) become bindy
 * resources that validate and, applied through the local stack, are served by a real pdns_server as the operator
 * declared them; a zone read back from PowerDNS's API imports into resources that plan no change against it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { importPowerDnsOperator } from '../../cli/import-powerdns.js';
import { main } from '../../cli/main.js';
import { captureIo } from '../support/cli-io.js';
import { readManifests } from '../../cli/manifests.js';
import { validateObject } from '../../hooks/schema/cel.js';
import { API_VERSION } from '../../hooks/schema/generated.js';
import { freePort } from '../../local/named.js';
import { LOCAL_POWERDNS, startLocalStack, type LocalStack } from '../../local/stack.js';
import type { StoredObject } from '../../local/store.js';
import type { KubeObject } from '../../hooks/metacontroller.js';
import { answerData } from '../scenarios/loop-driver.js';

const FIXTURES = 'test/fixtures/powerdns-operator';

describe('bindy import from PowerDNS (the PowerDNS Operator’s manifests, a PowerDNS API)', function () {
  this.timeout(90000);
  const docs = readManifests(FIXTURES, { recursive: true }).map((d) => d.object);
  const imported = importPowerDnsOperator(docs, { namespace: 'dns', powerDnsServerRef: LOCAL_POWERDNS });
  const objects = imported.zones.flatMap((z) => [z.result.zone, ...z.result.records]) as unknown as StoredObject[];

  it('maps each Zone / ClusterZone to a DNSZone with the RRsets that name it, in the Zone’s namespace', () => {
    expect(imported.zones.map((z) => z.zone)).to.deep.equal(['example.org', 'myapp.example.com']);
    const zones = objects.filter((o) => o.kind === 'DNSZone');
    expect(
      zones.map((z) => [z.metadata.namespace, z.metadata.name, (z.spec as { zoneName: string }).zoneName]),
    ).to.deep.equal([
      ['dns', 'example-org', 'example.org'],
      ['team-a', 'myapp-example-com', 'myapp.example.com'],
    ]);
    const org = zones[0]!.spec as Record<string, unknown>;
    expect(org).to.deep.include({
      powerDnsServerRef: LOCAL_POWERDNS,
      nameServers: [{ hostname: 'ns1.example.org.' }, { hostname: 'ns2.example.net.' }],
    });
    expect(org['soaRecord']).to.deep.include({ primaryNs: 'ns1.example.org.', serial: 2024010101, negativeTtl: 300 });
    const kinds = objects
      .filter((o) => o.kind !== 'DNSZone')
      .map((o) => `${o.metadata.namespace} ${o.kind} ${o.metadata.name}`);
    expect(kinds).to.include.members([
      'dns ARecord www-a',
      'dns MXRecord apex-mx',
      'dns TXTRecord apex-txt',
      'dns CAARecord apex-caa',
      'dns CNAMERecord wildcard-apps-cname',
      'team-a AAAARecord api-aaaa',
      'team-a SRVRecord sip-tcp-srv',
      'team-a CNAMERecord docs-cname',
    ]);
  });

  it('names what does not come along: the zone kind and soa_edit_api (server settings), catalog, comment, a bad type, an RRset without its zone', () => {
    const notes = imported.zones.flatMap((z) => z.notes);
    expect(notes).to.include.members([
      "Zone team-a/myapp.example.com: kind Master is the PowerDNSServer's spec.zoneKind in bindy (one per server)",
      "Zone team-a/myapp.example.com: soa_edit_api INCREASE is the PowerDNSServer's spec.soaEditApi in bindy (default OFF: bindy numbers the serial)",
      'Zone team-a/myapp.example.com: catalog catalog.example.com has no bindy field: the zone is not added to it',
      'ClusterRRset www.example.org: comment "front web servers" has no bindy field',
    ]);
    const skipped = [...imported.skipped, ...imported.zones.flatMap((z) => z.result.skipped)];
    expect(skipped.map((s) => s.reason)).to.deep.equal([
      'RRset team-b/orphan: its zone Zone myapp.example.com is not among the documents',
      'bindy has no grammar for type AA',
    ]);
  });

  it('every object it makes validates (schema and CEL)', () => {
    for (const o of objects)
      expect(validateObject(o as unknown as KubeObject), `${o.kind} ${o.metadata.name}`).to.deep.equal([]);
  });

  describe('served through bindy by a real pdns_server', () => {
    let stack: LocalStack;
    before(async () => {
      stack = await startLocalStack({ dnsPort: await freePort(), powerdns: {}, logLevel: 'error' });
      const r = await stack.apply(structuredClone(objects));
      expect(r.errors).to.equal(0);
    });
    after(async () => {
      await stack?.stop();
    });
    const answers = async (name: string, type: string) => answerData(await stack.pdns!.query(name, type), type);

    it('answers what the operator’s manifests declared', async () => {
      for (const z of stack.store.list(API_VERSION, 'DNSZone'))
        expect(
          (z.status?.['conditions'] as { type: string; status: string }[]).find((c) => c.type === 'Ready')?.status,
          z.metadata.name,
        ).to.equal('True');
      expect(await answers('www.example.org.', 'A')).to.deep.equal(['192.0.2.10', '192.0.2.11']);
      expect(await answers('example.org.', 'MX')).to.deep.equal(['10 mail.example.org.', '20 mail2.example.net.']);
      expect(await answers('example.org.', 'TXT')).to.deep.equal(['"v=spf1 mx -all"']);
      expect(await answers('example.org.', 'CAA')).to.deep.equal(['0 issue "letsencrypt.org"']);
      expect(await answers('x.apps.example.org.', 'CNAME')).to.deep.equal(['www.example.org.']);
      expect(await answers('example.org.', 'NS')).to.deep.equal(['ns1.example.org.', 'ns2.example.net.']);
      expect(await stack.pdns!.soaSerial('example.org'), 'the imported serial is the floor').to.equal(2024010101);
      expect(await answers('api.myapp.example.com.', 'AAAA')).to.deep.equal(['2001:db8::10']);
      expect(await answers('_sip._tcp.myapp.example.com.', 'SRV')).to.deep.equal(['10 60 5060 sip.myapp.example.com.']);
      expect(await answers('docs.myapp.example.com.', 'CNAME')).to.deep.equal(['readthedocs.example.net.']);
    });

    it('a zone read back from the PowerDNS API imports into resources that plan no change against it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bindy-import-pdns-'));
      try {
        const io = captureIo();
        const code = await main(
          [
            'import',
            '--powerdns-api',
            stack.pdns!.apiUrl,
            '--api-key',
            stack.pdns!.apiKey,
            '--zone',
            'example.org',
            '--namespace',
            'dns',
            '--powerdns-server-ref',
            'pdns',
            '-o',
            dir,
          ],
          io,
        );
        expect(code, io.stderr.join('\n')).to.equal(0);
        expect(io.stderr.at(-1)).to.match(
          /^imported \d+ RRs of 1 zones from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/servers\/localhost zone example\.org into \d+ objects; skipped 0; problems 0$/,
        );
        writeFileSync(
          join(dir, 'server.yaml'),
          stringify({
            apiVersion: API_VERSION,
            kind: 'PowerDNSServer',
            metadata: { name: 'pdns', namespace: 'dns' },
            spec: { apiUrl: stack.pdns!.apiUrl, apiKeySecretRef: { name: 'pdns-api' } },
          }),
        );
        const plan = captureIo();
        const planned = await main(
          ['plan', '-f', dir, '--powerdns-api', stack.pdns!.apiUrl, '--api-key', stack.pdns!.apiKey],
          plan,
        );
        expect(plan.stdout, plan.stderr.join('\n')).to.deep.equal(['zone example.org (dns/example-org): no changes']);
        expect(planned).to.equal(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('refuses two sources at once, and a folder without the operator’s objects', async () => {
    const io = captureIo();
    expect(await main(['import', '--powerdns-operator', FIXTURES, '--powerdns-api', 'http://x:1'], io)).to.equal(1);
    expect(io.stderr[0]).to.equal('import: --powerdns-operator and --powerdns-api exclude each other');
    const none = captureIo();
    expect(await main(['import', '--powerdns-operator', 'examples'], none)).to.equal(1);
    expect(none.stderr.at(-1)).to.equal(
      'import: no Zone, ClusterZone, RRset or ClusterRRset of dns.cav.enablers.ob/v1alpha2 in examples',
    );
  });
});
