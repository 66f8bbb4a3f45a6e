/**
 * `npm start` end to end: the real CLI process (`bindy up`) with a real named, editing a GitOps folder and watching
 * DNS answers follow it; Ctrl-C leaves no process and no state behind.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../local/named.js';
import { eventually } from '../support/poll.js';

const run = promisify(execFile);

async function dig(port: number, name: string, type = 'A'): Promise<{ status: string; answers: string[] }> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+norec', '+time=1', '+tries=1', name, type]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? 'UNKNOWN';
  const answers = stdout
    .split('\n')
    .filter((l) => l && !l.startsWith(';') && l.includes(`\tIN\t${type}\t`))
    .map((l) => l.split('\t').pop() as string)
    .sort();
  return { status, answers };
}

describe('bindy up (npm start)', function () {
  this.timeout(60000);
  let dir: string;
  let stateDir: string;
  let port: number;
  let child: ChildProcess;
  let output = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bindy-up-test-'));
    cpSync('examples', dir, { recursive: true, filter: (src) => !src.includes('/seed') });
    port = await freePort();
    child = spawn(process.execPath, ['bin/bindy.js', 'up', '-f', dir, '--dns-port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(
      async () => output,
      (o) => o.includes('watching'),
      45000,
    );
    expect(output).to.contain('watching');
    stateDir = /state: (\S+) \(temporary\)/.exec(output)?.[1] as string;
    expect(stateDir).to.be.a('string');
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves the examples and prints a ready-to-paste dig', async () => {
    expect(await dig(port, 'www.example.com')).to.deep.equal({ status: 'NOERROR', answers: ['192.0.2.1'] });
    expect((await dig(port, 'example.com', 'MX')).answers).to.have.length(1);
    // examples/record-a-mail.yaml asks for its PTR (automatic PTR) in examples/zone-reverse.yaml's zone
    expect(await dig(port, '25.2.0.192.in-addr.arpa', 'PTR')).to.deep.equal({
      status: 'NOERROR',
      answers: ['mail.example.com.'],
    });
    expect(output).to.match(new RegExp(`try: dig @127\\.0\\.0\\.1 -p ${port} \\S+ A \\+short`));
    expect(output).to.contain('zone example.com (default/example-com)');
  });

  it('re-applies when a record file is edited', async () => {
    const file = join(dir, 'record-a-www.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('192.0.2.1', '192.0.2.77'));
    const r = await eventually(
      () => dig(port, 'www.example.com'),
      (v) => v.answers[0] === '192.0.2.77',
    );
    expect(r.answers).to.deep.equal(['192.0.2.77']);
  });

  it('removes a record whose file is deleted (NXDOMAIN)', async () => {
    unlinkSync(join(dir, 'record-a-app.yaml'));
    const r = await eventually(
      () => dig(port, 'app.example.com'),
      (v) => v.status === 'NXDOMAIN',
    );
    expect(r.status).to.equal('NXDOMAIN');
  });

  it('publishes an annotated Ingress dropped into the folder at the address its status names, and follows it', async () => {
    const file = join(dir, 'ingress-shop.yaml');
    const ingress = (ip: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    bindy.firestoned.io/zone: example-com
spec:
  rules:
    - host: shop.example.com
status:
  loadBalancer:
    ingress:
      - ip: ${ip}
`;
    writeFileSync(file, ingress('192.0.2.40'));
    const r = await eventually(
      () => dig(port, 'shop.example.com'),
      (v) => v.answers[0] === '192.0.2.40',
    );
    expect(r).to.deep.equal({ status: 'NOERROR', answers: ['192.0.2.40'] });
    writeFileSync(file, ingress('192.0.2.41'));
    await eventually(
      () => dig(port, 'shop.example.com'),
      (v) => v.answers[0] === '192.0.2.41',
    );
    unlinkSync(file);
    const gone = await eventually(
      () => dig(port, 'shop.example.com'),
      (v) => v.status === 'NXDOMAIN',
    );
    expect(gone.answers).to.deep.equal([]);
  });

  it('reports an invalid file without applying it, and keeps serving the rest', async () => {
    writeFileSync(
      join(dir, 'record-bad.yaml'),
      'apiVersion: bindy.firestoned.io/v1beta1\nkind: ARecord\nmetadata: {name: bad}\nspec: {zoneRef: example-com, ipv4Address: "999.1.1.1"}\n',
    );
    await eventually(
      async () => output,
      (o) => o.includes('record-bad.yaml#1 ARecord/bad: spec.ipv4Address'),
    );
    expect(output).to.contain('record-bad.yaml#1 ARecord/bad: spec.ipv4Address');
    expect((await dig(port, 'www.example.com')).status).to.equal('NOERROR');
  });

  it('refuses a DNS port that is taken, naming the option to change it', async () => {
    const { stderr } = await run(process.execPath, ['bin/bindy.js', 'up', '--once', '--dns-port', String(port)]).catch(
      (e: { stderr: string; code: number }) => {
        expect(e.code).to.equal(1);
        return e;
      },
    );
    expect(stderr).to.contain(`127.0.0.1:${port} is already in use`).and.contain('--dns-port');
  });

  it('stops on Ctrl-C leaving no named process and no state', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).to.equal(0);
    const { stdout } = await run('pgrep', ['-af', 'named']).catch(() => ({ stdout: '' }));
    expect(stdout).to.not.contain(stateDir);
    expect(existsSync(stateDir)).to.equal(false, 'the temporary state is removed');
    expect((await dig(port, 'www.example.com').catch(() => ({ status: 'DOWN' }))).status).to.not.equal('NOERROR');
  });
});
