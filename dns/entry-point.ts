/**
 * Whether the module at `moduleUrl` is the one `node` was started with. A service module (hooks/server.ts,
 * bindcar/server.ts) starts itself only then, so tests and the local stack can import it. In a bundle
 * (scripts/bundle.ts) every module shares the bundle's URL; the script `node` runs is its launcher, which starts the
 * service itself (dns/code-cache.ts).
 */
import { pathToFileURL } from 'node:url';

export function isEntryPoint(moduleUrl: string, argv: readonly string[] = process.argv): boolean {
  const script = argv[1];
  return script !== undefined && moduleUrl === pathToFileURL(script).href;
}
