/**
 * Pure: bindcar's configuration from environment variables and command-line flags (flags win).
 * Environment names follow upstream bindcar where one exists (BIND_ZONE_DIR, API_PORT,
 * BIND_API_ADDRESS, BIND_API_TOKEN, BIND_TOKEN_AUDIENCES, BIND_ALLOWED_*, KUBE_*, DISABLE_AUTH,
 * BINDCAR_ALLOW_INSECURE_AUTH, RNDC_SERVER, RNDC_SECRET).
 */
import { splitHostPort } from '../dns/address.js';
import { DEFAULT_CATALOG_ZONE } from './catalog.js';
import { checkZoneName, isIdentifier } from '../dns/names.js';

export interface BindcarConfig {
  port: number;
  address: string;
  zoneDir: string;
  /** `native`: speak the control protocol directly (needs an hmac-sha256 key from RNDC_CONF or RNDC_SECRET) */
  rndc: {
    bin: string;
    confPath?: string;
    server?: string;
    port?: number;
    timeoutMs: number;
    native: boolean;
    secret?: string;
  };
  dns: { host: string; port: number; timeoutMs: number };
  updateKey: { name: string; secret?: string; file?: string };
  /** TSIG key secondaries transfer with; allowed to transfer every zone (BINDCAR_TRANSFER_KEY_NAME) */
  transferKeyName?: string;
  /** catalog zone kept in step with the primary zones (BINDCAR_CATALOG_ZONE; "none" disables) */
  catalogZone?: string;
  /** dnssec-policy names named.conf defines besides named's built-ins (BINDCAR_DNSSEC_POLICIES, comma-separated) */
  dnssecPolicies: string[];
  /** TSIG key names named.conf defines besides bindcar's own keys (BINDCAR_KEY_NAMES, comma-separated) */
  keyNames: string[];
  auth:
    | { mode: 'none' }
    | { mode: 'token'; token?: string; tokenFile?: string }
    | {
        mode: 'tokenreview';
        audiences: string[];
        allowedServiceAccounts: string[];
        allowedNamespaces: string[];
        allowAnyServiceAccount: boolean;
        apiServer?: string;
        tokenPath?: string;
        caPath?: string;
        cacheTtlMs: number;
      };
  allowInsecure: boolean;
  bodyLimit: string;
  maxRecordsPerType: number;
  shutdownTimeoutMs: number;
  logLevel: string;
}

const FLAGS: Record<string, string> = {
  '--port': 'API_PORT',
  '--address': 'BIND_API_ADDRESS',
  '--zone-dir': 'BIND_ZONE_DIR',
  '--rndc-conf': 'RNDC_CONF',
  '--rndc-server': 'RNDC_SERVER',
  '--rndc-port': 'RNDC_PORT',
  '--dns-address': 'NAMED_DNS_ADDRESS',
  '--dns-port': 'NAMED_DNS_PORT',
  '--update-key-file': 'BINDCAR_UPDATE_KEY_FILE',
  '--update-key-name': 'BINDCAR_UPDATE_KEY_NAME',
  '--auth-mode': 'BINDCAR_AUTH_MODE',
};

const list = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const bool = (s: string | undefined): boolean => /^(1|true|yes)$/i.test(s ?? '');

/**
 * Parse configuration. Returns the config or a list of problems (each naming the variable).
 */
export function parseConfig(
  envIn: Record<string, string | undefined>,
  argv: readonly string[] = [],
): { ok: true; config: BindcarConfig } | { ok: false; errors: string[] } {
  const env: Record<string, string | undefined> = { ...envIn };
  const errors: string[] = [];
  let insecureFlag = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--i-know-this-is-insecure') {
      insecureFlag = true;
      continue;
    }
    const [k, inline] = a.split('=', 2) as [string, string | undefined];
    const name = FLAGS[k];
    if (!name) {
      errors.push(`unknown flag ${k}`);
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) errors.push(`flag ${k} needs a value`);
    else env[name] = v;
  }
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) {
      errors.push(`${name} must be an integer ${min}–${max}, got ${JSON.stringify(raw)}`);
      return def;
    }
    return v;
  };
  const port = int('API_PORT', 8080, 0, 65535);
  let rndcServer = env['RNDC_SERVER'];
  let rndcPort = env['RNDC_PORT'] ? int('RNDC_PORT', 953, 1, 65535) : undefined;
  const hp = rndcServer ? splitHostPort(rndcServer, { names: true }) : undefined;
  if (hp?.port !== undefined) {
    rndcServer = hp.host;
    rndcPort = Number(hp.port);
  }
  const keyName = env['BINDCAR_UPDATE_KEY_NAME'] ?? 'bindcar-update';
  if (!isIdentifier(keyName)) errors.push('BINDCAR_UPDATE_KEY_NAME must be [A-Za-z0-9._-]');
  const keySecret = env['BINDCAR_UPDATE_KEY_SECRET'];
  const keyFile = env['BINDCAR_UPDATE_KEY_FILE'];
  if (!keySecret && !keyFile)
    errors.push(
      'set BINDCAR_UPDATE_KEY_FILE (a named key file) or BINDCAR_UPDATE_KEY_SECRET (base64 hmac-sha256 secret)',
    );

  const transferKeyName = env['BINDCAR_TRANSFER_KEY_NAME'] || undefined;
  if (transferKeyName !== undefined && !isIdentifier(transferKeyName))
    errors.push('BINDCAR_TRANSFER_KEY_NAME must be [A-Za-z0-9._-]');
  const catalogRaw = env['BINDCAR_CATALOG_ZONE'] ?? DEFAULT_CATALOG_ZONE;
  let catalogZone: string | undefined;
  if (catalogRaw !== '' && catalogRaw !== 'none') {
    const c = checkZoneName(catalogRaw);
    if (c.ok) catalogZone = c.name;
    else errors.push(`BINDCAR_CATALOG_ZONE ${c.reason}`);
  }

  // Names a zone's options may use beyond named's built-ins and bindcar's keys: refused before any rndc call
  // otherwise, so a deployment with its own named.conf definitions lists them here.
  const names = (name: string): string[] => {
    const items = list(env[name]);
    for (const i of items) if (!isIdentifier(i)) errors.push(`${name}: "${i}" must be [A-Za-z0-9._-]`);
    return items;
  };
  const dnssecPolicies = names('BINDCAR_DNSSEC_POLICIES');
  const keyNames = names('BINDCAR_KEY_NAMES');

  let auth: BindcarConfig['auth'];
  const mode =
    env['BINDCAR_AUTH_MODE'] ??
    (bool(env['DISABLE_AUTH'])
      ? 'none'
      : env['BIND_API_TOKEN'] || env['BIND_API_TOKEN_FILE']
        ? 'token'
        : env['BIND_TOKEN_AUDIENCES'] || env['BIND_ALLOWED_SERVICE_ACCOUNTS'] || env['BIND_ALLOWED_NAMESPACES']
          ? 'tokenreview'
          : 'none');
  if (mode === 'none') auth = { mode: 'none' };
  else if (mode === 'token') {
    auth = { mode: 'token' };
    if (env['BIND_API_TOKEN']) auth.token = env['BIND_API_TOKEN'];
    if (env['BIND_API_TOKEN_FILE']) auth.tokenFile = env['BIND_API_TOKEN_FILE'];
    if (!auth.token && !auth.tokenFile) errors.push('token auth needs BIND_API_TOKEN or BIND_API_TOKEN_FILE');
  } else if (mode === 'tokenreview') {
    const tr: Extract<BindcarConfig['auth'], { mode: 'tokenreview' }> = {
      mode: 'tokenreview',
      audiences: env['BIND_TOKEN_AUDIENCES'] ? list(env['BIND_TOKEN_AUDIENCES']) : ['bindcar'],
      allowedServiceAccounts: list(env['BIND_ALLOWED_SERVICE_ACCOUNTS']),
      allowedNamespaces: list(env['BIND_ALLOWED_NAMESPACES']),
      allowAnyServiceAccount: bool(env['BIND_ALLOW_ANY_SERVICEACCOUNT']),
      cacheTtlMs: int('BINDCAR_TOKENREVIEW_CACHE_MS', 30000, 0, 60000),
    };
    if (env['KUBE_API_SERVER']) tr.apiServer = env['KUBE_API_SERVER'];
    if (env['KUBE_TOKEN_PATH']) tr.tokenPath = env['KUBE_TOKEN_PATH'];
    if (env['KUBE_CA_CERT_PATH']) tr.caPath = env['KUBE_CA_CERT_PATH'];
    auth = tr;
  } else {
    errors.push(`BINDCAR_AUTH_MODE must be none, token or tokenreview, got ${JSON.stringify(mode)}`);
    auth = { mode: 'none' };
  }

  const config: BindcarConfig = {
    port,
    address: env['BIND_API_ADDRESS'] ?? '0.0.0.0',
    zoneDir: env['BIND_ZONE_DIR'] ?? '/var/cache/bind',
    rndc: {
      bin: env['RNDC_BIN'] ?? 'rndc',
      native: env['BINDCAR_RNDC_NATIVE'] === undefined ? true : bool(env['BINDCAR_RNDC_NATIVE']),
      ...(env['RNDC_SECRET'] ? { secret: env['RNDC_SECRET'] } : {}),
      timeoutMs: int('BINDCAR_RNDC_TIMEOUT_MS', 10000, 100, 600000),
      ...(env['RNDC_CONF'] ? { confPath: env['RNDC_CONF'] } : {}),
      ...(rndcServer ? { server: rndcServer } : {}),
      ...(rndcPort !== undefined ? { port: rndcPort } : {}),
    },
    dns: {
      host: env['NAMED_DNS_ADDRESS'] ?? '127.0.0.1',
      port: int('NAMED_DNS_PORT', 53, 1, 65535),
      timeoutMs: int('BINDCAR_DNS_TIMEOUT_MS', 5000, 100, 600000),
    },
    updateKey: { name: keyName, ...(keySecret ? { secret: keySecret } : {}), ...(keyFile ? { file: keyFile } : {}) },
    ...(transferKeyName ? { transferKeyName } : {}),
    ...(catalogZone ? { catalogZone } : {}),
    dnssecPolicies,
    keyNames,
    auth,
    allowInsecure: insecureFlag || bool(env['BINDCAR_ALLOW_INSECURE_AUTH']),
    bodyLimit: env['BINDCAR_BODY_LIMIT'] ?? '32mb',
    maxRecordsPerType: int('BINDCAR_MAX_RECORDS_PER_TYPE', 100, 1, 100000),
    shutdownTimeoutMs: int('BINDCAR_SHUTDOWN_TIMEOUT_MS', 25000, 0, 600000),
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
  return errors.length ? { ok: false, errors } : { ok: true, config };
}
