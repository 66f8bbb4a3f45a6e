/**
 * named.conf goldens (test/golden/named-conf/<case>/{input.yaml, expected.conf | expected.error.txt}), each
 * expected.conf checked by named-checkconf, and a real primary + secondary named started from rendered configs.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseDnsEndpoint } from '../../../hooks/controllers/bind9instance.js';
import { instanceModel } from '../../../hooks/children/instance-model.js';

import { NamedConfError, renderNamedConf, type PrimaryServer } from '../../../hooks/render/named-conf.js';
import { renderRndcConf } from '../../../hooks/render/rndc-conf.js';
import { validateObject } from '../../../hooks/schema/cel.js';
import type { Bind9Cluster, Bind9Instance } from '../../../hooks/schema/generated.js';
import { freePort, parseDig } from '../../support/named.js';
import { REPO, UPDATE_GOLDEN, checkconf, writeKeys } from '../children/support.js';
import { RNDC_KEY_FILE, type NamedConfLayout } from '../../../hooks/pod-layout.js';

const GOLDEN = join(REPO, 'test', 'golden', 'named-conf');

interface Case {
  instance: Bind9Instance;
  cluster: Bind9Cluster | undefined;
  primaries: PrimaryServer[];
}

function loadCase(dir: string): { objects: unknown[]; c: Case } {
  const objects = parseAllDocuments(readFileSync(join(dir, 'input.yaml'), 'utf8')).map((d) => d.toJS() as unknown);
  const [instance, ...rest] = objects as (Bind9Instance | Bind9Cluster)[];
  const cluster = rest.find((o): o is Bind9Cluster => o.kind === 'Bind9Cluster');
  const primaries = rest
    .filter((o): o is Bind9Instance => o.kind === 'Bind9Instance' && o.spec.role === 'primary')
    .map((p) => parseDnsEndpoint(p.status?.dnsEndpoint))
    .filter((p): p is PrimaryServer => p !== undefined);
  return { objects, c: { instance: instance as Bind9Instance, cluster, primaries } };
}

function render(c: Case, layout?: Partial<NamedConfLayout>): string {
  const m = instanceModel(c.instance, c.cluster ? { kind: 'Bind9Cluster', spec: c.cluster.spec } : undefined);
  return renderNamedConf({
    instance: `${m.namespace}/${m.name}`,
    role: m.role,
    config: m.config,
    acls: m.acls,
    primaries: c.primaries,
    optionsFromFile: m.configMapRefs.namedConfOptions !== undefined,
    ...(layout ? { layout } : {}),
  });
}

const cases = existsSync(GOLDEN)
  ? readdirSync(GOLDEN)
      .filter((d) => existsSync(join(GOLDEN, d, 'input.yaml')))
      .sort()
  : [];

describe('hooks/render/named-conf', () => {
  it('has golden cases', () => {
    expect(cases.length).to.be.at.least(6);
  });

  for (const name of cases) {
    const dir = join(GOLDEN, name);
    it(name, async () => {
      const { objects, c } = loadCase(dir);
      for (const o of objects) expect(validateObject(o), `${name}: input must be valid CRs`).to.deep.equal([]);
      const errPath = join(dir, 'expected.error.txt');
      const confPath = join(dir, 'expected.conf');
      let text: string;
      let path: string;
      try {
        text = render(c);
        path = confPath;
      } catch (e) {
        if (!(e instanceof NamedConfError)) throw e;
        text = `${e.message}\n`;
        path = errPath;
      }
      if (UPDATE_GOLDEN) writeFileSync(path, text);
      expect(existsSync(path), `${name}: expected ${path}`).to.equal(true);
      expect(text).to.equal(readFileSync(path, 'utf8'));
      if (path === confPath) {
        expect(render(c), 'byte-stable').to.equal(text);
        await checkconf(text);
      }
    });
  }
});

async function run(cmd: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = execFile(cmd, args, { timeout: 10000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
    if (stdin !== undefined) p.stdin?.end(stdin);
  });
}

interface Server {
  proc: ChildProcess;
  layout: NamedConfLayout;
  rndcConf: string;
  stderr: () => string;
}

/** Starts `named -g` (foreground, logging to stderr) from a rendered config; waits until rndc answers. */
async function startFromRendered(root: string, name: string, c: Case, keysDir: string): Promise<Server> {
  const base = join(root, name);
  const layout: NamedConfLayout = {
    confDir: join(base, 'etc'),
    keysDir,
    cacheDir: join(base, 'cache'),
    runDir: join(base, 'run'),
    dnsPort: await freePort(),
    rndcPort: await freePort(),
  };
  for (const d of [layout.confDir, layout.cacheDir, layout.runDir]) mkdirSync(d, { recursive: true });
  const confPath = join(layout.confDir, 'named.conf');
  const rndcConf = join(layout.confDir, 'rndc.conf');
  writeFileSync(confPath, render(c, layout));
  writeFileSync(rndcConf, renderRndcConf(layout));
  await run('named-checkconf', [confPath]);
  const proc = spawn('named', ['-g', '-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const server: Server = { proc, layout, rndcConf, stderr: () => err };
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`named exited: ${err}`);
    try {
      await run('rndc', ['-c', rndcConf, 'status']);
      return server;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`named did not answer rndc: ${err}`);
}

async function stop(s: Server | undefined): Promise<void> {
  if (!s || s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  const t = setTimeout(() => s.proc.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

const dig = async (s: Server, name: string, type: string, ...extra: string[]) =>
  parseDig(
    await run('dig', [
      '@127.0.0.1',
      '-p',
      String(s.layout.dnsPort),
      '+norec',
      '+time=2',
      '+tries=1',
      '+noall',
      '+comments',
      '+answer',
      ...extra,
      name,
      type,
    ]),
  );

describe('hooks/render/named-conf with a real named', function () {
  this.timeout(60000);
  let root = '';
  let primary: Server | undefined;
  let secondary: Server | undefined;
  const loopback = { listenOn: ['127.0.0.1'], listenOnV6: ['none'] };
  const instance = (name: string, role: 'primary' | 'secondary'): Bind9Instance => ({
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'Bind9Instance',
    metadata: { name, namespace: 'test' },
    spec: { clusterRef: 'live', role, config: { ...loopback, allowQuery: ['internal'] } },
  });
  const cluster: Bind9Cluster = {
    apiVersion: 'bindy.firestoned.io/v1beta1',
    kind: 'Bind9Cluster',
    metadata: { name: 'live', namespace: 'test' },
    spec: { acls: { internal: ['127.0.0.0/8'] } },
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'named-conf-live-'));
    const keysDir = join(root, 'keys');
    writeKeys(keysDir);
    primary = await startFromRendered(
      root,
      'primary',
      { instance: instance('live-primary-0', 'primary'), cluster, primaries: [] },
      keysDir,
    );
    secondary = await startFromRendered(
      root,
      'secondary',
      {
        instance: instance('live-secondary-0', 'secondary'),
        cluster,
        primaries: [{ address: '127.0.0.1', port: primary.layout.dnsPort }],
      },
      keysDir,
    );
  });

  after(async () => {
    await stop(primary);
    await stop(secondary);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('adds a zone over rndc, serves it, and accepts DNS UPDATE signed with bindy-rndc', async () => {
    const p = primary!;
    writeFileSync(
      join(p.layout.cacheDir, 'live.test.db'),
      '$TTL 300\n@ IN SOA ns1.live.test. hostmaster.live.test. 1 3600 600 86400 300\n@ IN NS ns1.live.test.\nns1 IN A 192.0.2.53\n',
    );
    await run('rndc', ['-c', p.rndcConf, 'addzone', 'live.test', '{ type primary; file "live.test.db"; };']);
    const soa = await dig(p, 'live.test', 'SOA');
    expect(soa.rcode).to.equal('NOERROR');
    expect(soa.aa).to.equal(true);
    await run(
      'nsupdate',
      ['-k', join(p.layout.keysDir, RNDC_KEY_FILE)],
      `server 127.0.0.1 ${p.layout.dnsPort}\nzone live.test\nupdate add www.live.test 300 A 192.0.2.80\nsend\n`,
    );
    expect((await dig(p, 'www.live.test', 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.80']);
  });

  it('refuses unsigned zone transfers', async () => {
    const out = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(primary!.layout.dnsPort),
      '+time=2',
      '+tries=1',
      'live.test',
      'AXFR',
    ]);
    expect(out).to.match(/Transfer failed|REFUSED/);
  });

  it('lets a secondary transfer the zone from bindy-primaries with the transfer key', async () => {
    const s = secondary!;
    await run('rndc', [
      '-c',
      s.rndcConf,
      'addzone',
      'live.test',
      '{ type secondary; file "live.test.db"; primaries { bindy-primaries; }; };',
    ]);
    let answers: string[] = [];
    for (let i = 0; i < 100 && answers.length === 0; i++) {
      const r = await dig(s, 'www.live.test', 'A');
      answers = r.aa ? r.answers.map((a) => a.data) : [];
      if (answers.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(answers, s.stderr().slice(-1500)).to.deep.equal(['192.0.2.80']);
  });
});
