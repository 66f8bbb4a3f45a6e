/**
 * Effect ports the hooks use, injected at the composition root so tests can swap them. Pure controllers never see
 * these; only the DNSZone hook (which pushes zones and writes record statuses) does.
 */
import type { ZonePorts } from './ports/zone.js';

/** Where "now" comes from for effectful hooks (ISO 8601, second precision). */
export type Clock = () => string;

/** Ports are filled in by the modules that define them; see hooks/zone/ and hooks/server.ts. */
export interface HookPorts {
  clock: Clock;
  /** DNSZone hook: bindcar client, record-status writer, event recorder (hooks/ports/zone.ts); from env if absent. */
  zone?: ZonePorts;
  [port: string]: unknown;
}
