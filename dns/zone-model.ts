/**
 * Pure: a PUT body → the desired zone as RRsets, or the field errors that make bindcar refuse it. Each body record
 * is parsed once by the one record grammar (dns/rdata.ts `parseRecord`; its structured rdata stays in the RRsets) and the whole by the one rule set
 * (dns/zone-rules.ts `checkZone`), the same the DNSZone hook applies before it pushes: a body the hook built passes,
 * and a hand-written body breaking a rule is refused naming the record (`records/3`) and the reason. These are the
 * rules BIND would otherwise enforce silently (an RFC 2136 update answered NOERROR but ignored: `check-names`,
 * `check-integrity`; BIND 9 ARM, "Dynamic Update") or fatally at load time (named-checkzone).
 */
import { MAX_RECORDS, MAX_TTL, type FieldError, type PutZoneBody, type RecordType } from './contract.js';
import { absoluteOwner } from './names.js';
import { parseRecord, type Rdata } from './rdata.js';
import type { RRset } from './rrset.js';
import { unmanagedMatcher, type UnmanagedMatcher } from './unmanaged.js';
import { checkZone, type Contribution, type SoaFields } from './zone-rules.js';

export interface DesiredZone {
  zone: string;
  defaultTtl: number;
  soa: SoaFields;
  /** keyed by `rrsetKey(owner, type)` */
  rrsets: Map<string, RRset>;
  /** The body's unmanaged-record rules, compiled: the rule a served RR matches (-1: bindcar manages it). */
  unmanaged?: UnmanagedMatcher;
}

/** Canonicalisation results of one zone: type → name → data → result; see `desiredZone`. */
export type RecordMemo = Map<string, Map<string, Map<string, MemoEntry>>>;
type MemoEntry = { owner: string; type: RecordType; data: string; rdata: Rdata } | { field: string; message: string };

function memoSize(m: RecordMemo): number {
  let n = 0;
  for (const byName of m.values()) n += byName.size;
  return n;
}

/** BIND 9.18's default `max-records-per-type`. */
export const DEFAULT_MAX_RECORDS_PER_TYPE = 100;

/**
 * Validate a PUT body and build the desired zone (rules: dns/zone-rules.ts; body records are contributions in body
 * order, so of two conflicting records the later one is named).
 * @returns the model, or the list of field errors (field paths like `records/3/data`).
 */
export function desiredZone(
  zone: string,
  body: PutZoneBody,
  maxPerType = DEFAULT_MAX_RECORDS_PER_TYPE,
  memo?: RecordMemo,
): { ok: true; zone: DesiredZone; warnings: FieldError[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: string, message: string): void => {
    if (errors.length < 50) errors.push({ field, message });
  };
  const contributions: Contribution[] = [];
  /** body index of each contribution */
  const from: number[] = [];
  body.records.forEach((r, i) => {
    // The memo makes a re-PUT of a big zone cost a few Map lookups per unchanged record; nested
    // maps keyed by the strings JSON.parse produced avoid building (and hashing) a key per record.
    const memoable =
      memo !== undefined && typeof r.type === 'string' && typeof r.name === 'string' && typeof r.data === 'string';
    let byName = memoable ? memo!.get(r.type) : undefined;
    let byData = byName?.get(r.name);
    let m = byData?.get(r.data);
    if (!m) {
      const c = parseRecord(zone, { ...r, ttl: 0 });
      if (!c.ok) m = { field: c.field, message: c.message };
      else {
        const owner = absoluteOwner(zone, c.value.name);
        m = owner.ok
          ? { owner: owner.name, type: c.value.type, data: c.value.data, rdata: c.value.rdata }
          : { field: 'name', message: owner.reason };
      }
      if (memoable) {
        if (memoSize(memo!) > 2 * MAX_RECORDS) memo!.clear();
        if (!byName) memo!.set(r.type, (byName = new Map()));
        if (!byData) byName.set(r.name, (byData = new Map()));
        byData.set(r.data, m);
      }
    }
    if ('field' in m) return err(`records/${i}/${m.field}`, m.message);
    if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > MAX_TTL)
      return err(`records/${i}/ttl`, `must be an integer 0–${MAX_TTL} (RFC 2181 §8)`);
    contributions.push({ owner: m.owner, type: m.type, ttl: r.ttl, data: [m.data], rdata: [m.rdata] });
    from.push(i);
  });
  const checked = checkZone({
    zone,
    type: body.type,
    ttl: body.ttl,
    soa: body.soa,
    nameServers: body.nameServers,
    contributions,
    maxPerType,
    ...(body.unmanagedRecords ? { unmanaged: body.unmanagedRecords } : {}),
    describe: (source) => (source === 'zone' ? 'nameServers' : `records/${from[source]}`),
  });
  for (const f of checked.zoneFindings) err(f.path.join('/'), f.message);
  for (const f of checked.findings) err(`records/${from[f.index]}`, f.message);
  if (errors.length || !checked.soa) return { ok: false, errors };
  const unmanaged = body.unmanagedRecords?.length ? unmanagedMatcher(zone, body.unmanagedRecords) : undefined;
  return {
    ok: true,
    zone: { zone, defaultTtl: body.ttl, soa: checked.soa, rrsets: checked.rrsets, ...(unmanaged ? { unmanaged } : {}) },
    // served, but likely wrong (the rule says why): the answer tells the client, as the hook tells a record's status
    warnings: checked.warnings.slice(0, 50).map((w) => ({ field: `records/${from[w.index]}`, message: w.message })),
  };
}
