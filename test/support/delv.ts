/**
 * `delv` (bind9-dnsutils) as a validating resolver that trusts nothing but one zone's DS lines: a trust-anchors
 * `static-ds` statement per line (BIND 9 ARM, "trust-anchors") and `+root=<zone>` so the chain starts there. For the
 * DNSSEC tests of bindcar, the DNSZone hook and the production-loop scenarios.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * delv's output (stdout and stderr) for `name`/`type` asked of `server` (`host:port`), trusting only `anchorZone`'s
 * `ds` lines (`zone. IN DS tag alg type digest`); it contains "; fully validated" when the chain holds.
 */
export async function delv(
  server: string,
  anchorZone: string,
  ds: readonly string[],
  name: string,
  type: string,
): Promise<string> {
  const i = server.lastIndexOf(':');
  const [host, port] = [server.slice(0, i), server.slice(i + 1)];
  const dir = await mkdtemp(join(tmpdir(), 'delv-'));
  try {
    const anchors = join(dir, 'anchors');
    const lines = ds.map((l) => {
      const [, , , tag, alg, digestType, digest] = l.split(' ');
      return `  "${anchorZone}." static-ds ${tag} ${alg} ${digestType} "${digest}";\n`;
    });
    await writeFile(anchors, `trust-anchors {\n${lines.join('')}};\n`);
    const { stdout, stderr } = await promisify(execFile)(
      'delv',
      [`@${host}`, '-p', port, '-a', anchors, `+root=${anchorZone}`, name, type],
      { timeout: 15_000 },
    ).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));
    return `${stdout}${stderr}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
