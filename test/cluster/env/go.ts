/**
 * The Go toolchain the cluster test environment builds with: the machine's, or the pinned `golang.org/toolchain`
 * module fetched once from the Go module proxy (SHA-256 checked) into the cache.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { cacheRoot } from './cache.js';
import { run } from './processes.js';

/**
 * Go toolchain fetched when the machine has none: the `golang.org/toolchain` module from the Go
 * module proxy (what the go command itself downloads for GOTOOLCHAIN switches), pinned by SHA-256.
 */
export const BOOTSTRAP_GO = {
  version: '1.26.8',
  sha256: {
    'linux-amd64': '30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7',
  } as Readonly<Record<string, string>>,
} as const;

function bootstrapGoDir(): string {
  return join(cacheRoot(), `go${BOOTSTRAP_GO.version}`);
}

/**
 * The go command to build with: $GO if set, else the first that runs of /usr/local/go/bin/go,
 * `go` on PATH and a toolchain bootstrapped earlier into the cache. Undefined when there is none.
 */
export async function findGo(): Promise<string | undefined> {
  const candidates = process.env.GO
    ? [process.env.GO]
    : ['/usr/local/go/bin/go', 'go', join(bootstrapGoDir(), 'bin', 'go')];
  for (const go of candidates) {
    const r = await run(go, ['version']).catch(() => undefined);
    if (r?.code === 0) return go;
  }
  return undefined;
}

/** A working go command: found ({@link findGo}) or bootstrapped from the module proxy. */
export async function ensureGo(log: (line: string) => void = () => {}): Promise<string> {
  const found = await findGo();
  if (found) return found;
  if (process.env.GO) throw new Error(`GO=${process.env.GO} does not run`);
  return bootstrapGo(log);
}

function goProxy(): string {
  const first = (process.env.GOPROXY ?? '')
    .split(/[,|]/)
    .map((e) => e.trim())
    .find((e) => /^https?:\/\//.test(e));
  return (first ?? 'https://proxy.golang.org').replace(/\/+$/, '');
}

function download(url: string, redirects = 3): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { timeout: 60_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        download(new URL(res.headers.location, url).toString(), redirects - 1).then(resolvePromise, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new Error(`GET ${url}: HTTP ${status}`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Extracts a (non-zip64) zip held in memory into dir, dropping `stripPrefix` from every name.
 * Names that would land outside dir are refused.
 */
export async function extractZip(zip: Buffer, dir: string, stripPrefix = ''): Promise<number> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const root = resolve(dir);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const method = zip.readUInt16LE(p + 10);
    const compSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (!name.startsWith(stripPrefix)) throw new Error(`zip entry ${name} outside ${stripPrefix}`);
    const target = resolve(root, name.slice(stripPrefix.length));
    if (!target.startsWith(root + '/')) throw new Error(`zip entry ${name} escapes the target dir`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compSize);
    const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`zip entry ${name}: compression method ${method} not supported`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
  }
  return count;
}

/** Downloads the pinned Go toolchain from the module proxy into the cache; returns its go command. */
export async function bootstrapGo(log: (line: string) => void = () => {}): Promise<string> {
  const platform = `${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const want = BOOTSTRAP_GO.sha256[platform];
  if (!want) throw new Error(`no Go toolchain found and none pinned for ${platform}: install Go >= 1.25 or set GO`);
  const mod = `v0.0.1-go${BOOTSTRAP_GO.version}.${platform}`;
  const url = `${goProxy()}/golang.org/toolchain/@v/${mod}.zip`;
  log(`testenv: no Go toolchain found; fetching ${url}`);
  const zip = await download(url);
  const got = createHash('sha256').update(zip).digest('hex');
  if (got !== want) throw new Error(`${url}: SHA-256 ${got}, expected ${want}`);
  await mkdir(cacheRoot(), { recursive: true });
  const staging = await mkdtemp(join(cacheRoot(), '.go-'));
  try {
    await extractZip(zip, staging, `golang.org/toolchain@${mod}/`);
    // module zips carry no file modes
    for (const sub of ['bin', join('pkg', 'tool')]) await chmodTree(join(staging, sub));
    const dir = bootstrapGoDir();
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return join(dir, 'bin', 'go');
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function chmodTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await chmodTree(path);
    else await chmod(path, 0o755);
  }
}
/** Version string of a go command (part of the cache key). */
export async function goVersion(go: string): Promise<string> {
  const r = await run(go, ['version']);
  if (r.code !== 0) throw new Error(`${go} version failed: ${r.stderr}`);
  return r.stdout.trim();
}
