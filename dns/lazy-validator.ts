/**
 * Ajv validators compiled on their first call instead of at module load (the CRD schemas: hooks/schema/validate.ts;
 * bindcar's are compiled ahead, dns/contract-validators.ts). Compiling every schema at import was most of the hooks'
 * start (≈ 340 ms for the 24 CRD schemas, bench row T-hooks), and a process that uses some of them (the CLI) never
 * pays for the rest. A server calls {@link warmValidatorsSoon} once it listens:
 * the rest compile a moment later, when a probe or a first request no longer waits behind them.
 */
import { createRequire } from 'node:module';
import type { Ajv, AnySchema, JSONSchemaType, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * Compiles schemas into {@link lazyValidator}s of one Ajv instance, which `make` builds when the first of them
 * compiles: loading ajv itself (its CommonJS modules, ≈ 40 ms and ≈ 10 MB) then waits too, not the service's start.
 */
export function lazyCompiler(
  make: (ajv: typeof Ajv) => Ajv,
): <T>(schema: JSONSchemaType<T> | AnySchema) => ValidateFunction<T> {
  let instance: Ajv | undefined;
  const ajv = () => (instance ??= make((require('ajv') as typeof import('ajv')).Ajv));
  return <T>(schema: JSONSchemaType<T> | AnySchema) => lazyValidator(() => ajv().compile<T>(schema as AnySchema));
}

const uncompiled = new Set<() => unknown>();

/** A validator that compiles `compile()` on first use and keeps its `errors` after each call, as Ajv's own does. */
export function lazyValidator<T>(compile: () => ValidateFunction<T>): ValidateFunction<T> {
  let fn: ValidateFunction<T> | undefined;
  const get = (): ValidateFunction<T> => {
    uncompiled.delete(get);
    return (fn ??= compile());
  };
  uncompiled.add(get);
  const lazy = ((data: unknown) => {
    const v = get();
    const ok = v(data);
    lazy.errors = v.errors;
    return ok;
  }) as unknown as ValidateFunction<T>;
  return lazy;
}

/** Compiles every validator not compiled yet, one per turn of the event loop, so no request waits behind all. */
export async function warmValidators(): Promise<void> {
  for (const get of [...uncompiled]) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    get();
  }
}

/** How long after a server listens its validators start to compile: after the first readiness probes. */
const WARM_DELAY_MS = 1000;

/** {@link warmValidators}, {@link WARM_DELAY_MS} from now; the timer does not keep the process alive. */
export function warmValidatorsSoon(): void {
  setTimeout(() => void warmValidators(), WARM_DELAY_MS).unref();
}
