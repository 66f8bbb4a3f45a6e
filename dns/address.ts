/**
 * The one reader of addresses: which IP an address is (canonical form, from dns/rdata.ts, the validator the zone
 * model uses too), which family it is written in, and where the port of `host:port` starts. bindcar's zone options
 * (also-notify, primaries, ACLs), upstream's name-server addresses, RNDC_SERVER and DNS client, and the hooks'
 * DNS endpoints (`status.dnsEndpoint`: glue, primaries lists, SOA probes) all go through it, so an address is never
 * read two ways.
 */
import { canonicalIPv4, canonicalIPv6 } from './rdata.js';

/** The canonical form of an IPv4 or IPv6 address (RFC 5952 for IPv6), undefined when `s` is not one. */
export function canonicalIP(s: string): string | undefined {
  return canonicalIPv4(s) ?? canonicalIPv6(s);
}

/**
 * The family an address is written in: IPv6 addresses, and only they, contain a colon
 * (RFC 4291 §2.2). Says nothing about validity — an entry is sorted by the family it claims and
 * then checked by that family's validator, which names it.
 */
export function addressFamily(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

/** An endpoint's host and port (1–65535): `[v6]:port`, `v4:port`, with `names` also `name:port`; else undefined. */
export function hostPort(s: string, opts: { names?: boolean } = {}): { host: string; port: number } | undefined {
  const { host, port } = splitHostPort(s, opts);
  const n = Number(port);
  return port !== undefined && n >= 1 && n <= 65535 ? { host, port: n } : undefined;
}

/**
 * Split an address and port as bindcar's inputs write them: `[v6]:port`, `v4:port`, and with
 * `names` also `name:port` (RNDC_SERVER may name a host). Anything else — a bare IPv6 address, an
 * address without a port, a malformed entry — is returned whole as `host`, so the caller's address
 * check names the entry as written. `port` is the digits as written (at most five); the caller
 * checks the range.
 */
export function splitHostPort(s: string, opts: { names?: boolean } = {}): { host: string; port?: string } {
  const m =
    /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(s) ??
    /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(s) ??
    (opts.names ? /^([A-Za-z0-9_.-]+):(\d{1,5})$/.exec(s) : null);
  return m ? { host: m[1]!, port: m[2]! } : { host: s };
}
