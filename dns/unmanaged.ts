/**
 * Pure: the records a zone leaves to others (DNSZone `spec.unmanagedRecords`, the PUT body's `unmanagedRecords`) — data
 * another tool or a person keeps in the zone with DNS UPDATE (external-dns' TXT registry, ACME challenges, a
 * host's own PTR). bindcar never deletes, changes or compares a served record one of these rules matches, and a
 * declared record a rule matches is left out with a finding (dns/zone-rules.ts `Unmanaged`): one side owns a record.
 *
 * A rule matches a record when every part it gives matches:
 *   name   a glob over the owner relative to the zone (`@` is the apex): `*` any characters within one label, `**`
 *          any characters across labels, `?` one character; letters compare case-insensitively;
 *   type   the record type;
 *   value  a glob over the record's data in presentation form (`10 mail.example.com.`), and for TXT over its text
 *          (the character-strings joined, unquoted); `*` any characters, `?` one; case-sensitive.
 */
import type { RecordType } from './contract.js';
import { relativeOwner } from './names.js';
import { parseCharacterStrings } from './rdata.js';

export interface UnmanagedRule {
  name?: string;
  type?: RecordType;
  value?: string;
}

/** Characters a name glob may use: a relative owner's (RFC 1035 §2.3.1, `_` and `*` included), `?` and `@`. */
const NAME_GLOB = /^(@|[A-Za-z0-9_*?-]+(\.[A-Za-z0-9_*?-]+)*)$/;

/** Why a rule is unusable (empty, or a name glob no owner could match), else undefined. */
export function unmanagedRuleError(rule: UnmanagedRule): { part: 'name' | 'rule'; message: string } | undefined {
  if (rule.name === undefined && rule.type === undefined && rule.value === undefined)
    return { part: 'rule', message: 'gives none of name, type, value: it would leave the whole zone unmanaged' };
  if (rule.name !== undefined && !NAME_GLOB.test(rule.name))
    return {
      part: 'name',
      message: `"${rule.name.slice(0, 255)}" is not a name glob: labels of letters, digits, "-", "_", "*", "?" separated by dots, or "@"`,
    };
  return undefined;
}

function globRegex(glob: string, labels: boolean, flags: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && labels && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += labels ? '[^.]*' : '.*';
    else if (c === '?') re += labels ? '[^.]' : '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, flags);
}

/** What a TXT value glob is matched against: the text, character-strings joined. */
function txtText(data: string): string {
  const parts = parseCharacterStrings(data);
  return typeof parts === 'string' ? data : Buffer.concat(parts).toString('utf8');
}

/** The index of the first rule matching a record (absolute owner, type, canonical presentation data), or -1. */
export type UnmanagedMatcher = (owner: string, type: RecordType, data: string) => number;

/** The matcher of `zone`'s rules; a rule {@link unmanagedRuleError} refuses matches nothing. */
export function unmanagedMatcher(zone: string, rules: readonly UnmanagedRule[] | undefined): UnmanagedMatcher {
  if (!rules?.length) return () => -1;
  const compiled = rules.map((r) => ({
    usable: !unmanagedRuleError(r),
    name: r.name === undefined ? undefined : globRegex(r.name, true, 'i'),
    type: r.type,
    value: r.value === undefined ? undefined : globRegex(r.value, false, 's'),
  }));
  return (owner, type, data) =>
    compiled.findIndex(
      (r) =>
        r.usable &&
        (r.type === undefined || r.type === type) &&
        (r.name === undefined || r.name.test(relativeOwner(zone, owner))) &&
        (r.value === undefined || r.value.test(data) || (type === 'TXT' && r.value.test(txtText(data)))),
    );
}

/** A rule in a message: `name "_acme-challenge*", type TXT`. */
export function describeUnmanagedRule(rule: UnmanagedRule): string {
  const parts: string[] = [];
  if (rule.name !== undefined) parts.push(`name ${JSON.stringify(rule.name)}`);
  if (rule.type !== undefined) parts.push(`type ${rule.type}`);
  if (rule.value !== undefined) parts.push(`value ${JSON.stringify(rule.value)}`);
  return parts.join(', ');
}
