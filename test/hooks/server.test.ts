/**
 * The hooks composition root as a real process, from the sources and from the bundle the image runs
 * (scripts/bundle.ts): it listens where the environment says, answers the index-label fixtures as the in-process
 * routes do (test/fixtures/sync/index-labels), refuses an invalid parent with the CRD schema's 422 (Ajv, which the
 * bundle loads from node_modules on first use), and exits 0 on SIGTERM.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
import { listeningLine, serviceLaunches, startServiceProcess } from '../support/service-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'sync', 'index-labels');

const start = (argv: string[], env: Record<string, string>) =>
  startServiceProcess('hooks', argv, { HOOKS_PORT: '0', HOOKS_ADDRESS: '127.0.0.1', LOG_LEVEL: 'info', ...env });

for (const launch of serviceLaunches('hooks'))
  describe(`hooks process: ${launch.what}`, function () {
    this.timeout(40000);
    let proc: ReturnType<typeof start>;
    let url: string;
    before(async () => {
      proc = start(await launch.argv(), launch.env);
      url = `http://127.0.0.1:${await proc.port}`;
    });
    after(() => {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    });

    it('answers /healthz', async () => {
      expect((await axios.get(`${url}/healthz`)).status).to.equal(200);
    });

    it(`says in its listening line how it used the code cache (${launch.codeCache ?? 'nothing, from sources'})`, () => {
      expect(listeningLine('hooks', proc.out())?.['codeCache']).to.equal(launch.codeCache);
    });

    const cases = readdirSync(FIXTURES).filter((f) => f.endsWith('.request.json'));
    it(`answers every index-label fixture as its golden response (${cases.length} cases)`, async () => {
      expect(cases.length).to.be.greaterThan(0);
      for (const f of cases) {
        const res = await axios.post(`${url}/sync/index-labels`, JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')));
        const golden = JSON.parse(readFileSync(join(FIXTURES, f.replace('.request.', '.response.')), 'utf8'));
        expect(res.data, f).to.deep.equal(golden);
      }
    });

    it('refuses a parent that fails the CRD schema with 422 naming the field', async () => {
      const res = await axios.post(
        `${url}/sync/dnszone`,
        {
          controller: {},
          parent: {
            apiVersion: 'bindy.firestoned.io/v1beta1',
            kind: 'DNSZone',
            metadata: { name: 'z', namespace: 'ns' },
            spec: { zoneName: 'bad name!', clusterRef: 'c' },
          },
          children: {},
          related: {},
          finalizing: false,
        },
        { validateStatus: () => true },
      );
      expect(res.status).to.equal(422);
      expect(res.data.details[0].field).to.equal('spec.zoneName');
    });

    it('exits 0 on SIGTERM', async () => {
      proc.child.kill('SIGTERM');
      expect(await proc.exit).to.equal(0);
    });
  });
