/**
 * Effect port: the DNSZone hook's Prometheus metrics, answering on-call questions (is every zone served, do the
 * secondaries follow, do pushes fail, is a deletion stuck) with bounded label sets: a series per DNSZone at most,
 * never one per record. Labels name the zone `zone_namespace`/`dnszone`, not `namespace`: a PodMonitor or
 * ServiceMonitor adds the scraped pod's own `namespace`.
 *
 * Several hooks replicas each sync some passes of a zone, so every replica holds the state it saw last; each zone
 * series comes with `bindy_zone_last_sync_timestamp_seconds`, and the rules in manifests/overlays/monitoring read
 * the state of the replica that synced the zone last (a finalized zone's series are removed by the replica that
 * released it, and the others' age out of that join).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** What one DNSZone sync pass leaves to report. */
export interface ZonePassMetrics {
  ready: boolean;
  /** The serial the primaries serve (the lowest), when one serves the zone. */
  serial?: number;
  /** Secondaries probed that do not serve the primaries' serial (undefined: not probed). */
  secondariesBehind?: number;
  /** Since when some secondary has been behind (Progressing=SecondariesSyncing), seconds; 0 when none is. */
  secondariesBehindSeconds?: number;
  /** The serial each instance (primary or secondary) serves, by `namespace/name`. */
  instanceSerials: { instance: string; serial: number }[];
  /** Selected records by outcome. */
  records: Record<RecordState, number>;
  /** One per primary: served, held, pending, or the failure kind (dns/… hooks/ports/bindcar.ts BindcarFailure). */
  pushes: PushResultLabel[];
}

export type RecordState = 'served' | 'conflict' | 'invalid' | 'unmanaged' | 'waiting';
export const RECORD_STATES: readonly RecordState[] = ['served', 'conflict', 'invalid', 'unmanaged', 'waiting'];
export type PushResultLabel =
  'served' | 'held' | 'pending' | 'unreachable' | 'timeout' | 'unavailable' | 'rejected' | 'invalid';

export interface ZoneRef {
  namespace: string;
  name: string;
}

export interface ZoneMetrics {
  /** After a sync pass; `now` in seconds since the epoch. */
  synced(zone: ZoneRef, pass: ZonePassMetrics, now: number): void;
  /** While finalize waits for an instance: seconds since the deletionTimestamp. */
  deletionBlocked(zone: ZoneRef, seconds: number, now: number): void;
  /** Finalize released the zone: its series go. */
  released(zone: ZoneRef): void;
}

/** The metric names, one spelling each (the monitoring overlay's rules and dashboard use exactly these). */
export const ZONE_METRIC_NAMES = {
  pushes: 'bindy_zone_pushes_total',
  ready: 'bindy_zone_ready',
  serial: 'bindy_zone_serial',
  secondariesBehind: 'bindy_zone_secondaries_behind',
  secondariesBehindSeconds: 'bindy_zone_secondaries_behind_seconds',
  instanceSerial: 'bindy_zone_instance_serial',
  records: 'bindy_zone_records',
  deletionBlocked: 'bindy_zone_deletion_blocked_seconds',
  lastSync: 'bindy_zone_last_sync_timestamp_seconds',
} as const;

/** Registers the zone metrics on `registry`. */
export function zoneMetrics(registry: Registry): ZoneMetrics {
  const zl = ['zone_namespace', 'dnszone'] as const;
  const registers = [registry];
  const pushes = new Counter({
    name: ZONE_METRIC_NAMES.pushes,
    help: 'Zone pushes to primaries by result: served, held (deletion guard, zone not owned), pending (no endpoint) or the failure kind.',
    labelNames: ['result'],
    registers,
  });
  const zoneGauge = (name: string, help: string, extra: readonly string[] = []) =>
    new Gauge({ name, help, labelNames: [...zl, ...extra], registers });
  const ready = zoneGauge(
    ZONE_METRIC_NAMES.ready,
    '1 when the DNSZone is Ready (a primary serves its desired content), else 0.',
  );
  const serial = zoneGauge(ZONE_METRIC_NAMES.serial, 'The SOA serial the primaries serve (the lowest of them).');
  const behind = zoneGauge(ZONE_METRIC_NAMES.secondariesBehind, "Secondaries that do not serve the primaries' serial.");
  const behindSeconds = zoneGauge(
    ZONE_METRIC_NAMES.secondariesBehindSeconds,
    "How long some secondary has not served the primaries' serial, in seconds (0 when all do).",
  );
  const instanceSerial = zoneGauge(
    ZONE_METRIC_NAMES.instanceSerial,
    'The SOA serial each Bind9Instance serving the DNSZone answers (bind9instance: namespace/name).',
    ['bind9instance'],
  );
  const records = zoneGauge(
    ZONE_METRIC_NAMES.records,
    'Records the DNSZone selects, by outcome: served, conflict, invalid, unmanaged, waiting (not pushed yet).',
    ['state'],
  );
  const blocked = zoneGauge(
    ZONE_METRIC_NAMES.deletionBlocked,
    'Seconds a DNSZone deletion has waited for an unreachable instance (0 when not blocked).',
  );
  const lastSync = zoneGauge(
    ZONE_METRIC_NAMES.lastSync,
    'When this hooks replica last synced the DNSZone (seconds since the epoch).',
  );
  const labels = (z: ZoneRef) => ({ zone_namespace: z.namespace, dnszone: z.name });
  const perZone = [ready, serial, behind, behindSeconds, blocked, lastSync];
  // the instances each zone reported last, so one that stops serving it loses its series
  const instancesOf = new Map<string, Set<string>>();
  const key = (z: ZoneRef) => `${z.namespace}/${z.name}`;
  return {
    synced(z, pass, now) {
      const l = labels(z);
      for (const r of pass.pushes) pushes.inc({ result: r });
      ready.set(l, pass.ready ? 1 : 0);
      if (pass.serial !== undefined) serial.set(l, pass.serial);
      if (pass.secondariesBehind !== undefined) behind.set(l, pass.secondariesBehind);
      if (pass.secondariesBehindSeconds !== undefined) behindSeconds.set(l, pass.secondariesBehindSeconds);
      const known = new Set(pass.instanceSerials.map((i) => i.instance));
      for (const gone of instancesOf.get(key(z)) ?? [])
        if (!known.has(gone)) instanceSerial.remove({ ...l, bind9instance: gone });
      for (const i of pass.instanceSerials) instanceSerial.set({ ...l, bind9instance: i.instance }, i.serial);
      instancesOf.set(key(z), known);
      for (const s of RECORD_STATES) records.set({ ...l, state: s }, pass.records[s]);
      blocked.set(l, 0);
      lastSync.set(l, now);
    },
    deletionBlocked(z, seconds, now) {
      blocked.set(labels(z), seconds);
      lastSync.set(labels(z), now);
    },
    released(z) {
      const l = labels(z);
      for (const g of perZone) g.remove(l);
      for (const i of instancesOf.get(key(z)) ?? []) instanceSerial.remove({ ...l, bind9instance: i });
      instancesOf.delete(key(z));
      for (const s of RECORD_STATES) records.remove({ ...l, state: s });
    },
  };
}
