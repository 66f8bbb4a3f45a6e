/**
 * SVCB and HTTPS (RFC 9460): SvcPriority, TargetName and the SvcParams, as one structured value with parse, check,
 * canonical presentation and wire.
 *
 * A SvcParam is kept as its key number and its wire value (RFC 9460 §2.2), sorted by key, so the wire form is the
 * value itself and two spellings of one RR compare equal; each key known here is read from and written to its
 * presentation form (§7, §8), every other key in the generic `keyNNNNN` form (§2.1). The rules:
 *  - keys unique and, on the wire, in strictly increasing order (§2.2); key 65535 is reserved (§14.3.2);
 *  - AliasMode (SvcPriority 0) carries no SvcParams (§2.4.2);
 *  - `mandatory` lists keys present in the RR, each once, never itself (§8);
 *  - `alpn` is one or more alpn-ids of 1–255 octets (§7.1.1); `no-default-alpn` has no value and needs `alpn`
 *    (§7.1.1); `port` is 0–65535 (§7.2); `ipv4hint`/`ipv6hint` one or more addresses (§7.3); `ech` a base64
 *    ECHConfigList (draft-ietf-tls-svcb-ech §2); `dohpath` a relative URI template with the `dns` variable (RFC 9461
 *    §5).
 * The keys named in presentation are those BIND 9.18 knows by name (mandatory, alpn, no-default-alpn, port,
 * ipv4hint, ech, ipv6hint) plus dohpath, which BIND 9.18 reads and prints as key7.
 */
import { checkAbsoluteName } from './names.js';
import {
  canonicalIPv4,
  canonicalIPv6,
  decodeName,
  encodeName,
  fail,
  formatBase64,
  formatIPv6,
  ipv6Groups,
  okv,
  parseBase64,
  u16b,
  type Result,
} from './rdata-base.js';

/** One SvcParam: its key number and its wire value. */
export interface SvcParam {
  key: number;
  value: Buffer;
}

export interface SvcbRdata {
  type: 'SVCB' | 'HTTPS';
  /** SvcPriority: 0 AliasMode, 1–65535 ServiceMode (RFC 9460 §2.4.1). */
  priority: number;
  /** TargetName, absolute; "." is the owner itself in ServiceMode, "no service" in AliasMode (§2.5). */
  target: string;
  /** SvcParams sorted by key. */
  params: SvcParam[];
}

/** The SvcParamKeys with a presentation name (RFC 9460 §14.3.2, RFC 9461 §5). */
export const SVC_KEYS = {
  mandatory: 0,
  alpn: 1,
  'no-default-alpn': 2,
  port: 3,
  ipv4hint: 4,
  ech: 5,
  ipv6hint: 6,
  dohpath: 7,
} as const;
export type SvcKeyName = keyof typeof SVC_KEYS;

const KEY_NAME = new Map<number, SvcKeyName>(Object.entries(SVC_KEYS).map(([k, v]) => [v, k as SvcKeyName]));

/** A key's presentation name: its registered name, else `keyNNNNN` (§2.1). */
export function svcKeyName(key: number): string {
  return KEY_NAME.get(key) ?? `key${key}`;
}

/** A key from its presentation name (`alpn`, `key65001`), or undefined. */
export function svcKeyNumber(name: string): number | undefined {
  if (Object.hasOwn(SVC_KEYS, name)) return SVC_KEYS[name as SvcKeyName];
  const m = /^key(0|[1-9][0-9]{0,4})$/.exec(name);
  const n = m ? Number(m[1]) : NaN;
  return n <= 65535 ? n : undefined;
}

// ---------------------------------------------------------------- values: presentation ⇄ wire

/** RFC 9460 Appendix A.1: a comma-separated value-list, `\,` and `\\` escaping within an item. */
function splitValueList(v: Buffer): Buffer[] {
  const items: number[][] = [[]];
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === 0x5c && i + 1 < v.length) {
      items[items.length - 1]!.push(v[++i]!);
    } else if (c === 0x2c) items.push([]);
    else items[items.length - 1]!.push(c);
  }
  return items.map((b) => Buffer.from(b));
}

const ascii = (b: Buffer) => b.toString('latin1');

/** A key's presentation value (escapes already resolved) → its wire value, or why not. */
function valueToWire(key: number, v: Buffer | undefined): Buffer | string {
  const name = svcKeyName(key);
  const text = v === undefined ? undefined : ascii(v);
  switch (key) {
    case SVC_KEYS.mandatory: {
      if (!text) return 'mandatory lists one or more keys';
      const keys: number[] = [];
      for (const k of text.split(',')) {
        const n = svcKeyNumber(k);
        if (n === undefined) return `mandatory names "${k}", which is no SvcParamKey`;
        keys.push(n);
      }
      return Buffer.concat(keys.sort((a, b) => a - b).map(u16b));
    }
    case SVC_KEYS.alpn: {
      if (!v || v.length === 0) return 'alpn lists one or more protocol ids';
      const ids = splitValueList(v);
      if (ids.some((b) => b.length === 0 || b.length > 255)) return 'an alpn id is 1–255 octets (RFC 9460 §7.1.1)';
      return Buffer.concat(ids.flatMap((b) => [Buffer.from([b.length]), b]));
    }
    case SVC_KEYS['no-default-alpn']:
      return v === undefined || v.length === 0 ? Buffer.alloc(0) : 'no-default-alpn has no value (RFC 9460 §7.1.1)';
    case SVC_KEYS.port:
      return text !== undefined && /^\d{1,5}$/.test(text) && Number(text) <= 65535
        ? u16b(Number(text))
        : 'port is a number 0–65535 (RFC 9460 §7.2)';
    case SVC_KEYS.ipv4hint:
    case SVC_KEYS.ipv6hint: {
      const v4 = key === SVC_KEYS.ipv4hint;
      if (!text) return `${name} lists one or more addresses (RFC 9460 §7.3)`;
      const out: Buffer[] = [];
      for (const a of text.split(',')) {
        if (v4) {
          const c = canonicalIPv4(a);
          if (!c) return `ipv4hint "${a}" is not an IPv4 address`;
          out.push(Buffer.from(c.split('.').map(Number)));
        } else {
          const g = canonicalIPv6(a) === undefined ? undefined : ipv6Groups(a);
          if (!g) return `ipv6hint "${a}" is not an IPv6 address`;
          out.push(Buffer.concat(g.map(u16b)));
        }
      }
      return Buffer.concat(out);
    }
    case SVC_KEYS.ech: {
      const b = text === undefined ? undefined : parseBase64(text);
      return b ?? 'ech is a base64 ECHConfigList (draft-ietf-tls-svcb-ech §2)';
    }
    default:
      // dohpath and generic keys: the value's octets as they are (§2.1)
      return v ?? Buffer.alloc(0);
  }
}

/** Why a key's wire value is malformed for its key (RFC 9460 §7, §8; RFC 9461 §5), else undefined. */
function wireValueError(key: number, v: Buffer): string | undefined {
  switch (key) {
    case SVC_KEYS.mandatory: {
      if (v.length === 0 || v.length % 2) return 'mandatory lists one or more keys';
      for (let i = 2; i < v.length; i += 2)
        if (v.readUInt16BE(i) <= v.readUInt16BE(i - 2))
          return `mandatory lists ${svcKeyName(v.readUInt16BE(i))} twice (RFC 9460 §8)`;
      return undefined;
    }
    case SVC_KEYS.alpn: {
      if (v.length === 0) return 'alpn lists one or more protocol ids';
      for (let i = 0; i < v.length; i += 1 + v[i]!)
        if (v[i] === 0 || i + 1 + v[i]! > v.length) return 'an alpn id is 1–255 octets (RFC 9460 §7.1.1)';
      return undefined;
    }
    case SVC_KEYS['no-default-alpn']:
      return v.length === 0 ? undefined : 'no-default-alpn has no value (RFC 9460 §7.1.1)';
    case SVC_KEYS.port:
      return v.length === 2 ? undefined : 'port is a number 0–65535 (RFC 9460 §7.2)';
    case SVC_KEYS.ipv4hint:
      return v.length > 0 && v.length % 4 === 0 ? undefined : 'ipv4hint lists one or more addresses (RFC 9460 §7.3)';
    case SVC_KEYS.ipv6hint:
      return v.length > 0 && v.length % 16 === 0 ? undefined : 'ipv6hint lists one or more addresses (RFC 9460 §7.3)';
    case SVC_KEYS.ech:
      return v.length > 0 ? undefined : 'ech is a base64 ECHConfigList (draft-ietf-tls-svcb-ech §2)';
    case SVC_KEYS.dohpath: {
      const t = v.toString('utf8');
      // RFC 9461 §5: a relative URI template (RFC 6570) whose path starts with "/" and that has the "dns" variable
      if (!t.startsWith('/')) return 'dohpath is a relative URI template starting with "/" (RFC 9461 §5)';
      if (!/\{[?&]?([^}]*,)?dns(,[^}]*)?\}/.test(t))
        return 'dohpath must contain the "dns" variable, e.g. /dns-query{?dns} (RFC 9461 §5)';
      return undefined;
    }
    default:
      return key === 65535 ? 'key65535 is reserved ("invalid key", RFC 9460 §14.3.2)' : undefined;
  }
}

/** Presentation text of a value-list item or an opaque value: printable ASCII, `\DDD` else, `,` and `\` escaped. */
function escapeItem(b: Buffer, listItem: boolean): string {
  let s = '';
  for (const x of b) {
    // a value-list item escapes "," and "\" (Appendix A.1), then the character-string escapes that "\" again
    if (listItem && x === 0x2c) s += '\\\\,';
    else if (listItem && x === 0x5c) s += '\\\\\\\\';
    else if (x === 0x22 || x === 0x5c) s += '\\' + String.fromCharCode(x);
    else if (x < 0x21 || x > 0x7e) s += '\\' + String(x).padStart(3, '0');
    else s += String.fromCharCode(x);
  }
  return s;
}

/** A key's canonical presentation (`alpn="h2,h3"`, `port=443`, `no-default-alpn`). */
function formatParam(p: SvcParam): string {
  const v = p.value;
  const name = svcKeyName(p.key);
  switch (p.key) {
    case SVC_KEYS.mandatory: {
      const keys: string[] = [];
      for (let i = 0; i < v.length; i += 2) keys.push(svcKeyName(v.readUInt16BE(i)));
      return `${name}=${keys.join(',')}`;
    }
    case SVC_KEYS.alpn: {
      const ids: string[] = [];
      for (let i = 0; i < v.length; i += 1 + v[i]!) ids.push(escapeItem(v.subarray(i + 1, i + 1 + v[i]!), true));
      return `${name}="${ids.join(',')}"`;
    }
    case SVC_KEYS['no-default-alpn']:
      return name;
    case SVC_KEYS.port:
      return `${name}=${v.readUInt16BE(0)}`;
    case SVC_KEYS.ipv4hint:
      return `${name}=${ipv4Hints(v).join(',')}`;
    case SVC_KEYS.ipv6hint:
      return `${name}=${ipv6Hints(v).join(',')}`;
    case SVC_KEYS.ech:
      return `${name}=${formatBase64(v)}`;
    default:
      return v.length === 0 ? name : `${name}="${escapeItem(v, false)}"`;
  }
}

// ---------------------------------------------------------------- the value

/** Check an SVCB/HTTPS value (from a CR's fields, presentation or wire) and return it canonical. */
export function checkSvcb(r: SvcbRdata): Result<SvcbRdata> {
  const t = r.type;
  if (!Number.isInteger(r.priority) || r.priority < 0 || r.priority > 65535)
    return fail('data', `${t} priority must be an integer 0–65535`, 'priority');
  let target = r.target;
  if (target !== '.') {
    const c = checkAbsoluteName(target, false);
    if (!c.ok) return fail('data', `${t} target ${c.reason}`, 'target');
    target = c.name;
  }
  const params = [...r.params].sort((a, b) => a.key - b.key);
  if (r.priority === 0 && params.length)
    return fail(
      'data',
      `${t} priority 0 is AliasMode, which carries no SvcParams (RFC 9460 §2.4.2): use a priority of 1 or more for ${svcKeyName(params[0]!.key)}`,
      'params',
    );
  const keys = new Set<number>();
  let size = 0;
  for (const p of params) {
    const name = svcKeyName(p.key);
    if (!Number.isInteger(p.key) || p.key < 0 || p.key > 65535)
      return fail('data', `${t} key ${p.key} is no SvcParamKey`, 'params');
    if (keys.has(p.key)) return fail('data', `${t} gives ${name} twice: keys are unique (RFC 9460 §2.1)`, name);
    keys.add(p.key);
    const e = wireValueError(p.key, p.value);
    if (e) return fail('data', `${t} ${e}`, name);
    size += 4 + p.value.length;
  }
  const mandatory = params.find((p) => p.key === SVC_KEYS.mandatory);
  if (mandatory) {
    for (let i = 0; i < mandatory.value.length; i += 2) {
      const k = mandatory.value.readUInt16BE(i);
      if (k === SVC_KEYS.mandatory)
        return fail('data', `${t} mandatory must not list itself (RFC 9460 §8)`, 'mandatory');
      if (!keys.has(k))
        return fail(
          'data',
          `${t} mandatory lists ${svcKeyName(k)}, which the record does not give: listed keys must appear (RFC 9460 §8)`,
          'mandatory',
        );
    }
  }
  if (keys.has(SVC_KEYS['no-default-alpn']) && !keys.has(SVC_KEYS.alpn))
    return fail('data', `${t} no-default-alpn needs alpn too (RFC 9460 §7.1.1)`, 'no-default-alpn');
  if (size > 65000) return fail('data', `${t} SvcParams are too large`, 'params');
  return okv({ type: t, priority: r.priority, target, params });
}

/** SvcParams as written in presentation (`alpn="h2,h3" port=443 no-default-alpn`) → `[name, value]`; or why not. */
function splitParams(s: string): [string, Buffer | undefined][] | string {
  const out: [string, Buffer | undefined][] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ' || s[i] === '\t') {
      i++;
      continue;
    }
    const m = /^[a-z0-9-]+/.exec(s.slice(i));
    if (!m) return `"${s.slice(i).split(/\s/)[0]}" is not key=value`;
    const key = m[0];
    i += key.length;
    if (i >= s.length || s[i] === ' ' || s[i] === '\t') {
      out.push([key, undefined]);
      continue;
    }
    if (s[i] !== '=') return `"${key}${s[i]}" is not key=value`;
    i++;
    const quoted = s[i] === '"';
    if (quoted) i++;
    const bytes: number[] = [];
    let closed = !quoted;
    while (i < s.length) {
      const c = s[i]!;
      if (quoted && c === '"') {
        closed = true;
        i++;
        break;
      }
      if (!quoted && (c === ' ' || c === '\t')) break;
      if (!quoted && c === '"') return `the value of ${key} has a '"' inside: quote the whole value`;
      if (c === '\\') {
        const d = /^\d{3}/.exec(s.slice(i + 1, i + 4));
        if (d) {
          if (Number(d[0]) > 255) return `escape \\${d[0]} is above 255`;
          bytes.push(Number(d[0]));
          i += 4;
          continue;
        }
        if (i + 1 >= s.length) return 'ends with a lone backslash';
        // a character-string escape (RFC 1035 §5.1); a value-list's own "\," escaping is read after it (Appendix A.1)
        bytes.push(s.charCodeAt(i + 1));
        i += 2;
        continue;
      }
      const cp = s.codePointAt(i)!;
      if (cp < 0x20 || cp === 0x7f) return 'contains a control character (use \\DDD escapes)';
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += cp > 0xffff ? 2 : 1;
    }
    if (!closed) return `the value of ${key} is an unterminated quoted string`;
    out.push([key, Buffer.from(bytes)]);
  }
  return out;
}

/**
 * A `[name, value]` list (presentation values, or a CR's fields turned into them) → SvcParams in wire form; or why
 * not, naming the key.
 */
export function svcParams(list: readonly [string, Buffer | undefined][]): Result<SvcParam[]> {
  const out: SvcParam[] = [];
  for (const [name, v] of list) {
    const key = svcKeyNumber(name);
    if (key === undefined)
      return fail('data', `"${name}" is no SvcParamKey (a name or keyNNNNN, RFC 9460 §2.1)`, 'params');
    // a generic keyNNNNN of a known key carries that key's wire value as it is (§2.1)
    const wire = name.startsWith('key') && KEY_NAME.has(key) ? (v ?? Buffer.alloc(0)) : valueToWire(key, v);
    if (typeof wire === 'string') return fail('data', wire, svcKeyName(key));
    out.push({ key, value: wire });
  }
  return okv(out);
}

/** Parse presentation data: `<priority> <target> [key=value …]` (RFC 9460 §2.1), then `checkSvcb`. */
export function parseSvcb(type: 'SVCB' | 'HTTPS', data: string): Result<SvcbRdata> {
  const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(data.trim());
  if (!m) return fail('data', `${type} data is "<priority> <target> [key=value …]"`);
  if (!/^\d{1,5}$/.test(m[1]!)) return fail('data', `${type} priority must be an integer 0–65535`, 'priority');
  const split = splitParams(m[3] ?? '');
  if (typeof split === 'string') return fail('data', `${type} SvcParams: ${split}`, 'params');
  const params = svcParams(split);
  if (!params.ok) return params;
  return checkSvcb({ type, priority: Number(m[1]), target: m[2]!.toLowerCase(), params: params.value });
}

/** Canonical presentation: priority, target, the SvcParams in key order. */
export function formatSvcb(r: SvcbRdata): string {
  return [String(r.priority), r.target, ...r.params.map(formatParam)].join(' ');
}

/** Wire RDATA (RFC 9460 §2.2): priority, the uncompressed TargetName, the SvcParams in key order. */
export function svcbToWire(r: SvcbRdata): Buffer {
  return Buffer.concat([
    u16b(r.priority),
    encodeName(r.target),
    ...r.params.flatMap((p) => [u16b(p.key), u16b(p.value.length), p.value]),
  ]);
}

/** From wire RDATA; throws when it is malformed (RFC 9460 §2.2: keys in strictly increasing order, values inside). */
export function svcbFromWire(type: 'SVCB' | 'HTTPS', msg: Buffer, rdOff: number, rdLen: number): SvcbRdata {
  const end = rdOff + rdLen;
  if (rdLen < 3) throw new Error(`truncated ${type} rdata`);
  const priority = msg.readUInt16BE(rdOff);
  const n = decodeName(msg, rdOff + 2);
  const params: SvcParam[] = [];
  for (let at = n.next; at < end;) {
    if (at + 4 > end) throw new Error(`truncated ${type} SvcParam`);
    const key = msg.readUInt16BE(at);
    const len = msg.readUInt16BE(at + 2);
    if (at + 4 + len > end) throw new Error(`truncated ${type} SvcParam value`);
    if (params.length && key <= params[params.length - 1]!.key) throw new Error(`${type} SvcParamKeys out of order`);
    params.push({ key, value: Buffer.from(msg.subarray(at + 4, at + 4 + len)) });
    at += 4 + len;
  }
  return { type, priority, target: n.name, params };
}

/** A SvcParam value as a CR writes it → its presentation value (items joined by "," with "," and "\" escaped). */
export function valueList(items: readonly string[]): Buffer {
  return Buffer.from(items.map((s) => s.replace(/[\\,]/g, (c) => `\\${c}`)).join(','), 'utf8');
}

/** The addresses of an ipv4hint value's wire form (RFC 9460 §7.3: 4 octets each). */
export function ipv4Hints(v: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 4) out.push([...v.subarray(i, i + 4)].join('.'));
  return out;
}

/** The addresses of an ipv6hint value's wire form (RFC 9460 §7.3: 16 octets each), in RFC 5952 text. */
export function ipv6Hints(v: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 16) {
    const g: number[] = [];
    for (let k = 0; k < 16; k += 2) g.push(v.readUInt16BE(i + k));
    out.push(formatIPv6(g));
  }
  return out;
}
