/**
 * Pure DNS name grammar: zone names, owner names, rdata targets, and the forms users write them in CRs.
 *
 * Names are canonicalised to lowercase ASCII (punycode for IDNs). The grammar is deliberately the
 * conservative subset that is safe in a file name, an rndc argv, a zone file and named.conf: labels
 * of `[a-z0-9_-]`, 1–63 octets, total ≤ 253 characters (RFC 1035 §2.3.4), `*` only as the whole
 * leftmost label of an owner (RFC 4592 §2.1.1). Host names (owners of A/AAAA, targets of NS/MX/SRV,
 * SOA MNAME) follow RFC 952/1123 "LDH" as BIND's `check-names fail` does for primary zones. Names under
 * in-addr.arpa and ip6.arpa may also use `/` inside a label, as RFC 2317 §4 classless delegation names do
 * (`0/26.2.0.192.in-addr.arpa`, `1.0/26.2.0.192.in-addr.arpa.`); a zone file name spells it `%2f` (`zoneFileName`).
 */
import { domainToASCII } from 'node:url';

const LABEL = /^[a-z0-9_-]{1,63}$/;
/** A label of a name under in-addr.arpa/ip6.arpa: `/` too, for RFC 2317 classless names (never first or last). */
const REVERSE_LABEL = /^[a-z0-9_-]([a-z0-9_/-]{0,61}[a-z0-9_-])?$/;

/** Whether a name (with or without the trailing dot, lowercase) is in the reverse tree: in-addr.arpa or ip6.arpa. */
export function isReverseName(name: string): boolean {
  return /(^|\.)(in-addr|ip6)\.arpa\.?$/.test(name);
}
/** RFC 1123 §2.1 host label: letters, digits, hyphen; no hyphen at either end. */
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

function labelsOk(
  labels: readonly string[],
  host: boolean,
  allowWildcard: boolean,
  reverse = false,
): string | undefined {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === '*' && allowWildcard && i === 0) continue;
    if (l === '') return 'has an empty label';
    if (l.length > 63) return `label "${l.slice(0, 20)}…" is longer than 63 octets`;
    if (l === '*') return "'*' is only allowed as the leftmost label";
    if (host ? !HOST_LABEL.test(l) : !(reverse ? REVERSE_LABEL : LABEL).test(l))
      return host
        ? `label "${l}" is not a valid host name label (letters, digits, inner hyphens)`
        : reverse
          ? `label "${l}" has characters outside [a-z0-9_-/] (a "/" only inside, as RFC 2317 names use it)`
          : l.includes('/')
            ? `label "${l}" contains "/": only names under in-addr.arpa and ip6.arpa may (RFC 2317 classless names)`
            : `label "${l}" has characters outside [a-z0-9_-]`;
  }
  return undefined;
}

/**
 * Validate and canonicalise a zone name: lowercase, no trailing dot (`example.com`).
 * Root and names with `/`, `..`, spaces or other specials are rejected, so the result is safe as a
 * file name stem and an rndc argument.
 */
export function checkZoneName(input: string): NameCheck {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, reason: 'must not be empty' };
  let z = input.toLowerCase();
  if (z.endsWith('.')) z = z.slice(0, -1);
  if (z.length === 0) return { ok: false, reason: 'the root zone is not supported' };
  if (z.length > 253) return { ok: false, reason: 'is longer than 253 characters' };
  const bad = labelsOk(z.split('.'), false, false, isReverseName(z));
  if (bad) return { ok: false, reason: bad };
  // A leading '-' would read as an option in an rndc argv.
  if (!/^[a-z0-9_]/.test(z)) return { ok: false, reason: 'must start with a letter, digit or underscore' };
  return { ok: true, name: z };
}

/**
 * Validate an absolute domain name used inside rdata (must end with '.'); returns it lowercase with
 * the trailing dot. `host` applies the host-name (LDH) rule.
 */
export function checkAbsoluteName(input: string, host: boolean): NameCheck {
  if (!input.endsWith('.')) return { ok: false, reason: `"${input}" must be absolute (end with '.')` };
  if (input === '.') return { ok: false, reason: 'the root name is not allowed here' };
  const n = input.toLowerCase();
  if (n.length > 254) return { ok: false, reason: 'is longer than 253 characters' };
  const labels = n.slice(0, -1).split('.');
  const bad = labelsOk(labels, host, false, isReverseName(n));
  if (bad) return { ok: false, reason: bad };
  // A top-level label of digits only is never a valid name; it is an IP address typed as a name.
  if (/^[0-9]+$/.test(labels[labels.length - 1]!))
    return { ok: false, reason: `"${input}" looks like an IP address, not a domain name` };
  return { ok: true, name: n };
}

/** Whether absolute name `name` (trailing dot) is `zone` (no dot) or below it. */
export function inZone(name: string, zone: string): boolean {
  return name === `${zone}.` || name.endsWith(`.${zone}.`);
}

/**
 * Resolve an owner name relative to `zone` ('@', 'www', '*.dev', or absolute 'www.example.com.')
 * to its absolute lowercase form with trailing dot. `host` applies the host-name rule (A/AAAA
 * owners, as BIND's check-names does); a leading `*` label is always allowed.
 */
export function absoluteOwner(zone: string, input: string, host = false): NameCheck {
  if (input.length === 0) return { ok: false, reason: 'must not be empty' };
  const s = input.toLowerCase();
  let abs: string;
  if (s === '@') abs = `${zone}.`;
  else if (s.endsWith('.')) abs = s;
  else abs = `${s}.${zone}.`;
  if (abs.length > 254) return { ok: false, reason: 'the absolute name is longer than 253 characters' };
  if (!inZone(abs, zone)) return { ok: false, reason: `"${input}" is not inside zone ${zone}` };
  const bad = labelsOk(abs.slice(0, -1).split('.'), host, true, isReverseName(abs));
  if (bad) return { ok: false, reason: bad };
  return { ok: true, name: abs };
}

/** The owner relative to `zone` as ZoneRecord.name spells it: '@' for the apex, else the prefix. */
export function relativeOwner(zone: string, absolute: string): string {
  if (absolute === `${zone}.`) return '@';
  const suffix = `.${zone}.`;
  return absolute.endsWith(suffix) ? absolute.slice(0, -suffix.length) : absolute;
}

/**
 * Zone file name inside the zone directory (`example.com.zone`); the zone name must be checked first. The `/` of an
 * RFC 2317 name is spelt `%2f` (`0%2f26.2.0.192.in-addr.arpa.zone`): a path separator never reaches the file system,
 * and since `%` is in no zone name the spelling is one-to-one (`zoneOfFileName` reads it back).
 */
export function zoneFileName(zone: string): string {
  return `${zone.replaceAll('/', '%2f')}.zone`;
}

/** The zone a file of the zone directory holds (`zoneFileName` reversed), or undefined for any other file. */
export function zoneOfFileName(file: string): string | undefined {
  if (!file.endsWith('.zone')) return undefined;
  const zone = file.slice(0, -'.zone'.length).replaceAll('%2f', '/');
  const c = checkZoneName(zone);
  return c.ok && c.name === zone && zoneFileName(zone) === file ? zone : undefined;
}

/** A TSIG key / policy identifier as named.conf accepts it unquoted-safe: `[A-Za-z0-9._-]`, ≤ 253. */
export function isIdentifier(s: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(s);
}

// ---------------------------------------------------------------- names as users write them in CRs
//
// Owner names (`spec.name`, default `metadata.name`):
//   `@`                      → the zone apex
//   `www`, `a.b`, `*.dev`    → relative to the zone
//   `www.example.com.`       → absolute (trailing dot); must be inside the zone, else the record is OutOfZone
// Targets (CNAME target, MX mailServer, NS nameserver, SRV target, SOA names) are FQDNs "with or without the
// trailing dot" (CRD wording), so a missing dot is added — never the zone origin.

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * IDNA (UTS #46) conversion of each label that holds non-ASCII characters; ASCII labels, `@`, `*` and the
 * trailing dot are kept as written (lowercased). `bücher` → `xn--bcher-kva`.
 */
export function toAsciiName(input: string): NameCheck {
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
export function canonicalZoneName(zoneName: string): NameCheck {
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

/**
 * A target FQDN with or without the trailing dot → absolute lowercase ASCII (`.` stays `.`).
 *
 * A target is never completed with the zone (unlike a zone file's relative names, or DNSControl's): `a.b` is `a.b.`
 * in every zone, so one spelling cannot mean two names. A single label without the dot (`www`) is refused rather than
 * read as the top-level name `www.` — nobody means that, and the CRDs' patterns refuse it too — with the full spelling
 * of the in-zone name when `zone` is known. A single label with the dot (`www.`) is an explicit absolute name.
 */
export function absoluteTarget(target: string, zone?: string): NameCheck {
  if (target === '.') return { ok: true, name: '.' };
  const ascii = toAsciiName(target);
  if (!ascii.ok) return ascii;
  if (!ascii.name.includes('.'))
    return {
      ok: false,
      reason: `"${target}" is a single label: targets are fully qualified names (the trailing dot is optional), never relative to the zone${zone ? `; a name in this zone is written ${ascii.name}.${zone}` : ''}`,
    };
  return { ok: true, name: ascii.name.endsWith('.') ? ascii.name : `${ascii.name}.` };
}

/**
 * SOA RNAME as written (`hostmaster.example.com`, `hostmaster@example.com`, with or without the trailing dot) → a
 * form `canonicalRname` (dns/zone-rules.ts) accepts.
 */
export function soaRname(adminEmail: string): string {
  if (adminEmail.includes('@')) return adminEmail;
  return adminEmail.endsWith('.') ? adminEmail : `${adminEmail}.`;
}
