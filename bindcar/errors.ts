/**
 * bindcar's small error catalogue: every error the API returns is an `HttpError` with
 * a stable `code`, an HTTP status and optional `details`; the error middleware renders
 * `{code, message, details?}`. Unknown errors become 500 INTERNAL (stack logged, never returned).
 */
import type { FieldError } from '../dns/contract.js';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** named's DNS or control channel cannot be reached (→ 503). */
export class NamedUnavailableError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, 'NAMED_UNAVAILABLE', message, undefined, options);
    this.name = 'NamedUnavailableError';
  }
}

/** named did not answer in time (→ 504). */
export class NamedTimeoutError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(504, 'NAMED_TIMEOUT', message, undefined, options);
    this.name = 'NamedTimeoutError';
  }
}

/** 400: malformed request (bad JSON, bad path parameter). */
export const badRequest = (message: string, details?: unknown): HttpError =>
  new HttpError(400, 'BAD_REQUEST', message, details);

/** 422: well-formed JSON that is not a valid zone/record; `details` lists `{field, message}`. */
export const invalidSpec = (message: string, details: FieldError[]): HttpError =>
  new HttpError(422, 'INVALID_SPEC', message, details);

export const notFound = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);

export const conflict = (message: string, details?: unknown): HttpError =>
  new HttpError(409, 'CONFLICT', message, details);

export const unauthorized = (message = 'Unauthorized'): HttpError => new HttpError(401, 'UNAUTHORIZED', message);

export const forbidden = (message = 'Forbidden'): HttpError => new HttpError(403, 'FORBIDDEN', message);

/** 502: named refused or failed a command (rndc non-zero exit, UPDATE rcode, unverified outcome). */
export const namedFailed = (code: string, message: string, details?: unknown, cause?: unknown): HttpError =>
  new HttpError(502, code, message, details, cause === undefined ? undefined : { cause });
