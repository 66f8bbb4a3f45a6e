/**
 * Kept-alive TCP connections to named, for both stream protocols bindcar speaks to it: DNS over TCP (UPDATE and zone
 * transfers; RFC 7766 §6.2.1 lets one connection carry many) and the control channel rndc uses (commands one after
 * another on a connection, each carrying the nonce named gave it first). A connection per exchange cost a connect and
 * named's accept and close every time — ≈ 0.2 ms for DNS and ≈ 0.6 ms for the control channel with its nonce round
 * trip, on loopback, on every UPDATE, transfer and rndc command.
 *
 * One exchange at a time runs on a connection, so the answers of two never interleave; exchanges at once open more
 * connections, at most {@link MAX_IDLE} stay open, and bindcar closes one unused for {@link IDLE_MS}, well before
 * named's own idle timeout (`tcp-idle-timeout`, 30 s) could close it under a write. A kept connection named closed
 * before it answered anything is replaced and the exchange sent once more; a new connection that fails is never
 * retried (named may have acted on the request).
 */
import { Socket } from 'node:net';

/** How long a kept connection may sit unused before bindcar closes it. */
const IDLE_MS = 10_000;
/** Unused connections kept for reuse. */
const MAX_IDLE = 4;

/**
 * The framing both protocols share: each message follows its length in `octets` network-order octets (DNS over TCP:
 * 2, RFC 1035 §4.2.2; the control channel: 4, BIND lib/isccc). For {@link KeptAliveOptions.frame}.
 */
export function lengthPrefixed(octets: 2 | 4): (buf: Buffer) => { start: number; end: number } | undefined {
  return (buf) => {
    if (buf.length < octets) return undefined;
    const end = octets + (octets === 2 ? buf.readUInt16BE(0) : buf.readUInt32BE(0));
    return buf.length < end ? undefined : { start: octets, end };
  };
}

/** How the errors of one exchange read (`what` names the exchange: "UPDATE example.com", "rndc addzone"). */
export interface KeptAliveErrors {
  unreachable(what: string, e: NodeJS.ErrnoException): Error;
  closed(what: string): Error;
  timeout(what: string, ms: number): Error;
}

export interface KeptAliveOptions<S> {
  host: string;
  port: number;
  /** Where the first complete message in `buf` lies: its body is buf[start, end); undefined while incomplete. */
  frame(buf: Buffer): { start: number; end: number } | undefined;
  /** A new connection's first exchange (the control channel's nonce); what it returns is the connection's state. */
  greet?(exchange: Exchange): Promise<S>;
  errors: KeptAliveErrors;
  /** Called for each connection opened (metrics; tests see the reuse). */
  onConnect?(): void;
}

/**
 * Send `requests` (each already framed) and feed each answer's body to `onMessage` until it returns true for the
 * last one expected; `onMessage` may throw to end the exchange with that error.
 */
export type Exchange = (
  requests: readonly Buffer[],
  onMessage: (msg: Buffer, index: number) => boolean,
) => Promise<void>;

interface Conn<S> {
  sock: Socket;
  buf: Buffer;
  state?: S;
  /** the exchange running on it */
  current?: { bytes(): void; message(msg: Buffer): void; lost(e: Error): void };
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

/** A pool of kept-alive connections to one named endpoint. */
export function keptAlive<S = undefined>(
  opts: KeptAliveOptions<S>,
): {
  exchange(
    what: string,
    timeoutMs: number,
    requests: (state: S) => readonly Buffer[],
    onMessage: (msg: Buffer, index: number) => boolean,
  ): Promise<void>;
} {
  const idle: Conn<S>[] = [];
  const drop = (c: Conn<S>, e: Error): void => {
    if (!c.dead) {
      c.dead = true;
      clearTimeout(c.idleTimer);
      c.sock.destroy();
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
    }
    const cur = c.current;
    c.current = undefined;
    cur?.lost(e);
  };
  const release = (c: Conn<S>): void => {
    c.current = undefined;
    if (c.dead) return;
    if (c.buf.length || idle.length >= MAX_IDLE) return drop(c, new Error('not kept'));
    c.sock.unref();
    c.idleTimer = setTimeout(() => drop(c, new Error('idle')), IDLE_MS).unref();
    idle.push(c);
  };

  /**
   * One exchange on `c`, bounded by `timeoutMs`; `onBytes` hears of each byte of an answer, `onLost` of the
   * connection failing under the exchange (not of a timeout or an answer `onMessage` refused). Done, the connection
   * goes back to the pool, except after a greeting (`hold`): the exchange it was opened for runs on it next.
   */
  const run = (
    c: Conn<S>,
    what: string,
    timeoutMs: number,
    requests: readonly Buffer[],
    onMessage: (msg: Buffer, index: number) => boolean,
    { onBytes, onLost, hold = false }: { onBytes?: () => void; onLost?: () => void; hold?: boolean } = {},
  ): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let count = 0;
      let done = false;
      const finish = (err?: Error, keep = false): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const ours = c.current;
        c.current = undefined;
        if (keep) {
          if (!hold) release(c);
        } else if (ours) drop(c, err ?? new Error('exchange over'));
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => finish(opts.errors.timeout(what, timeoutMs)), timeoutMs);
      c.current = {
        bytes: () => onBytes?.(),
        message: (msg) => {
          try {
            if (onMessage(msg, count++)) finish(undefined, true);
          } catch (e) {
            finish(e as Error);
          }
        },
        lost: (e) => {
          onLost?.();
          finish(e);
        },
      };
      for (const r of requests) c.sock.write(r);
    });

  const open = async (what: string, timeoutMs: number): Promise<Conn<S>> => {
    const c = await new Promise<Conn<S>>((resolve, reject) => {
      const conn: Conn<S> = { sock: new Socket(), buf: Buffer.alloc(0), dead: false };
      opts.onConnect?.();
      conn.sock.setNoDelay(true);
      conn.sock.on('error', (e: NodeJS.ErrnoException) => {
        drop(conn, opts.errors.unreachable(what, e));
        reject(opts.errors.unreachable(what, e));
      });
      conn.sock.on('close', () => drop(conn, opts.errors.closed(what)));
      conn.sock.on('data', (d: Buffer) => {
        conn.buf = conn.buf.length ? Buffer.concat([conn.buf, d]) : d;
        // bytes no exchange asked for: nothing on this connection can be trusted any more
        if (!conn.current) return drop(conn, opts.errors.closed(what));
        conn.current.bytes();
        for (let f = opts.frame(conn.buf); conn.current && f; f = opts.frame(conn.buf)) {
          const msg = conn.buf.subarray(f.start, f.end);
          conn.buf = conn.buf.subarray(f.end);
          conn.current.message(msg);
        }
      });
      conn.sock.connect(opts.port, opts.host, () => resolve(conn));
    });
    if (opts.greet)
      c.state = await opts.greet((requests, onMessage) => run(c, what, timeoutMs, requests, onMessage, { hold: true }));
    return c;
  };

  return {
    async exchange(what, timeoutMs, requests, onMessage) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const kept = idle.pop();
        if (kept) {
          clearTimeout(kept.idleTimer);
          kept.sock.ref();
        }
        const c = kept ?? (await open(what, timeoutMs));
        let answered = false;
        let lost = false;
        try {
          await run(c, what, Math.max(1, deadline - Date.now()), requests(c.state as S), onMessage, {
            onBytes: () => (answered = true),
            onLost: () => (lost = true),
          });
          return;
        } catch (e) {
          // named closed a kept connection before answering (its idle timeout): nothing reached it, send again
          if (kept && lost && !answered && Date.now() < deadline) continue;
          throw e;
        }
      }
    },
  };
}
