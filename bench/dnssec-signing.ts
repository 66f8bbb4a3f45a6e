/**
 * `npx tsx bench/dnssec-signing.ts [names…]`: how long named takes to sign a new zone of N names with dnssec-policy
 * default, through bindcar (in-process, test/support/named-bindcar.ts) against a real named. For each size: the PUT,
 * the time until bindcar's `GET …/dnssec` says `signed` (what status.dnssec reports), and the time until every A RRset
 * of an AXFR carries its RRSIG. This is a shared 2-core machine: repeat a run before trusting a figure.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PutZoneBody, ZoneDnssecResult } from '../dns/contract.js';
import { startBindcar } from '../test/support/named-bindcar.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(names: number): Promise<{ names: number; putMs: number; signedMs: number; allRrsigMs: number }> {
  const h = await startBindcar();
  try {
    const zone = `n${names}.bench.test`;
    const body: PutZoneBody = {
      type: 'primary',
      ttl: 300,
      soa: {
        mname: `ns1.${zone}.`,
        rname: `hostmaster.${zone}.`,
        refresh: 3600,
        retry: 600,
        expire: 604800,
        minimum: 300,
      },
      nameServers: [{ hostname: `ns1.${zone}.`, ipv4Addresses: ['192.0.2.53'] }],
      records: Array.from({ length: names }, (_, i) => ({
        name: `h${i}`,
        type: 'A' as const,
        ttl: 60,
        data: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      })),
      dnssecPolicy: 'default',
    };
    const t0 = Date.now();
    const put = await h.http.put(`/api/v1/zones/${zone}`, body);
    if (put.status !== 201) throw new Error(`PUT answered ${put.status}: ${JSON.stringify(put.data)}`);
    const putMs = Date.now() - t0;
    let signedMs = 0;
    // bounded: 10 minutes
    for (let i = 0; i < 2400; i++) {
      const d = await h.http.get<ZoneDnssecResult>(`/api/v1/zones/${zone}/dnssec`);
      if (d.data.state === 'signed') {
        if (!signedMs) signedMs = Date.now() - t0;
        const k = h.named.updateKey;
        const { stdout } = await run(
          'dig',
          [
            '@127.0.0.1',
            '-p',
            String(h.named.dnsPort),
            '-y',
            `hmac-sha256:${k.name}:${k.secret}`,
            '+noall',
            '+answer',
            zone,
            'AXFR',
          ],
          { maxBuffer: 1 << 28, timeout: 60000 },
        );
        const lines = stdout.split('\n');
        const a = lines.filter((l) => /\sIN\s+A\s/.test(l)).length;
        const sigs = lines.filter((l) => /\sIN\s+RRSIG\s+A\s/.test(l)).length;
        if (a >= names && sigs >= a) return { names, putMs, signedMs, allRrsigMs: Date.now() - t0 };
      }
      await sleep(250);
    }
    throw new Error(`zone of ${names} names not signed within 10 minutes`);
  } finally {
    await h.stop();
  }
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length ? sizes : [1000, 10000]) console.log(JSON.stringify(await measure(n)));
