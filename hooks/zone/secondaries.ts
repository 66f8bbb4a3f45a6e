/**
 * Secondaries and serials in the DNSZone status.
 *
 * Serial consistency across primaries (see bindcar/zones.ts): the hook sends the highest serial any primary
 * reported as the body's `serial` floor and re-PUTs primaries that answer lower, so all primaries serve one serial
 * for one content. Secondaries are never pushed to (they follow the catalog zone); after the primaries, the hook
 * asks each secondary of the placement for its SOA serial (through the SOA probe port, at `status.dnsEndpoint`) and
 * the status lists them, so a reader sees where the zone is served and at which serial.
 *
 * Pure except `probeSecondaries`, which only calls the injected port.
 */
import { conditions, type Condition, type ConditionInput } from '../conditions.js';
import type { SoaProbe } from '../ports/soa.js';
import type { DNSZone, DNSZoneStatus } from '../schema/generated.js';
import { instanceRef, type Placement } from './select.js';

/** What one secondary serves. */
export interface SecondaryState {
  instance: Placement;
  /** The served serial; undefined when the secondary does not serve the zone (yet) or did not answer. */
  serial?: number;
  message?: string;
}

/** How long to come back while a secondary has not caught up (transfers take about a second). */
export const SECONDARY_RESYNC_SECONDS = 5;

/**
 * The serial floor to send: the highest of the spec's serial and the serials the primaries reported last time
 * (observed status). Undefined when nothing is known.
 */
export function serialFloor(zone: DNSZone, primaries: readonly Placement[], specSerial?: number): number | undefined {
  const names = new Set(primaries.map(instanceRef));
  const known = (zone.status?.instances ?? [])
    .filter((i) => names.has(instanceRef(i)) && typeof i.serial === 'number')
    .map((i) => i.serial!);
  if (specSerial !== undefined) known.push(specSerial);
  return known.length ? Math.max(...known) : undefined;
}

/**
 * The primaries to push again and the floor to push them with: those that answered a serial below the highest
 * answered one. Empty when all agree.
 */
export function laggingPrimaries<T extends { serial?: number }>(
  answers: readonly T[],
): { floor?: number; lagging: T[] } {
  const serials = answers.map((a) => a.serial).filter((s): s is number => s !== undefined);
  if (!serials.length) return { lagging: [] };
  const floor = Math.max(...serials);
  return { floor, lagging: answers.filter((a) => a.serial !== undefined && a.serial < floor) };
}

/** Ask every secondary with a DNS endpoint for its serial (in parallel, each bounded by the port's timeout). */
export async function probeSecondaries(
  probe: SoaProbe,
  secondaries: readonly Placement[],
  zoneName: string,
): Promise<SecondaryState[]> {
  return Promise.all(
    secondaries.map(async (instance): Promise<SecondaryState> => {
      if (!instance.dnsEndpoint) return { instance, message: 'no dnsEndpoint in the instance status yet' };
      const r = await probe.serial(instance.dnsEndpoint, zoneName);
      return r.ok ? { instance, serial: r.serial } : { instance, message: r.message };
    }),
  );
}

/**
 * Adds the secondaries to a zone status: one `instances` entry each (ready = serves the primaries' serial), a
 * `Ready` message that says how many secondaries serve it, and `Progressing=True/SecondariesSyncing` while some
 * lag (with a short resync), so `Ready` plus `Progressing=False` means "served everywhere at one serial".
 * Only when the primaries serve the zone (`status.serial` set and Ready=True); otherwise the status is unchanged.
 */
export function withSecondaries(
  status: DNSZoneStatus,
  states: readonly SecondaryState[],
  previous: readonly Partial<Condition>[] | undefined,
  now: string,
  generation: number | undefined,
): { status: DNSZoneStatus; resyncAfterSeconds?: number } {
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const serial = status.serial;
  if (!states.length || serial === undefined || ready?.status !== 'True') return { status };
  const sorted = [...states].sort((a, b) =>
    `${a.instance.namespace}/${a.instance.name}` < `${b.instance.namespace}/${b.instance.name}` ? -1 : 1,
  );
  const inSync = sorted.filter((s) => s.serial === serial);
  const behind = sorted.filter((s) => s.serial !== serial);
  const entries = sorted.map((s) => ({
    name: s.instance.name,
    namespace: s.instance.namespace,
    ...(s.serial !== undefined ? { serial: s.serial } : {}),
    ready: s.serial === serial,
    ...(s.serial !== serial ? { message: s.message ?? `serves serial ${s.serial}, primaries serve ${serial}` } : {}),
  }));
  const wanted: ConditionInput[] = (status.conditions ?? []).map((c) => {
    const base = { type: c.type, status: c.status, reason: c.reason, message: c.message };
    if (c.type === 'Ready')
      return { ...base, message: `${c.message}; ${inSync.length}/${sorted.length} secondaries at serial ${serial}` };
    if (c.type === 'Progressing' && behind.length && c.status === 'False')
      return {
        type: 'Progressing',
        status: 'True' as const,
        reason: 'SecondariesSyncing',
        message: `waiting for ${behind.map((s) => `${s.instance.namespace}/${s.instance.name}`).join(', ')} to transfer serial ${serial}`,
      };
    return base;
  });
  const next: DNSZoneStatus = {
    ...status,
    conditions: conditions(wanted, previous as Partial<Condition>[] | undefined, now, generation),
    instances: [...(status.instances ?? []), ...entries].slice(0, 256),
  };
  return behind.length ? { status: next, resyncAfterSeconds: SECONDARY_RESYNC_SECONDS } : { status: next };
}
