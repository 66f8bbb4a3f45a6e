/**
 * Effect ports the hooks use, injected at the composition root so tests can swap them. Pure controllers never see
 * these; only the DNSZone hook (which pushes zones and writes record statuses) does.
 */
import type { InfraPorts } from '../controllers/bind9instance.js';
import type { Clock } from './clock.js';
import type { ZonePorts } from './zone.js';
import type { PowerDnsClient } from './powerdns.js';

/** What the composition root (hooks/server.ts, the local stack, tests) hands the routes. */
export interface HookPorts extends InfraPorts {
  clock: Clock;
  /** DNSZone hook: bindcar client, record-status writer, event recorder (hooks/ports/zone.ts; server.ts builds them). */
  zone?: ZonePorts;
  /** The PowerDNSServer / ClusterPowerDNSServer hooks' API probe (hooks/ports/powerdns.ts). */
  powerdnsClient?: PowerDnsClient;
}
