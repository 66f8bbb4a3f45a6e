/**
 * Pure: the zone's named.conf block for `rndc addzone` / `rndc modzone` (BIND ARM "zone" statement),
 * with every address, ACL element and identifier validated by grammar first, so nothing a client
 * sends reaches named.conf syntax unchecked.
 */
import type { FieldError } from '../dns/contract.js';
import { isIdentifier } from '../dns/names.js';
import { addressFamily, canonicalIP, splitHostPort } from '../dns/address.js';

export interface ZoneOptions {
  type: 'primary' | 'secondary';
  /** absolute path of the zone file */
  file: string;
  /** TSIG key allowed to UPDATE (primaries) and to transfer (bindcar's own AXFR/IXFR) */
  updateKey: string;
  /** TSIG key secondaries transfer with (`bindy-transfer`); always allowed to transfer when set */
  transferKey?: string | null;
  alsoNotify?: readonly string[] | null;
  allowTransfer?: readonly string[] | null;
  primaries?: readonly string[] | null;
  dnssecPolicy?: string | null;
  inlineSigning?: boolean | null;
  /** extra allow-update elements besides bindcar's own key (upstream PATCH allowUpdate) */
  allowUpdate?: readonly string[] | null;
}

type Parsed = { ok: true; text: string } | { ok: false; reason: string };

/**
 * A server address: `ip`, `ip:port`, `[v6]:port`, `ip port N`, optionally followed by `key NAME`
 * (primaries). Rendered as `ip [port N] [key "NAME"]`.
 */
export function parseServerAddress(input: string, allowKey: boolean): Parsed {
  const m = /^(\S+?)(?:\s+port\s+(\d{1,5}))?(?:\s+key\s+(\S+))?$/.exec(input.trim());
  if (!m) return { ok: false, reason: `"${input}" is not "address[:port] [key NAME]"` };
  const { host, port = m[2] } = splitHostPort(m[1]!);
  const a = canonicalIP(host);
  if (!a) return { ok: false, reason: `"${host}" is not an IP address` };
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return { ok: false, reason: `port ${port} is out of range` };
  if (m[3] !== undefined && (!allowKey || !isIdentifier(m[3])))
    return { ok: false, reason: allowKey ? `key name "${m[3]}" is invalid` : 'a key is not allowed here' };
  return {
    ok: true,
    text: `${a}${port !== undefined ? ` port ${Number(port)}` : ''}${m[3] !== undefined ? ` key "${m[3]}"` : ''}`,
  };
}

/** An address-match-list element: IP, CIDR prefix, `key NAME`, `any`, `none`, or `!`-negated forms. */
export function parseAclElement(input: string): Parsed {
  let s = input.trim();
  let neg = '';
  if (s.startsWith('!')) {
    neg = '!';
    s = s.slice(1).trim();
  }
  if (s === 'any' || s === 'none') return { ok: true, text: neg + s };
  const k = /^key\s+(\S+)$/.exec(s);
  if (k)
    return isIdentifier(k[1]!)
      ? { ok: true, text: `${neg}key "${k[1]}"` }
      : { ok: false, reason: `key name "${k[1]}" is invalid` };
  const [addr, len, ...rest] = s.split('/');
  if (rest.length || addr === undefined)
    return { ok: false, reason: `"${input}" is not an address, prefix or "key NAME"` };
  const a = canonicalIP(addr);
  if (!a) return { ok: false, reason: `"${input}" is not an address, prefix or "key NAME"` };
  if (len !== undefined) {
    const max = addressFamily(a) === 6 ? 128 : 32;
    if (!/^\d{1,3}$/.test(len) || Number(len) > max)
      return { ok: false, reason: `prefix length /${len} is out of range` };
    return { ok: true, text: `${neg}${a}/${Number(len)}` };
  }
  return { ok: true, text: neg + a };
}

/** Validate the option lists of a zone; returns field errors (`alsoNotify/0` …). */
export function zoneOptionErrors(
  o: Omit<ZoneOptions, 'file' | 'updateKey' | 'type' | 'transferKey'> & { type?: string },
  prefix = '',
): FieldError[] {
  const errors: FieldError[] = [];
  (o.alsoNotify ?? []).forEach((s, i) => {
    const p = parseServerAddress(s, false);
    if (!p.ok) errors.push({ field: `${prefix}alsoNotify/${i}`, message: p.reason });
  });
  (o.primaries ?? []).forEach((s, i) => {
    const p = parseServerAddress(s, true);
    if (!p.ok) errors.push({ field: `${prefix}primaries/${i}`, message: p.reason });
  });
  (o.allowTransfer ?? []).forEach((s, i) => {
    const p = parseAclElement(s);
    if (!p.ok) errors.push({ field: `${prefix}allowTransfer/${i}`, message: p.reason });
  });
  (o.allowUpdate ?? []).forEach((s, i) => {
    const p = parseAclElement(s);
    if (!p.ok) errors.push({ field: `${prefix}allowUpdate/${i}`, message: p.reason });
  });
  if (o.dnssecPolicy != null && !isIdentifier(o.dnssecPolicy))
    errors.push({ field: `${prefix}dnssecPolicy`, message: 'must be a policy name of [A-Za-z0-9._-]' });
  if (o.type === 'secondary' && !(o.primaries ?? []).length)
    errors.push({ field: `${prefix}primaries`, message: 'a secondary zone needs at least one primary' });
  return errors;
}

function list(items: readonly string[], parse: (s: string) => Parsed): string {
  return `{ ${items
    .map((s) => {
      const p = parse(s);
      if (!p.ok) throw new Error(`internal: unvalidated zone option ${s}: ${p.reason}`);
      return `${p.text}; `;
    })
    .join('')}}`;
}

/**
 * Render the zone config block for rndc addzone/modzone:
 * `{ type primary; file "…"; allow-update { key "k"; }; allow-transfer { key "k"; … }; … };`.
 * bindcar's own key is always allowed to transfer (it reads the zone back by AXFR/IXFR).
 * Options must have passed `zoneOptionErrors` (throws otherwise).
 */
export function renderZoneConfig(o: ZoneOptions): string {
  if (!isIdentifier(o.updateKey)) throw new Error('internal: invalid update key name');
  if (o.transferKey != null && !isIdentifier(o.transferKey)) throw new Error('internal: invalid transfer key name');
  if (/["\\\n;{}]/.test(o.file)) throw new Error('internal: zone file path has config metacharacters');
  const parts = [`type ${o.type};`, `file "${o.file}";`];
  if (o.type === 'secondary') parts.push(`primaries ${list(o.primaries ?? [], (s) => parseServerAddress(s, true))};`);
  if (o.type === 'primary') {
    // bindcar's key stays: it applies every declarative change through UPDATE.
    parts.push(`allow-update { key "${o.updateKey}"; ${list(o.allowUpdate ?? [], parseAclElement).slice(2)};`);
    // named loads a zone file whose MX names an in-zone host without address (a warning) but refuses the UPDATE
    // adding the same MX under check-integrity, so a zone's content would be served or not depending on whether
    // it was created or updated. Off, both paths agree; the checks a load would fail on are dns/zone-rules.ts'.
    parts.push('check-integrity no;');
  }
  // Secondaries transfer with the transfer key (a zone-level allow-transfer replaces the global one).
  const transferKey = o.transferKey && o.transferKey !== o.updateKey ? `key "${o.transferKey}"; ` : '';
  parts.push(
    `allow-transfer { key "${o.updateKey}"; ${transferKey}${list(o.allowTransfer ?? [], parseAclElement).slice(2)};`,
  );
  if (o.alsoNotify?.length) parts.push(`also-notify ${list(o.alsoNotify, (s) => parseServerAddress(s, false))};`);
  if (o.dnssecPolicy) {
    if (!isIdentifier(o.dnssecPolicy)) throw new Error('internal: invalid dnssec policy');
    parts.push(`dnssec-policy "${o.dnssecPolicy}";`);
  }
  if (o.inlineSigning != null) parts.push(`inline-signing ${o.inlineSigning ? 'yes' : 'no'};`);
  return `{ ${parts.join(' ')} };`;
}

/**
 * Normalise a zone config block (ours, or `rndc showzone` output, which re-orders statements and
 * spaces them differently) to a sorted list of top-level statements for comparison.
 */
export function normalizeZoneConfig(text: string): string[] {
  let t = text.trim();
  const m = /^zone\s+"[^"]*"\s*(?:in\s+)?/i.exec(t);
  if (m) t = t.slice(m[0].length);
  t = t.replace(/;\s*$/, '').trim();
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let inQ = false;
  for (const ch of t) {
    if (ch === '"') inQ = !inQ;
    if (!inQ && ch === '{') depth++;
    if (!inQ && ch === '}') depth--;
    if (!inQ && ch === ';' && depth === 0) {
      if (cur.trim()) out.push(cur.trim().replace(/\s+/g, ' '));
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim().replace(/\s+/g, ' '));
  return out.sort();
}

/** Items of a `{ a; b; }` list statement body. */
function listItems(body: string): string[] {
  const inner = body.trim().replace(/^\{/, '').replace(/\}$/, '');
  return inner
    .split(';')
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}

/**
 * Parse normalised statements (see `normalizeZoneConfig`) back into options, dropping bindcar's own
 * key from allow-update/allow-transfer. Returns undefined when the block has a shape bindcar did
 * not write (then it must not be re-rendered blindly).
 */
export function parseZoneConfig(
  statements: readonly string[],
  updateKey: string,
  transferKey?: string | null,
): ZoneOptions | undefined {
  const o: Partial<ZoneOptions> & { updateKey: string } = { updateKey, ...(transferKey ? { transferKey } : {}) };
  const ownKey = `key "${updateKey}"`;
  const xferKey = transferKey ? `key "${transferKey}"` : ownKey;
  for (const st of statements) {
    const sp = st.indexOf(' ');
    const kw = sp < 0 ? st : st.slice(0, sp);
    const rest = sp < 0 ? '' : st.slice(sp + 1).trim();
    switch (kw) {
      case 'type':
        if (rest === 'primary' || rest === 'master') o.type = 'primary';
        else if (rest === 'secondary' || rest === 'slave') o.type = 'secondary';
        else return undefined;
        break;
      case 'file':
        o.file = rest.replace(/^"|"$/g, '');
        break;
      case 'primaries':
      case 'masters':
        o.primaries = listItems(rest).map((s) => s.replace(/key "([^"]+)"/, 'key $1'));
        break;
      case 'also-notify':
        o.alsoNotify = listItems(rest);
        break;
      case 'allow-transfer':
        o.allowTransfer = listItems(rest)
          .filter((s) => s !== ownKey && s !== xferKey)
          .map((s) => s.replace(/key "([^"]+)"/, 'key $1'));
        break;
      case 'allow-update':
        o.allowUpdate = listItems(rest)
          .filter((s) => s !== ownKey)
          .map((s) => s.replace(/key "([^"]+)"/, 'key $1'));
        break;
      case 'dnssec-policy':
        o.dnssecPolicy = rest.replace(/^"|"$/g, '');
        break;
      case 'inline-signing':
        o.inlineSigning = rest === 'yes' || rest === 'true';
        break;
      case 'check-integrity': // bindcar's own, on every primary (see renderZoneConfig)
        break;
      default:
        return undefined;
    }
  }
  if (!o.type || !o.file) return undefined;
  return o as ZoneOptions;
}

/** Whether two zone config blocks say the same thing (statement order, spacing and quoting ignored). */
export function sameZoneConfig(a: string, b: string): boolean {
  const na = normalizeZoneConfig(a).map((s) => s.replace(/"/g, ''));
  const nb = normalizeZoneConfig(b).map((s) => s.replace(/"/g, ''));
  return na.length === nb.length && na.every((s, i) => s === nb[i]);
}

/**
 * The zone name as `rndc addzone`/`modzone` hand it to named's configuration parser: quoted, because an unquoted name
 * ends at a `/` (RFC 2317 classless names, `0/26.2.0.192.in-addr.arpa`: "'{' expected near '/'"). The name is
 * already checked (dns/names.ts), so it holds no quote or backslash.
 */
export function rndcZoneArg(zone: string): string {
  return `"${zone}"`;
}
