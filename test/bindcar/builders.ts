/** Test builders for bindcar bodies: state only what differs. */
import type { PutZoneBody, ZoneRecord } from '../../dns/contract.js';

/** A valid primary zone body for `zone` with an in-zone NS + glue and the given records. */
export function zoneBody(zone: string, records: ZoneRecord[] = [], over: Partial<PutZoneBody> = {}): PutZoneBody {
  return {
    type: 'primary',
    ttl: 300,
    soa: {
      mname: `ns1.${zone}.`,
      rname: `hostmaster.${zone}.`,
      refresh: 3600,
      retry: 600,
      expire: 604800,
      minimum: 300,
    },
    nameServers: [{ hostname: `ns1.${zone}.`, ipv4Addresses: ['192.0.2.53'] }],
    records,
    ...over,
  };
}

/** One record of every supported type, as the API takes them. */
export function everyType(zone: string): ZoneRecord[] {
  return [
    { name: 'www', type: 'A', ttl: 300, data: '192.0.2.1' },
    { name: 'www', type: 'AAAA', ttl: 300, data: '2001:db8::1' },
    { name: 'alias', type: 'CNAME', ttl: 300, data: `www.${zone}.` },
    { name: '@', type: 'MX', ttl: 300, data: `10 mail.${zone}.` },
    { name: 'mail', type: 'A', ttl: 300, data: '192.0.2.25' },
    { name: '@', type: 'TXT', ttl: 300, data: '"v=spf1 -all" "second chunk"' },
    { name: 'sub', type: 'NS', ttl: 300, data: 'ns.example.net.' },
    { name: '_sip._tcp', type: 'SRV', ttl: 300, data: `10 5 5060 sip.${zone}.` },
    { name: 'sip', type: 'A', ttl: 300, data: '192.0.2.60' },
    { name: '@', type: 'CAA', ttl: 300, data: '0 issue "letsencrypt.org"' },
    { name: 'ptr', type: 'PTR', ttl: 300, data: `www.${zone}.` },
  ];
}
