/** `bindy plan --powerdns-api` against a real pdns_server: the diff a push there would make, and the CI exit codes. */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { captureIo } from '../support/cli-io.js';
import { readManifests } from '../../cli/manifests.js';
import { renderZones } from '../../cli/render.js';
import { createPowerDnsClient } from '../../hooks/ports/powerdns.js';
import type { StoredObject } from '../../local/store.js';
import { startPdns, type PdnsInstance } from '../support/pdns.js';

describe('bindy plan --powerdns-api (real pdns_server)', function () {
  this.timeout(60000);
  let pdns: PdnsInstance;
  let dir: string;

  before(async () => {
    pdns = await startPdns();
    dir = mkdtempSync(join(tmpdir(), 'bindy-plan-pdns-'));
    cpSync('examples', dir, { recursive: true, filter: (src) => !src.includes('/seed') });
  });
  after(async () => {
    await pdns?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const plan = async (...extra: string[]) => {
    const io = captureIo();
    const code = await main(['plan', '-f', dir, '--powerdns-api', pdns.apiUrl, '--api-key', pdns.apiKey, ...extra], io);
    return { code, io };
  };

  it('shows a zone PowerDNS does not have as a create, exit 2', async () => {
    const { code, io } = await plan();
    expect(code).to.equal(2);
    expect(io.stdout[0]).to.match(
      /^zone example\.com \(default\/example-com\): not served yet; would be created with \d+ RRsets$/,
    );
  });

  it('shows no changes once PowerDNS serves the folder, then exactly the edit, exit 2', async () => {
    const { zones } = await renderZones(
      readManifests(dir)
        .map((d) => d.object as StoredObject)
        .filter(Boolean),
    );
    const client = createPowerDnsClient();
    const conn = { serverUrl: pdns.serverUrl, apiKey: pdns.apiKey };
    for (const z of zones) {
      const r = await client.putZone(conn, { kind: 'Native', soaEditApi: 'OFF' }, z.zoneName, z.body);
      expect(r.ok, JSON.stringify(r)).to.equal(true);
    }
    const same = await plan();
    expect(same.io.stdout).to.deep.equal([
      'zone example.com (default/example-com): no changes',
      'zone 2.0.192.in-addr.arpa (default/reverse-192-0-2): no changes',
    ]);
    expect(same.code).to.equal(0);
    const file = join(dir, 'record-a-www.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('192.0.2.1', '192.0.2.99'));
    const changed = await plan();
    expect(changed.code).to.equal(2);
    expect(changed.io.stdout).to.include.members([
      'zone example.com (default/example-com): 0 to add, 0 to remove, 1 to change',
      '  ~ www.example.com. A',
      '    - www.example.com. 300 A 192.0.2.1',
      '    + www.example.com. 300 A 192.0.2.99',
    ]);
  });

  it('a wrong key or no key is an error, exit 1', async () => {
    const io = captureIo();
    expect(await main(['plan', '-f', dir, '--powerdns-api', pdns.apiUrl, '--api-key', 'wrong'], io)).to.equal(1);
    expect(io.stderr.join('\n')).to.match(/401 Unauthorized: PowerDNS does not accept the API key of --api-key/);
    const none = captureIo();
    const saved = process.env['PDNS_API_KEY'];
    delete process.env['PDNS_API_KEY'];
    try {
      expect(await main(['plan', '-f', dir, '--powerdns-api', pdns.apiUrl], none)).to.equal(1);
    } finally {
      if (saved !== undefined) process.env['PDNS_API_KEY'] = saved;
    }
    expect(none.stderr[0]).to.equal('plan: --powerdns-api needs --api-key KEY (or $PDNS_API_KEY)');
  });
});
