/**
 * The one bounded poller of the test suite: every wait for a server, an answer or a status goes through
 * `pollUntil`, so each has a deadline and reports its last failure.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `check` until it returns without throwing; after `timeoutMs` its last error is thrown. `step` runs before
 * every try (the local driver reconciles there) and is not retried: what it throws ends the wait at once.
 */
export async function pollUntil<T>(
  check: () => Promise<T>,
  opts: { timeoutMs: number; intervalMs: number; step?: () => Promise<void> },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    await opts.step?.();
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(opts.intervalMs);
  }
}

/** `fn`'s value once `ok` holds, or its last value at the deadline (for the caller's assertion to show). */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  let last: T | undefined;
  try {
    return await pollUntil(
      async () => {
        last = await fn();
        if (!ok(last)) throw new Error('not yet');
        return last;
      },
      { timeoutMs: ms, intervalMs: 100 },
    );
  } catch {
    return last as T;
  }
}
