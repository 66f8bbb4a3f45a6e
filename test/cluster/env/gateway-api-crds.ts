/**
 * The Gateway API CRDs (standard channel) the Gateway API sources need, read from the Go module that publishes them,
 * pinned here — so the production loop runs the routes DecoratorController against the real schemas, not stand-ins.
 * `go mod download` verifies the module against the Go checksum database and keeps it in the module cache.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureGo } from './go.js';
import { run } from './processes.js';

export const GATEWAY_API_MODULE = 'sigs.k8s.io/gateway-api@v1.6.3';

/** The resources the routes decorator reads (metacontroller/gateway-api/sources-gateway-api.yaml). */
export const GATEWAY_API_RESOURCES = ['gateways', 'httproutes', 'grpcroutes', 'tlsroutes'] as const;

/** Paths of the CRD files of {@link GATEWAY_API_RESOURCES}, downloading the module when it is not cached. */
export async function gatewayApiCrdFiles(log: (line: string) => void = () => {}): Promise<string[]> {
  const go = await ensureGo(log);
  const r = await run(go, ['mod', 'download', '-json', GATEWAY_API_MODULE], {
    cwd: tmpdir(),
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const info = JSON.parse(r.stdout || '{}') as { Dir?: string; Error?: string };
  if (r.code !== 0 || !info.Dir)
    throw new Error(`go mod download ${GATEWAY_API_MODULE} failed: ${info.Error ?? r.stderr}`);
  return GATEWAY_API_RESOURCES.map((res) =>
    join(info.Dir!, 'config/crd/standard', `gateway.networking.k8s.io_${res}.yaml`),
  );
}
