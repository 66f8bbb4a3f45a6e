/**
 * What the CLI says when an ordinary mistake stops a command: one line naming the file or option and what to do,
 * never a stack trace (that is for `--debug`). File-system errors carry a path and a code; they are translated here,
 * once, for every command.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A mistake the user can fix; its message is printed as is. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'no space left on the device',
};

/** One line for an error of a command: user errors and file-system errors as messages, anything else as a bug. */
export function describeError(command: string, err: unknown): { message: string; bug: boolean } {
  if (err instanceof UserError) return { message: `bindy ${command}: ${err.message}`, bug: false };
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && FS_REASONS[e.code] && typeof e.path === 'string') {
    return { message: `bindy ${command}: ${e.path}: ${FS_REASONS[e.code]}`, bug: false };
  }
  return {
    message: `bindy ${command}: unexpected error: ${e?.message ?? String(err)} (run again with --debug for details)`,
    bug: true,
  };
}

/** `-f DIR` must name an existing folder. */
export function requireFolder(option: string, dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UserError(
      `${option} ${dir}: no such folder; pass the folder that holds your manifests (e.g. -f examples)`,
    );
  }
  if (!isDir) throw new UserError(`${option} ${dir}: is a file, not a folder; pass the folder that holds it`);
}

/**
 * Makes `out` ready for writing, or says why not: an existing writable folder, or a new folder inside one. Checked
 * before any work, and without recursive creation (which never returns on some special file systems, e.g. /proc).
 */
export function prepareOutFolder(option: string, out: string): string {
  const abs = resolve(out);
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined;
  }
  const parent = dirname(abs);
  try {
    if (st) {
      if (!st.isDirectory()) throw new UserError(`${option} ${out}: is a file; pass a folder to write into`);
      accessSync(abs, constants.W_OK);
    } else {
      if (!statSync(parent).isDirectory()) throw new UserError(`${option} ${out}: ${parent} is not a folder`);
      accessSync(parent, constants.W_OK);
      mkdirSync(abs);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const what = st ? 'cannot write into it' : `cannot create it in ${parent}`;
    throw new UserError(`${option} ${out}: ${what} (${FS_REASONS[code] ?? code}); pass a folder you can write to`);
  }
  return abs;
}
