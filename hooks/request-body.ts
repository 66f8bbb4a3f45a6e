/**
 * Hook request bodies, parsed once. Metacontroller sends a parent nothing touched with the very bytes of last time
 * (its request is Go's encoding/json of the informers' objects, map keys sorted), and a DNSZone's request carries
 * every record of the zone: parsing the 5.8 MB of a 10,000-record zone, and collecting what it allocated, cost more
 * than the sync that followed (npm run bench, rows H-*). So a large body is kept with its parsed value, and the same
 * bytes again are answered from the kept value without a second parse. The hooks never write to a request (the
 * DNSZone contract tests post every fixture twice with the kept value frozen), so a kept value answers as a fresh
 * parse would; the hook's effects (bindcar, record status) still run, so the world is checked as before.
 *
 * Bounded by the bytes of the bodies kept (`maxBytes`; the parsed value takes a few times that in heap), least
 * recently used first; bodies under `minBytes` cost little to parse again and are never kept (they would crowd out the
 * large ones). A body is found again by its length, then compared byte for byte. When a kept body has the length a
 * request announces, its bytes are compared as they arrive ({@link jsonBody}), so the same bytes again are never
 * collected into a buffer of their own: collecting 5.8 MB (and then its garbage) was a quarter of what an untouched
 * 10,000-record zone's resync still cost (bench row H-10000: 100–106 → 75–84 ms p50 in the same minutes).
 */
import type { Request, RequestHandler } from 'express';
import express from 'express';
import { charsetRefusal, parseJsonBytes } from '../dns/json-bytes.js';
import { HttpError, badRequest } from './errors.js';

/** Bodies of at least 256 KiB are kept by default (a small zone's request parses in well under a millisecond). */
export const DEFAULT_KEPT_BODY_MIN_BYTES = 256 * 1024;
/**
 * The bodies kept by default, together: one 10,000-record zone's request (≈ 6 MB, a few times that in heap once
 * parsed), or some dozen zones of a thousand records. A periodic resync that cycles through more than that finds
 * nothing kept: the bound is for a few large zones, within the hooks' heap cap (manifests/base/hooks.yaml).
 */
export const DEFAULT_KEPT_BODY_BYTES = 8 * 1024 * 1024;

/** A body kept with its parsed value. */
export interface KeptBody {
  readonly raw: Buffer;
  readonly value: unknown;
}

export interface KeptBodies {
  /** The JSON value of `raw`: the one kept for the same bytes, else parsed (and kept when it is large enough). */
  parse(raw: Buffer): unknown;
  /** The kept bodies of exactly `length` bytes (none for lengths that are never kept). */
  withLength(length: number): KeptBody[];
  /** The value of `body`, a kept body the request's bytes matched in full (it becomes the most recently used). */
  reuse(body: KeptBody): unknown;
  /** How many bodies were answered from a kept value (tests). */
  readonly reused: number;
}

export function keptBodies(
  opts: {
    maxBytes?: number;
    minBytes?: number;
    /** Deep-freeze every kept value, so a hook writing to a request throws (tests). */
    freeze?: boolean;
  } = {},
): KeptBodies {
  const maxBytes = opts.maxBytes ?? DEFAULT_KEPT_BODY_BYTES;
  const minBytes = opts.minBytes ?? DEFAULT_KEPT_BODY_MIN_BYTES;
  // least recently used first; a memcmp of the same-length candidates is faster than any digest of the body
  const kept = new Set<KeptBody>();
  let total = 0;
  let reused = 0;
  const withLength = (length: number) =>
    length < minBytes || length > maxBytes ? [] : [...kept].filter((e) => e.raw.length === length);
  const reuse = (e: KeptBody) => {
    kept.delete(e);
    kept.add(e);
    reused++;
    return e.value;
  };
  return {
    get reused() {
      return reused;
    },
    withLength,
    reuse,
    parse(raw) {
      if (raw.length < minBytes || raw.length > maxBytes) return parseJson(raw);
      const same = withLength(raw.length).find((e) => e.raw.equals(raw));
      if (same) return reuse(same);
      const value = parseJson(raw);
      for (const e of kept) {
        if (total + raw.length <= maxBytes) break;
        kept.delete(e);
        total -= e.raw.length;
      }
      kept.add({ raw, value: opts.freeze ? deepFreeze(value) : value });
      total += raw.length;
      return value;
    },
  };
}

/**
 * express middleware: a JSON request body of at most `limit` (a body-parser size: "32mb") as `req.body`. A body whose
 * announced length a kept body has is read by {@link readAgainstKept}; any other by express.raw.
 */
export function jsonBody(limit: string, bodies: KeptBodies): RequestHandler[] {
  return [
    (req, _res, next) => {
      const refusal = charsetRefusal(req.headers['content-type']);
      next(refusal ? new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', refusal) : undefined);
    },
    (req, _res, next) => {
      const candidates = keptOfAnnouncedLength(req, bodies);
      if (candidates.length === 0) return next();
      readAgainstKept(req, candidates).then((body) => {
        req.body = Buffer.isBuffer(body) ? body : bodies.reuse(body);
        next();
      }, next);
    },
    // a request readAgainstKept read is finished, and body-parser leaves a finished request's body as it is
    express.raw({ type: 'application/json', limit }),
    (req, _res, next) => {
      // no body, not JSON (req.body stays unset and the envelope check names it), or a kept value
      if (!Buffer.isBuffer(req.body)) return next();
      try {
        req.body = bodies.parse(req.body);
      } catch (e) {
        return next(e);
      }
      next();
    },
  ];
}

/** The kept bodies of the length a JSON request announces, when it is sent as is (no content encoding). */
function keptOfAnnouncedLength(req: Request, bodies: KeptBodies): KeptBody[] {
  const length = req.headers['content-length'];
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (length === undefined || !/^\d{1,10}$/.test(length) || encoding !== 'identity') return [];
  if (!req.is('application/json')) return [];
  return bodies.withLength(Number(length));
}

/**
 * Reads the request, comparing its bytes with `candidates` (kept bodies of the length it announced) as they arrive:
 * the kept body every byte matched, or else the bytes received (the matched prefix is the kept body's own, so only
 * the differing rest was collected). A body longer or shorter than announced, or aborted, is a 400, as body-parser
 * answers them.
 */
function readAgainstKept(req: Request, candidates: KeptBody[]): Promise<KeptBody | Buffer> {
  const length = candidates[0]!.raw.length;
  return new Promise((resolve, reject) => {
    let offset = 0;
    let matching = candidates;
    const rest: Buffer[] = []; // once no candidate matches: the kept prefix, then every chunk from there on
    const fail = (message: string) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      reject(badRequest(`request body: ${message}`));
    };
    const onData = (chunk: Buffer) => {
      if (offset + chunk.length > length) return fail('request size did not match content length');
      if (rest.length === 0) {
        const still = matching.filter((e) => e.raw.subarray(offset, offset + chunk.length).equals(chunk));
        if (still.length === 0) rest.push(matching[0]!.raw.subarray(0, offset));
        matching = still;
      }
      if (rest.length > 0) rest.push(chunk);
      offset += chunk.length;
    };
    const onEnd = () => {
      if (offset !== length) return fail('request size did not match content length');
      resolve(rest.length === 0 ? matching[0]! : Buffer.concat(rest, length));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('aborted', () => fail('request aborted'));
    req.once('error', (e) => fail(e.message));
  });
}

function parseJson(raw: Buffer): unknown {
  const r = parseJsonBytes(raw);
  if (!r.ok) throw badRequest(r.message);
  return r.value;
}

/** `v` and everything it holds, frozen: a write to any of it throws (modules are strict). */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
