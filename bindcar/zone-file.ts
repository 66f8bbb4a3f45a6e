/**
 * THE zone-file renderer (one renderer per artifact; the zone hooks' golden tests import it).
 *
 * Output is byte-stable for a given input (RFC 1035 §5.1 master-file syntax):
 *   $ORIGIN <zone>.
 *   $TTL <ttl>
 *   @ <ttl> IN SOA <mname> <rname> <serial> <refresh> <retry> <expire> <minimum>
 *   @ <ttl> IN NS …            (apex NS RRset first)
 *   <owner> <ttl> IN <TYPE> <data>   (then every other RR, sorted by owner in RFC 4034 §6.1
 *                                     canonical order, then type, then data)
 * One space between fields, explicit TTL on every RR, owners relative to $ORIGIN ('@' for the
 * apex), trailing newline. The serial is an argument, never the clock.
 */
import type { FieldError, PutZoneBody } from '../dns/contract.js';
import { relativeOwner } from '../dns/names.js';
import { orderRRsets } from '../dns/rrset.js';
import { desiredZone, type DesiredZone } from '../dns/zone-model.js';

/** Thrown by `renderZoneFile` when the body is not a valid zone; `errors` name the fields. */
export class InvalidZoneError extends Error {
  readonly errors: FieldError[];
  constructor(zone: string, errors: FieldError[]) {
    super(`zone ${zone} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'InvalidZoneError';
    this.errors = errors;
  }
}

/** Render a validated desired zone with the given serial. */
export function renderDesiredZone(z: DesiredZone, serial: number): string {
  const s = z.soa;
  const lines = [
    `$ORIGIN ${z.zone}.`,
    `$TTL ${z.defaultTtl}`,
    `@ ${s.ttl} IN SOA ${s.mname} ${s.rname} ${serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`,
  ];
  for (const rr of orderRRsets(z.rrsets.values(), z.zone)) {
    const owner = relativeOwner(z.zone, rr.owner);
    for (const d of rr.data) lines.push(`${owner} ${rr.ttl} IN ${rr.type} ${d}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Render the complete zone file for `zone` from a PUT body.
 * @param zone canonical zone name (lowercase, no trailing dot)
 * @param serial SOA serial to write (0–4294967295)
 * @throws InvalidZoneError naming each invalid field
 */
export function renderZoneFile(zone: string, body: PutZoneBody, serial: number): string {
  const d = desiredZone(zone, body);
  if (!d.ok) throw new InvalidZoneError(zone, d.errors);
  return renderDesiredZone(d.zone, serial);
}
