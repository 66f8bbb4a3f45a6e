/**
 * A native rndc client: the ISCCC control-channel protocol spoken directly over TCP, saving the
 * process spawn and config parsing of `rndc` on every command (measured here at
 * ~10 ms per invocation). Same `Rndc` port and error mapping as `rndc.ts`.
 *
 * Wire format (BIND lib/isccc/cc.c): a 4-octet length, version 1, then a table of
 * `key-length key type value-length value` entries; values are binary (1), table (2) or list (3).
 * The `_auth` table carries `hsha` = algorithm octet + base64 HMAC, zero-padded to 88 octets, over
 * everything after `_auth`. A `null` command first fetches the server nonce, which every later
 * message on the connection must carry in `_ctrl._nonce`; connections are kept alive and reused. Only hmac-sha256 is
 * supported.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { NamedTimeoutError, NamedUnavailableError } from './errors.js';
import { keptAlive, lengthPrefixed, type KeptAliveErrors } from './kept-alive.js';
import { RndcError, type Rndc } from './rndc.js';

const T_BINARY = 1;
const T_TABLE = 2;
const T_LIST = 3;
/** ISCCC_ALG_HMACSHA256 */
const ALG_HMACSHA256 = 163;
const HSHA_LENGTH = 88;

type Value = string | Buffer | Table | Value[];
interface Table {
  [key: string]: Value;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function valueToWire(v: Value): Buffer {
  if (typeof v === 'string' || Buffer.isBuffer(v)) {
    const d = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    return Buffer.concat([Buffer.from([T_BINARY]), u32(d.length), d]);
  }
  if (Array.isArray(v)) {
    const d = Buffer.concat(v.map(valueToWire));
    return Buffer.concat([Buffer.from([T_LIST]), u32(d.length), d]);
  }
  const d = tableToWire(v);
  return Buffer.concat([Buffer.from([T_TABLE]), u32(d.length), d]);
}

function tableToWire(t: Table): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(t)) {
    const kb = Buffer.from(k, 'ascii');
    parts.push(Buffer.from([kb.length]), kb, valueToWire(v));
  }
  return Buffer.concat(parts);
}

function tableFromWire(b: Buffer): Table {
  const t: Table = {};
  let o = 0;
  while (o < b.length) {
    const kl = b[o]!;
    const k = b.subarray(o + 1, o + 1 + kl).toString('ascii');
    o += 1 + kl;
    const [v, next] = valueFromWire(b, o);
    t[k] = v;
    o = next;
  }
  return t;
}

function valueFromWire(b: Buffer, o: number): [Value, number] {
  if (o + 5 > b.length) throw new Error('truncated control message');
  const type = b[o]!;
  const len = b.readUInt32BE(o + 1);
  const start = o + 5;
  const end = start + len;
  if (end > b.length) throw new Error('truncated control message value');
  const d = b.subarray(start, end);
  if (type === T_BINARY) return [Buffer.from(d), end];
  if (type === T_TABLE) return [tableFromWire(d), end];
  if (type === T_LIST) {
    const items: Value[] = [];
    for (let p = 0; p < d.length;) {
      const [v, n] = valueFromWire(d, p);
      items.push(v);
      p = n;
    }
    return [items, end];
  }
  throw new Error(`unknown control message value type ${type}`);
}

function hmacB64(secret: Buffer, data: Buffer): Buffer {
  const out = Buffer.alloc(HSHA_LENGTH);
  Buffer.from(createHmac('sha256', secret).update(data).digest('base64'), 'ascii').copy(out);
  return out;
}

/**
 * Encode a signed control message (`_ctrl`, `_data`), including the 4-octet length prefix.
 * Exported for tests.
 */
export function encodeControlMessage(secret: Buffer, ctrl: Table, data: Table): Buffer {
  const body = tableToWire({ _ctrl: ctrl, _data: data });
  const auth = tableToWire({ _auth: { hsha: Buffer.concat([Buffer.from([ALG_HMACSHA256]), hmacB64(secret, body)]) } });
  const msg = Buffer.concat([u32(1), auth, body]);
  return Buffer.concat([u32(msg.length), msg]);
}

/**
 * Decode a control message (without its length prefix) and verify its HMAC.
 * @returns the top-level table, or an error string
 */
export function decodeControlMessage(secret: Buffer, msg: Buffer): Table | string {
  if (msg.length < 4 || msg.readUInt32BE(0) !== 1) return 'unknown control message version';
  const rest = msg.subarray(4);
  // the first entry must be _auth; the HMAC covers everything after it
  const kl = rest[0] ?? 0;
  if (rest.subarray(1, 1 + kl).toString('ascii') !== '_auth') return 'control message is not signed';
  const [auth, afterAuth] = valueFromWire(rest, 1 + kl);
  const hsha = (auth as Table)['hsha'];
  if (!Buffer.isBuffer(hsha) || hsha.length !== HSHA_LENGTH + 1 || hsha[0] !== ALG_HMACSHA256)
    return 'control message has no hmac-sha256 signature';
  const want = hmacB64(secret, rest.subarray(afterAuth));
  if (!timingSafeEqual(want, hsha.subarray(1))) return 'control message signature does not verify';
  return tableFromWire(rest);
}

const str = (v: Value | undefined): string | undefined =>
  Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : undefined;

export interface NativeRndcOptions {
  host: string;
  port: number;
  /** base64 hmac-sha256 secret of the controls key */
  secret: string;
  timeoutMs?: number;
  now?: () => number;
  observe?: (command: string, seconds: number, ok: boolean) => void;
  /** called for each control-channel connection opened (tests see the reuse) */
  onConnect?: () => void;
}

const CONTROL_ERRORS: KeptAliveErrors = {
  unreachable: (_what, e) =>
    new NamedUnavailableError(`named control channel unavailable: ${e.code ?? e.message}`, { cause: e }),
  closed: () => new NamedUnavailableError('named closed the control channel'),
  timeout: (what, ms) => new NamedTimeoutError(`${what} did not finish within ${ms} ms`),
};

/**
 * Build a native rndc client: commands over kept-alive control-channel connections (bindcar/kept-alive.ts), each
 * greeted once with `null` for the nonce every later message on it carries.
 */
export function createNativeRndc(opts: NativeRndcOptions): Rndc {
  const secret = Buffer.from(opts.secret, 'base64');
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const defaultTimeout = opts.timeoutMs ?? 10000;
  let serial = randomInt(1, 2 ** 31);
  const message = (data: Table, nonce?: Value): Buffer => {
    const t = now();
    const ctrl: Table = { _ser: String(serial++), _tim: String(t), _exp: String(t + 60) };
    if (nonce !== undefined) ctrl['_nonce'] = nonce;
    return encodeControlMessage(secret, ctrl, data);
  };
  /** The verified table of one answer; a message that does not verify ends the exchange. */
  const answer = (msg: Buffer): Table => {
    const t = decodeControlMessage(secret, msg);
    if (typeof t === 'string') throw new NamedUnavailableError(`rndc: ${t}`);
    return t;
  };
  const pool = keptAlive<Value>({
    host: opts.host,
    port: opts.port,
    frame: lengthPrefixed(4),
    errors: CONTROL_ERRORS,
    ...(opts.onConnect ? { onConnect: opts.onConnect } : {}),
    async greet(exchange) {
      let nonce: Value | undefined;
      await exchange([message({ type: 'null' })], (msg) => {
        nonce = (answer(msg)['_ctrl'] as Table | undefined)?.['_nonce'];
        if (nonce === undefined) throw new NamedUnavailableError('rndc: named sent no nonce');
        return true;
      });
      return nonce!;
    },
  });
  const exchange = async (command: string, timeoutMs: number): Promise<Table> => {
    let res: Table | undefined;
    await pool.exchange(
      `rndc ${command.split(' ')[0]}`,
      timeoutMs,
      (nonce) => [message({ type: command }, nonce)],
      (msg) => ((res = answer(msg)), true),
    );
    return res!;
  };

  return {
    async run(args, timeoutMs = defaultTimeout) {
      const name = args[0] ?? '';
      const started = process.hrtime.bigint();
      let ok = false;
      try {
        const res = await exchange(args.join(' '), timeoutMs);
        const data = (res['_data'] as Table | undefined) ?? {};
        const result = str(data['result']) ?? '0';
        const text = str(data['text']) ?? '';
        if (result !== '0') {
          const err = str(data['err']) ?? `result ${result}`;
          throw new RndcError(name, 1, `rndc: '${name}' failed: ${err}${text ? `\n${text}` : ''}`.trim());
        }
        ok = true;
        return text ? `${text}\n` : '';
      } finally {
        opts.observe?.(name, Number(process.hrtime.bigint() - started) / 1e9, ok);
      }
    },
  };
}
