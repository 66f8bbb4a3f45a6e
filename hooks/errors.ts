/** The hooks service's error catalogue: every failure maps to one HTTP status and a stable code. */

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;
  /** The methods a 405 names in its Allow header. */
  readonly allow: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { details?: unknown; cause?: unknown; retryAfterSeconds?: number; allow?: string } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = opts.details;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.allow = opts.allow;
  }
}

/** The request is not a Metacontroller hook request (missing parent, wrong shape). */
export const badRequest = (message: string, details?: unknown) =>
  new HttpError(400, 'BAD_REQUEST', message, { details });

/** The parent does not satisfy our CRD schema: version skew between the installed CRD and this image. */
export const invalidSpec = (message: string, details?: unknown) =>
  new HttpError(422, 'INVALID_SPEC', message, { details });

/** The hook cannot compute a complete answer right now; Metacontroller retries after the given delay. */
export const unavailable = (message: string, retryAfterSeconds: number, cause?: unknown) =>
  new HttpError(503, 'UNAVAILABLE', message, { retryAfterSeconds, cause });

export const notFound = (message: string) => new HttpError(404, 'NOT_FOUND', message);

/** A known path asked with a method it does not answer. */
export const methodNotAllowed = (message: string, allow: string) =>
  new HttpError(405, 'METHOD_NOT_ALLOWED', message, { allow });
