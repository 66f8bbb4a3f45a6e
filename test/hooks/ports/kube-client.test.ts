/**
 * hooks/ports/kube-client.ts: every call of one config gets the same keep-alive agent (one TLS connection pool),
 * while the bearer token is still applied per call.
 */
import { Agent } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { keepAliveKubeConfig } from '../../../hooks/ports/kube-client.js';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

function kubeconfigFile(extraCluster = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'bindy-kc-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c',
      '  cluster:',
      '    server: https://127.0.0.1:6443',
      `    certificate-authority-data: ${CA}`,
      ...(extraCluster ? [`    ${extraCluster}`] : []),
      'users:',
      '- name: u',
      '  user:',
      '    token: t0k3n',
      'contexts:',
      '- name: x',
      '  context: { cluster: c, user: u }',
      'current-context: x',
    ].join('\n'),
  );
  return file;
}

describe('hooks/ports/kube-client: keep-alive connections', () => {
  it('gives every call the same keep-alive https agent, with the CA, and the token on each call', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = keepAliveKubeConfig(k8s, kubeconfigFile());
    const agents: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const ctx = new k8s.RequestContext('https://127.0.0.1:6443/api', k8s.HttpMethod.GET);
      await kc.applySecurityAuthentication(ctx);
      expect(ctx.getHeaders()['Authorization']).to.equal('Bearer t0k3n');
      agents.push(ctx.getAgent());
    }
    expect(agents[0]).to.be.instanceOf(Agent);
    expect(agents[1]).to.equal(agents[0]);
    expect(agents[2]).to.equal(agents[0]);
    const options = (agents[0] as Agent & { options: { keepAlive?: boolean; ca?: unknown } }).options;
    expect(options.keepAlive).to.equal(true);
    expect(String(options.ca)).to.include('BEGIN CERTIFICATE');
  });

  it('leaves a proxy agent as client-node makes it', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = keepAliveKubeConfig(k8s, kubeconfigFile('proxy-url: http://127.0.0.1:3128'));
    const ctx = new k8s.RequestContext('https://127.0.0.1:6443/api', k8s.HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    const agent = ctx.getAgent() as Agent & { options: { keepAlive?: boolean } };
    expect(agent.constructor).to.not.equal(Agent);
  });
});
