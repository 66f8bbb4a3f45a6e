/**
 * Pure name handling for the zone hooks: zone names, record owner names and rdata targets as users write them in
 * CRs, turned into the lowercase ASCII (punycode) absolute form bindcar's grammar expects.
 *
 * Owner names (`spec.name`, default `metadata.name`):
 *   `@`                      → the zone apex
 *   `www`, `a.b`, `*.dev`    → relative to the zone
 *   `www.example.com.`       → absolute (trailing dot); must be inside the zone, else the record is OutOfZone
 * Targets (CNAME target, MX mailServer, NS nameserver, SRV target, SOA names) are FQDNs "with or without the
 * trailing dot" (CRD wording), so a missing dot is added — never the zone origin.
 */
import { domainToASCII } from 'node:url';
import { checkZoneName, inZone } from '../../bindcar/names.js';

export type NameResult = { ok: true; name: string } | { ok: false; reason: string };

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * IDNA (UTS #46) conversion of each label that holds non-ASCII characters; ASCII labels, `@`, `*` and the
 * trailing dot are kept as written (lowercased). `bücher` → `xn--bcher-kva`.
 */
export function toAsciiName(input: string): NameResult {
  if (!NON_ASCII.test(input)) return { ok: true, name: input.toLowerCase() };
  const absolute = input.endsWith('.');
  const labels = (absolute ? input.slice(0, -1) : input).split('.');
  const out: string[] = [];
  for (const label of labels) {
    if (!NON_ASCII.test(label)) {
      out.push(label.toLowerCase());
      continue;
    }
    const ascii = domainToASCII(label);
    if (!ascii || ascii.includes('.'))
      return { ok: false, reason: `label "${label}" is not a valid internationalised domain label` };
    out.push(ascii);
  }
  return { ok: true, name: out.join('.') + (absolute ? '.' : '') };
}

/** `spec.zoneName` → canonical zone name: lowercase ASCII, no trailing dot (`example.com`). */
export function canonicalZoneName(zoneName: string): NameResult {
  const ascii = toAsciiName(zoneName);
  if (!ascii.ok) return ascii;
  const c = checkZoneName(ascii.name);
  return c.ok ? c : { ok: false, reason: c.reason };
}

/**
 * Resolve a record owner to its absolute form (trailing dot) inside `zone`.
 * @returns `{ok: false, outOfZone: true}` when an absolute name lies outside the zone.
 */
export function resolveOwner(
  zone: string,
  owner: string,
): { ok: true; name: string } | { ok: false; reason: string; outOfZone: boolean } {
  if (owner.length === 0) return { ok: false, reason: 'must not be empty', outOfZone: false };
  const ascii = toAsciiName(owner);
  if (!ascii.ok) return { ...ascii, outOfZone: false };
  const s = ascii.name;
  let abs: string;
  if (s === '@') abs = `${zone}.`;
  else if (s.endsWith('.')) abs = s;
  else abs = `${s}.${zone}.`;
  if (!inZone(abs, zone)) return { ok: false, reason: `"${owner}" is not inside zone ${zone}`, outOfZone: true };
  return { ok: true, name: abs };
}

/** A target FQDN with or without the trailing dot → absolute lowercase ASCII (`.` stays `.`). */
export function absoluteTarget(target: string): NameResult {
  if (target === '.') return { ok: true, name: '.' };
  const ascii = toAsciiName(target);
  if (!ascii.ok) return ascii;
  return { ok: true, name: ascii.name.endsWith('.') ? ascii.name : `${ascii.name}.` };
}

/**
 * SOA RNAME as written (`hostmaster.example.com`, `hostmaster@example.com`, with or without the trailing dot) → a
 * form bindcar's `canonicalRname` accepts.
 */
export function soaRname(adminEmail: string): string {
  if (adminEmail.includes('@')) return adminEmail;
  return adminEmail.endsWith('.') ? adminEmail : `${adminEmail}.`;
}
