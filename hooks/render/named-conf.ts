/**
 * named.conf for one BIND9 instance, rendered from its resolved settings. Pure and deterministic: ACLs sorted by
 * name, primaries sorted by address, one indentation style, so the text is byte-stable for golden tests and for
 * the config-hash annotation that rolls pods.
 *
 * Grammar: BIND 9.18 ARM, "Configuration Reference" (https://bind9.readthedocs.io/en/v9.18.0/reference.html):
 * `acl`, `controls`, `key`, `options`, `primaries`. Every user-supplied string is checked against a strict
 * grammar before it is written; anything else throws {@link NamedConfError} naming the field.
 */
import { addressFamily, canonicalIP } from '../../dns/address.js';
import type { Acls, Bind9Config } from '../schema/generated.js';
import {
  CATALOG_ZONE,
  POD_LAYOUT,
  RNDC_KEY_FILE,
  RNDC_KEY_NAME,
  TRANSFER_KEY_FILE,
  TRANSFER_KEY_NAME,
  type NamedConfLayout,
} from '../pod-layout.js';

/** A primary a secondary transfers from (a primary instance's Service address). */
export interface PrimaryServer {
  address: string;
  port: number;
  /** The server's region (`spec.region`); a secondary lists the primaries of its own region first. */
  region?: string;
}

export interface NamedConfInput {
  /** `namespace/name` of the instance, for the header comment. */
  instance: string;
  role: 'primary' | 'secondary';
  config: Bind9Config;
  acls: Acls;
  /** The instance's region: secondaries try same-region primaries first (named uses the list in order). */
  region?: string;
  /** Secondaries: the cluster's primaries. Rendered as the `primaries "bindy-primaries"` list zones refer to. */
  primaries?: readonly PrimaryServer[];
  /** Primaries: the cluster's secondaries, notified (TSIG-signed with the transfer key) after every change. */
  secondaries?: readonly PrimaryServer[];
  /** The catalog zone bindcar maintains on primaries and secondaries consume (default {@link CATALOG_ZONE}). */
  catalogZone?: string;
  /** Include `named.conf.options` from confDir instead of rendering the options block (configMapRefs). */
  optionsFromFile?: boolean;
  layout?: Partial<NamedConfLayout>;
}

/** Name of the primaries list secondary zones use (`primaries { bindy-primaries; };`). */
export const PRIMARIES_LIST = 'bindy-primaries';
/** notify-delay: small, so secondaries learn about changes fast (BIND's default is 5 s). */
export const NOTIFY_DELAY = 0;

/**
 * Rate limits of the zone-maintenance traffic, rendered into the options block. BIND's defaults (20 per second,
 * spent in 500 ms ticks) make back-to-back changes wait for the next tick: primaries queue their NOTIFYs
 * (`notify-rate`, `startup-notify-rate` for the burst after a restart) and secondaries their SOA queries
 * (`serial-query-rate`), so a change reached a secondary ≈ 500 ms later instead of ≈ 10 ms (bench row P7-b2b).
 * These messages are loopback-cheap for named; the limits stay finite so a storm of changes cannot flood a peer.
 * BIND 9 ARM, "notify-rate", "startup-notify-rate", "serial-query-rate".
 */
export const NAMED_RATE_OPTIONS: { primary: readonly string[]; secondary: readonly string[] } = {
  primary: ['notify-rate 1000;', 'startup-notify-rate 1000;'],
  secondary: ['serial-query-rate 1000;'],
};

/**
 * How often (seconds) a secondary may re-read the catalog zone. BIND's default is 5 s, and every catalog change
 * inside that window waits for its end, so a new zone reached secondaries seconds after its PUT (bench row
 * P7-new: ≈ 1 s with 1). 0 processes each catalog transfer as it arrives; bindcar changes the catalog once per
 * zone added or removed, so there is no storm to damp. BIND 9 ARM, "catalog-zones", min-update-interval.
 */
export const CATALOG_MIN_UPDATE_INTERVAL = 0;

export class NamedConfError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'NamedConfError';
    this.field = field;
  }
}

const BUILTIN_ACLS = ['any', 'none', 'localhost', 'localnets'];
const ACL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const KEY_REF = /^key ([A-Za-z0-9][A-Za-z0-9._-]{0,252})$/;

/** True for a plain IPv4 or IPv6 address (dns/address.ts, the one reader of addresses). */
const isIpAddress = (s: string): boolean => canonicalIP(s) !== undefined;

function isPrefix(s: string): boolean {
  const [addr, len, ...rest] = s.split('/');
  if (rest.length || addr === undefined) return false;
  if (!isIpAddress(addr)) return false;
  const v4 = addressFamily(addr) === 4;
  if (len === undefined) return true;
  if (!/^\d{1,3}$/.test(len)) return false;
  return Number(len) <= (v4 ? 32 : 128);
}

/** One address-match list element, checked and rendered (`key NAME` → `key "NAME"`). */
function matchElement(entry: string, field: string, acls: Acls): string {
  const neg = entry.startsWith('!');
  const body = neg ? entry.slice(1) : entry;
  let out: string;
  const key = KEY_REF.exec(body);
  if (BUILTIN_ACLS.includes(body)) out = body;
  else if (key) {
    // Only keys named.conf defines can be referenced; anything else would stop named from starting.
    if (key[1] !== TRANSFER_KEY_NAME && key[1] !== RNDC_KEY_NAME) {
      throw new NamedConfError(
        field,
        `key ${JSON.stringify(key[1])} is not defined (known keys: ${TRANSFER_KEY_NAME}, ${RNDC_KEY_NAME})`,
      );
    }
    out = `key "${key[1]}"`;
  } else if (isPrefix(body)) out = body;
  else if (ACL_NAME.test(body)) {
    if (!Object.hasOwn(acls, body))
      throw new NamedConfError(field, `ACL ${JSON.stringify(body)} is not defined in spec.acls`);
    out = `"${body}"`;
  } else {
    throw new NamedConfError(
      field,
      `${JSON.stringify(entry)} is not an address-match entry (any, none, localhost, localnets, IP[/len], "key NAME" or an ACL name)`,
    );
  }
  return neg ? `!${out}` : out;
}

function matchList(entries: readonly string[], field: string, acls: Acls, prefix: readonly string[] = []): string {
  const rendered = [...prefix];
  entries.forEach((e, i) => {
    const out = matchElement(e, `${field}[${i}]`, acls);
    if (!rendered.includes(out)) rendered.push(out);
  });
  if (rendered.length === 0) return '{ none; }';
  return `{ ${rendered.map((e) => `${e};`).join(' ')} }`;
}

/** Checks a path from the layout: absolute, no quotes or control characters (they end up inside "…"). */
function safePath(p: string, field: string): string {
  if (!p.startsWith('/') || /["\\\n\r\t;{}]/.test(p))
    throw new NamedConfError(field, `unsafe path ${JSON.stringify(p)}`);
  return p.replace(/\/+$/, '') || '/';
}

function safePort(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new NamedConfError(field, `port ${n} is out of range 1..65535`);
  return n;
}

/** ACL statements, sorted by name; entries keep their order (address-match lists are first-match). */
function renderAcls(acls: Acls): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(acls).sort()) {
    if (!ACL_NAME.test(name) || BUILTIN_ACLS.includes(name)) {
      throw new NamedConfError(
        `spec.acls[${JSON.stringify(name)}]`,
        'ACL names start with a letter, use letters, digits, _ or -, and are not any/none/localhost/localnets',
      );
    }
    lines.push(`acl "${name}" ${matchList(acls[name] ?? [], `spec.acls[${JSON.stringify(name)}]`, acls)};`);
  }
  return lines;
}

/** The `options { … }` block (also what a named.conf.options file would contain). */
export function renderOptions(input: NamedConfInput): string {
  const l = { ...POD_LAYOUT, ...input.layout };
  const c = input.config;
  const dnsPort = safePort(l.dnsPort, 'layout.dnsPort');
  const o: string[] = [
    `directory "${safePath(l.cacheDir, 'layout.cacheDir')}";`,
    `pid-file "${safePath(l.runDir, 'layout.runDir')}/named.pid";`,
    `session-keyfile "${safePath(l.runDir, 'layout.runDir')}/session.key";`,
    `listen-on port ${dnsPort} ${matchList(c.listenOn ?? ['any'], 'config.listenOn', input.acls)};`,
    `listen-on-v6 port ${dnsPort} ${matchList(c.listenOnV6 ?? ['any'], 'config.listenOnV6', input.acls)};`,
    // bindcar adds zones at run time with `rndc addzone`.
    'allow-new-zones yes;',
    `recursion ${c.recursion ? 'yes' : 'no'};`,
  ];
  if (c.forwarders?.length) {
    const fw = c.forwarders.map((f, i) => {
      if (!isIpAddress(f))
        throw new NamedConfError(`config.forwarders[${i}]`, `${JSON.stringify(f)} is not an IP address`);
      return `${f};`;
    });
    o.push(`forwarders { ${fw.join(' ')} };`);
  }
  if (c.allowQuery) o.push(`allow-query ${matchList(c.allowQuery, 'config.allowQuery', input.acls)};`);
  // Transfers are always allowed to holders of the transfer key; spec entries are added after it ([] = key only).
  const transfer = (c.allowTransfer ?? []).map((e) => (e === 'none' ? `key ${TRANSFER_KEY_NAME}` : e));
  o.push(`allow-transfer ${matchList(transfer, 'config.allowTransfer', input.acls, [`key "${TRANSFER_KEY_NAME}"`])};`);
  if (input.role === 'primary') {
    // bindcar TSIG-signs its DNS UPDATEs with the rndc key; zones inherit this unless they set their own.
    o.push(`allow-update { key "${RNDC_KEY_NAME}"; };`);
  } else {
    // A NOTIFY only triggers an SOA check against the configured primaries (TSIG-signed), so its source does not
    // need to be trusted; primaries notify from pod addresses, not from their Service addresses.
    o.push('allow-notify { any; };');
  }
  o.push(...notifyOptions(input));
  o.push(`notify-delay ${NOTIFY_DELAY};`);
  o.push(...NAMED_RATE_OPTIONS[input.role === 'primary' ? 'primary' : 'secondary']);
  o.push(`dnssec-validation ${dnssecValidation(c) ? 'yes' : 'no'};`);
  o.push(...catalogZoneOptions(input));
  return `options {\n${o.map((s) => `  ${s}`).join('\n')}\n};\n`;
}

/** The validated catalog zone name (a plain DNS name; it is written inside quotes). */
function catalogName(input: NamedConfInput): string {
  const name = (input.catalogZone ?? CATALOG_ZONE).replace(/\.$/, '').toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(name)) {
    throw new NamedConfError('catalogZone', `${JSON.stringify(input.catalogZone)} is not a DNS name`);
  }
  return name;
}

/**
 * Sorted, de-duplicated servers; each checked (an IP address and a port). Servers in `region` (when given) come
 * first, then by address: named tries a zone's primaries in order, so transfers stay in the region while a primary
 * there answers.
 */
function servers(list: readonly PrimaryServer[], field: string, region?: string): PrimaryServer[] {
  const near = (p: PrimaryServer) => (region !== undefined && p.region === region ? 0 : 1);
  return list
    .map((p, i) => {
      if (!isIpAddress(p.address))
        throw new NamedConfError(`${field}[${i}].address`, `${JSON.stringify(p.address)} is not an IP address`);
      return {
        address: p.address,
        port: safePort(p.port, `${field}[${i}].port`),
        ...(p.region !== undefined ? { region: p.region } : {}),
      };
    })
    .sort((a, b) => near(a) - near(b) || (a.address === b.address ? a.port - b.port : a.address < b.address ? -1 : 1))
    .filter((p, i, all) => i === 0 || p.address !== all[i - 1]!.address || p.port !== all[i - 1]!.port);
}

/**
 * Primaries notify exactly the cluster's secondaries (`notify explicit`: never the hosts the zones' NS records
 * name, which may be anywhere), each NOTIFY signed with the transfer key. Secondaries send none.
 */
function notifyOptions(input: NamedConfInput): string[] {
  if (input.role !== 'primary') return ['notify no;'];
  const list = servers(input.secondaries ?? [], 'secondaries');
  const out = ['notify explicit;'];
  if (list.length)
    out.push(
      `also-notify { ${list.map((s) => `${s.address} port ${s.port} key "${TRANSFER_KEY_NAME}";`).join(' ')} };`,
    );
  return out;
}

/**
 * Secondaries consume the catalog zone (RFC 9432) from all of the cluster's primaries: member zones appear and
 * disappear as bindcar lists them, transferred from `bindy-primaries` with the transfer key. Nothing until a
 * primary is known (the list would be undefined). Primaries: bindcar adds the catalog zone itself.
 */
function catalogZoneOptions(input: NamedConfInput): string[] {
  if (input.role !== 'secondary' || servers(input.primaries ?? [], 'primaries').length === 0) return [];
  return [
    `catalog-zones { zone "${catalogName(input)}" default-primaries { ${PRIMARIES_LIST}; } min-update-interval ${CATALOG_MIN_UPDATE_INTERVAL}; };`,
  ];
}

function renderPrimaries(primaries: readonly PrimaryServer[], region: string | undefined): string[] {
  const list = servers(primaries, 'primaries', region);
  if (list.length === 0) return [];
  const entries = list.map((p) => `  ${p.address} port ${p.port} key "${TRANSFER_KEY_NAME}";`);
  return [`primaries "${PRIMARIES_LIST}" {`, ...entries, '};'];
}

/**
 * named.conf for one instance: key includes (from the keys Secret), ACLs, the rndc controls channel on
 * 127.0.0.1, options (or an include of a user-supplied named.conf.options), and for secondaries the primaries
 * list plus the catalog zone they consume. Member zones are not listed: on primaries bindcar adds them at run time
 * (`allow-new-zones`) and lists them in the catalog; secondaries add them from the catalog (`catalog-zones`).
 * Primaries notify the cluster's secondaries (`also-notify`, TSIG-signed) and allow transfers only with the transfer
 * key (bindcar repeats that key in every zone's own `allow-transfer`, which replaces the global one).
 * @throws NamedConfError when a spec value does not fit named.conf's grammar.
 */
export function renderNamedConf(input: NamedConfInput): string {
  const l = { ...POD_LAYOUT, ...input.layout };
  const keysDir = safePath(l.keysDir, 'layout.keysDir');
  const confDir = safePath(l.confDir, 'layout.confDir');
  const rndcPort = safePort(l.rndcPort, 'layout.rndcPort');
  if (/["\\\n\r]/.test(input.instance)) throw new NamedConfError('metadata.name', 'unsafe instance name');
  const parts: string[] = [
    `// named.conf of Bind9Instance ${input.instance} (${input.role}), generated by bindy. Do not edit.\n`,
    `include "${keysDir}/${RNDC_KEY_FILE}";\ninclude "${keysDir}/${TRANSFER_KEY_FILE}";\n`,
  ];
  const acls = renderAcls(input.acls);
  if (acls.length) parts.push(`${acls.join('\n')}\n`);
  parts.push(`controls {\n  inet 127.0.0.1 port ${rndcPort} allow { 127.0.0.1; } keys { "${RNDC_KEY_NAME}"; };\n};\n`);
  parts.push(input.optionsFromFile ? `include "${confDir}/named.conf.options";\n` : renderOptions(input));
  if (input.role === 'secondary') {
    const primaries = renderPrimaries(input.primaries ?? [], input.region);
    if (primaries.length) {
      parts.push(`${primaries.join('\n')}\n`);
      // The catalog itself is an ordinary secondary zone (catalog-zones needs it configured in the view). A
      // secondary that starts before bindcar created the catalog would otherwise wait BIND's default retry (up to
      // 500 s) after the first REFUSED; and a lost NOTIFY is caught within max-refresh-time.
      const cat = catalogName(input);
      parts.push(
        `zone "${cat}" {\n  type secondary;\n  file "${cat}.catalog";\n  primaries { ${PRIMARIES_LIST}; };\n` +
          `  min-retry-time 5;\n  max-retry-time 30;\n  max-refresh-time 300;\n};\n`,
      );
    }
  }
  return parts.join('\n');
}

/** dnssec: true|false or {validation?, signing?}: whether named validates (dnssec-validation yes|no). */
export function dnssecValidation(config: Bind9Config): boolean {
  const d = config.dnssec;
  if (typeof d === 'boolean') return d;
  return d?.validation ?? false;
}
