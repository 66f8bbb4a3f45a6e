/** A minimal in-process DNS query for benchmarks (a spawned dig would add ~5 ms of noise to every sample). */
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** The A/AAAA/TXT answers for `name`, as strings; [] on NXDOMAIN/NODATA. */
export function query(
  port: number,
  name: string,
  type: 'A' | 'AAAA' | 'TXT' | 'SOA' = 'A',
  timeoutMs = 1000,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const id = Math.floor(Math.random() * 65535);
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no answer for ${name} ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('message', (msg) => {
      const res = dnsPacket.decode(msg);
      if (res.id !== id) return;
      clearTimeout(timer);
      sock.close();
      const answers = (res.answers ?? []) as { type: string; data?: unknown }[];
      resolve(
        answers
          .filter((a) => a.type === type)
          .map((a) => (type === 'SOA' ? String((a.data as { serial: number }).serial) : String(a.data))),
      );
    });
    sock.send(
      dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ type, name, class: 'IN' }] }),
      port,
      '127.0.0.1',
    );
  });
}

/** Polls until `name` answers with `want` (exact first answer); returns when seen. */
export async function untilAnswer(port: number, name: string, want: string, deadlineMs = 10000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const got: string[] = await query(port, name).catch(() => []);
    if (got.includes(want)) return;
    if (Date.now() > end) throw new Error(`${name} never answered ${want} (last: ${got.join(',') || 'nothing'})`);
  }
}
