/**
 * Prometheus metrics on bindcar's own Registry (never the global one, so tests and several apps in
 * one process don't collide). Route labels are Express route templates, never raw paths.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'code'>;
  httpDuration: Histogram<'method' | 'route'>;
  rndcDuration: Histogram<'command' | 'result'>;
  dnsDuration: Histogram<'operation' | 'result'>;
  /**
   * TCP connections opened to named (UPDATE, transfers): kept alive, so it grows with exchanges at once and after
   * idle spells, not per exchange
   */
  dnsConnections: Counter;
  zoneOperations: Counter<'operation' | 'result'>;
  errors: Counter<'code'>;
  /** the last readiness probe: 1 ready, 0 not */
  ready: Gauge;
  zonesManaged: Gauge;
}

/** Create the registry and every metric. `defaults` adds process metrics (RSS, event loop…). */
export function createMetrics(defaults = false): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'bindcar_' });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    httpRequests: new Counter({
      name: 'bindcar_http_requests_total',
      help: 'HTTP requests by route template and status code',
      labelNames: ['method', 'route', 'code'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'bindcar_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets,
      registers: [registry],
    }),
    rndcDuration: new Histogram({
      name: 'bindcar_rndc_command_duration_seconds',
      help: 'rndc command duration',
      labelNames: ['command', 'result'],
      buckets,
      registers: [registry],
    }),
    dnsDuration: new Histogram({
      name: 'bindcar_dns_operation_duration_seconds',
      help: 'DNS UPDATE / transfer / SOA query duration',
      labelNames: ['operation', 'result'],
      buckets,
      registers: [registry],
    }),
    dnsConnections: new Counter({
      name: 'bindcar_dns_tcp_connections_total',
      help: 'TCP connections opened to named for UPDATE and zone transfers (kept alive and reused)',
      registers: [registry],
    }),
    zoneOperations: new Counter({
      name: 'bindcar_zone_operations_total',
      help: 'Zone operations by result',
      labelNames: ['operation', 'result'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'bindcar_errors_total',
      help: 'Errors returned, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    ready: new Gauge({
      name: 'bindcar_ready',
      help: 'Result of the last readiness probe (/readyz): 1 when rndc and a DNS query answer, else 0',
      registers: [registry],
    }),
    zonesManaged: new Gauge({
      name: 'bindcar_zones_managed',
      help: 'Zones bindcar has a zone file for',
      registers: [registry],
    }),
  };
}
