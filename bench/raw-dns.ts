/**
 * The physical baseline for a change: what any long-running process can do against named with one TSIG-signed
 * RFC 2136 UPDATE over a TCP connection it keeps open. Written for the bench only and on purpose independent of
 * bindcar's dns-wire.ts / dns-client.ts (it is what they are measured against): its own message encoder (A records,
 * no name compression), its own RFC 8945 HMAC-SHA256 signing and verification of the answer.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { Socket } from 'node:net';

/** Uncompressed wire form of an absolute or relative name (lower case: TSIG wants canonical names). */
function nameWire(name: string): Buffer {
  const labels = name.replace(/\.$/, '').toLowerCase().split('.').filter(Boolean);
  const parts: Buffer[] = [];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const u48 = (n: number) => {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
};
const CLASS_IN = 1;
const CLASS_ANY = 255;
const TYPE_A = 1;
const TYPE_SOA = 6;
const TYPE_TSIG = 250;
const ALG = nameWire('hmac-sha256');

function rr(name: string, type: number, cls: number, ttl: number, rdata: Buffer): Buffer {
  return Buffer.concat([nameWire(name), u16(type), u16(cls), u32(ttl), u16(rdata.length), rdata]);
}

/** One change of the update section. */
export type RawChange =
  | { op: 'replaceA'; name: string; ttl: number; address: string }
  | { op: 'deleteA'; name: string }
  | { op: 'addA'; name: string; ttl: number; address: string };

function changeWire(c: RawChange): Buffer[] {
  const a = (ip: string) => Buffer.from(ip.split('.').map(Number));
  if (c.op === 'deleteA') return [rr(c.name, TYPE_A, CLASS_ANY, 0, Buffer.alloc(0))];
  if (c.op === 'addA') return [rr(c.name, TYPE_A, CLASS_IN, c.ttl, a(c.address))];
  return [rr(c.name, TYPE_A, CLASS_ANY, 0, Buffer.alloc(0)), rr(c.name, TYPE_A, CLASS_IN, c.ttl, a(c.address))];
}

export interface RawKey {
  name: string;
  /** base64 */
  secret: string;
}

/** A kept-alive TCP connection to named that sends signed UPDATEs, one at a time. */
export class RawUpdater {
  private sock?: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting?: { id: number; mac: Buffer; resolve: (rcode: number) => void; reject: (e: Error) => void };
  private readonly secret: Buffer;
  private readonly port: number;
  private readonly key: RawKey;
  private readonly host: string;

  constructor(port: number, key: RawKey, host = '127.0.0.1') {
    this.port = port;
    this.key = key;
    this.host = host;
    this.secret = Buffer.from(key.secret, 'base64');
  }

  private connect(): Promise<Socket> {
    if (this.sock && !this.sock.destroyed) return Promise.resolve(this.sock);
    return new Promise((resolve, reject) => {
      const s = new Socket();
      s.setNoDelay(true);
      s.once('error', reject);
      s.on('data', (d: Buffer) => this.onData(d));
      s.on('close', () => {
        this.waiting?.reject(new Error('named closed the connection'));
        this.waiting = undefined;
      });
      s.connect(this.port, this.host, () => {
        s.off('error', reject);
        s.on('error', () => undefined);
        this.sock = s;
        this.buf = Buffer.alloc(0);
        resolve(s);
      });
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 2 && this.buf.length >= 2 + this.buf.readUInt16BE(0)) {
      const msg = this.buf.subarray(2, 2 + this.buf.readUInt16BE(0));
      this.buf = this.buf.subarray(2 + msg.length);
      const w = this.waiting;
      if (!w || msg.readUInt16BE(0) !== w.id) continue;
      this.waiting = undefined;
      const err = this.verify(msg, w.mac);
      if (err) w.reject(new Error(err));
      else w.resolve(msg.readUInt16BE(2) & 15);
    }
  }

  /** Sign `msg` (header + sections, ARCOUNT 0) with the key: the message with its TSIG RR, and the MAC. */
  private sign(msg: Buffer, id: number): { wire: Buffer; mac: Buffer } {
    const now = Math.floor(Date.now() / 1000);
    const vars = Buffer.concat([
      nameWire(this.key.name),
      u16(CLASS_ANY),
      u32(0),
      ALG,
      u48(now),
      u16(300),
      u16(0),
      u16(0),
    ]);
    const mac = createHmac('sha256', this.secret).update(msg).update(vars).digest();
    const rdata = Buffer.concat([ALG, u48(now), u16(300), u16(mac.length), mac, u16(id), u16(0), u16(0)]);
    const wire = Buffer.concat([msg, rr(this.key.name, TYPE_TSIG, CLASS_ANY, 0, rdata)]);
    wire.writeUInt16BE(1, 10); // ARCOUNT
    return { wire, mac };
  }

  /** RFC 8945 §5.3: the answer's MAC covers the request MAC, the answer without its TSIG RR and the TSIG variables. */
  private verify(msg: Buffer, requestMac: Buffer): string | undefined {
    const arcount = msg.readUInt16BE(10);
    if (arcount < 1) return 'answer is not signed';
    // the TSIG RR is the last one; find it by scanning from the known shape of its owner (the key name)
    const owner = nameWire(this.key.name);
    const at = msg.lastIndexOf(Buffer.concat([owner, u16(TYPE_TSIG)]));
    if (at < 12) return 'answer has no TSIG RR';
    let o = at + owner.length + 2 + 2 + 4;
    const rdlen = msg.readUInt16BE(o);
    o += 2;
    const rdata = msg.subarray(o, o + rdlen);
    if (!rdata.subarray(0, ALG.length).equals(ALG)) return 'answer TSIG has another algorithm';
    let p = ALG.length;
    const timeSigned = rdata.subarray(p, p + 6);
    const fudge = rdata.subarray(p + 6, p + 8);
    p += 8;
    const macLen = rdata.readUInt16BE(p);
    const mac = rdata.subarray(p + 2, p + 2 + macLen);
    p += 2 + macLen + 2; // original id
    const error = rdata.subarray(p, p + 2);
    const otherLen = rdata.readUInt16BE(p + 2);
    const other = rdata.subarray(p + 4, p + 4 + otherLen);
    const head = Buffer.from(msg.subarray(0, at));
    head.writeUInt16BE(arcount - 1, 10);
    const want = createHmac('sha256', this.secret)
      .update(u16(requestMac.length))
      .update(requestMac)
      .update(head)
      .update(Buffer.concat([owner, u16(CLASS_ANY), u32(0), ALG, timeSigned, fudge, error, u16(otherLen), other]))
      .digest();
    return want.length === mac.length && timingSafeEqual(want, mac) ? undefined : 'answer TSIG does not verify';
  }

  /** Send one UPDATE for `zone` and resolve with named's rcode (0 = NOERROR). */
  async update(zone: string, changes: readonly RawChange[], timeoutMs = 5000): Promise<number> {
    const sock = await this.connect();
    const id = randomInt(0, 65536);
    const body = Buffer.concat([
      u16(id),
      u16(5 << 11), // opcode UPDATE
      u16(1),
      u16(0),
      u16(changes.reduce((n, c) => n + (c.op === 'replaceA' ? 2 : 1), 0)),
      u16(0),
      nameWire(zone),
      u16(TYPE_SOA),
      u16(CLASS_IN),
      ...changes.flatMap(changeWire),
    ]);
    const { wire, mac } = this.sign(body, id);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to the UPDATE of ${zone}`)), timeoutMs);
      this.waiting = {
        id,
        mac,
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      sock.write(Buffer.concat([u16(wire.length), wire]));
    });
  }

  close(): void {
    this.sock?.destroy();
  }
}
