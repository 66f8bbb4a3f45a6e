/**
 * Pure DNSSEC arithmetic for what a zone hands its parent: the key tag of a DNSKEY (RFC 4034 Appendix B) and the DS
 * record of a key-signing key (RFC 4034 §5.1.4 with SHA-256, RFC 4509 §2.1), printed in presentation form so a user can
 * paste it into a parent zone or a registrar's form — the same line `dnssec-dsfromkey -2` prints.
 */
import { createHash } from 'node:crypto';
import { encodeName } from './rdata-base.js';

/** The DNSKEY RR type code (RFC 4034 §2). */
export const TYPE_DNSKEY = 48;

/** DNSKEY flags (RFC 4034 §2.1.1): bit 7 Zone Key, bit 15 Secure Entry Point (a KSK). */
export const DNSKEY_FLAG_ZONE = 0x0100;
export const DNSKEY_FLAG_SEP = 0x0001;
/** DNSKEY flags bit 8: Revoke (RFC 5011 §3); a revoked key is never a trust anchor. */
export const DNSKEY_FLAG_REVOKE = 0x0080;

/** Digest type 2, SHA-256 (RFC 4509 §2.2): the one RFC 8624 §3.3 says MUST be implemented. */
export const DS_DIGEST_SHA256 = 2;

/** Algorithm mnemonics (IANA "DNS Security Algorithm Numbers", RFC 8624 §3.1) for the ones named signs with. */
export const DNSSEC_ALGORITHM_NAMES: Readonly<Record<number, string>> = {
  5: 'RSASHA1',
  7: 'NSEC3RSASHA1',
  8: 'RSASHA256',
  10: 'RSASHA512',
  13: 'ECDSAP256SHA256',
  14: 'ECDSAP384SHA384',
  15: 'ED25519',
  16: 'ED448',
};

/** dnssec-policy values that do not sign (BIND 9 ARM "dnssec-policy": `none` never signed, `insecure` unsigning). */
const UNSIGNED_POLICIES = ['none', 'insecure'];

/** Whether a zone with this `dnssec-policy` is signed (and so its keys must survive restarts). */
export function signingPolicy(policy: string | null | undefined): policy is string {
  return policy != null && !UNSIGNED_POLICIES.includes(policy);
}

/** A DNSKEY's fields (RFC 4034 §2.1). */
export interface Dnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Buffer;
}

/** One DS record for a zone's key-signing key. */
export interface DsRecord {
  keyTag: number;
  algorithm: number;
  digestType: number;
  /** upper-case hex, as dnssec-dsfromkey prints it */
  digest: string;
}

/** The DNSKEY RDATA on the wire (RFC 4034 §2.1). */
export function dnskeyRdata(k: Dnskey): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(k.flags, 0);
  head.writeUInt8(k.protocol, 2);
  head.writeUInt8(k.algorithm, 3);
  return Buffer.concat([head, k.publicKey]);
}

/** DNSKEY RDATA from the wire; undefined when shorter than its fixed part. */
export function parseDnskeyRdata(rdata: Buffer): Dnskey | undefined {
  if (rdata.length < 4) return undefined;
  return {
    flags: rdata.readUInt16BE(0),
    protocol: rdata.readUInt8(2),
    algorithm: rdata.readUInt8(3),
    publicKey: Buffer.from(rdata.subarray(4)),
  };
}

/**
 * DNSKEY presentation form `flags protocol algorithm base64…` (RFC 4034 §2.2; the key may be split by white space, as
 * dig prints it); undefined when it is not one.
 */
export function parseDnskeyText(text: string): Dnskey | undefined {
  const m = /^\s*(\d{1,5})\s+(\d{1,3})\s+(\d{1,3})\s+([A-Za-z0-9+/=\s]+)$/.exec(text);
  if (!m) return undefined;
  const [flags, protocol, algorithm] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (flags > 0xffff || protocol > 255 || algorithm > 255) return undefined;
  const b64 = m[4]!.replace(/\s+/g, '');
  const publicKey = Buffer.from(b64, 'base64');
  if (publicKey.length === 0 || publicKey.toString('base64') !== b64) return undefined;
  return { flags, protocol, algorithm, publicKey };
}

/**
 * The key tag of a DNSKEY: RFC 4034 Appendix B — the one's-complement-style sum of the RDATA as 16-bit words, except
 * for algorithm 1 (RSA/MD5), whose tag is the key's most significant 16 bits of the modulus (Appendix B.1).
 */
export function keyTag(k: Dnskey): number {
  const rdata = dnskeyRdata(k);
  if (k.algorithm === 1) return rdata.length >= 4 ? rdata.readUInt16BE(rdata.length - 3) : 0;
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** Whether a DNSKEY is one the parent's DS should point at: a zone key with SEP set and not revoked. */
export function isKeySigningKey(k: Dnskey): boolean {
  return (
    (k.flags & DNSKEY_FLAG_ZONE) !== 0 &&
    (k.flags & DNSKEY_FLAG_SEP) !== 0 &&
    (k.flags & DNSKEY_FLAG_REVOKE) === 0 &&
    k.protocol === 3
  );
}

/**
 * The SHA-256 DS of `k` at `zone`: digest = SHA-256(owner name in canonical wire form | DNSKEY RDATA) — RFC 4034
 * §5.1.4 (the owner lower-cased, RFC 4034 §6.2) and RFC 4509 §2.1.
 */
export function dsOf(zone: string, k: Dnskey): DsRecord {
  const owner = encodeName(absolute(zone).toLowerCase());
  const digest = createHash('sha256').update(owner).update(dnskeyRdata(k)).digest('hex').toUpperCase();
  return { keyTag: keyTag(k), algorithm: k.algorithm, digestType: DS_DIGEST_SHA256, digest };
}

/** The DS as one presentation line, `zone. IN DS tag alg 2 HEX` — byte for byte what `dnssec-dsfromkey -2` prints. */
export function dsText(zone: string, ds: DsRecord): string {
  return `${absolute(zone)} IN DS ${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest}`;
}

function absolute(zone: string): string {
  return zone.endsWith('.') ? zone : `${zone}.`;
}
