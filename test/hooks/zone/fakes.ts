/** Unit-seam fakes for the DNSZone hook's ports: a scripted bindcar, a recording status writer and event recorder. */
import type { PutZoneBody } from '../../../dns/contract.js';
import type { BindcarClient, BindcarFailure, DeleteResult, PushResult } from '../../../hooks/ports/bindcar.js';
import { memoryEventRecorder } from '../../../hooks/ports/events.js';
import type { PtrStatusPatch, RecordRef, RecordStatusPatch, RecordStatusWriter } from '../../../hooks/ports/records.js';
import type { ZonePorts } from '../../../hooks/ports/zone.js';

/** How the fake bindcar at one endpoint answers. */
export type FakeAnswer = 'ok' | 'unreachable' | 'unavailable' | 'rejected' | 'notFound';

export interface BindcarCall {
  method: 'PUT' | 'DELETE';
  endpoint: string;
  zone: string;
  body?: PutZoneBody;
}

/** A fake bindcar: answers per endpoint (default 'ok'), serial fixed, every call recorded in order of endpoint. */
export function fakeBindcar(
  answers: Record<string, FakeAnswer> = {},
  serial = 2026112201,
): BindcarClient & { calls: BindcarCall[] } {
  const calls: BindcarCall[] = [];
  const failure = (a: FakeAnswer, method: string, endpoint: string, zone: string): BindcarFailure => {
    const url = `${endpoint}/api/v1/zones/${zone}`;
    if (a === 'unreachable')
      return { kind: 'unreachable', message: `${method} ${url}: connect ECONNREFUSED`, attempts: 3 };
    if (a === 'rejected')
      return {
        kind: 'rejected',
        status: 422,
        code: 'INVALID_SPEC',
        message: `${method} ${url}: HTTP 422 INVALID_SPEC: bad zone`,
        attempts: 1,
      };
    return {
      kind: 'unavailable',
      status: 503,
      code: 'NAMED_UNAVAILABLE',
      message: `${method} ${url}: HTTP 503 NAMED_UNAVAILABLE: named is restarting`,
      attempts: 3,
      retryAfterSeconds: 30,
    };
  };
  return {
    calls,
    async putZone(endpoint, zone, body): Promise<PushResult> {
      calls.push({ method: 'PUT', endpoint, zone, body });
      const a = answers[endpoint] ?? answers['*'] ?? 'ok';
      if (a === 'ok' || a === 'notFound')
        return {
          ok: true,
          attempts: 1,
          result: { zone, serial, changed: true, created: true, added: body.records.length, removed: 0 },
        };
      return { ok: false, error: failure(a, 'PUT', endpoint, zone) };
    },
    async deleteZone(endpoint, zone): Promise<DeleteResult> {
      calls.push({ method: 'DELETE', endpoint, zone });
      const a = answers[endpoint] ?? answers['*'] ?? 'ok';
      if (a === 'ok') return { ok: true, gone: 'deleted', attempts: 1 };
      if (a === 'notFound') return { ok: true, gone: 'notFound', attempts: 1 };
      return { ok: false, error: failure(a, 'DELETE', endpoint, zone) };
    },
  };
}

/** Records every status patch; `fail` names records (`Kind/ns/name`) whose patch rejects. */
export function recordingStatusWriter(fail: string[] = []): RecordStatusWriter & {
  writes: { ref: RecordRef; status: RecordStatusPatch }[];
  ptrWrites: { ref: RecordRef; status: PtrStatusPatch }[];
} {
  const writes: { ref: RecordRef; status: RecordStatusPatch }[] = [];
  const ptrWrites: { ref: RecordRef; status: PtrStatusPatch }[] = [];
  return {
    writes,
    ptrWrites,
    async patchStatus(ref, status) {
      if (fail.includes(`${ref.kind}/${ref.namespace}/${ref.name}`)) throw new Error('apiserver said no');
      if ('ptr' in status && !('conditions' in status)) ptrWrites.push({ ref, status });
      else writes.push({ ref, status: status as RecordStatusPatch });
    },
  };
}

/** A full set of fake zone ports. */
export function fakeZonePorts(answers: Record<string, FakeAnswer> = {}) {
  const bindcar = fakeBindcar(answers);
  const recordStatus = recordingStatusWriter();
  const events = memoryEventRecorder();
  const ports: ZonePorts = { bindcar, recordStatus, events, options: { deletionGraceSeconds: 600 } };
  return { ports, bindcar, recordStatus, events };
}
