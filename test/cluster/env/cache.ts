/**
 * Where the cluster test environment keeps what it builds: one directory per content key under the per-machine
 * cache root, so bumping a pin builds anew and an interrupted build is never reused.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in test/cluster/env/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Root of the per-machine cache. */
export function cacheRoot(): string {
  if (process.env.BINDY_TESTENV_CACHE) return process.env.BINDY_TESTENV_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'bindy-testenv');
}

/** Files under dir (recursively), relative to it, in a stable order (content keys hash them). */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Builds into a temp folder beside `dir` and renames it into place with a `.complete` marker, so an interrupted build
 * is never taken for a finished one.
 */
export async function buildIntoCache(dir: string, fill: (staging: string) => Promise<void>): Promise<void> {
  await mkdir(cacheRoot(), { recursive: true });
  const staging = await mkdtemp(join(cacheRoot(), '.build-'));
  try {
    await fill(staging);
    await writeFile(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
