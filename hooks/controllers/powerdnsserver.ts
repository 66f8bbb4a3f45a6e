/**
 * PowerDNSServer and ClusterPowerDNSServer hooks (CompositeController, hook v2, no children): a declared PowerDNS
 * Authoritative server, reached through its HTTP API, that DNSZones are placed on (spec.powerDnsServerRef,
 * spec.powerDnsServersFrom; the DNSZone hook pushes to it, hooks/ports/powerdns.ts).
 *
 *   customize → related: the Secrets the spec names (API key, TLS CA), in the server's namespace or, for the cluster
 *               kind, in the namespace each reference gives.
 *   sync      → probe `GET /api/v1/servers/<serverId>` with that key → status: Ready (Reachable, Unauthorized,
 *               Unreachable, NotAuthoritative, SecretNotFound), the version and daemon the API reports. Byte-stable:
 *               the same answer gives the same status; a server that does not answer is probed again on the short
 *               cadence, a ready one on Metacontroller's resync period. Without a client (the CLI's offline
 *               commands) Ready is Unknown, NotProbed.
 */
import type { ValidateFunction } from 'ajv';
import { conditions, type Condition, type ConditionInput } from '../conditions.js';
import {
  observedOf,
  type CustomizeRequest,
  type CustomizeResponse,
  type KubeObject,
  type RelatedResourceRule,
  type SyncRequest,
  type SyncResponse,
} from '../metacontroller.js';
import type { ClusterPowerDNSServer, PowerDNSServer, PowerDNSServerStatus } from '../schema/generated.js';
import { validateClusterPowerDNSServer, validatePowerDNSServer } from '../schema/validate.js';
import { parentValidator, previousConditions } from '../children/parent.js';
import type { HookRoute } from '../http.js';
import type { Clock } from '../ports/clock.js';
import { decodeSecretData, powerDnsConnection, type PowerDnsClient } from '../ports/powerdns.js';
import type { PowerDnsSpec } from '../zone/select.js';
import { clip } from '../zone/status.js';

type Server = PowerDNSServer | ClusterPowerDNSServer;

/** How soon a server that is not Ready is probed again. */
export const PROBE_RETRY_SECONDS = 15;

/** The Secrets a server's spec names: `[namespace, name]`, sorted, each once. */
export function serverSecrets(server: Server): [string, string][] {
  const spec = server.spec as PowerDnsSpec;
  const ns = (ref: { namespace?: string }) =>
    server.kind === 'PowerDNSServer' ? (server.metadata.namespace ?? '') : (ref.namespace ?? '');
  const refs = [spec.apiKeySecretRef, ...(spec.tls?.caSecretRef ? [spec.tls.caSecretRef] : [])];
  const keys = new Map(refs.map((r) => [`${ns(r)}/${r.name}`, [ns(r), r.name] as [string, string]]));
  return [...keys.keys()].sort().map((k) => keys.get(k)!);
}

/** The related-resource rules: the Secrets the spec names, by name (they depend on the spec only). */
export function customizePowerDnsServer(req: CustomizeRequest): CustomizeResponse {
  const server = req.parent as unknown as Server;
  const byNs = new Map<string, string[]>();
  for (const [ns, name] of serverSecrets(server)) byNs.set(ns, [...(byNs.get(ns) ?? []), name]);
  const rules: RelatedResourceRule[] = [...byNs.entries()].map(([namespace, names]) => ({
    apiVersion: 'v1',
    resource: 'secrets',
    namespace,
    names,
  }));
  return { relatedResources: rules };
}

export interface PowerDnsServerDeps {
  client: PowerDnsClient;
  clock: Clock;
}

/** The Ready condition and what the API reported, from one probe (or why there was none). */
export async function probeServer(
  server: Server,
  related: SyncRequest['related'],
  client: PowerDnsClient,
): Promise<{ ready: ConditionInput; version?: string; daemonType?: string }> {
  const ns = server.kind === 'PowerDNSServer' ? (server.metadata.namespace ?? '') : '';
  const target = { kind: server.kind, namespace: ns, name: server.metadata.name };
  const c = await powerDnsConnection(target, server.spec as PowerDnsSpec, async (namespace, name) => {
    const s = observedOf(related, 'Secret', 'v1', namespace, name);
    return s ? decodeSecretData(s['data'] as Record<string, string> | undefined) : undefined;
  });
  const ready = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
    type: 'Ready',
    status,
    reason,
    message: clip(message, 32768),
  });
  if (!c.ok) return { ready: ready('False', 'SecretNotFound', c.error.message) };
  const p = await client.probe(c.conn);
  if (!p.ok)
    return {
      ready: p.unauthorized
        ? ready('False', 'Unauthorized', p.error.message)
        : ready('False', 'Unreachable', p.error.message),
    };
  const what = `PowerDNS ${p.version}${p.daemonType ? ` (${p.daemonType})` : ''} answers at ${c.conn.serverUrl}`;
  return {
    ready:
      p.daemonType && p.daemonType !== 'authoritative'
        ? ready('False', 'NotAuthoritative', `${what}: bindy serves zones from an authoritative server only`)
        : ready('True', 'Reachable', what),
    version: p.version,
    ...(p.daemonType ? { daemonType: p.daemonType } : {}),
  };
}

/** Sync: probe the API and report (no children). */
export async function syncPowerDnsServer(req: SyncRequest, deps: PowerDnsServerDeps): Promise<SyncResponse> {
  const server = req.parent as unknown as Server;
  const gen = server.metadata.generation;
  const probed = await probeServer(server, req.related, deps.client);
  const status: PowerDNSServerStatus = {
    conditions: conditions([probed.ready], previousConditions(req.parent) as Partial<Condition>[], deps.clock(), gen),
    ...(gen !== undefined ? { observedGeneration: gen } : {}),
    ...(probed.version ? { version: probed.version.slice(0, 64) } : {}),
    ...(probed.daemonType ? { daemonType: probed.daemonType.slice(0, 64) } : {}),
  };
  return {
    status: status as Record<string, unknown>,
    children: [],
    ...(probed.ready.status === 'True' ? {} : { resyncAfterSeconds: PROBE_RETRY_SECONDS }),
  };
}

/**
 * Sync without a client (`bindy render`, `plan`, `validate`: offline, nothing is probed): Ready Unknown, NotProbed.
 */
export function unprobedPowerDnsServer(req: SyncRequest, clock: Clock): SyncResponse {
  const gen = req.parent.metadata.generation;
  const ready: ConditionInput = {
    type: 'Ready',
    status: 'Unknown',
    reason: 'NotProbed',
    message: 'not probed: these hooks run without a PowerDNS client',
  };
  return {
    status: {
      conditions: conditions([ready], previousConditions(req.parent) as Partial<Condition>[], clock(), gen),
      ...(gen !== undefined ? { observedGeneration: gen } : {}),
    },
    children: [],
  };
}

/** Routes of the two PowerDNS server CompositeControllers; without a client, sync reports NotProbed. */
export function powerDnsServerRoutes(ports: { clock: Clock; powerdnsClient?: PowerDnsClient }): HookRoute[] {
  const client = ports.powerdnsClient;
  const routes = (kind: Server['kind'], path: string, validate: ValidateFunction): HookRoute[] => [
    {
      path: `/customize/${path}`,
      hook: 'customize',
      kind,
      validateParent: parentValidator(kind, validate),
      handle: (body: CustomizeRequest<KubeObject>) => customizePowerDnsServer(body),
    },
    {
      path: `/sync/${path}`,
      hook: 'sync',
      kind,
      validateParent: parentValidator(kind, validate),
      handle: (body: SyncRequest) =>
        client ? syncPowerDnsServer(body, { client, clock: ports.clock }) : unprobedPowerDnsServer(body, ports.clock),
    },
  ];
  return [
    ...routes('PowerDNSServer', 'powerdnsserver', validatePowerDNSServer),
    ...routes('ClusterPowerDNSServer', 'clusterpowerdnsserver', validateClusterPowerDNSServer),
  ];
}
