/**
 * A master-file (zone file) reader for `bindy import`: RFC 1035 §5.1 syntax with $ORIGIN, $TTL, relative and `@`
 * owners, blank-owner continuation, parentheses across lines, comments, quoted strings with escapes, TTL units
 * (RFC 2308 / BIND `1h30m`). $INCLUDE and $GENERATE are reported, never followed.
 */

/** One token of an RR's data: quoted tokens keep their escapes as written, so TXT strings round-trip exactly. */
export interface Token {
  text: string;
  quoted: boolean;
}

export interface ParsedRecord {
  /** Absolute owner name, lowercase, with trailing dot. */
  owner: string;
  ttl: number;
  type: string;
  rdata: Token[];
  line: number;
}

export interface ParseProblem {
  line: number;
  message: string;
}

export interface ParsedZone {
  records: ParsedRecord[];
  problems: ParseProblem[];
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);

/** Parses a TTL in seconds or BIND units (`1w2d3h4m5s`); undefined when not a TTL. */
export function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(?:\d+[wdhms])+$/i.exec(text);
  if (!m) return undefined;
  const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const part of text.toLowerCase().matchAll(/(\d+)([wdhms])/g))
    total += Number(part[1]) * (unit[part[2] as string] as number);
  return total;
}

interface Line {
  tokens: Token[];
  /** The line started with whitespace: the owner is the previous record's. */
  inheritsOwner: boolean;
  line: number;
}

/** Splits master-file text into logical lines of tokens (parentheses joined, comments dropped). */
export function tokenize(text: string): { lines: Line[]; problems: ParseProblem[] } {
  const lines: Line[] = [];
  const problems: ParseProblem[] = [];
  let current: Line | undefined;
  let depth = 0;
  let lineNo = 1;
  let i = 0;
  let atLineStart = true;
  const flush = () => {
    if (current && current.tokens.length > 0) lines.push(current);
    current = undefined;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\n') {
      lineNo++;
      i++;
      if (depth === 0) {
        flush();
        atLineStart = true;
      }
      continue;
    }
    if (!current) current = { tokens: [], inheritsOwner: atLineStart && (ch === ' ' || ch === '\t'), line: lineNo };
    atLineStart = false;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '(') {
      depth++;
      i++;
      continue;
    }
    if (ch === ')') {
      if (depth === 0) problems.push({ line: lineNo, message: 'unbalanced ")"' });
      else depth--;
      i++;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < text.length) {
        const c = text[j] as string;
        if (c === '\\' && j + 1 < text.length) {
          value += c + text[j + 1];
          j += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\n') lineNo++;
        value += c;
        j++;
      }
      if (!closed) problems.push({ line: current.line, message: 'unterminated quoted string' });
      current.tokens.push({ text: value, quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    let value = '';
    while (j < text.length) {
      const c = text[j] as string;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || c === '(' || c === ')' || c === '"')
        break;
      if (c === '\\' && j + 1 < text.length) {
        value += c + text[j + 1];
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    current.tokens.push({ text: value, quoted: false });
    i = j;
  }
  if (depth !== 0) problems.push({ line: lineNo, message: 'unbalanced "(": missing ")" before end of file' });
  flush();
  return { lines, problems };
}

/** Makes a name absolute against `origin` (both lowercase; `@` is the origin). */
export function absoluteName(name: string, origin: string): string {
  if (name === '@') return origin;
  const lower = name.toLowerCase();
  if (lower.endsWith('.')) return lower;
  return origin === '.' ? `${lower}.` : `${lower}.${origin}`;
}

/**
 * Reads a zone file. `origin` is the zone name (absolute or not); `defaultTtl` applies until a $TTL line.
 * Problems are collected, not thrown, so a large import reports every bad line at once.
 */
export function parseZoneFile(text: string, origin: string, defaultTtl?: number): ParsedZone {
  const { lines, problems } = tokenize(text);
  let currentOrigin = origin.toLowerCase().endsWith('.') ? origin.toLowerCase() : `${origin.toLowerCase()}.`;
  let ttlDefault = defaultTtl;
  let lastOwner: string | undefined;
  let lastTtl: number | undefined;
  const records: ParsedRecord[] = [];
  for (const l of lines) {
    const tokens = [...l.tokens];
    const first = tokens[0] as Token;
    if (!first.quoted && first.text.startsWith('$') && !l.inheritsOwner) {
      const directive = first.text.toUpperCase();
      const arg = tokens[1]?.text;
      if (directive === '$ORIGIN' && arg) currentOrigin = absoluteName(arg, currentOrigin);
      else if (directive === '$TTL' && arg && parseTtl(arg) !== undefined) ttlDefault = parseTtl(arg);
      else problems.push({ line: l.line, message: `${first.text} is not supported (only $ORIGIN and $TTL are read)` });
      continue;
    }
    let owner: string | undefined;
    if (l.inheritsOwner) owner = lastOwner;
    else owner = absoluteName((tokens.shift() as Token).text, currentOrigin);
    if (!owner) {
      problems.push({ line: l.line, message: 'record has no owner name and no previous record to inherit one from' });
      continue;
    }
    let ttl: number | undefined;
    for (let k = 0; k < 2 && tokens.length > 0; k++) {
      const t = (tokens[0] as Token).text;
      if (CLASSES.has(t.toUpperCase())) {
        if (t.toUpperCase() !== 'IN') problems.push({ line: l.line, message: `class ${t} is not supported (IN only)` });
        tokens.shift();
      } else if (parseTtl(t) !== undefined && ttl === undefined) {
        ttl = parseTtl(t);
        tokens.shift();
      }
    }
    const type = tokens.shift()?.text.toUpperCase();
    if (!type) {
      problems.push({ line: l.line, message: 'record has no type' });
      continue;
    }
    if (type === 'SOA' && ttlDefault === undefined) {
      // RFC 2308: without $TTL the SOA's minimum field is the default.
      const min = tokens[6] && parseTtl(tokens[6].text);
      if (min !== undefined) ttlDefault = min;
    }
    const effectiveTtl = ttl ?? ttlDefault ?? lastTtl;
    if (effectiveTtl === undefined) {
      problems.push({ line: l.line, message: `no TTL for ${owner} ${type} and no $TTL before it` });
      continue;
    }
    lastOwner = owner;
    lastTtl = effectiveTtl;
    records.push({ owner, ttl: effectiveTtl, type, rdata: tokens, line: l.line });
  }
  return { records, problems };
}
