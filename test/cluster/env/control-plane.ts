/**
 * A real Kubernetes control plane for the cluster tests: etcd and kube-apiserver (built by ./build.ts) started on
 * loopback with throw-away credentials, and stopped without leftovers.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestEnv, findBinaries, type TestEnvBinaries } from './build.js';
import {
  distinctPorts,
  httpGet,
  launch,
  reapStale,
  run,
  terminate,
  trackDir,
  untrackDir,
  waitFor,
  type Managed,
  type RunResult,
} from './processes.js';

/** Result of one kubectl run. */
export type KubectlResult = RunResult;

/** Options for {@link TestEnv.kubectl}. */
export interface KubectlOptions {
  /** Text piped to kubectl's stdin (e.g. a manifest for `apply -f -`). */
  readonly stdin?: string;
  /** When false, a non-zero exit is returned instead of thrown. Default true. */
  readonly check?: boolean;
}

/** A running control plane. */
export interface TestEnv {
  /** Admin kubeconfig (token user, CA pinned) inside the temp dir. */
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** Bearer token of the admin user (group system:masters). */
  readonly token: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** File holding caPem (for clients that take a CA file). */
  readonly caPath: string;
  /** Issuer set on ServiceAccount tokens (and the default API audience). */
  readonly serviceAccountIssuer: string;
  /** The temp dir holding certs, keys, data and logs; removed by stop(). */
  readonly dir: string;
  /** Process ids of etcd and kube-apiserver (each leads its own process group). */
  readonly pids: { readonly etcd: number; readonly kubeApiserver: number };
  readonly binaries: TestEnvBinaries;
  /** Runs the built kubectl against this control plane. Throws KubectlError on non-zero exit unless check is false. */
  kubectl(args: readonly string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** Stops both processes (whole process groups) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** kubectl exited non-zero; carries the output so tests can assert on the message. */
export class KubectlError extends Error {
  readonly result: KubectlResult;
  constructor(args: readonly string[], result: KubectlResult) {
    super(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'KubectlError';
    this.result = result;
  }
}

/** A CA and a serving certificate for 127.0.0.1/localhost signed by it (valid one day). */
export async function makeServingCert(
  pkiBin: string,
  dir: string,
): Promise<{ caPath: string; certPath: string; keyPath: string }> {
  const r = await run(pkiBin, [`-dir=${dir}`]);
  if (r.code !== 0) throw new Error(`testenv-pki failed (exit ${r.code}): ${r.stderr}`);
  return { caPath: join(dir, 'ca.crt'), certPath: join(dir, 'serving.crt'), keyPath: join(dir, 'serving.key') };
}

/** Options for {@link startTestEnv}. */
export interface StartOptions {
  /** Build when the cache is empty (default true; a cold build takes minutes). */
  readonly build?: boolean;
  /** `--authorization-mode` for kube-apiserver. Default RBAC. */
  readonly authorizationMode?: string;
  readonly log?: (line: string) => void;
}

/**
 * Starts etcd and kube-apiserver on loopback random ports with a fresh temp dir: self-signed CA and
 * serving cert, ServiceAccount signing key pair, a static admin token, RBAC authorization, and an
 * admin kubeconfig. Resolves once /readyz answers ok.
 */
export async function startTestEnv(options: StartOptions = {}): Promise<TestEnv> {
  // Ports are picked free and then handed over, so another process may take one in between.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
      options.log?.(`testenv: port taken meanwhile, retrying (${attempt})`);
    }
  }
}

async function startOnce(options: StartOptions): Promise<TestEnv> {
  const log = options.log ?? (() => {});
  const binaries =
    options.build === false
      ? await findBinaries().then((b) => {
          if (!b) throw new Error('testenv binaries not built: run `npx tsx scripts/testenv.ts build`');
          return b;
        })
      : await buildTestEnv(log);

  for (const d of reapStale()) log(`testenv: reaped stale ${d}`);
  const dir = await mkdtemp(join(tmpdir(), 'bindy-testenv-'));
  trackDir(dir);
  const started: Managed[] = [];
  const recordOwner = (): void =>
    writeFileSync(join(dir, 'owner.json'), JSON.stringify({ owner: process.pid, pgids: started.map((m) => m.pid) }));
  try {
    const [clientPort, peerPort, securePort] = await distinctPorts(3);
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = launch(
      binaries.etcd,
      [
        '--name=testenv',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=testenv=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
    );
    started.push(etcd);
    recordOwner();
    await waitFor(
      'etcd',
      etcd,
      async () => {
        const r = await httpGet(`${etcdUrl}/health`);
        return r.status === 200 && /"health":\s*"true"/.test(r.body);
      },
      30_000,
    );
    log(`testenv: etcd ready on ${etcdUrl}`);

    const pki = join(dir, 'pki');
    await mkdir(pki);
    const { caPath, certPath, keyPath } = await makeServingCert(binaries.pki, pki);
    const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saPub = join(pki, 'sa.pub');
    const saKey = join(pki, 'sa.key');
    await writeFile(saPub, sa.publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(saKey, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const token = randomBytes(24).toString('hex');
    const tokenFile = join(pki, 'tokens.csv');
    await writeFile(tokenFile, `${token},testenv-admin,testenv-admin-uid,"system:masters"\n`, { mode: 0o600 });
    const issuer = 'https://kubernetes.default.svc.cluster.local';

    const apiserver = launch(
      binaries.kubeApiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${securePort}`,
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${certPath}`,
        `--tls-private-key-file=${keyPath}`,
        `--token-auth-file=${tokenFile}`,
        `--service-account-issuer=${issuer}`,
        `--service-account-key-file=${saPub}`,
        `--service-account-signing-key-file=${saKey}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        // no "kubernetes" Endpoints for a loopback address (invalid there; nothing in-cluster needs it)
        '--endpoint-reconciler-type=none',
        `--authorization-mode=${options.authorizationMode ?? 'RBAC'}`,
        '--profiling=false',
        '--v=1',
      ],
      join(dir, 'kube-apiserver.log'),
    );
    started.push(apiserver);
    recordOwner();
    const caPem = await readFile(caPath, 'utf8');
    const server = `https://127.0.0.1:${securePort}`;
    await waitFor(
      'kube-apiserver',
      apiserver,
      async () => {
        const r = await httpGet(`${server}/readyz`, { ca: caPem, token });
        return r.status === 200 && r.body.trim() === 'ok';
      },
      120_000,
    );
    log(`testenv: kube-apiserver ready on ${server}`);

    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig(server, caPath, token), { mode: 0o600 });

    let stopped: Promise<void> | undefined;
    const env: TestEnv = {
      kubeconfigPath,
      server,
      token,
      caPem,
      caPath,
      serviceAccountIssuer: issuer,
      dir,
      pids: { etcd: etcd.pid, kubeApiserver: apiserver.pid },
      binaries,
      async kubectl(args, opts = {}) {
        // discovery cache inside the temp dir: nothing left in ~/.kube, removed by stop()
        const r = await run(
          binaries.kubectl,
          ['--kubeconfig', kubeconfigPath, `--cache-dir=${join(dir, 'kube-cache')}`, ...args],
          {
            stdin: opts.stdin,
            env: { ...process.env, KUBECONFIG: kubeconfigPath },
          },
        );
        if (r.code !== 0 && opts.check !== false) throw new KubectlError(args, r);
        return r;
      },
      stop() {
        stopped ??= (async () => {
          await terminate(apiserver);
          await terminate(etcd);
          await rm(dir, { recursive: true, force: true });
          untrackDir(dir);
        })();
        return stopped;
      },
    };
    return env;
  } catch (err) {
    for (const m of started.reverse()) await terminate(m, 2000);
    await rm(dir, { recursive: true, force: true });
    untrackDir(dir);
    throw err;
  }
}

/** Admin kubeconfig text for a server, its CA file and a bearer token. */
export function kubeconfig(server: string, caPath: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: testenv',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caPath}`,
    'users:',
    '- name: testenv-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: testenv',
    '  context:',
    '    cluster: testenv',
    '    user: testenv-admin',
    'current-context: testenv',
    '',
  ].join('\n');
}
