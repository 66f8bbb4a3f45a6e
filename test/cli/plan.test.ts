/** `bindy plan` against a real bindcar + named: exactly the expected diff, and the CI exit codes. */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import winston from 'winston';
import { parseConfig } from '../../bindcar/config.js';
import { startBindcar, type RunningBindcar } from '../../bindcar/server.js';
import { main } from '../../cli/main.js';
import { captureIo } from '../support/cli-io.js';
import { bindcarEnv, startNamed, type NamedInstance } from '../../local/named.js';
import { readManifests } from '../../cli/manifests.js';
import type { StoredObject } from '../../local/store.js';
import { renderZones } from '../../cli/render.js';

describe('bindy plan (real bindcar + named)', function () {
  this.timeout(60000);
  let named: NamedInstance;
  let bindcar: RunningBindcar;
  let url: string;
  let dir: string;
  const token = 'plan-test-token-0123456789';

  before(async () => {
    named = await startNamed();
    const parsed = parseConfig(bindcarEnv(named, token));
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    bindcar = await startBindcar(parsed.config, winston.createLogger({ silent: true }));
    url = `http://127.0.0.1:${bindcar.port}`;
    dir = mkdtempSync(join(tmpdir(), 'bindy-plan-'));
    cpSync('examples', dir, { recursive: true, filter: (src) => !src.includes('/seed') });
  });

  after(async () => {
    await bindcar?.shutdown();
    await named?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const plan = async (...extra: string[]) => {
    const io = captureIo();
    const code = await main(['plan', '-f', dir, '--bindcar', url, '--token', token, ...extra], io);
    return { code, io };
  };

  it('shows a zone the server does not serve as a create, exit 2', async () => {
    const { code, io } = await plan();
    expect(code).to.equal(2);
    expect(io.stdout[0]).to.match(
      /^zone example\.com \(default\/example-com\): not served yet; would be created with \d+ RRsets$/,
    );
    expect(io.stdout).to.include('  + www.example.com. 300 A 192.0.2.1');
  });

  it('shows no changes once the server serves the folder, exit 0', async () => {
    const { zones } = await renderZones(
      readManifests(dir)
        .map((d) => d.object as StoredObject)
        .filter(Boolean),
    );
    for (const zone of zones) {
      const res = await axios.put(`${url}/api/v1/zones/${encodeURIComponent(zone.zoneName)}`, zone.body, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).to.be.oneOf([200, 201]);
    }
    const { code, io } = await plan();
    expect(io.stdout).to.deep.equal([
      'zone example.com (default/example-com): no changes',
      'zone 2.0.192.in-addr.arpa (default/reverse-192-0-2): no changes',
    ]);
    expect(code).to.equal(0);
  });

  it('leaves records the zone leaves to others out of the plan (spec.unmanagedRecords), shows any other', async () => {
    const add = (name: string) =>
      axios.post(
        `${url}/api/v1/zones/example.com/records`,
        { name, type: 'TXT', value: 'added-by-another-tool', ttl: 60 },
        { headers: { authorization: `Bearer ${token}` } },
      );
    expect((await add('_acme-challenge.www')).status).to.equal(201);
    expect((await plan()).io.stdout).to.deep.equal([
      'zone example.com (default/example-com): no changes',
      'zone 2.0.192.in-addr.arpa (default/reverse-192-0-2): no changes',
    ]);
    expect((await add('stray')).status).to.equal(201);
    const { code, io } = await plan();
    expect(code).to.equal(2);
    expect(io.stdout).to.deep.equal([
      'zone example.com (default/example-com): 0 to add, 1 to remove, 0 to change',
      '  - stray.example.com. 60 TXT "added-by-another-tool"',
      'zone 2.0.192.in-addr.arpa (default/reverse-192-0-2): no changes',
    ]);
    const removed = await axios.delete(`${url}/api/v1/zones/example.com/records`, {
      data: { name: 'stray', type: 'TXT' },
      headers: { authorization: `Bearer ${token}` },
      validateStatus: () => true,
    });
    expect(removed.status, JSON.stringify(removed.data)).to.equal(200);
  });

  it('shows exactly the added, removed and changed RRsets of an edit', async () => {
    const www = join(dir, 'record-a-www.yaml');
    writeFileSync(www, readFileSync(www, 'utf8').replace('192.0.2.1', '192.0.2.50'));
    unlinkSync(join(dir, 'record-a-app.yaml'));
    writeFileSync(
      join(dir, 'record-a-new.yaml'),
      'apiVersion: bindy.firestoned.io/v1beta1\nkind: ARecord\nmetadata: {name: fresh}\nspec: {zoneRef: example-com, ipv4Address: 192.0.2.123, ttl: 60}\n',
    );
    const { code, io } = await plan();
    expect(code).to.equal(2);
    expect(io.stdout).to.deep.equal([
      'zone example.com (default/example-com): 1 to add, 1 to remove, 1 to change',
      '  + fresh.example.com. 60 A 192.0.2.123',
      '  - app.example.com. 3600 A 192.0.2.10',
      '  - app.example.com. 3600 A 192.0.2.11',
      '  ~ www.example.com. A',
      '    - www.example.com. 300 A 192.0.2.1',
      '    + www.example.com. 300 A 192.0.2.50',
      'zone 2.0.192.in-addr.arpa (default/reverse-192-0-2): no changes',
    ]);
    const json = await plan('--output', 'json');
    const parsed = JSON.parse(json.io.stdout.join('\n')) as { changed: boolean; zones: { action: string }[] };
    expect(parsed.changed).to.equal(true);
    expect(parsed.zones[0]?.action).to.equal('update');
  });

  it('fails with exit 1 on a wrong token or an unreachable bindcar', async () => {
    const io = captureIo();
    expect(await main(['plan', '-f', dir, '--bindcar', url, '--token', 'wrong'], io)).to.equal(1);
    expect(io.stderr.join('\n')).to.match(/bindcar answered 401/);
    const io2 = captureIo();
    expect(await main(['plan', '-f', dir, '--bindcar', 'http://127.0.0.1:9'], io2)).to.equal(1);
  });
});
