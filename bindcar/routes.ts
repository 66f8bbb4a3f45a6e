/**
 * The bindcar routes table (bindcar/README.md lists it): data, not code — http.ts mounts it. Each
 * module contributes its routes through a small function, composed here; the probes and /metrics
 * are here because they belong to the process, not to a zone.
 */
import type { BindcarRoute, Reply, RouteDeps } from './http.js';
import { applyZoneRoutes } from './apply-zone.js';
import { dnssecRoutes } from './dnssec.js';
import { upstreamRoutes } from './upstream.js';
import { upstreamRecordRoutes } from './upstream-records.js';

/** Liveness, readiness (503 with the reasons when rndc or DNS does not answer) and the metrics. */
function probeRoutes({ zones, metrics, version }: RouteDeps): BindcarRoute[] {
  const ready = async (): Promise<Reply> => {
    const reasons = await zones.readiness();
    metrics.ready.set(reasons.length ? 0 : 1);
    // signing does not make bindcar unready (named serves the zone while it signs): it is reported beside
    const signing = zones.signing();
    return { status: reasons.length ? 503 : 200, json: { ready: reasons.length === 0, reasons, signing } };
  };
  return [
    { method: 'get', path: '/healthz', auth: false, handle: () => ({ json: { status: 'ok' } }) },
    // upstream's names for the same two probes; /api/v1/ready answers 503 when not ready, like /readyz
    {
      method: 'get',
      path: '/api/v1/health',
      auth: false,
      handle: () => ({ json: { status: 'healthy', version: version ?? '0.1.0' } }),
    },
    { method: 'get', path: '/readyz', auth: false, handle: ready },
    { method: 'get', path: '/api/v1/ready', auth: false, handle: ready },
    {
      method: 'get',
      path: '/metrics',
      auth: false,
      handle: async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() }),
    },
  ];
}

/** Every route of bindcar. */
export function bindcarRoutes(deps: RouteDeps): BindcarRoute[] {
  return [
    ...probeRoutes(deps),
    // the declarative API the DNSZone hook drives
    ...applyZoneRoutes(deps),
    // what a signed zone hands its parent
    ...dnssecRoutes(deps),
    // upstream bindcar's API
    ...upstreamRoutes(deps),
    ...upstreamRecordRoutes(deps),
  ];
}
