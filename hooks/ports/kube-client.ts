/**
 * The hooks' one way to a Kubernetes API client (client-node 1.4.0, loaded on first use), with connections kept
 * alive. client-node builds a new https.Agent for every call (KubeConfig.applySecurityAuthentication → createAgent),
 * so each record-status PATCH opened its own TLS connection: a handshake per write for the hooks and for the
 * apiserver, which settling hundreds of zones pays a thousand times. Here the first call's agent options (CA, client
 * certificate) seed one keep-alive agent that every later call of this config reuses; the bearer token is still
 * applied per call (a rotated ServiceAccount token keeps working). A proxy agent is left as client-node makes it.
 */
import { Agent } from 'node:https';

type K8s = typeof import('@kubernetes/client-node');

/** A loaded KubeConfig (the file, else $KUBECONFIG, ~/.kube/config, in-cluster) whose calls share connections. */
export function keepAliveKubeConfig(k8s: K8s, kubeconfig?: string): InstanceType<K8s['KubeConfig']> {
  let shared: Agent | undefined;
  class KeepAliveKubeConfig extends k8s.KubeConfig {
    override async applySecurityAuthentication(
      context: Parameters<InstanceType<K8s['KubeConfig']>['applySecurityAuthentication']>[0],
    ): Promise<void> {
      await super.applySecurityAuthentication(context);
      const made = context.getAgent();
      if (!(made instanceof Agent) || made.constructor !== Agent || this.getCurrentCluster()?.proxyUrl) return;
      shared ??= new Agent({ ...made.options, keepAlive: true, maxSockets: 32 });
      context.setAgent(shared);
    }
  }
  const kc = new KeepAliveKubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  return kc;
}
