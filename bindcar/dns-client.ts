/**
 * Effects: talk DNS to the local named over UDP (SOA checks) and TCP (UPDATE, AXFR, IXFR).
 * Every call is bounded by a timeout; connection failures become `NamedUnavailableError` (→ 503),
 * timeouts `NamedTimeoutError` (→ 504).
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import {
  buildQuery,
  buildUpdate,
  decodeMessage,
  decodeSoa,
  rcodeName,
  soaRR,
  tsigSign,
  TsigVerifier,
  TYPE_AXFR,
  TYPE_IXFR,
  TYPE_SOA,
  type Message,
  type SoaData,
  type TsigKey,
} from './dns-wire.js';
import { addressFamily } from '../dns/address.js';
import { keptAlive, lengthPrefixed, type KeptAliveErrors } from './kept-alive.js';
import { NamedTimeoutError, NamedUnavailableError } from './errors.js';
import { serialGt } from './zone-state.js';

export interface DnsTarget {
  host: string;
  port: number;
}

export type SoaAnswer = { served: true; soa: SoaData; ttl: number } | { served: false; rcode: string };

/** What bindcar needs from DNS; a port so the zone service can be tested without named. */
export interface DnsClient {
  /** One SOA query for `zone` (UDP, TCP on truncation). served=false when named is not authoritative. */
  soa(zone: string, timeoutMs?: number): Promise<SoaAnswer>;
  /**
   * Send signed UPDATE messages (already-encoded update RRs, one array per message) in order; `prerequisites`
   * (encoded prerequisite RRs, dns-wire.ts) go with the first message.
   */
  update(
    zone: string,
    messages: readonly Buffer[][],
    timeoutMs?: number,
    prerequisites?: readonly Buffer[],
  ): Promise<void>;
  /** AXFR (fromSerial undefined) or IXFR from `fromSerial`: all answer RRs of all messages. */
  transfer(zone: string, fromSerial?: number, timeoutMs?: number): Promise<Message[]>;
  /** One query for `name`/`type` (UDP, TCP on truncation): the whole answer message. */
  query(name: string, type: number, timeoutMs?: number): Promise<Message>;
}

/** Thrown when named answers an UPDATE with a non-NOERROR rcode. */
/** SERVFAIL to a zone transfer: retried by `transfer`. */
class TransferServfail extends Error {}
const RCODE_SERVFAIL = 2;
/** Waits before each retry of a transfer named answered SERVFAIL (ms): about 1.5 s in all. */
const TRANSFER_RETRIES = [25, 50, 100, 200, 400, 800];

export class UpdateRejectedError extends Error {
  readonly rcode: string;
  constructor(zone: string, rcode: string) {
    super(`named answered ${rcode} to the UPDATE for ${zone}`);
    this.name = 'UpdateRejectedError';
    this.rcode = rcode;
  }
}

function connErr(e: NodeJS.ErrnoException, what: string): Error {
  return new NamedUnavailableError(`named unreachable for ${what}: ${e.code ?? e.message}`, { cause: e });
}

/** A message as DNS over TCP sends it: after its two-octet length (RFC 1035 §4.2.2). */
function tcpFramed(msg: Buffer): Buffer {
  const l = Buffer.alloc(2);
  l.writeUInt16BE(msg.length);
  return Buffer.concat([l, msg]);
}

const DNS_ERRORS: KeptAliveErrors = {
  unreachable: (what, e) => connErr(e, what),
  closed: (what) => new NamedUnavailableError(`named closed the connection during ${what}`),
  timeout: (what, ms) => new NamedTimeoutError(`named did not answer ${what} within ${ms} ms`),
};

async function udpQuery(target: DnsTarget, msg: Buffer, timeoutMs: number, what: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const sock = createSocket(addressFamily(target.host) === 6 ? 'udp6' : 'udp4');
    const id = msg.readUInt16BE(0);
    let done = false;
    const finish = (err: Error | undefined, res?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(retry);
      sock.close();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(
      () => finish(new NamedTimeoutError(`named did not answer ${what} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    // one resend in case the datagram was lost
    const retry = setInterval(() => sock.send(msg, target.port, target.host), Math.max(50, Math.floor(timeoutMs / 3)));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(connErr(e, what)));
    sock.on('message', (m: Buffer) => {
      if (m.length >= 2 && m.readUInt16BE(0) === id) finish(undefined, m);
    });
    sock.send(msg, target.port, target.host, (e) => {
      if (e) finish(connErr(e, what));
    });
  });
}

/**
 * The real DNS client.
 * @param key TSIG key for UPDATE and zone transfers
 * @param now epoch seconds (injectable)
 * @param onConnect called for each TCP connection opened to named (metrics; tests see the reuse)
 */
export function createDnsClient(
  target: DnsTarget,
  key: TsigKey,
  opts: { timeoutMs?: number; now?: () => number; onConnect?: () => void } = {},
): DnsClient {
  const defaultTimeout = opts.timeoutMs ?? 5000;
  const pool = keptAlive({
    ...target,
    frame: lengthPrefixed(2),
    errors: DNS_ERRORS,
    ...(opts.onConnect ? { onConnect: opts.onConnect } : {}),
  });
  /** One TCP exchange on a kept-alive connection (bindcar/kept-alive.ts). */
  const tcpExchange = (
    requests: readonly Buffer[],
    onMessage: (msg: Buffer, index: number) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<void> => pool.exchange(what, timeoutMs, () => requests.map(tcpFramed), onMessage);
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));

  const query = async (name: string, type: number, timeoutMs = defaultTimeout): Promise<Message> => {
    const q = buildQuery(randomInt(0, 65536), name.endsWith('.') ? name : `${name}.`, type);
    const what = `${type === TYPE_SOA ? 'SOA' : `type ${type}`} ${name}`;
    const m = decodeMessage(await udpQuery(target, q, timeoutMs, what));
    if (!(m.flags & 0x0200)) return m;
    // truncated (RFC 1035 §4.2.1): the same question over TCP
    let tcp: Buffer | undefined;
    await tcpExchange([q], (msg) => ((tcp = Buffer.from(msg)), true), timeoutMs, what);
    return decodeMessage(tcp!);
  };

  const soa = async (zone: string, timeoutMs = defaultTimeout): Promise<SoaAnswer> => {
    const m = await query(zone, TYPE_SOA, timeoutMs);
    const aa = (m.flags & 0x0400) !== 0;
    const rr = m.an.find((r) => r.type === TYPE_SOA && r.name === `${zone}.`);
    if (m.rcode !== 0 || !aa || !rr) return { served: false, rcode: rcodeName(m.rcode) };
    return { served: true, soa: decodeSoa(rr), ttl: rr.ttl };
  };

  const update = async (
    zone: string,
    messages: readonly Buffer[][],
    timeoutMs = defaultTimeout,
    prerequisites: readonly Buffer[] = [],
  ): Promise<void> => {
    if (messages.length === 0) return;
    // One after another: each message is atomic in named and the serial advances per message.
    const signed = messages.map((updates, i) => {
      const id = randomInt(0, 65536);
      const s = tsigSign(buildUpdate(id, zone, updates, i === 0 ? prerequisites : []), key, now());
      return { id, ...s };
    });
    let i = 0;
    await new Promise<void>((resolve, reject) => {
      const next = (): void => {
        const cur = signed[i]!;
        tcpExchange(
          [cur.signed],
          (msg) => {
            const m = decodeMessage(msg);
            if (m.id !== cur.id) return false;
            const v = new TsigVerifier(key, cur.mac, now).verify(msg, m);
            if (m.rcode !== 0) throw new UpdateRejectedError(zone, rcodeName(m.rcode));
            if (v) throw new NamedUnavailableError(`UPDATE response for ${zone} failed TSIG verification: ${v}`);
            return true;
          },
          timeoutMs,
          `UPDATE ${zone}`,
        ).then(() => {
          i++;
          if (i < signed.length) next();
          else resolve();
        }, reject);
      };
      next();
    });
  };

  /**
   * A zone transfer, retried when named answers SERVFAIL: it does so while its `transfers-out` quota (BIND 9 ARM,
   * default 10, shared with the secondaries' transfers) is full — 20 PUTs to different zones at once each read their
   * zone back, and a busy machine lets them overlap. Still SERVFAIL after the retries: 503.
   */
  const transfer = async (zone: string, fromSerial?: number, timeoutMs = defaultTimeout): Promise<Message[]> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await transferOnce(zone, fromSerial, timeoutMs);
      } catch (e) {
        if (!(e instanceof TransferServfail)) throw e;
        if (attempt >= TRANSFER_RETRIES.length)
          throw new NamedUnavailableError(
            `named answered SERVFAIL to the zone transfer of ${zone} ${attempt + 1} times (its transfers-out quota is full, or the zone is not loaded)`,
          );
        await new Promise((r) => setTimeout(r, TRANSFER_RETRIES[attempt]));
      }
    }
  };

  const transferOnce = async (zone: string, fromSerial: number | undefined, timeoutMs: number): Promise<Message[]> => {
    const id = randomInt(0, 65536);
    const auth =
      fromSerial === undefined
        ? []
        : [soaRR(zone, 0, { mname: '.', rname: '.', serial: fromSerial, refresh: 0, retry: 0, expire: 0, minimum: 0 })];
    const q = buildQuery(id, `${zone}.`, fromSerial === undefined ? TYPE_AXFR : TYPE_IXFR, auth);
    const { signed, mac } = tsigSign(q, key, now());
    const verifier = new TsigVerifier(key, mac, now);
    const out: Message[] = [];
    let firstSerial = -1;
    let closing = 2; // occurrences of the first SOA that end the answer (3 for incremental IXFR)
    let seen = 0;
    let rrIndex = 0;
    await tcpExchange(
      [signed],
      (msg) => {
        const m = decodeMessage(msg);
        if (m.id !== id) return false;
        if (m.rcode === RCODE_SERVFAIL) throw new TransferServfail();
        if (m.rcode !== 0) throw new UpdateRejectedError(zone, `${rcodeName(m.rcode)} (zone transfer)`);
        const v = verifier.verify(msg, m);
        if (v) throw new NamedUnavailableError(`zone transfer of ${zone} failed TSIG verification: ${v}`);
        out.push(m);
        // RFC 5936 §2.2 and RFC 1995 §4: the answer opens and closes with the current SOA; an
        // incremental IXFR also carries it as the last difference's "added" SOA.
        for (const rr of m.an) {
          if (rrIndex === 1 && fromSerial !== undefined && rr.type === TYPE_SOA) closing = 3;
          if (rr.type === TYPE_SOA) {
            const serial = decodeSoa(rr).serial;
            if (rrIndex === 0) firstSerial = serial;
            if (serial === firstSerial) seen++;
          }
          rrIndex++;
          if (seen >= closing) return true;
        }
        // IXFR answered with the single current SOA: already up to date.
        if (fromSerial !== undefined && rrIndex === 1 && !serialGt(firstSerial, fromSerial)) return true;
        return false;
      },
      timeoutMs,
      `${fromSerial === undefined ? 'AXFR' : 'IXFR'} ${zone}`,
    );
    return out;
  };

  return { soa, update, transfer, query };
}
