/**
 * examples/powerdns/: a zone placed on a PowerDNSServer alone. Its objects validate, and `bindy up --powerdns`'s stack
 * serves it from a real pdns_server (the folder's server resolving to it) with every record Ready.
 */
import { expect } from 'chai';
import { loadFolder } from '../../cli/commands/up.js';
import { readManifests } from '../../cli/manifests.js';
import { validateObject } from '../../hooks/schema/cel.js';
import { API_VERSION, RECORD_KINDS } from '../../hooks/schema/generated.js';
import type { KubeObject } from '../../hooks/metacontroller.js';
import { freePort } from '../../local/named.js';
import { startLocalStack } from '../../local/stack.js';
import { answerData } from '../scenarios/loop-driver.js';

const DIR = 'examples/powerdns';

describe('examples/powerdns/ (a zone served by PowerDNS through bindy)', function () {
  this.timeout(60000);

  it('holds a Secret, a PowerDNSServer, a DNSZone placed on it and records; every bindy object validates', () => {
    const docs = readManifests(DIR).map((d) => d.object as KubeObject);
    expect(docs.map((d) => d.kind)).to.include.members(['Secret', 'PowerDNSServer', 'DNSZone', 'ARecord']);
    for (const d of docs.filter((x) => x.apiVersion === API_VERSION))
      expect(validateObject(d), `${d.kind} ${d.metadata.name}`).to.deep.equal([]);
  });

  it('is served by a real pdns_server with every record Ready, and not by named', async () => {
    const stack = await startLocalStack({ dnsPort: await freePort(), powerdns: {}, logLevel: 'error' });
    try {
      const r = await stack.apply(loadFolder(DIR).objects);
      expect(r.errors).to.equal(0);
      for (const { kind } of RECORD_KINDS)
        for (const o of stack.store.list(API_VERSION, kind))
          expect(
            (o.status?.['conditions'] as { type: string; status: string }[]).find((c) => c.type === 'Ready')?.status,
            `${kind} ${o.metadata.name}`,
          ).to.equal('True');
      const q = async (name: string, type: string) => answerData(await stack.pdns!.query(name, type), type);
      expect(await q('www.example.org.', 'A')).to.deep.equal(['192.0.2.80', '192.0.2.81']);
      expect(await q('www.example.org.', 'HTTPS')).to.deep.equal(['1 . alpn="h3,h2" port=443']);
      expect(await q('example.org.', 'NS'), 'the server’s default name servers').to.deep.equal([
        'ns1.example.net.',
        'ns2.example.net.',
      ]);
      expect((await stack.named.query('www.example.org.', 'A')).rcode).to.equal('REFUSED');
    } finally {
      await stack.stop();
    }
  });
});
