/**
 * The hooks routes table: one entry per Metacontroller hook URL. Data, not code: the adapter in http.ts does the
 * rest. Each controller module contributes its routes through a small function, composed here.
 */
import type { HookRoute } from './http.js';
import type { HookPorts } from './ports.js';

/** Every hook route of the service, given the effect ports (bindcar client, status writer, events, clock). */
export function hookRoutes(ports: HookPorts): HookRoute[] {
  void ports;
  return [
    // infrastructure routes (ClusterBind9Provider, Bind9Cluster, Bind9Instance)
    // zone routes (DNSZone)
  ];
}
