/**
 * Pure: DNSZone and record statuses from the plan (desired zone, placement) and the push outcomes.
 *
 * Byte-stable: the same inputs and the same bindcar answers give an identical status — lists sorted, messages
 * built only from the inputs, lastTransitionTime copied from the observed condition unless the status flips (then
 * `now`, the injected clock). A record status is written only when it differs from the observed one, ignoring
 * lastTransitionTime.
 *
 * DNSZone conditions (always all four, in this order):
 *   Ready        True  Served            — every selected primary serves the desired zone, or some do while others fail
 *                False DuplicateZone | InvalidSpec | ClusterNotFound | NoPrimaries | WaitingForInstances | PushFailed
 *   Progressing  True  WaitingForInstances (a primary has no bindcar endpoint yet) | WaitingForCluster
 *                False UpToDate | <the Ready reason when nothing will progress by itself>
 *   Degraded     True  PushFailed (some primary refused or could not be reached) | InvalidSpec
 *                False AllPrimariesServing | <reason>
 *   Orphaned     True  Unplaced (placed on no primary; the instances in status.pushedTo keep serving it) |
 *                      RemovalPending (kept until a current primary serves the zone, or while it is blocked) |
 *                      RemovalFailed (bindcar did not confirm the removal; retried on the degraded cadence)
 *                False None
 *   (hooks/zone/served.ts decides which instances are left over and whether they are removed.)
 *
 * Record statuses: `Ready=True, reason=Served` only for the generation a primary accepted. While no primary accepts
 * the zone, a record that would be in it says why — Pending (no primary has a bindcar endpoint yet), PushFailed
 * (no primary accepted the push), ZoneNotReady (the zone is blocked: ClusterNotFound, NoPrimaries, InvalidSpec) —
 * except a record already Ready=True for its current generation: that content is what is served, so it is left as
 * it is. The record message names the DNSZone, not bindcar's error text (that is in the DNSZone status), so a
 * flickering error never rewrites every record of the zone.
 */
import { conditions, type Condition, type ConditionInput } from '../conditions.js';
import type { DNSRecord, DNSZone, DNSZoneStatus } from '../schema/generated.js';
import type { DnssecKeyFiles, HeldDeletion, RefusedRRset, ZoneDnssec } from '../../dns/contract.js';
import { ANNOTATIONS } from '../labels.js';
import { rrsetKey } from '../../dns/rrset.js';
import { signingPolicy } from '../../dns/dnssec.js';
import type { RecordStatusPatch } from '../ports/records.js';
import { rrTypeOf } from './records.js';
import type { DesiredZoneResult, RecordOutcome, ZoneConflict } from './desired.js';
import type { DeletionBaseline } from './deletion-baseline.js';
import type { PushResultLabel, RecordState, ZonePassMetrics } from '../ports/zone-metrics.js';
import { instanceRef, type Placement } from './select.js';
import type { KeptLeftovers, ServedInstance } from './served.js';

/** What happened on one primary. */
export type PushOutcome =
  /**
   * `refused`: RRsets that primary's named refused while it applied the rest (dns/contract.ts `RefusedRRset`);
   * `adopted`: the push took the zone over there (from another DNSZone, or data bindy did not create).
   */
  | {
      state: 'served';
      serial: number;
      refused?: readonly RefusedRRset[];
      adopted?: { from?: string };
      /** What the deletion guard reported: the RRs managed now, whether a token let a held deletion through. */
      records?: number;
      acknowledged?: boolean;
      /** A signed zone's DNSSEC as that primary's named serves it (hooks/zone/dnssec.ts). */
      dnssec?: ZoneDnssec;
      /** The key files that primary's named keeps for the zone (kept in the zone's Secret, hooks/zone/dnssec.ts). */
      dnssecKeys?: readonly DnssecKeyFiles[];
    }
  /** `held`: bindcar held the push on purpose (see {@link heldPush}); nothing is wrong, a person must decide. */
  | {
      state: 'failed';
      message: string;
      retryAfterSeconds?: number;
      held?: HeldReason;
      /** How the call failed (hooks/ports/bindcar.ts `BindcarFailure`), for the push metrics. */
      kind?: PushResultLabel;
    }
  | { state: 'pending'; message: string };

/** Why bindcar held a push: its deletion guard, or a zone bindy did not create. */
export type HeldReason = 'DeletionsHeld' | 'ZoneNotOwned';

/**
 * A push bindcar held (409 `DELETIONS_HELD` / `ZONE_NOT_OWNED`, dns/contract.ts), in the DNSZone's terms: the reason
 * and what the user does about it. Undefined for any other failure.
 */
export function heldPush(
  zoneName: string,
  failure: { code?: string; details?: unknown; message: string },
): { held: HeldReason; message: string } | undefined {
  if (failure.code === 'DELETIONS_HELD') {
    const d = failure.details as Partial<HeldDeletion> | undefined;
    if (typeof d?.token !== 'string') return undefined;
    const first = (d.sample ?? []).slice(0, 3).join(', ');
    return {
      held: 'DeletionsHeld',
      message: `the push would delete ${d.deletes} of the ${d.served} records zone ${zoneName} serves (${first}${(d.deletes ?? 0) > 3 ? ', …' : ''}), above spec.${d.limit}; nothing was applied. To let exactly this deletion through, annotate the DNSZone ${ANNOTATIONS.allowDeletions}=${d.token}`,
    };
  }
  if (failure.code === 'ZONE_NOT_OWNED')
    return {
      held: 'ZoneNotOwned',
      message: `zone ${zoneName} is served there but bindy did not create it (${failure.message}); set spec.adoptExisting: true to replace its content with this zone's`,
    };
  return undefined;
}

export interface InstancePush {
  instance: Placement;
  outcome: PushOutcome;
}

/** Why nothing was pushed. */
export type ZoneBlock =
  | { reason: 'DuplicateZone'; message: string }
  | { reason: 'InvalidSpec'; message: string }
  | { reason: 'ClusterNotFound'; message: string }
  | { reason: 'NoPrimaries'; message: string };

/** Instances outside the placement that may still serve the zone: kept on purpose, or not confirmed removed. */
export interface OrphanReport {
  kept?: KeptLeftovers;
  /** Removals bindcar did not confirm in this pass. */
  failed?: readonly { instance: ServedInstance; message: string }[];
}

export interface ZoneStatusInput {
  zone: DNSZone;
  now: string;
  desired?: DesiredZoneResult;
  block?: ZoneBlock;
  pushes: readonly InstancePush[];
  /** Seconds to come back while degraded (default 10). */
  degradedResyncSeconds?: number;
  /** The instances that may serve the zone after this pass (status.pushedTo); default: none. */
  pushedTo?: readonly ServedInstance[];
  /** Leftover instances outside the placement; default: none. */
  orphans?: OrphanReport;
  /** The deletion guard's memory after this pass (hooks/zone/deletion-baseline.ts). */
  deletionBaseline?: DeletionBaseline;
}

/** Why the records that would be in the zone are not served in this pass. */
export type UnservedReason = 'Pending' | 'PushFailed' | 'ZoneNotReady';

/** What the records that would be in the zone learn from this pass. */
export type RecordPass = { served: true } | { served: false; reason: UnservedReason; message: string };

export interface ZoneStatusResult {
  status: DNSZoneStatus;
  resyncAfterSeconds?: number;
  /** At least one primary serves the desired content (record statuses may then say Served). */
  served: boolean;
  /** For the record statuses: served, or why not. */
  records: RecordPass;
}

/** CRD limits (crds/dnszones.yaml, record CRDs): longer values would make the status write fail. */
const LIMITS = { conditionMessage: 32768, itemMessage: 4096, instances: 256, conflicts: 1024 } as const;

/** `s` cut to at most `n` characters, marked with an ellipsis when cut. */
export function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The reasons that say "the zone was not pushed", not "this record is wrong" (see {@link recordStatusUpdate}). */
const UNSERVED: ReadonlySet<string> = new Set<UnservedReason>(['Pending', 'PushFailed', 'ZoneNotReady']);

const cond = (type: string, status: ConditionInput['status'], reason: string, message: string): ConditionInput => ({
  type,
  status,
  reason,
  message: clip(message, LIMITS.conditionMessage),
});

/** The DNSZone status (and resync) for one sync pass. */
export function zoneStatus(input: ZoneStatusInput): ZoneStatusResult {
  const { zone, now, desired, block, pushes } = input;
  const gen = zone.metadata.generation;
  const previous = zone.status?.conditions;
  const wanted: ConditionInput[] = [];
  const served = pushes.filter((p) => p.outcome.state === 'served');
  const failed = pushes.filter((p) => p.outcome.state === 'failed');
  const pending = pushes.filter((p) => p.outcome.state === 'pending');
  let resyncAfterSeconds: number | undefined;

  if (block) {
    const waiting = block.reason === 'ClusterNotFound' || block.reason === 'NoPrimaries';
    wanted.push(
      cond('Ready', 'False', block.reason, block.message),
      waiting
        ? cond(
            'Progressing',
            'True',
            block.reason === 'ClusterNotFound' ? 'WaitingForCluster' : 'WaitingForInstances',
            block.message,
          )
        : cond('Progressing', 'False', block.reason, block.message),
      block.reason === 'InvalidSpec'
        ? cond('Degraded', 'True', block.reason, block.message)
        : cond('Degraded', 'False', block.reason, block.message),
    );
    // Waiting for a cluster or instances: Metacontroller re-syncs the zone when a related object changes, but an
    // instance labelled while the zone itself is still being created can be matched against no parent yet, and the
    // zone ignores its own status writes (metacontroller/dnszone.yaml ignoreStatusChanges), so it would wait a whole
    // resync period (300 s); it comes back on the degraded cadence until it is placed. The production loop's
    // hand-written instance row hit this about once in five runs.
    if (waiting) resyncAfterSeconds = input.degradedResyncSeconds ?? 10;
  } else {
    const n = pushes.length;
    const serials = served.map((p) => (p.outcome as { serial: number }).serial);
    const serialText = serials.length ? ` at serial ${Math.min(...serials)}` : '';
    const failText = failed
      .map((p) => `${instanceRef(p.instance)}: ${(p.outcome as { message: string }).message}`)
      .join('; ');
    const held = failed.length && failed.every((p) => p.outcome.state === 'failed' && p.outcome.held);
    const heldReason = held ? (failed[0]!.outcome as { held: HeldReason }).held : undefined;
    if (served.length > 0)
      wanted.push(cond('Ready', 'True', 'Served', `served by ${served.length}/${n} primaries${serialText}`));
    else if (heldReason && !pending.length) wanted.push(cond('Ready', 'False', heldReason, failText));
    else if (failed.length > 0)
      wanted.push(cond('Ready', 'False', 'PushFailed', `no primary accepted the zone: ${failText}`));
    else
      wanted.push(
        cond('Ready', 'False', 'WaitingForInstances', `${pending.length} primaries have no bindcar endpoint yet`),
      );
    wanted.push(
      pending.length
        ? cond(
            'Progressing',
            'True',
            'WaitingForInstances',
            pending.map((p) => instanceRef(p.instance)).join(', ') + ' not ready yet',
          )
        : heldReason && !served.length
          ? cond('Progressing', 'False', heldReason, 'held until a person decides (see Ready)')
          : cond('Progressing', 'False', 'UpToDate', `desired zone pushed to ${n}/${n} primaries`),
    );
    wanted.push(
      heldReason && !served.length && !pending.length
        ? cond('Degraded', 'False', heldReason, 'held until a person decides (see Ready)')
        : failed.length
          ? cond('Degraded', 'True', 'PushFailed', `${failed.length}/${n} primaries failed: ${failText}`)
          : cond('Degraded', 'False', 'AllPrimariesServing', 'no push failed'),
    );
    // a primary without a bindcar endpoint yet: the same wait as above
    if (pending.length) resyncAfterSeconds = input.degradedResyncSeconds ?? 10;
    if (failed.length) {
      const asked = Math.max(
        0,
        ...failed.map((p) => (p.outcome as { retryAfterSeconds?: number }).retryAfterSeconds ?? 0),
      );
      resyncAfterSeconds = Math.min(300, Math.max(input.degradedResyncSeconds ?? 10, asked));
    }
  }

  const orphaned = orphanedCondition(input.orphans);
  wanted.push(orphaned);
  if (orphaned.reason === 'RemovalFailed')
    resyncAfterSeconds = Math.min(resyncAfterSeconds ?? Infinity, input.degradedResyncSeconds ?? 10);

  const status: DNSZoneStatus = {
    conditions: conditions(wanted, previous, now, gen),
    ...(gen !== undefined ? { observedGeneration: gen } : {}),
  };
  const serials = served.map((p) => (p.outcome as { serial: number }).serial);
  const serial = serials.length ? Math.min(...serials) : zone.status?.serial;
  if (serial !== undefined) status.serial = serial;
  if (desired && !block) status.recordCount = desired.body.records.length;
  if (input.deletionBaseline) status.deletionBaseline = input.deletionBaseline;
  const unsignedPush = desired !== undefined && !block && !signingPolicy(desired.body.dnssecPolicy);
  status.instances = pushes.slice(0, LIMITS.instances).map((p) => {
    // this primary's DNSSEC as its named reported it; a pass that read none (a changed-RRsets push, a failure) keeps
    // what the entry said, unless the zone was pushed with no policy signing it
    const said = unsignedPush
      ? undefined
      : zone.status?.instances?.find((i) => instanceRef(i) === instanceRef(p.instance))?.dnssec;
    const d = p.outcome.state === 'served' ? p.outcome.dnssec : undefined;
    const dnssec = d ? { state: d.state, keyTags: d.keys.map((k) => k.keyTag).slice(0, 64) } : said;
    return {
      ...(p.instance.kind ? { kind: p.instance.kind } : {}),
      name: p.instance.name,
      ...(p.instance.namespace ? { namespace: p.instance.namespace } : {}),
      ...(p.instance.endpoint ? { endpoint: p.instance.endpoint } : {}),
      ...(p.outcome.state === 'served' ? { serial: p.outcome.serial } : {}),
      ready: p.outcome.state === 'served',
      ...(dnssec ? { dnssec } : {}),
      ...(p.outcome.state !== 'served' ? { message: clip(p.outcome.message, LIMITS.itemMessage) } : {}),
    };
  });
  status.conflicts = desired && !block ? desired.conflicts.slice(0, LIMITS.conflicts).map(conflictEntry) : [];
  status.pushedTo = (input.pushedTo ?? []).slice(0, LIMITS.instances).map((i) => ({
    ...(i.kind ? { kind: i.kind } : {}),
    name: i.name,
    ...(i.namespace ? { namespace: i.namespace } : {}),
    endpoint: i.endpoint,
  }));
  const zoneRef = `DNSZone ${zone.metadata.namespace ?? ''}/${zone.metadata.name}`;
  const records: RecordPass =
    served.length > 0
      ? { served: true }
      : block
        ? {
            served: false,
            reason: 'ZoneNotReady',
            message: `${zoneRef} is not pushed: ${block.reason}: ${block.message}`,
          }
        : failed.length > 0
          ? { served: false, reason: 'PushFailed', message: `no primary accepted ${zoneRef} (its status says why)` }
          : {
              served: false,
              reason: 'Pending',
              message: `${zoneRef} is waiting for a primary with a bindcar endpoint`,
            };
  return {
    status,
    served: served.length > 0,
    records,
    ...(resyncAfterSeconds !== undefined ? { resyncAfterSeconds } : {}),
  };
}

const instanceText = (i: ServedInstance) => `${instanceRef(i)} (${i.endpoint})`;

/** The Orphaned condition: which instances outside the placement may still serve the zone, and why. */
function orphanedCondition(report: OrphanReport | undefined): ConditionInput {
  if (report?.failed?.length) {
    const list = report.failed.map((f) => instanceText(f.instance)).join(', ');
    const detail = report.failed.map((f) => `${instanceRef(f.instance)}: ${f.message}`).join('; ');
    return cond(
      'Orphaned',
      'True',
      'RemovalFailed',
      `the zone may still be served by ${list} outside its placement: bindcar did not confirm the removal (${detail})`,
    );
  }
  const kept = report?.kept;
  if (kept?.instances.length) {
    const list = kept.instances.map(instanceText).join(', ');
    return kept.reason === 'Unplaced'
      ? cond(
          'Orphaned',
          'True',
          'Unplaced',
          `the zone is placed on no primary (${kept.detail}) but still served by ${list}, which keep serving it until it is placed again or deleted`,
        )
      : cond(
          'Orphaned',
          'True',
          'RemovalPending',
          `the zone is still served by ${list} outside its placement; removed there once ${kept.detail}`,
        );
  }
  return cond('Orphaned', 'False', 'None', 'no instance outside the placement serves the zone');
}

function conflictEntry(c: ZoneConflict): NonNullable<DNSZoneStatus['conflicts']>[number] {
  return { kind: c.kind, name: c.name, reason: c.reason, message: clip(c.message, LIMITS.itemMessage) };
}

/**
 * The outcomes after the pushes: a record whose RRset a primary's named refused (while it applied the rest of the
 * zone) is InvalidRecord, naming the primaries and named's answer; every other outcome is as planned. One record
 * never blocks its zone: the others are served.
 */
export function withRefused(outcomes: readonly RecordOutcome[], pushes: readonly InstancePush[]): RecordOutcome[] {
  const by = new Map<string, { rcode: string; instances: string[]; powerdns: boolean }>();
  for (const p of pushes) {
    if (p.outcome.state !== 'served') continue;
    for (const r of p.outcome.refused ?? []) {
      const k = rrsetKey(r.owner, r.type);
      const e = by.get(k) ?? { rcode: r.rcode, instances: [], powerdns: true };
      e.instances.push(instanceRef(p.instance));
      if (!p.instance.kind) e.powerdns = false;
      by.set(k, e);
    }
  }
  if (by.size === 0) return [...outcomes];
  return outcomes.map((o) => {
    const e = o.included && o.fqdn ? by.get(rrsetKey(o.fqdn, rrTypeOf(o.record) ?? '')) : undefined;
    if (!e) return o;
    return {
      ...o,
      included: false,
      reason: 'InvalidRecord' as const,
      message: `${e.powerdns ? '' : 'named on '}${e.instances.sort().join(', ')} refused ${o.fqdn} ${rrTypeOf(o.record)} (${e.rcode}) and serves what it had there; the rest of the zone is served`,
    };
  });
}

/**
 * The outcome a record's status reflects after this pass: a record that would be in the zone is Served only when a
 * primary accepted the zone; otherwise it carries the pass's reason (Pending, PushFailed, ZoneNotReady). Records left
 * out of the zone (Conflict, InvalidRecord, …) keep their own reason, which does not depend on the push.
 */
export function passOutcome(outcome: RecordOutcome, pass: RecordPass): RecordOutcome {
  if (!outcome.included || pass.served) return outcome;
  return { ...outcome, reason: pass.reason, message: pass.message };
}

/**
 * The status a record should carry for an outcome, or undefined when its observed status already says exactly
 * that (lastTransitionTime aside) — the common case, checked without building anything. An outcome that only says
 * the zone was not pushed (Pending, PushFailed, ZoneNotReady) leaves a record alone whose status is Ready=True for
 * its current generation: that generation is what the primaries serve.
 */
export function recordStatusUpdate(
  outcome: RecordOutcome,
  zoneName: string,
  now: string,
): RecordStatusPatch | undefined {
  const have = outcome.record.status;
  const c = have?.conditions;
  const gen = outcome.record.metadata.generation;
  if (UNSERVED.has(outcome.reason)) {
    const ready = c?.find((x) => x.type === 'Ready');
    if (
      ready?.status === 'True' &&
      ready.observedGeneration === gen &&
      have?.observedGeneration === gen &&
      have?.zone === zoneName
    )
      return undefined;
  }
  if (
    c?.length === 1 &&
    c[0]!.type === 'Ready' &&
    c[0]!.status === (outcome.reason === 'Served' ? 'True' : 'False') &&
    c[0]!.reason === outcome.reason &&
    c[0]!.message === clip(outcome.message, LIMITS.conditionMessage) &&
    c[0]!.observedGeneration === gen &&
    have?.observedGeneration === gen &&
    (have?.zone ?? null) === zoneName &&
    (have?.fqdn ?? null) === (outcome.fqdn ?? null) &&
    (ptrRequestedOf(outcome.record) ?? null) === (outcome.ptrRequested ?? null)
  ) {
    return undefined;
  }
  const want = recordStatus(outcome, zoneName, now);
  return recordStatusDiffers(outcome.record, want) ? want : undefined;
}

/** An A/AAAA record's status.ptrRequested (no other kind has the field). */
function ptrRequestedOf(rec: DNSRecord): boolean | undefined {
  return (rec.status as { ptrRequested?: boolean } | undefined)?.ptrRequested;
}

/** The status a record should carry for an outcome. */
export function recordStatus(outcome: RecordOutcome, zoneName: string, now: string): RecordStatusPatch {
  const rec = outcome.record;
  const gen = rec.metadata.generation;
  const wanted = [cond('Ready', outcome.reason === 'Served' ? 'True' : 'False', outcome.reason, outcome.message)];
  return {
    conditions: conditions(wanted, rec.status?.conditions, now, gen),
    ...(gen !== undefined ? { observedGeneration: gen } : {}),
    zone: zoneName,
    fqdn: outcome.fqdn ?? null,
    // only A/AAAA records ask for PTRs; the field is cleared once it is no longer true
    ...(outcome.ptrRequested ? { ptrRequested: true } : ptrRequestedOf(rec) ? { ptrRequested: null } : {}),
  };
}

/** Whether `want` differs from the record's observed status (lastTransitionTime ignored). */
export function recordStatusDiffers(rec: DNSRecord, want: RecordStatusPatch): boolean {
  const have = rec.status ?? {};
  const strip = (cs: readonly Partial<Condition>[] | undefined) =>
    JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.observedGeneration ?? null]));
  return (
    strip(have.conditions) !== strip(want.conditions) ||
    (have.observedGeneration ?? null) !== (want.observedGeneration ?? null) ||
    (have.zone ?? null) !== want.zone ||
    (have.fqdn ?? null) !== want.fqdn ||
    (want.ptrRequested !== undefined && (ptrRequestedOf(rec) ?? null) !== want.ptrRequested)
  );
}

/** Kubernetes events to emit for this pass: only for changes against the observed status. */
export function zoneEvents(
  zone: DNSZone,
  next: DNSZoneStatus,
): { type: 'Normal' | 'Warning'; reason: string; message: string }[] {
  const out: { type: 'Normal' | 'Warning'; reason: string; message: string }[] = [];
  const was = (type: string) => zone.status?.conditions?.find((c) => c.type === type);
  const now = (type: string) => next.conditions?.find((c) => c.type === type);
  const degradedNow = now('Degraded');
  const degradedWas = was('Degraded');
  if (degradedNow?.status === 'True' && (degradedWas?.status !== 'True' || degradedWas.reason !== degradedNow.reason)) {
    out.push({ type: 'Warning', reason: degradedNow.reason, message: degradedNow.message });
  } else if (degradedNow?.status !== 'True' && degradedWas?.status === 'True') {
    out.push({ type: 'Normal', reason: 'Recovered', message: now('Ready')?.message ?? 'zone recovered' });
  }
  const readyNow = now('Ready');
  const readyWas = was('Ready');
  if (readyNow?.reason === 'DuplicateZone' && readyWas?.reason !== 'DuplicateZone') {
    out.push({ type: 'Warning', reason: 'DuplicateZone', message: readyNow.message });
  }
  // a held push: once per hold (another deletion is another hold: its message names another token)
  const heldReasons: readonly string[] = ['DeletionsHeld', 'ZoneNotOwned'] satisfies HeldReason[];
  if (
    readyNow &&
    heldReasons.includes(readyNow.reason) &&
    (readyWas?.reason !== readyNow.reason || readyWas.message !== readyNow.message)
  )
    out.push({ type: 'Warning', reason: readyNow.reason, message: readyNow.message });
  // Orphaned: once when it starts to say Unplaced or RemovalFailed (each resync would otherwise repeat it)
  const orphanedNow = now('Orphaned');
  const orphanedWas = was('Orphaned');
  const newly =
    orphanedNow?.status === 'True' && (orphanedWas?.status !== 'True' || orphanedWas.reason !== orphanedNow.reason);
  if (newly && orphanedNow.reason === 'Unplaced')
    out.push({ type: 'Warning', reason: 'Unplaced', message: orphanedNow.message });
  if (newly && orphanedNow.reason === 'RemovalFailed')
    out.push({ type: 'Warning', reason: 'ZoneRemovalFailed', message: orphanedNow.message });
  const key = (c: { kind: string; name: string; reason: string }) => `${c.kind}/${c.name}/${c.reason}`;
  const before = new Set((zone.status?.conflicts ?? []).map(key));
  for (const c of next.conflicts ?? []) {
    if (!before.has(key(c)))
      out.push({ type: 'Warning', reason: 'RecordConflict', message: `${c.kind} ${c.name}: ${c.message ?? c.reason}` });
  }
  return out;
}

/** A record outcome (after {@link passOutcome}) as the zone metrics count it. */
function recordState(o: RecordOutcome): RecordState {
  if (o.reason === 'Served') return 'served';
  if (o.reason === 'Conflict') return 'conflict';
  if (o.reason === 'InvalidRecord' || o.reason === 'OutOfZone') return 'invalid';
  if (o.reason === 'Unmanaged') return 'unmanaged';
  return 'waiting';
}

/** What a sync pass reports to the zone metrics (hooks/ports/zone-metrics.ts), from its status and outcomes. */
export function passMetrics(
  status: DNSZoneStatus,
  outcomes: readonly RecordOutcome[],
  pass: RecordPass,
  pushes: readonly InstancePush[],
  secondariesBehind: number | undefined,
  now: string,
): ZonePassMetrics {
  const syncing = status.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'SecondariesSyncing');
  const records: Record<RecordState, number> = { served: 0, conflict: 0, invalid: 0, unmanaged: 0, waiting: 0 };
  for (const o of outcomes) records[recordState(passOutcome(o, pass))]++;
  return {
    ready: status.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    ...(status.serial !== undefined ? { serial: status.serial } : {}),
    ...(secondariesBehind !== undefined ? { secondariesBehind } : {}),
    ...(secondariesBehind !== undefined
      ? {
          secondariesBehindSeconds:
            secondariesBehind > 0 && syncing?.lastTransitionTime
              ? Math.max(0, (Date.parse(now) - Date.parse(syncing.lastTransitionTime)) / 1000)
              : 0,
        }
      : {}),
    instanceSerials: (status.instances ?? []).flatMap((i) =>
      i.serial === undefined ? [] : [{ instance: instanceRef(i), serial: i.serial }],
    ),
    records,
    pushes: pushes.map((p) =>
      p.outcome.state === 'failed' ? (p.outcome.held ? 'held' : (p.outcome.kind ?? 'unavailable')) : p.outcome.state,
    ),
  };
}
