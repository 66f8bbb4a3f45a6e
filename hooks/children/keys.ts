/**
 * TSIG keys of a BIND9 instance: `bindy-rndc` (controls channel, and bindcar's DNS UPDATE signing) and
 * `bindy-transfer` (zone transfers between primaries and secondaries). Keys are generated once, through an
 * injected generator, and afterwards always reused from the observed Secret, byte for byte.
 */
import { randomBytes } from 'node:crypto';

/** Returns `bytes` random bytes, base64-encoded. The one non-pure input of the infrastructure hooks. */
export type KeyGenerator = (bytes: number) => string;

/** The real generator (node:crypto). Tests inject a deterministic one. */
export const randomKey: KeyGenerator = (bytes) => randomBytes(bytes).toString('base64');

export type TsigAlgorithm = 'hmac-sha224' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';

export interface TsigKey {
  name: string;
  algorithm: TsigAlgorithm;
  /** base64 */
  secret: string;
}

/** Key length = digest length (RFC 2104 §3 recommends at least the hash output size). */
export function keyBytes(algorithm: TsigAlgorithm): number {
  return { 'hmac-sha224': 28, 'hmac-sha256': 32, 'hmac-sha384': 48, 'hmac-sha512': 64 }[algorithm];
}

const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;
const ALGORITHMS: readonly string[] = ['hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'];

/** A BIND `key` statement for `key` (the content of rndc.key / transfer.key). */
export function renderKeyFile(key: TsigKey): string {
  if (!/^[a-z][a-z0-9-]*$/.test(key.name))
    throw new Error(`key name ${JSON.stringify(key.name)} is not a safe BIND key name`);
  if (!BASE64.test(key.secret)) throw new Error(`key ${key.name}: secret is not base64`);
  return `key "${key.name}" {\n  algorithm ${key.algorithm};\n  secret "${key.secret}";\n};\n`;
}

/** Reads the secret back out of a key file written by {@link renderKeyFile}; undefined when it is not one. */
export function parseKeyFile(text: string): { algorithm: TsigAlgorithm; secret: string } | undefined {
  const m = /^key "([a-z][a-z0-9-]*)" \{\n  algorithm (hmac-sha\d+);\n  secret "([A-Za-z0-9+/=]+)";\n\};\n$/.exec(text);
  if (!m || !ALGORITHMS.includes(m[2]!) || !BASE64.test(m[3]!)) return undefined;
  return { algorithm: m[2] as TsigAlgorithm, secret: m[3]! };
}

/**
 * The key to use: the secret already known (observed Secret, or a shared one) when there is one, else a fresh
 * secret from `generate`. The algorithm follows the spec; an existing secret is kept across algorithm changes
 * (HMAC accepts any key length), so a spec edit never silently rotates keys.
 */
export function resolveKey(
  name: string,
  algorithm: TsigAlgorithm,
  known: string | undefined,
  generate: KeyGenerator,
): TsigKey {
  if (known !== undefined && BASE64.test(known)) return { name, algorithm, secret: known };
  const secret = generate(keyBytes(algorithm));
  if (!BASE64.test(secret)) throw new Error('key generator returned a non-base64 secret');
  return { name, algorithm, secret };
}

/** Decodes a Secret `data` value (base64) into text, or undefined. */
export function secretText(data: Record<string, string> | undefined, key: string): string | undefined {
  const v = data?.[key];
  if (typeof v !== 'string' || !BASE64.test(v)) return undefined;
  return Buffer.from(v, 'base64').toString('utf8');
}

/** Encodes text for a Secret's `data`. */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
