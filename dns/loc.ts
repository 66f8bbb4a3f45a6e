/**
 * LOC (RFC 1876): a location — latitude, longitude, altitude, and the size and precisions of the sphere around it.
 *
 * Presentation (§3): `d1 [m1 [s1]] {N|S} d2 [m2 [s2]] {E|W} alt[m] [siz[m] [hp[m] [vp[m]]]]`, seconds to thousandths,
 * metres to centimetres; size 1m, horizontal precision 10000m and vertical precision 10m when left out.
 * Wire (§2): version 0; size and precisions as one digit times a power of ten of centimetres (mantissa and exponent
 * 0–9 each, so 15m cannot be written: it is refused rather than served as 10m); latitude and longitude in thousandths
 * of a second of arc from 2^31 (the equator, the prime meridian; north and east positive); altitude in centimetres
 * above a base 100,000 m below the WGS 84 spheroid.
 * The canonical presentation is BIND's (`52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m`): every part written,
 * degrees minutes seconds, altitude with two decimals, sizes in whole metres from 1m up.
 */
import { fail, okv, type Result } from './rdata-base.js';

export interface LocRdata {
  type: 'LOC';
  /** Thousandths of a second of arc north (positive) or south of the equator. */
  latitude: number;
  /** Thousandths of a second of arc east (positive) or west of the prime meridian. */
  longitude: number;
  /** Centimetres above (or below) the WGS 84 reference spheroid. */
  altitude: number;
  /** Centimetres: the diameter of the sphere, and the horizontal and vertical precision. */
  size: number;
  horizontalPrecision: number;
  verticalPrecision: number;
}

const ARC = 3600000; // thousandths of a second per degree
const BASE = 2 ** 31;
const ALT_BASE = 10000000; // cm: 100,000 m

/** Whether centimetres are one digit times a power of ten (RFC 1876 §2), the only sizes the wire can carry. */
function sizeCode(cm: number): number | undefined {
  if (cm === 0) return 0;
  for (let e = 0; e <= 9; e++) {
    const m = cm / 10 ** e;
    if (Number.isInteger(m) && m >= 1 && m <= 9) return (m << 4) | e;
  }
  return undefined;
}

const sizeOf = (code: number) => (code >> 4) * 10 ** (code & 0x0f);

/** Check a LOC value: ranges of RFC 1876 §2–3, sizes a digit times a power of ten. */
export function checkLoc(r: LocRdata): Result<LocRdata> {
  if (!Number.isInteger(r.latitude) || Math.abs(r.latitude) > 90 * ARC)
    return fail('data', 'LOC latitude is 0–90 degrees north or south (RFC 1876 §2)', 'latitude');
  if (!Number.isInteger(r.longitude) || Math.abs(r.longitude) > 180 * ARC)
    return fail('data', 'LOC longitude is 0–180 degrees east or west (RFC 1876 §2)', 'longitude');
  if (!Number.isInteger(r.altitude) || r.altitude < -ALT_BASE || r.altitude > 2 ** 32 - 1 - ALT_BASE)
    return fail('data', 'LOC altitude is -100000.00m to 42849672.95m (RFC 1876 §3)', 'altitude');
  for (const part of ['size', 'horizontalPrecision', 'verticalPrecision'] as const) {
    const v = r[part];
    if (!Number.isInteger(v) || v < 0 || v > 9000000000 || sizeCode(v) === undefined)
      return fail(
        'data',
        `LOC ${part} ${v / 100}m is not one digit times a power of ten of centimetres, all the wire can carry (RFC 1876 §2: e.g. 1m, 20m, 0.50m)`,
        part,
      );
  }
  return okv(r);
}

/** Metres as written (`-2`, `10.5m`) → centimetres, or undefined. */
function centimetres(s: string, signed: boolean): number | undefined {
  const m = (signed ? /^(-?)(\d+)(?:\.(\d{1,2}))?m?$/ : /^()(\d+)(?:\.(\d{1,2}))?m?$/).exec(s);
  if (!m) return undefined;
  const cm = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cm : cm;
}

/** One coordinate (`52 22 23.000 N`): degrees, optional minutes and seconds, then the hemisphere; or why not. */
function coordinate(toks: string[], at: number, hemis: [string, string], maxDeg: number): [number, number] | string {
  const nums: string[] = [];
  let i = at;
  while (i < toks.length && nums.length < 3 && !hemis.includes(toks[i]!.toUpperCase())) nums.push(toks[i++]!);
  const h = toks[i]?.toUpperCase();
  if (!h || !hemis.includes(h) || nums.length === 0) return `is "degrees [minutes [seconds]] ${hemis.join('|')}"`;
  const [d, m = '0', s = '0'] = nums;
  if (!/^\d{1,3}$/.test(d!) || !/^\d{1,2}$/.test(m) || !/^\d{1,2}(\.\d{1,3})?$/.test(s))
    return 'is degrees, minutes and seconds (up to three decimals)';
  const deg = Number(d);
  const min = Number(m);
  const [sw, sf = ''] = s.split('.');
  if (deg > maxDeg || min > 59 || Number(sw) > 59)
    return `is out of range (0–${maxDeg} degrees, 0–59 minutes and seconds)`;
  const v = deg * ARC + min * 60000 + Number(sw) * 1000 + Number(sf.padEnd(3, '0'));
  if (v > maxDeg * ARC) return `is beyond ${maxDeg} degrees`;
  return [h === hemis[0] ? v : -v, i + 1];
}

/** Parse LOC presentation data (RFC 1876 §3), then `checkLoc`. */
export function parseLoc(data: string): Result<LocRdata> {
  const toks = data.trim().split(/\s+/);
  const lat = coordinate(toks, 0, ['N', 'S'], 90);
  if (typeof lat === 'string') return fail('data', `LOC latitude ${lat} (RFC 1876 §3)`, 'latitude');
  const lon = coordinate(toks, lat[1], ['E', 'W'], 180);
  if (typeof lon === 'string') return fail('data', `LOC longitude ${lon} (RFC 1876 §3)`, 'longitude');
  const rest = toks.slice(lon[1]);
  if (rest.length < 1 || rest.length > 4)
    return fail('data', 'LOC data ends with "alt[m] [size[m] [hp[m] [vp[m]]]]" (RFC 1876 §3)');
  const altitude = centimetres(rest[0]!, true);
  if (altitude === undefined) return fail('data', `LOC altitude "${rest[0]}" is metres, e.g. -2.00m`, 'altitude');
  const parts = ['size', 'horizontalPrecision', 'verticalPrecision'] as const;
  const defaults = [100, 1000000, 1000];
  const sizes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = rest[i + 1];
    const v = t === undefined ? defaults[i] : centimetres(t, false);
    if (v === undefined) return fail('data', `LOC ${parts[i]} "${t}" is metres, e.g. 10m`, parts[i]);
    sizes.push(v);
  }
  return checkLoc({
    type: 'LOC',
    latitude: lat[0],
    longitude: lon[0],
    altitude,
    size: sizes[0]!,
    horizontalPrecision: sizes[1]!,
    verticalPrecision: sizes[2]!,
  });
}

function formatCoordinate(v: number, hemis: [string, string]): string {
  const a = Math.abs(v);
  const d = Math.floor(a / ARC);
  const m = Math.floor(a / 60000) % 60;
  const s = Math.floor(a / 1000) % 60;
  return `${d} ${m} ${s}.${String(a % 1000).padStart(3, '0')} ${v >= 0 ? hemis[0] : hemis[1]}`;
}

/** BIND's way with a size: whole metres from 1m (a power of ten of at least 100 cm), else `0.DDm`. */
function formatSize(cm: number): string {
  const code = sizeCode(cm)!;
  return (code & 0x0f) > 1 ? `${(code >> 4) * 10 ** ((code & 0x0f) - 2)}m` : `0.${String(cm).padStart(2, '0')}m`;
}

/** The canonical presentation (BIND's). */
export function formatLoc(r: LocRdata): string {
  const alt = Math.abs(r.altitude);
  return [
    formatCoordinate(r.latitude, ['N', 'S']),
    formatCoordinate(r.longitude, ['E', 'W']),
    `${r.altitude < 0 ? '-' : ''}${Math.floor(alt / 100)}.${String(alt % 100).padStart(2, '0')}m`,
    formatSize(r.size),
    formatSize(r.horizontalPrecision),
    formatSize(r.verticalPrecision),
  ].join(' ');
}

/** Wire RDATA (RFC 1876 §2). */
export function locToWire(r: LocRdata): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0;
  b[1] = sizeCode(r.size)!;
  b[2] = sizeCode(r.horizontalPrecision)!;
  b[3] = sizeCode(r.verticalPrecision)!;
  b.writeUInt32BE(BASE + r.latitude, 4);
  b.writeUInt32BE(BASE + r.longitude, 8);
  b.writeUInt32BE(ALT_BASE + r.altitude, 12);
  return b;
}

/** From wire RDATA; throws when it is malformed (version 0, 16 octets, digits 0–9). */
export function locFromWire(msg: Buffer, rdOff: number, rdLen: number): LocRdata {
  if (rdLen !== 16 || msg[rdOff] !== 0) throw new Error('bad LOC rdata (version 0, 16 octets)');
  const code = (i: number) => {
    const c = msg[rdOff + i]!;
    if (c >> 4 > 9 || (c & 0x0f) > 9) throw new Error('bad LOC size');
    return sizeOf(c);
  };
  return {
    type: 'LOC',
    size: code(1),
    horizontalPrecision: code(2),
    verticalPrecision: code(3),
    latitude: msg.readUInt32BE(rdOff + 4) - BASE,
    longitude: msg.readUInt32BE(rdOff + 8) - BASE,
    altitude: msg.readUInt32BE(rdOff + 12) - ALT_BASE,
  };
}
