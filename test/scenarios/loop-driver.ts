/**
 * What a production-loop scenario needs from the system under test, implemented twice: by the local runtime behind
 * `npm start` (test/local/production-loop.test.ts, in `npm test`) and by the real Metacontroller against a real
 * kube-apiserver (test/cluster/production-loop.test.ts). The same table (./production-loop.ts) runs through both, so a
 * difference between the stand-in and the real thing shows up as a failing row.
 */
import axios from 'axios';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { keyFilePrefix } from '../../dns/dnssec-keys.js';
import { zoneFileName } from '../../dns/names.js';

/** A Kubernetes object as the scenarios write it. */
export interface LoopObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    generation?: number;
    [k: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: LoopCondition[] };
  [k: string]: unknown;
}

export interface LoopCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export interface LoopDriver {
  /** `local` (the stand-in behind npm start) or `metacontroller` (the real one). */
  readonly name: string;
  /** The namespace this scenario's objects live in (created by the driver). */
  readonly namespace: string;
  /** The bindcar + named every external Bind9Instance of the scenarios names. */
  readonly external: { bindcarUrl: string; dnsAddress: string };
  /** Creates or updates objects (namespace defaults to {@link namespace}), as `kubectl apply` would. */
  apply(...objects: LoopObject[]): Promise<void>;
  /**
   * Writes `status.loadBalancer.ingress` of an Ingress or Service of the namespace, as a load-balancer controller
   * would (there is none in either system under test).
   */
  setLoadBalancer(
    kind: 'Ingress' | 'Service',
    name: string,
    ingress: { ip?: string; hostname?: string }[],
  ): Promise<void>;
  /** Deletes an object of the namespace (finalizers run as in the real system). */
  remove(kind: string, name: string): Promise<void>;
  /** The object as stored (with status), or undefined when it does not exist. */
  get(kind: string, name: string): Promise<LoopObject | undefined>;
  /** The rdata named answers for a name and type, sorted; [] for NXDOMAIN/NODATA; undefined when not authoritative. */
  dig(name: string, type: string): Promise<string[] | undefined>;
  /** bindcar's API at {@link external}, called the way another tool would (with bindcar's bearer token). */
  bindcarApi(method: 'get' | 'post' | 'put' | 'delete', path: string, body?: unknown): Promise<BindcarAnswer>;
  /**
   * named loses a zone and everything it kept for it — zone file, journal, DNSSEC keys — as a pod restart on emptyDir
   * storage loses them ({@link forgetZoneOn}).
   */
  forgetZone(zone: string): Promise<void>;
  /** Stops bindcar (named keeps serving what it has) / starts it again on the same address. */
  stopBindcar(): Promise<void>;
  startBindcar(): Promise<void>;
  /**
   * Polls `check` until it returns without throwing (the local driver reconciles between tries); rethrows the last
   * failure after `timeoutMs`.
   */
  eventually<T>(check: () => Promise<T>, timeoutMs?: number): Promise<T>;
}

export interface BindcarAnswer {
  status: number;
  data: unknown;
}

/** {@link LoopDriver.bindcarApi} for the bindcar at `url` that takes `token`. */
export function bindcarApiAt(url: string, token: string): LoopDriver['bindcarApi'] {
  const http = axios.create({
    baseURL: url,
    headers: { authorization: `Bearer ${token}` },
    validateStatus: () => true,
    timeout: 10_000,
  });
  return async (method, path, body) => {
    const r = await http.request({ method, url: path, data: body });
    return { status: r.status, data: r.data as unknown };
  };
}

/**
 * {@link LoopDriver.forgetZone} for the named whose directory is `dir`: `rndc delzone` (the zone leaves named's
 * new-zones database), then the zone's files and its key files (`K<zone>.+…`) removed.
 */
export async function forgetZoneOn(
  named: { dir: string; rndc(...args: string[]): Promise<unknown> },
  zone: string,
): Promise<void> {
  await named.rndc('delzone', zone);
  const files = (await readdir(named.dir)).filter(
    (f) => f.startsWith(keyFilePrefix(zone)) || f.startsWith(zoneFileName(zone)),
  );
  await Promise.all(files.map((f) => rm(join(named.dir, f), { force: true })));
}

/** The Ready (or another) condition of an object. */
export function condition(obj: LoopObject | undefined, type = 'Ready'): LoopCondition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** What a dig answer looks like to the scenarios (the shape of local/named.ts `query`). */
export interface DigLike {
  rcode: string;
  aa: boolean;
  answers: readonly { type: string; data: string }[];
}

/** The rdata of an answer of `type`, sorted; [] for NXDOMAIN/NODATA; undefined when named is not authoritative. */
export function answerData(r: DigLike, type: string): string[] | undefined {
  if (r.rcode === 'NXDOMAIN') return [];
  if (r.rcode !== 'NOERROR' || !r.aa) return undefined;
  return r.answers
    .filter((a) => a.type === type.toUpperCase())
    .map((a) => a.data)
    .sort();
}
