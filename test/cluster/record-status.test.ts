/**
 * The hooks' record-status writer (hooks/ports/records.ts, client-node merge patch on /status)
 * against the real apiserver: what it writes, that an unchanged status costs no write, and how it
 * fails. Which records get patched at all (only changed ones) is the DNSZone hook's decision and is
 * covered by its contract tests.
 */
import { expect } from 'chai';
import { kubeRecordStatusWriter, type RecordRef, type RecordStatusPatch } from '../../hooks/ports/records.js';
import { BASE_SPECS, bindyDoc } from '../schema/invalid-specs.js';
import { clusterEnv, describeCluster, ensureCrds, ensureNamespace } from './support.js';

const NS = 'bindy-status';

interface Got {
  metadata: {
    resourceVersion: string;
    generation: number;
    managedFields?: { manager: string; subresource?: string }[];
  };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

async function get(name: string): Promise<Got> {
  return JSON.parse(
    (await clusterEnv().kubectl(['get', 'arecords', name, '-n', NS, '-o', 'json', '--show-managed-fields'])).stdout,
  ) as Got;
}

const ready = (zone: string | null, fqdn: string | null, status: 'True' | 'False' = 'True'): RecordStatusPatch => ({
  conditions: [
    { type: 'Ready', status, reason: 'Applied', message: 'served', lastTransitionTime: '2026-01-01T00:00:00Z' },
  ],
  observedGeneration: 1,
  zone,
  fqdn,
});

describeCluster('hooks record-status writer on a real apiserver', () => {
  const ref: RecordRef = { kind: 'ARecord', namespace: NS, name: 'www' };
  let writer: ReturnType<typeof kubeRecordStatusWriter>;

  before(async () => {
    await ensureCrds();
    await ensureNamespace(NS);
    await clusterEnv().kubectl(['apply', '--server-side', '--field-manager=bindy-cluster-test', '-n', NS, '-f', '-'], {
      stdin: JSON.stringify(bindyDoc('ARecord', BASE_SPECS.ARecord, 'www')),
    });
    writer = kubeRecordStatusWriter('bindy-hooks', clusterEnv().kubeconfigPath);
  });

  it('writes the status through /status: spec and generation untouched, field manager bindy-hooks', async () => {
    const before = await get('www');
    await writer.patchStatus(ref, ready('example.com', 'www.example.com.'));
    const after = await get('www');
    expect(after.status).to.deep.include({ zone: 'example.com', fqdn: 'www.example.com.', observedGeneration: 1 });
    expect(after.status?.conditions).to.have.length(1);
    expect(after.spec).to.deep.equal(before.spec);
    expect(after.metadata.generation).to.equal(before.metadata.generation);
    expect(
      after.metadata.managedFields?.some((f) => f.manager === 'bindy-hooks' && f.subresource === 'status'),
    ).to.equal(true);
  });

  it('an identical status is a no-op for the apiserver (resourceVersion unchanged: no etcd write)', async () => {
    await writer.patchStatus(ref, ready('example.com', 'www.example.com.'));
    const rv = (await get('www')).metadata.resourceVersion;
    await writer.patchStatus(ref, ready('example.com', 'www.example.com.'));
    expect((await get('www')).metadata.resourceVersion).to.equal(rv);
  });

  it('null zone/fqdn remove the fields; a changed condition is one write', async () => {
    const rv = (await get('www')).metadata.resourceVersion;
    await writer.patchStatus(ref, ready(null, null, 'False'));
    const after = await get('www');
    expect(after.metadata.resourceVersion).to.not.equal(rv);
    expect(after.status).to.not.have.property('zone');
    expect(after.status).to.not.have.property('fqdn');
    expect((after.status?.conditions as { status: string }[])[0]?.status).to.equal('False');
  });

  it('is not subject to 409: a spec change between read and patch does not make the merge patch conflict', async () => {
    await clusterEnv().kubectl(['patch', 'arecords', 'www', '-n', NS, '--type=merge', '-p', '{"spec":{"ttl":600}}']);
    await writer.patchStatus(ref, ready('example.com', 'www.example.com.'));
    const after = await get('www');
    expect(after.spec.ttl).to.equal(600);
    expect(after.status?.zone).to.equal('example.com');
  });

  it('rejects with 404 for a record that does not exist (deleted meanwhile)', async () => {
    const err = await writer.patchStatus({ ...ref, name: 'gone' }, ready('example.com', 'gone.example.com.')).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    );
    expect(err, 'patch of a missing record resolved').to.not.equal(undefined);
    expect(err?.code).to.equal(404);
  });

  it('rejects with 422 when the status breaks the schema (condition status outside True/False/Unknown)', async () => {
    const bad = ready('example.com', 'www.example.com.');
    const err = await writer
      .patchStatus(ref, { ...bad, conditions: [{ ...bad.conditions[0]!, status: 'Maybe' as 'True' }] })
      .then(
        () => undefined,
        (e: unknown) => e as { code?: number; body?: unknown },
      );
    expect(err?.code).to.equal(422);
    expect(String(err?.body)).to.include('status.conditions[0].status');
  });
});
