/**
 * Ajv validators compiled on their first call instead of at module load. Compiling every schema at import was most
 * of a service's start (hooks: ≈ 340 ms for the 24 CRD schemas, bench row T-hooks), and a process that uses some
 * of them (bindcar, the CLI) never pays for the rest. A server calls {@link warmValidatorsSoon} once it listens:
 * the rest compile a moment later, when a probe or a first request no longer waits behind them.
 */
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * The Ajv instance `make` builds, made on first use: loading ajv itself (its CommonJS modules, ≈ 40 ms and ≈ 10 MB)
 * then waits until a validator compiles, not the service's start.
 */
export function lazyAjv(make: (ajv: typeof Ajv) => Ajv): () => Ajv {
  let instance: Ajv | undefined;
  return () => (instance ??= make((require('ajv') as typeof import('ajv')).Ajv));
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
