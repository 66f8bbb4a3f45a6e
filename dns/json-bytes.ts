/**
 * A JSON request body from its bytes, for the two services that read the bytes themselves (the hooks keep large
 * bodies parsed, hooks/request-body.ts; bindcar answers a PUT of the body it applied last before parsing it,
 * bindcar/apply-zone.ts). The same rules body-parser's JSON reader applied before: UTF-8 only (RFC 8259 §8.1) and a
 * top-level object or array (its strict mode).
 */

/** Why a body of `contentType` is refused (415) when it names a charset other than UTF-8; undefined otherwise. */
export function charsetRefusal(contentType: string | undefined): string | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset && charset !== 'utf-8' && charset !== 'utf8'
    ? `request body charset ${charset}: only utf-8 is accepted`
    : undefined;
}

/** The JSON value of `raw`, or the sentence a 400 says about it ("request body is not valid JSON: …"). */
export function parseJsonBytes(raw: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = raw.toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[')
    return notJson(first ? `expected an object or an array, got ${JSON.stringify(first)}` : 'empty');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return notJson((e as Error).message);
  }
}

const notJson = (why: string) => ({ ok: false as const, message: `request body is not valid JSON: ${why}` });
