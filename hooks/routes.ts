/**
 * The hooks routes table: one entry per Metacontroller hook URL. Data, not code: the adapter in http.ts does the
 * rest. Each controller module contributes its routes through a small function, composed here.
 */
import type { HookRoute } from './http.js';
import type { HookPorts } from './ports/hook-ports.js';
import { dnsZoneRoutes } from './controllers/dnszone.js';
import { bind9ClusterRoutes } from './controllers/bind9cluster.js';
import { bind9InstanceRoutes } from './controllers/bind9instance.js';
import { clusterBind9ProviderRoutes } from './controllers/clusterbind9provider.js';
import { indexLabelRoutes } from './controllers/index-labels.js';
import { sourceRoutes } from './controllers/sources.js';
import { powerDnsServerRoutes } from './controllers/powerdnsserver.js';

/** Every hook route of the service, given the effect ports (bindcar client, status writer, events, clock). */
export function hookRoutes(ports: HookPorts): HookRoute[] {
  return [
    // infrastructure routes (ClusterBind9Provider, Bind9Cluster, Bind9Instance)
    ...clusterBind9ProviderRoutes(),
    ...bind9ClusterRoutes(ports),
    ...bind9InstanceRoutes(ports),
    // zone routes (DNSZone) and the PowerDNS servers zones are placed on beside Bind9Instances
    ...dnsZoneRoutes(ports),
    ...powerDnsServerRoutes(ports),
    // the index labels every relation above is selected by (records, DNSZones, Bind9Instances)
    ...indexLabelRoutes(),
    // records from annotated Ingresses and LoadBalancer Services (attachments of the source)
    ...sourceRoutes(ports.zone?.events),
  ];
}
