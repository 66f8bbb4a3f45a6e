/**
 * Pure DNS message encoding/decoding for what bindcar sends to its local named: SOA queries,
 * RFC 2136 UPDATE, AXFR/IXFR (RFC 5936 / RFC 1995), and TSIG HMAC-SHA256 signing and verification
 * (RFC 8945). Names are written uncompressed; decoding follows compression pointers.
 *
 * Why hand-written rather than the `dns-packet` package (5.6.1, a devDependency for bench/dns.ts):
 * it cannot write an UPDATE named accepts, and it has no TSIG at all.
 * - Class NONE (RFC 2136 §2.5.4, delete one RR) is not in its class table: it is written as 0.
 * - An RRset delete (class ANY, RDLENGTH 0, RFC 2136 §2.5.2) cannot be written for a typed RR:
 *   the A codec always writes RDLENGTH 4 and the others throw without data.
 * - TSIG rdata is an opaque buffer: nothing computes the MAC over the message plus the TSIG
 *   variables (RFC 8945 §4.3.3), verifies a response's MAC chained to the request's (§5.3), or the
 *   digest over unsigned messages of a multi-message AXFR/IXFR (§5.3.1); and its decoder keeps no
 *   record offsets, so a verifier could not even find the bytes the response's MAC covers.
 * Its header, question and section layout would do for the zone/prerequisite/update sections, but
 * the parts bindcar depends on would be hand-written either way.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RecordType } from '../dns/contract.js';
import {
  decodeName,
  encodeName,
  rdataFromWire,
  rdataToWire,
  typeName,
  formatRdata,
  parseRdata,
  TYPE_CODES,
  type Rdata,
} from '../dns/rdata.js';

export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;
export const TYPE_SOA = TYPE_CODES.SOA;
export const TYPE_TSIG = 250;
export const TYPE_IXFR = 251;
export const TYPE_AXFR = 252;
export const OPCODE_QUERY = 0;
export const OPCODE_UPDATE = 5;

/** RFC 1035 §4.1.1 / RFC 2136 §2.2 rcodes by number. */
export const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
};

/** The mnemonic of an rcode (RFC 1035 §4.1.1, RFC 2136 §2.2, RFC 8945 §3), `RCODE<n>` if unknown. */
export function rcodeName(n: number): string {
  return RCODE_NAMES[n] ?? `RCODE${n}`;
}

/** A TSIG key (only hmac-sha256 is supported). */
export interface TsigKey {
  name: string;
  algorithm: 'hmac-sha256';
  /** base64 */
  secret: string;
}

/** A decoded resource record; rdata kept as offsets into the message for name decompression. */
export interface WireRR {
  name: string;
  type: number;
  klass: number;
  ttl: number;
  msg: Buffer;
  rdOff: number;
  rdLen: number;
}

export interface Message {
  id: number;
  flags: number;
  opcode: number;
  rcode: number;
  qd: { name: string; type: number; klass: number }[];
  an: WireRR[];
  ns: WireRR[];
  ar: WireRR[];
}

function header(id: number, flags: number, qd: number, an: number, ns: number, ar: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  h.writeUInt16BE(ns, 8);
  h.writeUInt16BE(ar, 10);
  return h;
}

function rrWire(name: string, type: number, klass: number, ttl: number, rdata: Buffer): Buffer {
  const n = encodeName(name);
  const f = Buffer.alloc(10);
  f.writeUInt16BE(type, 0);
  f.writeUInt16BE(klass, 2);
  f.writeUInt32BE(ttl >>> 0, 4);
  f.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([n, f, rdata]);
}

function question(name: string, type: number, klass = CLASS_IN): Buffer {
  const q = Buffer.alloc(4);
  q.writeUInt16BE(type, 0);
  q.writeUInt16BE(klass, 2);
  return Buffer.concat([encodeName(name), q]);
}

/** A query message (no RD flag: named is authoritative-only). `authority` is used for IXFR's SOA. */
export function buildQuery(id: number, name: string, type: number, authority: Buffer[] = []): Buffer {
  return Buffer.concat([header(id, 0, 1, 0, authority.length, 0), question(name, type), ...authority]);
}

/** SOA rdata on the wire. */
export function soaRdata(s: {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}): Buffer {
  const nums = Buffer.alloc(20);
  [s.serial, s.refresh, s.retry, s.expire, s.minimum].forEach((v, i) => nums.writeUInt32BE(v >>> 0, i * 4));
  return Buffer.concat([encodeName(s.mname), encodeName(s.rname), nums]);
}

/** An SOA RR in wire form (for the IXFR authority section or an UPDATE). */
export function soaRR(zone: string, ttl: number, s: Parameters<typeof soaRdata>[0]): Buffer {
  return rrWire(`${zone}.`, TYPE_SOA, CLASS_IN, ttl, soaRdata(s));
}

/** One RFC 2136 §2.5 update operation. */
export type UpdateOp =
  | { op: 'deleteRRset'; owner: string; type: RecordType }
  | { op: 'deleteRR'; owner: string; type: RecordType; data: string }
  | { op: 'add'; owner: string; type: RecordType; ttl: number; data: string; rdata?: Rdata }
  | { op: 'soa'; ttl: number; soa: Parameters<typeof soaRdata>[0] };

function wireOf(type: RecordType, data: string): Buffer {
  const p = parseRdata(type, data);
  if (!p.ok) throw new Error(`internal: non-canonical ${type} data ${data}: ${p.message}`);
  return rdataToWire(p.value);
}

/** Wire form of one update op (the update section RR). */
export function updateOpWire(zone: string, u: UpdateOp): Buffer {
  switch (u.op) {
    case 'deleteRRset':
      return rrWire(u.owner, typeCode(u.type), CLASS_ANY, 0, Buffer.alloc(0));
    case 'deleteRR':
      return rrWire(u.owner, typeCode(u.type), CLASS_NONE, 0, wireOf(u.type, u.data));
    case 'add':
      // from the value the PUT parsed, when the op carries it (dns/rrset.ts `rdata`)
      return rrWire(
        u.owner,
        typeCode(u.type),
        CLASS_IN,
        u.ttl,
        u.rdata ? rdataToWire(u.rdata) : wireOf(u.type, u.data),
      );
    case 'soa':
      return soaRR(zone, u.ttl, u.soa);
  }
}

/** The numeric RR type of one of bindcar's record types. */
export function typeCode(t: RecordType): number {
  return TYPE_CODES[t];
}

/**
 * An UPDATE message for `zone` from already-encoded update RRs (unsigned), with optional prerequisite RRs (RFC 2136
 * §2.4, §3.2: named applies the update only when every one holds, else answers NXRRSET / YXRRSET / … and changes
 * nothing).
 */
export function buildUpdate(
  id: number,
  zone: string,
  updates: readonly Buffer[],
  prerequisites: readonly Buffer[] = [],
): Buffer {
  return Buffer.concat([
    header(id, OPCODE_UPDATE << 11, 1, prerequisites.length, updates.length, 0),
    question(`${zone}.`, TYPE_SOA),
    ...prerequisites,
    ...updates,
  ]);
}

/**
 * The prerequisite "the zone's SOA RRset is exactly this one" (RFC 2136 §2.4.2, RRset exists, value dependent: class
 * IN, TTL 0): an UPDATE carrying it applies only while named serves that serial.
 */
export function soaPrerequisite(zone: string, s: Parameters<typeof soaRdata>[0]): Buffer {
  return rrWire(`${zone}.`, TYPE_SOA, CLASS_IN, 0, soaRdata(s));
}

/** Size of the fixed part of an UPDATE (header + zone section) for chunking. */
export function updateOverhead(zone: string): number {
  return 12 + encodeName(`${zone}.`).length + 4;
}

// ---------------------------------------------------------------- decoding

/** Decode a DNS message (header, question, and all RRs with rdata offsets). Throws if malformed. */
export function decodeMessage(msg: Buffer): Message {
  if (msg.length < 12) throw new Error('DNS message shorter than its header');
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => msg.readUInt16BE(o));
  let off = 12;
  const qd: Message['qd'] = [];
  for (let i = 0; i < counts[0]!; i++) {
    const n = decodeName(msg, off);
    off = n.next;
    qd.push({ name: n.name, type: msg.readUInt16BE(off), klass: msg.readUInt16BE(off + 2) });
    off += 4;
  }
  const sections: WireRR[][] = [[], [], []];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const n = decodeName(msg, off);
      off = n.next;
      if (off + 10 > msg.length) throw new Error('truncated RR');
      const type = msg.readUInt16BE(off);
      const klass = msg.readUInt16BE(off + 2);
      const ttl = msg.readUInt32BE(off + 4);
      const rdLen = msg.readUInt16BE(off + 8);
      const rdOff = off + 10;
      if (rdOff + rdLen > msg.length) throw new Error('truncated rdata');
      sections[s]!.push({ name: n.name, type, klass, ttl, msg, rdOff, rdLen });
      off = rdOff + rdLen;
    }
  }
  return {
    id,
    flags,
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
    qd,
    an: sections[0]!,
    ns: sections[1]!,
    ar: sections[2]!,
  };
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** Decode SOA rdata of a wire RR. */
export function decodeSoa(rr: WireRR): SoaData {
  const m = decodeName(rr.msg, rr.rdOff);
  const r = decodeName(rr.msg, m.next);
  const o = r.next;
  const b = rr.msg;
  return {
    mname: m.name,
    rname: r.name,
    serial: b.readUInt32BE(o),
    refresh: b.readUInt32BE(o + 4),
    retry: b.readUInt32BE(o + 8),
    expire: b.readUInt32BE(o + 12),
    minimum: b.readUInt32BE(o + 16),
  };
}

/** Structured rdata of a wire RR of a type we handle, else undefined. */
export function decodeRdata(rr: WireRR): Rdata | undefined {
  const t = typeName(rr.type);
  if (!t || t === 'SOA') return undefined;
  return rdataFromWire(t, rr.msg, rr.rdOff, rr.rdLen);
}

/** Canonical presentation data of a wire RR of one of our types, else undefined. */
export function presentRdata(rr: WireRR): string | undefined {
  const r = decodeRdata(rr);
  return r ? formatRdata(r) : undefined;
}

// ---------------------------------------------------------------- TSIG (RFC 8945)

const ALG = 'hmac-sha256.';

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

function tsigVariables(key: TsigKey, timeSigned: number, fudge: number, error: number, other: Buffer): Buffer {
  const f = Buffer.alloc(6);
  f.writeUInt16BE(CLASS_ANY, 0);
  f.writeUInt32BE(0, 2);
  const tail = Buffer.alloc(6);
  tail.writeUInt16BE(fudge, 0);
  tail.writeUInt16BE(error, 2);
  tail.writeUInt16BE(other.length, 4);
  return Buffer.concat([encodeName(keyName(key)), f, encodeName(ALG), u48(timeSigned), tail, other]);
}

function keyName(key: TsigKey): string {
  const n = key.name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

function withMacPrefix(mac: Buffer | undefined): Buffer {
  if (!mac) return Buffer.alloc(0);
  const l = Buffer.alloc(2);
  l.writeUInt16BE(mac.length);
  return Buffer.concat([l, mac]);
}

/**
 * Sign `msg` (a complete unsigned message) with TSIG: appends the TSIG RR and bumps ARCOUNT.
 * @param now seconds since the epoch (injected for tests)
 * @returns the signed message and its MAC (needed to verify the response)
 */
export function tsigSign(msg: Buffer, key: TsigKey, now: number, fudge = 300): { signed: Buffer; mac: Buffer } {
  const vars = tsigVariables(key, now, fudge, 0, Buffer.alloc(0));
  const mac = createHmac('sha256', Buffer.from(key.secret, 'base64')).update(msg).update(vars).digest();
  const id = msg.readUInt16BE(0);
  const rd = Buffer.alloc(8);
  rd.writeUInt16BE(fudge, 0);
  rd.writeUInt16BE(mac.length, 2);
  const trailer = Buffer.alloc(6);
  trailer.writeUInt16BE(id, 0);
  trailer.writeUInt16BE(0, 2);
  trailer.writeUInt16BE(0, 4);
  const rdata = Buffer.concat([encodeName(ALG), u48(now), rd.subarray(0, 4), mac, trailer]);
  const tsig = rrWire(keyName(key), TYPE_TSIG, CLASS_ANY, 0, rdata);
  const signed = Buffer.concat([msg, tsig]);
  signed.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return { signed, mac };
}

interface ParsedTsig {
  alg: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  origId: number;
  error: number;
  other: Buffer;
  /** offset of the TSIG RR in the message */
  start: number;
}

function parseTsig(msg: Buffer, m: Message): ParsedTsig | undefined {
  const last = m.ar.at(-1);
  if (!last || last.type !== TYPE_TSIG) return undefined;
  // find the start of the TSIG RR: re-walk names is costly; locate by scanning back from rdata
  const alg = decodeName(msg, last.rdOff);
  let o = alg.next;
  const timeSigned = msg.readUIntBE(o, 6);
  const fudge = msg.readUInt16BE(o + 6);
  const macLen = msg.readUInt16BE(o + 8);
  o += 10;
  const mac = msg.subarray(o, o + macLen);
  o += macLen;
  const origId = msg.readUInt16BE(o);
  const error = msg.readUInt16BE(o + 2);
  const otherLen = msg.readUInt16BE(o + 4);
  const other = msg.subarray(o + 6, o + 6 + otherLen);
  const nameLen = encodeName(last.name).length; // TSIG owner is never compressed (RFC 8945 §4.2)
  const start = last.rdOff - 10 - nameLen;
  return { alg: alg.name, timeSigned, fudge, mac, origId, error, other, start };
}

/**
 * Stateful verifier for the response(s) to one signed request (RFC 8945 §5.3, §5.3.1 for
 * multi-message TCP answers such as AXFR: unsigned messages are folded into the next digest).
 */
export class TsigVerifier {
  private prevMac: Buffer;
  private pending: Buffer[] = [];
  private first = true;
  private readonly key: TsigKey;
  private readonly now: () => number;
  constructor(key: TsigKey, requestMac: Buffer, now: () => number) {
    this.key = key;
    this.prevMac = requestMac;
    this.now = now;
  }
  /**
   * Verify one response message; returns an error string or undefined when valid (or acceptably
   * unsigned inside a multi-message answer).
   */
  verify(msg: Buffer, m: Message): string | undefined {
    const t = parseTsig(msg, m);
    if (!t) {
      if (this.first) return 'response is not TSIG-signed';
      this.pending.push(msg);
      if (this.pending.length > 99) return 'more than 99 unsigned messages in a row (RFC 8945 §5.3.1)';
      return undefined;
    }
    if (t.error !== 0) return `TSIG error ${rcodeName(t.error)}`;
    if (t.alg !== ALG) return `unexpected TSIG algorithm ${t.alg}`;
    const unsigned = Buffer.from(msg.subarray(0, t.start));
    unsigned.writeUInt16BE(t.origId, 0);
    unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
    const h = createHmac('sha256', Buffer.from(this.key.secret, 'base64')).update(withMacPrefix(this.prevMac));
    for (const p of this.pending) h.update(p);
    h.update(unsigned);
    if (this.first) h.update(tsigVariables(this.key, t.timeSigned, t.fudge, t.error, t.other));
    else {
      const tf = Buffer.alloc(2);
      tf.writeUInt16BE(t.fudge);
      h.update(Buffer.concat([u48(t.timeSigned), tf]));
    }
    const mac = h.digest();
    if (mac.length !== t.mac.length || !timingSafeEqual(mac, t.mac)) return 'TSIG MAC does not verify';
    if (Math.abs(this.now() - t.timeSigned) > t.fudge) return 'TSIG time outside the fudge window';
    this.prevMac = Buffer.from(t.mac);
    this.pending = [];
    this.first = false;
    return undefined;
  }
}
