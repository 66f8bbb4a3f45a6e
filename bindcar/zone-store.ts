/**
 * fs adapter for zone files: every path is resolved and checked to stay inside `zoneDir`; writes go
 * to a temp file in the same directory, are fsynced and then renamed over the target, so named
 * never reads a half-written zone.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { checkZoneName, zoneFileName } from '../dns/names.js';

export interface ZoneStore {
  readonly dir: string;
  /** Absolute path of the zone's file (the zone name is validated again here). */
  pathOf(zone: string): string;
  write(zone: string, text: string): Promise<string>;
  exists(zone: string): Promise<boolean>;
  /** Remove the zone file and its journal / signing side files; missing files are fine. */
  remove(zone: string): Promise<void>;
  /** Zone names that have a `<zone>.zone` file. */
  list(): Promise<string[]>;
}

/** Build the store for `dir` (must be an absolute, existing directory). */
export function createZoneStore(dir: string): ZoneStore {
  const root = resolve(dir);
  const pathOf = (zone: string): string => {
    const c = checkZoneName(zone);
    if (!c.ok || c.name !== zone) throw new Error(`refusing unsafe zone name for a path: ${JSON.stringify(zone)}`);
    const p = resolve(root, zoneFileName(zone));
    if (!p.startsWith(root + sep)) throw new Error(`zone path escapes the zone directory: ${p}`);
    return p;
  };
  return {
    dir: root,
    pathOf,
    async write(zone, text) {
      const target = pathOf(zone);
      const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return target;
    },
    async exists(zone) {
      try {
        return (await stat(pathOf(zone))).isFile();
      } catch {
        return false;
      }
    },
    async remove(zone) {
      const p = pathOf(zone);
      await Promise.all(['', '.jnl', '.signed', '.signed.jnl', '.jbk'].map((s) => rm(p + s, { force: true })));
    },
    async list() {
      const names = await readdir(root);
      return names
        .filter((n) => n.endsWith('.zone'))
        .map((n) => n.slice(0, -'.zone'.length))
        .filter((z) => {
          const c = checkZoneName(z);
          return c.ok && c.name === z;
        })
        .sort();
    },
  };
}
