/**
 * A JSON request body from its bytes, for the two services that read the bytes themselves (the hooks keep large
 * bodies parsed, hooks/request-body.ts; bindcar answers a PUT of the body it applied last before parsing it,
 * bindcar/apply-zone.ts). The same rules body-parser's JSON reader applied before: UTF-8 only (RFC 8259 §8.1) and a
 * top-level object or array (its strict mode).
 */

/** The charset `contentType` names, when it is not UTF-8 (the request is then refused); undefined otherwise. */
export function foreignCharset(contentType: string | undefined): string | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset && charset !== 'utf-8' && charset !== 'utf8' ? charset : undefined;
}

/** The JSON value of `raw`, or why it is none. */
export function parseJsonBytes(raw: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = raw.toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[')
    return { ok: false, message: first ? `expected an object or an array, got ${JSON.stringify(first)}` : 'empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}
