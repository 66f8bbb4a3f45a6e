/**
 * The physical baseline for zone creation: named's control channel (the protocol rndc speaks, BIND lib/isccc) over
 * one TCP connection kept open for every command, so a command costs what named spends on it plus one round trip.
 * Written for the bench only and independent of bindcar/rndc-native.ts (which it is measured against, and which
 * opens a connection per command).
 *
 * Message: u32 length, u32 version 1, then a table (key length, key, value type, u32 value length, value): `_auth`
 * (hsha = 163 + base64 HMAC-SHA256 padded to 88 octets over everything after `_auth`), `_ctrl` (serial, times, the
 * server's nonce after the first exchange) and `_data` (`type` = the command line).
 */
import { createHmac, randomInt } from 'node:crypto';
import { Socket } from 'node:net';

type V = Buffer | { [k: string]: V };

function enc(t: { [k: string]: V }): Buffer {
  const out: Buffer[] = [];
  for (const [k, v] of Object.entries(t)) {
    const val = Buffer.isBuffer(v) ? v : enc(v);
    const h = Buffer.alloc(1 + k.length + 5);
    h[0] = k.length;
    h.write(k, 1, 'ascii');
    h[1 + k.length] = Buffer.isBuffer(v) ? 1 : 2;
    h.writeUInt32BE(val.length, 2 + k.length);
    out.push(h, val);
  }
  return Buffer.concat(out);
}

function dec(b: Buffer): { [k: string]: V } {
  const t: { [k: string]: V } = {};
  for (let o = 0; o < b.length;) {
    const kl = b[o]!;
    const k = b.toString('ascii', o + 1, o + 1 + kl);
    const type = b[o + 1 + kl]!;
    const len = b.readUInt32BE(o + 2 + kl);
    const v = b.subarray(o + 6 + kl, o + 6 + kl + len);
    t[k] = type === 2 ? dec(v) : Buffer.from(v); // lists (type 3) do not occur in the answers read here
    o += 6 + kl + len;
  }
  return t;
}

/** A kept-alive control-channel connection; commands run one after another. */
export class RawControl {
  private sock?: Socket;
  private nonce?: Buffer;
  private buf: Buffer = Buffer.alloc(0);
  private waiting?: { resolve: (t: { [k: string]: V }) => void; reject: (e: Error) => void };
  private readonly secret: Buffer;
  private ser = randomInt(1, 2 ** 30);
  private readonly port: number;
  private readonly host: string;

  constructor(port: number, secretB64: string, host = '127.0.0.1') {
    this.port = port;
    this.host = host;
    this.secret = Buffer.from(secretB64, 'base64');
  }

  private message(command: string): Buffer {
    const now = Math.floor(Date.now() / 1000);
    const ctrl: { [k: string]: V } = {
      _ser: Buffer.from(String(this.ser++)),
      _tim: Buffer.from(String(now)),
      _exp: Buffer.from(String(now + 60)),
    };
    if (this.nonce) ctrl['_nonce'] = this.nonce;
    const signed = enc({ _ctrl: ctrl, _data: { type: Buffer.from(command) } });
    const hsha = Buffer.alloc(89);
    hsha[0] = 163;
    hsha.write(createHmac('sha256', this.secret).update(signed).digest('base64'), 1, 'ascii');
    const body = Buffer.concat([Buffer.from([0, 0, 0, 1]), enc({ _auth: { hsha } }), signed]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    return Buffer.concat([len, body]);
  }

  private exchange(command: string): Promise<{ [k: string]: V }> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.sock!.write(this.message(command));
    });
  }

  private async open(): Promise<void> {
    if (this.sock && !this.sock.destroyed) return;
    this.nonce = undefined;
    await new Promise<void>((resolve, reject) => {
      const s = new Socket();
      s.setNoDelay(true);
      s.once('error', reject);
      s.on('data', (d: Buffer) => {
        this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
        while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readUInt32BE(0)) {
          const msg = this.buf.subarray(8, 4 + this.buf.readUInt32BE(0)); // skip length + version
          this.buf = this.buf.subarray(4 + this.buf.readUInt32BE(0));
          const w = this.waiting;
          this.waiting = undefined;
          w?.resolve(dec(msg));
        }
      });
      s.on('close', () => {
        this.waiting?.reject(new Error('named closed the control channel'));
        this.waiting = undefined;
      });
      s.connect(this.port, this.host, () => {
        s.off('error', reject);
        s.on('error', () => undefined);
        this.sock = s;
        this.buf = Buffer.alloc(0);
        resolve();
      });
    });
    const first = await this.exchange('null');
    this.nonce = (first['_ctrl'] as { [k: string]: V })['_nonce'] as Buffer;
  }

  /** Run one command; resolves with its text, rejects with named's error. */
  async run(command: string): Promise<string> {
    await this.open();
    const t = await this.exchange(command);
    const data = (t['_data'] ?? {}) as { [k: string]: V };
    const result = (data['result'] as Buffer | undefined)?.toString() ?? '0';
    if (result !== '0') throw new Error(`${command.split(' ')[0]}: ${(data['err'] as Buffer | undefined)?.toString()}`);
    return (data['text'] as Buffer | undefined)?.toString() ?? '';
  }

  close(): void {
    this.sock?.destroy();
  }
}
