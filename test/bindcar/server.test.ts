/**
 * The composition root as a real process: configuration from env, listening, graceful SIGTERM,
 * and the refusal to start unauthenticated on a non-loopback address. Each case runs twice: from the sources and
 * from the bundle the image runs (scripts/bundle.ts).
 */
import { expect } from 'chai';
import axios from 'axios';
import { startNamed, type NamedInstance } from '../support/named.js';
import { zoneBody } from './builders.js';
import { listeningLine, serviceLaunches, startServiceProcess } from '../support/service-process.js';

const run = (argv: string[], env: Record<string, string>) => startServiceProcess('bindcar', argv, env);

for (const launch of serviceLaunches('bindcar'))
  describe(`bindcar process: ${launch.what}`, function () {
    this.timeout(40000);
    let named: NamedInstance;
    let env: Record<string, string>;
    let argv: string[];
    before(async () => {
      argv = await launch.argv();
      named = await startNamed();
      env = {
        API_PORT: '0',
        BIND_API_ADDRESS: '127.0.0.1',
        BIND_ZONE_DIR: named.dir,
        RNDC_CONF: named.rndcConf,
        NAMED_DNS_PORT: String(named.dnsPort),
        BINDCAR_UPDATE_KEY_NAME: named.updateKey.name,
        BINDCAR_UPDATE_KEY_SECRET: named.updateKey.secret,
        ...launch.env,
      };
    });
    after(async () => {
      await named?.stop();
    });

    it('serves, requires its token, and on SIGTERM finishes the in-flight PUT before exiting 0', async () => {
      const token = 'a-sufficiently-long-token';
      const p = run(argv, { ...env, BIND_API_TOKEN: token });
      const port = await p.port;
      expect(listeningLine('bindcar', p.out())?.['codeCache'], 'codeCache').to.equal(launch.codeCache);
      const http = axios.create({
        baseURL: `http://127.0.0.1:${port}`,
        validateStatus: () => true,
        headers: { authorization: `Bearer ${token}` },
      });
      expect((await http.get('/readyz')).status).to.equal(200);
      expect(
        (await axios.get(`http://127.0.0.1:${port}/api/v1/zones`, { validateStatus: () => true })).status,
      ).to.equal(401);
      // WHEN SIGTERM arrives while a large zone is being created
      const recs = Array.from({ length: 3000 }, (_, i) => ({
        name: `h${i}`,
        type: 'A' as const,
        ttl: 60,
        data: `10.1.${i >> 8}.${i & 255}`,
      }));
      const inflight = http.put('/api/v1/zones/term.test', zoneBody('term.test', recs));
      await new Promise((r) => setTimeout(r, 30));
      p.child.kill('SIGTERM');
      // THEN the request completes and the process exits cleanly
      const r = await inflight;
      expect(r.status, JSON.stringify(r.data)).to.equal(201);
      expect(await p.exit).to.equal(0);
      expect(await named.soaSerial('term.test')).to.equal(1);
    });

    it('refuses to start without authentication on a non-loopback address', async () => {
      const p = run(argv, { ...env, BIND_API_ADDRESS: '0.0.0.0' });
      expect(await p.exit).to.equal(1);
      expect(p.out()).to.match(/refusing to listen on 0\.0\.0\.0 without authentication/);
    });

    it('exits 2 with the variable named on a bad configuration', async () => {
      const p = run(argv, { ...env, API_PORT: 'eighty' });
      expect(await p.exit).to.equal(2);
      expect(p.out()).to.match(/API_PORT/);
    });
  });
