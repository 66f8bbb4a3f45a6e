/**
 * Records from Ingresses and LoadBalancer Services (DecoratorController `bindy-sources`, hook v2, attachments
 * ARecord / AAAARecord / CNAMERecord), and from Gateway API routes (`bindy-sources-gateway-api`, the same hooks,
 * applied only where the Gateway API CRDs are installed): an object annotated `bindy.firestoned.io/zone: <DNSZone>` gets the records of
 * its hostnames and load-balancer addresses as attachments, so Metacontroller creates, updates and deletes them with
 * it (https://metacontroller.github.io/metacontroller/api/decoratorcontroller.html). What goes in is decided by
 * hooks/sources/source.ts; this module is the hook around it:
 *
 *   customize → the DNSZones of the source's namespace, by the zone-name index label every valid DNSZone carries.
 *               Not by the annotation's name: Metacontroller caches customize answers per uid and generation, and
 *               an annotation edit bumps no generation, so a rule built from the annotation would go stale. A
 *               route's parent Gateways by name (spec.parentRefs is spec: an edit bumps the generation).
 *   sync      → the records, and the `bindy.firestoned.io/dns` annotation on the source: the records it publishes
 *               and every problem (host outside the zone, no address yet, a zone that refuses it, a record the zone
 *               left out — e.g. because a record declared by hand owns that name). A Warning Event goes with a new
 *               set of problems (only when the annotation changes, so a stuck source does not flood the apiserver).
 *   finalize  → no records, the annotation removed; finalized once the observed records are gone. Metacontroller
 *               calls it when the source is deleted and when it loses the zone annotation (it stops matching the
 *               annotation selector), so both remove its records even without a garbage collector.
 *
 * The response is a pure function of the request (the Event is the only effect, after the decision).
 */
import type { HookRoute } from '../http.js';
import { LABELS } from '../labels.js';
import {
  objectsOf,
  type CustomizeRequest,
  type CustomizeResponse,
  type DecoratorRequest,
  type DecoratorResponse,
  type KubeObject,
} from '../metacontroller.js';
import type { EventRecorder } from '../ports/events.js';
import { API_VERSION, type DNSZone } from '../schema/generated.js';
import {
  GATEWAY_API_VERSION,
  isRoute,
  routeGatewayRefs,
  SOURCE_ANNOTATIONS,
  SOURCE_KINDS,
  SOURCE_RECORD_KINDS,
  recordProblem,
  sourceRecords,
  sourceZoneName,
  type SourceProblem,
} from '../sources/source.js';

/** What the source's report annotation says. */
export interface SourceReport {
  records: string[];
  problems: SourceProblem[];
}

/** The DNSZone the source's annotation names, from `related` (same namespace). */
function namedZone(req: DecoratorRequest): DNSZone | undefined {
  const name = sourceZoneName(req.object);
  const ns = req.object.metadata.namespace ?? '';
  return objectsOf<DNSZone & KubeObject>(req.related, 'DNSZone', API_VERSION).find(
    (z) => z.metadata.name === name && (z.metadata.namespace ?? '') === ns,
  );
}

/** The source's report: its desired records (`Kind/name`) and the problems, from the decision and the observed records. */
function report(
  req: DecoratorRequest,
  records: readonly KubeObject[],
  problems: readonly SourceProblem[],
): SourceReport {
  const observed: SourceProblem[] = [];
  const wanted = new Set(records.map((r) => `${r.kind}/${r.metadata.name}`));
  for (const k of SOURCE_RECORD_KINDS) {
    for (const rec of objectsOf(req.attachments, k.kind, API_VERSION)) {
      if (!wanted.has(`${rec.kind}/${rec.metadata.name}`)) continue;
      const p = recordProblem(rec);
      if (p) observed.push(p);
    }
  }
  return { records: [...wanted], problems: [...problems, ...observed] };
}

/** Decorator sync of a source (see the top of this module). */
export function syncSource(req: DecoratorRequest): DecoratorResponse {
  if (req.finalizing) return finalizeSource(req);
  const gateways = objectsOf(req.related, 'Gateway', GATEWAY_API_VERSION);
  const { records, problems } = sourceRecords(req.object, namedZone(req), gateways);
  return {
    labels: {},
    annotations: { [SOURCE_ANNOTATIONS.report]: JSON.stringify(report(req, records, problems)) },
    status: null,
    attachments: records,
  };
}

/** Decorator finalize of a source: no records, no report; finalized once the observed records are gone. */
export function finalizeSource(req: DecoratorRequest): DecoratorResponse {
  const left = SOURCE_RECORD_KINDS.some((k) => objectsOf(req.attachments, k.kind, API_VERSION).length > 0);
  return {
    labels: {},
    annotations: { [SOURCE_ANNOTATIONS.report]: null },
    status: null,
    attachments: [],
    finalized: !left,
  };
}

/** Decorator customize: the DNSZones of the source's namespace (by the index label each valid zone carries). */
export function customizeSource(req: CustomizeRequest): CustomizeResponse {
  const rules: CustomizeResponse['relatedResources'] = [
    {
      apiVersion: API_VERSION,
      resource: 'dnszones',
      namespace: req.parent.metadata.namespace ?? '',
      labelSelector: { matchExpressions: [{ key: LABELS.zoneName, operator: 'Exists' }] },
    },
  ];
  if (isRoute(req.parent)) {
    const byNamespace = new Map<string, Set<string>>();
    for (const ref of routeGatewayRefs(req.parent))
      byNamespace.set(ref.namespace, (byNamespace.get(ref.namespace) ?? new Set()).add(ref.name));
    for (const ns of [...byNamespace.keys()].sort())
      rules.push({
        apiVersion: GATEWAY_API_VERSION,
        resource: 'gateways',
        namespace: ns,
        names: [...byNamespace.get(ns)!].sort(),
      });
  }
  return { relatedResources: rules };
}

/** The Warning Event for a report whose problems changed (undefined: nothing new to tell, or only `NoAddress`). */
export function reportEvent(
  source: KubeObject,
  answer: DecoratorResponse,
): { type: 'Warning'; reason: string; message: string } | undefined {
  const next = answer.annotations?.[SOURCE_ANNOTATIONS.report];
  if (typeof next !== 'string' || next === source.metadata.annotations?.[SOURCE_ANNOTATIONS.report]) return undefined;
  // No address yet is where every source starts (its load balancer has not answered): the annotation says it, an
  // Event would only be noise.
  const problems = (JSON.parse(next) as SourceReport).problems.filter((p) => p.reason !== 'NoAddress');
  if (problems.length === 0) return undefined;
  const first = problems[0]!;
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more: see the ${SOURCE_ANNOTATIONS.report} annotation)` : '';
  return {
    type: 'Warning',
    reason: `DNS${first.reason}`,
    message: `${first.field}: ${first.message}${more}`.slice(0, 1024),
  };
}

/** The decorators' routes: `/sync/sources` (sync and finalize) and `/customize/sources`, for every source kind. */
export function sourceRoutes(events?: EventRecorder): HookRoute[] {
  const kinds = SOURCE_KINDS.map((k) => k.kind);
  return [
    {
      path: '/sync/sources',
      hook: 'decorate',
      kind: 'Source',
      kinds,
      handle: async (body: DecoratorRequest, ctx) => {
        const answer = syncSource(body);
        const event = events ? reportEvent(body.object, answer) : undefined;
        if (event && events) {
          const o = body.object;
          await events
            .record({
              regarding: {
                apiVersion: o.apiVersion,
                kind: o.kind,
                namespace: o.metadata.namespace ?? '',
                name: o.metadata.name ?? '',
                ...(o.metadata.uid ? { uid: o.metadata.uid } : {}),
              },
              ...event,
            })
            .catch((err: unknown) => ctx.log.warn('event not recorded', { error: (err as Error).message }));
        }
        return answer;
      },
    },
    {
      path: '/customize/sources',
      hook: 'customize',
      kind: 'Source',
      kinds,
      handle: (body: CustomizeRequest) => customizeSource(body),
    },
  ];
}
