/**
 * Pure: the deletion guard of a PUT (dns/contract.ts `DeletionGuard`). A change that deletes many served records at
 * once is more often a mistake (a record folder not synced, a selector typo, a zone adopted with foreign data) than
 * an intent, and a deleted record is lost DNS for everyone who resolves it; so such a change is held until a person
 * acknowledges exactly that deletion. Only deletions count: an RR served and no longer desired, compared without
 * its TTL (a TTL change deletes nothing). Unmanaged records are not served as far as this is concerned.
 */
import { createHash } from 'node:crypto';
import type { DeletionGuard, HeldDeletion } from '../dns/contract.js';
import type { RRset } from '../dns/rrset.js';

/** The percentage limit applies from this many served records on: deleting 2 of a 3-record zone is ordinary. */
export const DEFAULT_GUARD_MIN_RECORDS = 10;
const SAMPLE = 10;

/** How many RRs a zone's RRsets hold. */
export function recordCount(rrsets: ReadonlyMap<string, RRset>): number {
  let n = 0;
  for (const s of rrsets.values()) n += s.data.length;
  return n;
}

/** The RRs `served` has and `desired` does not, as `owner type data`, sorted; and how many RRs `served` has. */
export function deletedRecords(
  desired: ReadonlyMap<string, RRset>,
  served: ReadonlyMap<string, RRset>,
): { deleted: string[]; served: number } {
  const deleted: string[] = [];
  for (const [k, have] of served) {
    const want = desired.get(k);
    const keep = new Set(want?.data ?? []);
    for (const d of have.data) if (!keep.has(d)) deleted.push(`${have.owner} ${have.type} ${d}`);
  }
  return { deleted: deleted.sort(), served: recordCount(served) };
}

/** What a token acknowledges: these deletions and no others. */
export function deletionToken(deleted: readonly string[]): string {
  return createHash('sha256').update(deleted.join('\n')).digest('hex').slice(0, 16);
}

/**
 * The guard's verdict on a change: `held` when it deletes more than the limits allow and is not acknowledged;
 * `acknowledged` when it would have been held but the body carries its token (the caller resets its baseline).
 * Deletions count from `guard.baseline` when it is above what is served now: a deletion made in several pushes (a
 * GitOps prune deletes records one by one, each a sync of its own) counts as a whole.
 */
export function guardVerdict(
  guard: DeletionGuard | undefined,
  change: { deleted: readonly string[]; served: number },
  after: number,
): { held?: HeldDeletion; acknowledged?: true } {
  if (!guard) return {};
  const base = Math.max(change.served, guard.baseline ?? 0);
  const n = Math.max(change.deleted.length, base - after);
  if (n === 0) return {};
  let limit: string | undefined;
  if (guard.maxDeletes !== undefined && n > guard.maxDeletes) limit = `deletionGuard.maxDeletes ${guard.maxDeletes}`;
  else if (
    guard.maxDeletePercent !== undefined &&
    base >= (guard.minRecords ?? DEFAULT_GUARD_MIN_RECORDS) &&
    n * 100 > guard.maxDeletePercent * base
  )
    limit = `deletionGuard.maxDeletePercent ${guard.maxDeletePercent}`;
  if (!limit) return {};
  const token = deletionToken([...change.deleted, `${base} → ${after}`]);
  if (guard.acknowledged === token) return { acknowledged: true };
  return { held: { deletes: n, served: base, limit, token, sample: change.deleted.slice(0, SAMPLE) } };
}
