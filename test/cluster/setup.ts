/**
 * Mocha root hooks for `npm run test:cluster`: one control plane (etcd + kube-apiserver) for the
 * whole run, stopped afterwards with a check that no process of it is left.
 */
import { startTestEnv } from './env/control-plane.js';
import { markClusterRun, setClusterEnv, waitGroupsGone } from './support.js';

markClusterRun();

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    // A cold build takes minutes; CI builds first (`npx tsx scripts/testenv.ts build`).
    this.timeout(45 * 60_000);
    const env = await startTestEnv({ log: (line) => console.error(line) });
    setClusterEnv(env);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    const env = setClusterEnv(undefined);
    if (!env) return;
    await env.stop();
    const left = await waitGroupsGone([env.pids.etcd, env.pids.kubeApiserver]);
    if (left.length > 0) throw new Error(`testenv left process groups running: ${left.join(', ')}`);
  },
};
