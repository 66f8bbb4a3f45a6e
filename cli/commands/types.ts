/** The CLI's I/O seam: commands write through it so tests capture output without spawning a process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Progress for long runs; stderr, silent in `--output json` mode. */
  progress(text: string): void;
  usageError(message: string, help: string): CommandResult;
}

export interface CommandResult {
  code: number;
}

/** Io on the process streams. */
export function processIo(quiet: boolean): Io {
  return {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    progress: (t) => {
      if (!quiet) process.stderr.write(`${t}\n`);
    },
    usageError: (message, help) => {
      process.stderr.write(`${message}\n\n${help}`);
      return { code: 1 };
    },
  };
}
