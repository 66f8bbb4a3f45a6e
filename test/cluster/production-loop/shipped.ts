/**
 * The Metacontroller flags bindy ships (manifests/metacontroller/metacontroller.yaml), so the tests run Metacontroller
 * exactly as the install does — minus what the harness sets itself (apply strategy, addresses, logging).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../env/cache.js';

const HARNESS_OWNED =
  /^--(apply-strategy|metrics-address|health-probe-bind-address|pprof-address|zap-[a-z-]+|kubeconfig|leader-election[a-z-]*)=/;

/** The args of the shipped Metacontroller container that are not harness-owned. */
export async function metacontrollerArgs(): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, 'manifests/metacontroller/metacontroller.yaml'), 'utf8');
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as {
      kind?: string;
      spec?: { template?: { spec?: { containers?: { name: string; args?: string[] }[] } } };
    } | null;
    if (o?.kind !== 'StatefulSet') continue;
    const c = o.spec?.template?.spec?.containers?.find((x) => x.name === 'metacontroller');
    if (c) return (c.args ?? []).filter((a) => !HARNESS_OWNED.test(a));
  }
  throw new Error('manifests/metacontroller/metacontroller.yaml has no metacontroller container');
}
