/**
 * Effect port: which serial a secondary serves for a zone, by one SOA query (UDP, TCP on truncation) to the
 * instance's `status.dnsEndpoint` (`ip:port`, `[v6]:port` or `host:port`). The DNSZone hook asks every secondary
 * of the zone's placement after pushing to the primaries, so its status can say where the zone is served and at
 * which serial. Bounded by a timeout; failures come back as values.
 */
import { lookup } from 'node:dns/promises';
import { createDnsClient } from '../../bindcar/dns-client.js';
import { hostPort } from '../../dns/address.js';

export type SoaResult = { ok: true; serial: number } | { ok: false; message: string };

export interface SoaProbe {
  /** The SOA serial `dnsEndpoint` serves authoritatively for `zone` (no trailing dot). */
  serial(dnsEndpoint: string, zone: string): Promise<SoaResult>;
}

/** The real probe (no TSIG: an SOA query is public). */
export function createSoaProbe(opts: { timeoutMs?: number } = {}): SoaProbe {
  const timeoutMs = opts.timeoutMs ?? 2000;
  // The client's key only signs UPDATE/transfers; an SOA query is sent unsigned.
  const key = { name: 'unused', algorithm: 'hmac-sha256' as const, secret: 'AA==' };
  return {
    async serial(dnsEndpoint, zone) {
      const target = hostPort(dnsEndpoint, { names: true });
      if (!target) return { ok: false, message: `dnsEndpoint ${JSON.stringify(dnsEndpoint)} is not host:port` };
      try {
        const host = /^[0-9.]+$|:/.test(target.host) ? target.host : (await lookup(target.host)).address;
        const r = await createDnsClient({ host, port: target.port }, key, { timeoutMs }).soa(zone, timeoutMs);
        return r.served ? { ok: true, serial: r.soa.serial } : { ok: false, message: `not served (${r.rcode})` };
      } catch (e) {
        return { ok: false, message: (e as Error).message };
      }
    },
  };
}
