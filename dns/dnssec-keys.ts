/**
 * A signed zone's key files as named writes them (BIND 9 ARM "dnssec-policy" and dnssec-keygen(8), "Generated
 * keys"): `K<zone>.+<algorithm, 3 digits>+<key tag, 5 digits>` with `.key` (the DNSKEY RR), `.private` (the private
 * key, `Field: value` lines) and `.state` (named's key state, `Field: value` lines). One check for both sides: bindcar
 * runs it before it writes a file named reads, the DNSZone hook before it sends keys kept in a Secret back.
 */
import type { DnssecKeyFiles, FieldError } from './contract.js';
import { keyTag, parseDnskeyText, DNSKEY_FLAG_ZONE } from './dnssec.js';

export const KEY_FILE_EXTENSIONS = ['key', 'private', 'state'] as const;
export type KeyFileExtension = (typeof KEY_FILE_EXTENSIONS)[number];

/** What every key file of `zone` starts with: `Kexample.com.` (the root zone: `K.`). */
export function keyFilePrefix(zone: string): string {
  return `K${zone === '.' ? '' : zone.replace(/\.$/, '')}.`;
}

/** The file name without extension: `Kexample.com.+013+02792` (the root zone: `K.+013+02792`). */
export function keyFileBase(zone: string, algorithm: number, tag: number): string {
  return `${keyFilePrefix(zone)}+${String(algorithm).padStart(3, '0')}+${String(tag).padStart(5, '0')}`;
}

/** A `Field: value` line of printable ASCII, as named writes .private and .state files. */
const FIELD_LINE = /^[A-Za-z][A-Za-z0-9-]*:( [\x20-\x7e]*)?$/;

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** Why `text` is not the .key file of a DNSKEY of `zone` with `algorithm` and `tag`; undefined when it is. */
function keyFileProblem(zone: string, algorithm: number, tag: number, text: string): string | undefined {
  const rr = lines(text).filter((l) => !l.startsWith(';'));
  if (rr.length !== 1) return `holds ${rr.length} records besides comments; a .key file holds one DNSKEY`;
  const m = /^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?DNSKEY\s+([\x20-\x7e]+)$/i.exec(rr[0]!);
  if (!m) return 'is not a DNSKEY record in presentation form (owner [ttl] [IN] DNSKEY flags protocol algorithm key)';
  const owner = zone === '.' ? '.' : `${zone.replace(/\.$/, '')}.`;
  if (m[1]!.toLowerCase() !== owner.toLowerCase()) return `is a key of ${m[1]}, not of ${owner}`;
  const k = parseDnskeyText(m[2]!);
  if (!k) return 'does not hold DNSKEY RDATA (flags protocol algorithm base64 key, RFC 4034 §2.2)';
  if ((k.flags & DNSKEY_FLAG_ZONE) === 0 || k.protocol !== 3) return 'is not a zone key (flags bit 7, protocol 3)';
  if (k.algorithm !== algorithm) return `has algorithm ${k.algorithm}, not ${algorithm}`;
  const t = keyTag(k);
  if (t !== tag) return `has key tag ${t}, not ${tag}`;
  return undefined;
}

/** Why `text` is not a .private (`private`) or .state file of a key of `algorithm`; undefined when it is. */
function fieldFileProblem(ext: 'private' | 'state', algorithm: number, text: string): string | undefined {
  const ls = lines(text).filter((l) => ext === 'private' || !l.startsWith(';'));
  const bad = ls.find((l) => !FIELD_LINE.test(l));
  if (bad !== undefined)
    return `holds a line that is not "Field: value" in printable ASCII: ${JSON.stringify(bad.slice(0, 40))}`;
  if (ext === 'private' && !/^Private-key-format: v1\.\d+$/.test(ls[0] ?? ''))
    return 'does not start with "Private-key-format: v1.x"';
  const alg = ls.find((l) => l.startsWith('Algorithm:'));
  if (alg && Number(/^Algorithm: (\d+)/.exec(alg)?.[1]) !== algorithm) return `says ${alg}, not algorithm ${algorithm}`;
  if (ext === 'private' && !alg) return 'has no "Algorithm:" line';
  return undefined;
}

/** Problems of a list of keys for `zone`, each naming `<field>[i].key|private|state|keyTag`. */
export function checkDnssecKeys(zone: string, keys: readonly DnssecKeyFiles[], field = 'dnssecKeys'): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    const at = `${field}[${i}]`;
    const id = `${k.algorithm}/${k.keyTag}`;
    if (seen.has(id))
      errors.push({ field: `${at}.keyTag`, message: `key ${k.keyTag} (algorithm ${k.algorithm}) is listed twice` });
    seen.add(id);
    const key = keyFileProblem(zone, k.algorithm, k.keyTag, k.key);
    if (key) errors.push({ field: `${at}.key`, message: `the .key file ${key}` });
    const priv = fieldFileProblem('private', k.algorithm, k.private);
    if (priv) errors.push({ field: `${at}.private`, message: `the .private file ${priv}` });
    const state = k.state === undefined ? undefined : fieldFileProblem('state', k.algorithm, k.state);
    if (state) errors.push({ field: `${at}.state`, message: `the .state file ${state}` });
  });
  return errors;
}
