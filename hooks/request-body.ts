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
 * large ones). A body is found again by its length, then compared byte for byte.
 */
import express, { type RequestHandler } from 'express';
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

export interface KeptBodies {
  /** The JSON value of `raw`: the one kept for the same bytes, else parsed (and kept when it is large enough). */
  parse(raw: Buffer): unknown;
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
  const kept = new Set<{ raw: Buffer; value: unknown }>();
  let total = 0;
  let reused = 0;
  return {
    get reused() {
      return reused;
    },
    parse(raw) {
      if (raw.length < minBytes || raw.length > maxBytes) return parseJson(raw);
      for (const e of kept) {
        if (e.raw.length !== raw.length || !e.raw.equals(raw)) continue;
        kept.delete(e);
        kept.add(e);
        reused++;
        return e.value;
      }
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

/** express middleware: a JSON request body of at most `limit` (a body-parser size: "32mb") as `req.body`. */
export function jsonBody(limit: string, bodies: KeptBodies): RequestHandler[] {
  return [
    express.raw({ type: 'application/json', limit }),
    (req, _res, next) => {
      const refusal = charsetRefusal(req.headers['content-type']);
      if (refusal) return next(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', refusal));
      // no body, or not JSON: req.body stays unset and the envelope check names it
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

function parseJson(raw: Buffer): unknown {
  const r = parseJsonBytes(raw);
  if (!r.ok) throw badRequest(`request body is not valid JSON: ${r.message}`);
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
