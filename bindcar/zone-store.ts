/**
 * fs adapter for zone files: every path is resolved and checked to stay inside `zoneDir`; writes go
 * to a temp file in the same directory, are fsynced and then renamed over the target, so named
 * never reads a half-written zone.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { checkZoneName, zoneFileName, zoneOfFileName } from '../dns/names.js';
import type { DnssecKeyFiles } from '../dns/contract.js';
import { KEY_FILE_EXTENSIONS, keyFileBase } from '../dns/dnssec-keys.js';

export interface ZoneStore {
  readonly dir: string;
  /** Absolute path of the zone's file (the zone name is validated again here). */
  pathOf(zone: string): string;
  write(zone: string, text: string): Promise<string>;
  exists(zone: string): Promise<boolean>;
  /** Remove the zone file and its journal / signing side files; missing files are fine. */
  remove(zone: string): Promise<void>;
  /** Zone names that have a zone file (`zoneFileName`: `<zone>.zone`). */
  list(): Promise<string[]>;
  /** Who created the zone, as {@link setOwner} recorded it beside the zone file; undefined when nothing did. */
  owner(zone: string): Promise<ZoneOwner | undefined>;
  setOwner(zone: string, owner: ZoneOwner): Promise<void>;
  /**
   * The files of `zone`'s DNSSEC keys `keys` in this directory, named's key directory (dns/dnssec-keys.ts file names),
   * sorted by key tag; a key without its .private file here (a public key only) is left out.
   */
  readKeys(zone: string, keys: readonly { algorithm: number; keyTag: number }[]): Promise<DnssecKeyFiles[]>;
  /** Writes each key's files (checked by the caller), the private key readable by its owner only. */
  writeKeys(zone: string, keys: readonly DnssecKeyFiles[]): Promise<void>;
}

/**
 * The marker beside a zone file (`<zone>.zone.owner`): `put` — a declarative PUT created or adopted it, for `owner`
 * (a DNSZone's namespace/name); `upstream` — the upstream-compatible create route did (another tool's zone).
 */
export interface ZoneOwner {
  via: 'put' | 'upstream';
  owner?: string;
}

const OWNER_SUFFIX = '.owner';

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
  const keyPath = (zone: string, algorithm: number, tag: number, ext: string): string => {
    pathOf(zone);
    const p = resolve(root, `${keyFileBase(zone, algorithm, tag)}.${ext}`);
    if (!p.startsWith(root + sep)) throw new Error(`key path escapes the zone directory: ${p}`);
    return p;
  };
  const writeAtomic = async (target: string, text: string, mode = 0o644): Promise<void> => {
    const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    const fh = await open(tmp, 'wx', mode);
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
  };
  return {
    dir: root,
    pathOf,
    async write(zone, text) {
      const target = pathOf(zone);
      await writeAtomic(target, text);
      return target;
    },
    async owner(zone) {
      let text: string;
      try {
        text = await readFile(pathOf(zone) + OWNER_SUFFIX, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const o = JSON.parse(text) as Partial<ZoneOwner>;
        if (o.via === 'put' || o.via === 'upstream')
          return { via: o.via, ...(typeof o.owner === 'string' ? { owner: o.owner } : {}) };
      } catch {
        // a marker bindcar did not write: nobody known created the zone
      }
      return undefined;
    },
    async setOwner(zone, owner) {
      await writeAtomic(pathOf(zone) + OWNER_SUFFIX, JSON.stringify(owner) + '\n');
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
      await Promise.all(
        ['', '.jnl', '.signed', '.signed.jnl', '.jbk', OWNER_SUFFIX].map((s) => rm(p + s, { force: true })),
      );
    },
    async readKeys(zone, wanted) {
      const read = (p: string) => readFile(p, 'utf8').catch(() => undefined);
      const keys = await Promise.all(
        wanted.map(async ({ algorithm, keyTag }) => {
          const [key, priv, state] = await Promise.all(
            KEY_FILE_EXTENSIONS.map((ext) => read(keyPath(zone, algorithm, keyTag, ext))),
          );
          return key !== undefined && priv !== undefined
            ? [{ algorithm, keyTag, key, private: priv, ...(state !== undefined ? { state } : {}) }]
            : [];
        }),
      );
      return keys.flat().sort((a, b) => a.keyTag - b.keyTag || a.algorithm - b.algorithm);
    },
    async writeKeys(zone, keys) {
      for (const k of keys) {
        await writeAtomic(keyPath(zone, k.algorithm, k.keyTag, 'key'), k.key);
        await writeAtomic(keyPath(zone, k.algorithm, k.keyTag, 'private'), k.private, 0o600);
        if (k.state !== undefined) await writeAtomic(keyPath(zone, k.algorithm, k.keyTag, 'state'), k.state);
      }
    },
    async list() {
      const names = await readdir(root);
      return names
        .map(zoneOfFileName)
        .filter((z): z is string => z !== undefined)
        .sort();
    },
  };
}
