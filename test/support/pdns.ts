/**
 * PowerDNS in tests: the launcher lives with the local stack (local/pdns.ts); here, reading what a server serves by
 * AXFR with dig, in one form for named and PowerDNS alike, so the two can be compared RRset by RRset.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TsigKey } from '../../local/named.js';

export * from '../../local/pdns.js';

const execFileP = promisify(execFile);

/**
 * Every RR of `zone` by AXFR from 127.0.0.1:`port` (signed with `key` when given: named's transfers need it; PowerDNS
 * allows loopback unsigned), as `owner ttl TYPE data` lines — owners lower-cased, whitespace collapsed, the SOA once —
 * sorted; undefined when the server does not transfer the zone. dig prints the data from the wire, so two servers
 * holding the same RRsets give the same lines whatever their own spelling.
 */
export async function axfrLines(port: number, zone: string, key?: TsigKey): Promise<string[] | undefined> {
  const { stdout } = await execFileP(
    'dig',
    [
      '@127.0.0.1',
      '-p',
      String(port),
      ...(key ? ['-y', `${key.algorithm}:${key.name}:${key.secret}`] : []),
      '+noall',
      '+answer',
      '+onesoa',
      '+time=2',
      '+tries=1',
      `${zone}.`,
      'AXFR',
    ],
    { timeout: 10000, maxBuffer: 64 << 20 },
  );
  const lines: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line);
    if (m) lines.push(`${m[1]!.toLowerCase()} ${m[2]} ${m[3]} ${m[4]!.trim().replace(/\s+/g, ' ')}`);
  }
  return lines.some((l) => l.split(' ')[2] === 'SOA') ? lines.sort() : undefined;
}
