/**
 * Child object names. Kubernetes names most children by DNS-1123 label rules (Services even by DNS-1035:
 * a letter first), at most 63 characters; long names are truncated and disambiguated by a short hash, the way
 * cdk8s' `src/names.ts` does, so the result is stable for the same input.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
import { createHash } from 'node:crypto';

export const MAX_LABEL = 63;
const HASH_LEN = 8;

/** True when `s` is a DNS-1123 label (lowercase alphanumerics and '-', alphanumeric at both ends, ≤ 63). */
export function isDnsLabel(s: string): boolean {
  return s.length > 0 && s.length <= MAX_LABEL && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/** True when `s` is a DNS-1123 subdomain (dot-separated DNS-1123 labels, ≤ 253): what object names must be. */
export function isDnsSubdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every(isDnsLabel);
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, HASH_LEN);
}

/**
 * A DNS-1035 label (letter first, then lowercase alphanumerics and '-', ≤ 63) built from `parts` joined by '-'.
 * Characters outside the alphabet (dots of subdomain names, upper case) are mapped to '-' / lower case; when the
 * result had to be changed or shortened, the last part stays readable and a hash of the original joined name keeps
 * distinct inputs distinct: `<truncated head>-<hash8>-<last part>`.
 */
export function childName(...parts: string[]): string {
  const joined = parts.join('-');
  const clean = joined.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (clean === joined && clean.length <= MAX_LABEL && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(clean)) return clean;
  const last = (parts.length > 1 ? (parts[parts.length - 1] ?? '') : '').toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const tail = `-${shortHash(joined)}${last ? `-${last}` : ''}`;
  const room = Math.max(1, MAX_LABEL - tail.length);
  let head = (parts.length > 1 ? parts.slice(0, -1).join('-') : joined).toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (!/^[a-z]/.test(head)) head = `b${head}`;
  head = head.slice(0, room).replace(/-+$/, '');
  return `${head}${tail}`.replace(/-{2,}/g, '-');
}

/**
 * A label value for `s`: `s` itself when it is a valid label value (≤ 63, alphanumerics, '-', '_', '.'), else a
 * stable DNS label derived from it. Used for the cluster label, whose source (an object name) may be up to 253.
 */
export function labelValue(s: string): string {
  if (s.length <= MAX_LABEL && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(s)) return s;
  return childName(s);
}
