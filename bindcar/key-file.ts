/**
 * Pure: the one reader of named's `key` statements (BIND 9 ARM, "key" statement) in bindcar, for
 * the two files that carry them — the update key file (BINDCAR_UPDATE_KEY_FILE: the TSIG key of
 * every UPDATE and transfer) and rndc.conf (the control-channel key the native rndc client signs
 * with). Only hmac-sha256 keys are usable: it is the one algorithm dns-wire.ts and rndc-native.ts
 * implement.
 */
import { isIP } from 'node:net';

/** One `key "name" { algorithm …; secret "…"; };` statement, as written. */
export interface KeyStatement {
  name: string;
  algorithm?: string;
  /** base64 */
  secret?: string;
}

/** Every key statement of a named.conf-syntax file, in order. */
export function keyStatements(text: string): KeyStatement[] {
  const out: KeyStatement[] = [];
  for (const m of text.matchAll(/key\s+"?([A-Za-z0-9._-]+)"?\s*\{([^}]*)\}/g)) {
    const algorithm = /algorithm\s+"?([a-z0-9-]+)"?\s*;/i.exec(m[2]!)?.[1];
    const secret = /secret\s+"([A-Za-z0-9+/=]+)"\s*;/.exec(m[2]!)?.[1];
    out.push({ name: m[1]!, ...(algorithm ? { algorithm } : {}), ...(secret ? { secret } : {}) });
  }
  return out;
}

const isHmacSha256 = (k: KeyStatement): boolean => k.algorithm?.toLowerCase() === 'hmac-sha256';

/**
 * Parse a named key file (`key "name" { algorithm hmac-sha256; secret "base64"; };`) and return the
 * key called `name` (or the first one), or what is wrong with it.
 */
export function parseKeyFile(text: string, name?: string): { name: string; secret: string } | string {
  const k = keyStatements(text).find((s) => !name || s.name === name);
  if (!k) return name ? `no key "${name}" in the key file` : 'no key in the key file';
  if (!isHmacSha256(k)) return `key ${k.name} uses ${k.algorithm ?? 'no algorithm'}; bindcar needs hmac-sha256`;
  if (!k.secret) return `key ${k.name} has no secret`;
  return { name: k.name, secret: k.secret };
}

/**
 * Read what the native rndc client needs from an rndc.conf: the default key's hmac-sha256 secret and
 * the default server (an IP address) and port. Undefined when the file has another shape (use the
 * rndc binary then).
 */
export function parseRndcConf(text: string): { secret: string; server?: string; port?: number } | undefined {
  const keyName = /default-key\s+"?([A-Za-z0-9._-]+)"?\s*;/.exec(text)?.[1];
  const k = keyStatements(text).find((s) => !keyName || s.name === keyName);
  if (!k || !isHmacSha256(k) || !k.secret) return undefined;
  const server = /default-server\s+([^\s;]+)\s*;/.exec(text)?.[1];
  const port = /default-port\s+(\d+)\s*;/.exec(text)?.[1];
  return {
    secret: k.secret,
    ...(server && isIP(server) ? { server } : {}),
    ...(port ? { port: Number(port) } : {}),
  };
}
