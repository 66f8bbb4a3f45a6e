/** A CLI `Io` (cli/commands/types.ts) that keeps what a command prints; a usage error goes to stderr, exit 1. */
import type { Io } from '../../cli/commands/types.js';

export function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    progress: () => undefined,
    usageError: (m) => {
      stderr.push(m);
      return { code: 1 };
    },
  };
}
