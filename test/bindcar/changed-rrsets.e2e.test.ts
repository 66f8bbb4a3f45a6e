/**
 * The changed-RRsets path (`PATCH /api/v1/zones/{zone}/rrsets`) against a real named, and the hooks' client that
 * uses it: a change costs the change, the full PUT stays the source of truth. Whatever breaks the precondition — a
 * restarted bindcar, a change another tool made, bindcar dying between the UPDATE and its read-back — ends in exactly
 * the zone the last body declares.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { PatchRRsetsBody, PutZoneBody, ZoneRecord } from '../../dns/contract.js';
import { createBindcarClient, staticToken } from '../../hooks/ports/bindcar.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { startNamed, type NamedInstance } from '../support/named.js';
import { zoneBody } from './builders.js';

const execFileP = promisify(execFile);

describe('bindcar: changed RRsets with a precondition, falling back to the full PUT (real named)', function () {
  this.timeout(30000);
  let named: NamedInstance;
  let h: BindcarHarness;
  before(async () => {
    named = await startNamed();
    h = await startBindcar({ named });
  });
  after(async () => {
    await h?.stop();
    await named?.stop();
  });

  const a = (name: string, ip: string, ttl = 60): ZoneRecord => ({ name, type: 'A', ttl, data: ip });
  const hosts = (n: number, first = '192.0.2.1') =>
    Array.from({ length: n }, (_, i) => a(`h${i}`, i === 0 ? first : `198.51.100.${i}`));
  const guard = { maxDeletePercent: 30 };
  const body = (zone: string, records: ZoneRecord[]): PutZoneBody =>
    zoneBody(zone, records, { deletionGuard: guard, owner: 'test/zone' });
  const put = (zone: string, b: PutZoneBody) => h.http.put(`/api/v1/zones/${zone}`, b);
  const patch = (zone: string, b: PatchRRsetsBody) => h.http.patch(`/api/v1/zones/${zone}/rrsets`, b);
  const nsupdate = async (zone: string, lines: string[]) => {
    const k = named.updateKey;
    const script = [`server 127.0.0.1 ${named.dnsPort}`, `zone ${zone}`, ...lines, 'send', ''].join('\n');
    const child = execFileP('nsupdate', ['-y', `${k.algorithm}:${k.name}:${k.secret}`]);
    child.child.stdin!.end(script);
    await child;
  };
  /** What named serves besides the SOA, apex NS and glue, as sorted `name type ttl data` (AXFR through dig). */
  const served = async (zone: string) => {
    const { stdout } = await execFileP('dig', [
      '@127.0.0.1',
      '-p',
      String(named.dnsPort),
      '-y',
      `hmac-sha256:${named.updateKey.name}:${named.updateKey.secret}`,
      '+noall',
      '+answer',
      zone,
      'AXFR',
    ]);
    return [
      ...new Set(
        stdout
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .filter((f) => f.length >= 5 && f[3] !== 'SOA' && f[3] !== 'NS' && !f[0]!.startsWith('ns1.'))
          .map((f) => `${f[0]} ${f[3]} ${f[1]} ${f.slice(4).join(' ')}`),
      ),
    ].sort();
  };
  const declared = (zone: string, records: ZoneRecord[]) =>
    records.map((r) => `${r.name}.${zone}. ${r.type} ${r.ttl} ${r.data}`).sort();
  const operations = async (op: string) => {
    const m = (await h.metrics.registry.getSingleMetric('bindcar_zone_operations_total')?.get())?.values ?? [];
    return m.filter((v) => v.labels['operation'] === op).reduce((n, v) => n + v.value, 0);
  };

  it('applies only the changed RRsets when the zone is at the serial the last PUT answered', async () => {
    const zone = 'patch.test';
    const first = await put(zone, body(zone, hosts(50)));
    expect(first.status).to.equal(201);
    const r = await patch(zone, {
      ifSerial: first.data.serial,
      rrsets: [
        { name: 'h0', type: 'A', records: [{ ttl: 60, data: '192.0.2.99' }] },
        { name: 'h1', type: 'A', records: [] },
        { name: 'new', type: 'TXT', records: [{ ttl: 60, data: '"hello"' }] },
      ],
      deletionGuard: guard,
    });
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    expect(r.data).to.include({ changed: true, created: false, added: 2, removed: 2 });
    expect(r.data.serial).to.be.greaterThan(first.data.serial);
    const want = [
      a('h0', '192.0.2.99'),
      ...hosts(50).slice(2),
      { ...a('new', '0'), type: 'TXT' as const, data: '"hello"' },
    ];
    expect(await served(zone)).to.deep.equal(declared(zone, want));
    expect(r.data.records).to.equal(want.length + 2); // + apex NS and glue, as the PUT counts them
    // the same body by full PUT is a no-op: the PATCH made exactly that zone
    const again = await put(zone, body(zone, want));
    expect(again.data).to.include({ changed: false, serial: r.data.serial });
  });

  it('refuses a stale serial, a change another tool made underneath, and changes only the full PUT may make', async () => {
    const zone = 'stale.test';
    const first = await put(zone, body(zone, hosts(5)));
    const one = { name: 'h0', type: 'A' as const, records: [{ ttl: 60, data: '192.0.2.7' }] };
    expect((await patch(zone, { ifSerial: (first.data.serial as number) - 1, rrsets: [one] })).data.code).to.equal(
      'PRECONDITION_FAILED',
    );
    await nsupdate(zone, [`update add rogue.${zone}. 60 A 192.0.2.66`]);
    const r = await patch(zone, { ifSerial: first.data.serial, rrsets: [one] });
    expect([r.status, r.data.code]).to.deep.equal([409, 'PRECONDITION_FAILED']);
    // THEN the full PUT converges: the rogue record is gone, the change is in
    const full = await put(zone, body(zone, [a('h0', '192.0.2.7'), ...hosts(5).slice(1)]));
    expect(full.status).to.equal(200);
    expect(await served(zone)).to.deep.equal(declared(zone, [a('h0', '192.0.2.7'), ...hosts(5).slice(1)]));
    const cname = await patch(zone, {
      ifSerial: full.data.serial,
      rrsets: [{ name: 'h1', type: 'CNAME', records: [{ ttl: 60, data: 'h2.stale.test.' }] }],
    });
    expect([cname.status, cname.data.code]).to.deep.equal([422, 'INVALID_SPEC']);
    const apex = await patch(zone, {
      ifSerial: full.data.serial,
      rrsets: [{ name: '@', type: 'NS', records: [{ ttl: 60, data: 'ns9.example.' }] }],
    });
    expect(apex.status).to.equal(422);
  });

  it('holds a PATCH deleting more than the deletion guard allows, counting against the whole zone', async () => {
    const zone = 'guard.test';
    const first = await put(zone, body(zone, hosts(10)));
    const r = await patch(zone, {
      ifSerial: first.data.serial,
      rrsets: hosts(10)
        .slice(0, 5)
        .map((x) => ({ name: x.name, type: 'A' as const, records: [] })),
      deletionGuard: guard,
    });
    expect([r.status, r.data.code]).to.deep.equal([409, 'DELETIONS_HELD']);
    expect(r.data.details).to.include({ deletes: 5 });
    expect(await served(zone)).to.deep.equal(declared(zone, hosts(10)));
  });

  it('after a restart bindcar refuses until a full PUT set the zone again, which converges exactly', async () => {
    const zone = 'restart.test';
    const first = await put(zone, body(zone, hosts(5)));
    // GIVEN bindcar restarted (a new process: nothing remembered), named kept serving
    await h.stop({ keepNamed: true });
    h = await startBindcar({ named });
    const one = { name: 'h0', type: 'A' as const, records: [{ ttl: 60, data: '192.0.2.8' }] };
    const r = await patch(zone, { ifSerial: first.data.serial, rrsets: [one] });
    expect([r.status, r.data.code]).to.deep.equal([409, 'PRECONDITION_FAILED']);
    const want = [a('h0', '192.0.2.8'), ...hosts(5).slice(1)];
    const full = await put(zone, body(zone, want));
    expect(await served(zone)).to.deep.equal(declared(zone, want));
    const next = await patch(zone, { ifSerial: full.data.serial, rrsets: [{ ...one, records: [] }] });
    expect(next.status).to.equal(200);
  });

  it("the hooks' client sends the change, and falls back to the full PUT whenever the precondition fails", async () => {
    const zone = 'client.test';
    const client = createBindcarClient({ token: staticToken(undefined), backoffMs: 1 });
    let records = hosts(20);
    const push = async () => {
      const r = await client.putZone(h.url, zone, body(zone, records));
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      expect(await served(zone)).to.deep.equal(declared(zone, records));
    };
    await push();
    const patches = await operations('patch');
    records = [a('h0', '192.0.2.50'), ...records.slice(1)];
    await push();
    expect(await operations('patch')).to.equal(patches + 1);
    // another tool changes the zone: the PATCH fails its precondition, the full PUT removes the change
    await nsupdate(zone, [`update add rogue.${zone}. 60 A 192.0.2.66`]);
    records = [a('h0', '192.0.2.51'), ...records.slice(1)];
    await push();
    // bindcar dies between its UPDATE and the read-back (named applied the change, nobody answered)
    const dns = h.zones.deps.dns;
    const transfer = dns.transfer.bind(dns);
    let killed = 0;
    dns.transfer = async (...args) => {
      if (killed++ === 0) throw new Error('killed between the UPDATE and its read-back');
      return transfer(...args);
    };
    try {
      records = [a('h0', '192.0.2.52'), ...records.slice(1, 18)];
      await push();
    } finally {
      dns.transfer = transfer;
    }
    expect(killed).to.be.greaterThan(1);
    // and restarted: nothing remembered, the client's precondition fails, the full PUT converges
    await h.stop({ keepNamed: true });
    h = await startBindcar({ named });
    records = [a('h0', '192.0.2.53'), ...records.slice(1)];
    const r = await client.putZone(h.url, zone, body(zone, records));
    expect(r.ok).to.equal(true);
    expect(await served(zone)).to.deep.equal(declared(zone, records));
    const again = await client.putZone(h.url, zone, body(zone, records));
    expect(again.ok && again.result.changed).to.equal(false);
  });

  describe('the body applied last, sent again', () => {
    /** Counts the full PUT's validation (the work an unchanged body skips) while `fn` runs. */
    const validations = async (fn: () => Promise<void>): Promise<number> => {
      const validate = h.zones.validate.bind(h.zones);
      let n = 0;
      h.zones.validate = (...args) => (n++, validate(...args));
      try {
        await fn();
      } finally {
        h.zones.validate = validate;
      }
      return n;
    };
    const zone = 'again.test';
    const records = hosts(20);
    const b = body(zone, records);
    /** Counts the parses of a text as long as the body (bindcar runs in this process) while `fn` runs. */
    const bodyParses = async (fn: () => Promise<void>): Promise<number> => {
      const parse = JSON.parse;
      const size = JSON.stringify(b).length;
      let n = 0;
      JSON.parse = (text: string, ...rest: []) => (text.length >= size && n++, parse(text, ...rest)) as unknown;
      try {
        await fn();
      } finally {
        JSON.parse = parse;
      }
      return n;
    };

    it('is answered from one SOA query, with the answer the full PUT gives', async () => {
      expect((await put(zone, b)).status).to.equal(201);
      let again: Record<string, unknown> = {};
      const parses = await bodyParses(async () => {
        expect(
          await validations(async () => {
            const r = await put(zone, b);
            expect(r.status).to.equal(200);
            again = r.data as Record<string, unknown>;
          }),
        ).to.equal(0);
      });
      expect(parses, 'the body is not even parsed').to.equal(0);
      expect(again).to.include({ changed: false, created: false, added: 0, removed: 0 });
      // what the full PUT answers once nothing is remembered
      h.zones.forget(zone);
      let full: unknown;
      expect(
        await validations(async () => {
          full = (await put(zone, b)).data;
        }),
      ).to.equal(1);
      expect(again).to.deep.equal(full);
      expect(await served(zone)).to.deep.equal(declared(zone, records));
      const other = async () => void (await put(zone, body(zone, hosts(21))));
      expect(await bodyParses(other), 'another body is parsed').to.equal(1);
    });

    it('runs the full PUT again after anything changed the zone, and converges to the body', async () => {
      const fullAgain = async (what: string) => {
        expect(
          await validations(async () => {
            expect((await put(zone, b)).status, what).to.be.oneOf([200, 201]);
          }),
          what,
        ).to.equal(1);
        expect(await served(zone), what).to.deep.equal(declared(zone, records));
      };
      await put(zone, b);
      // a changed-RRsets PATCH (the serial moves)
      const serial = (await put(zone, b)).data.serial as number;
      expect(
        (await patch(zone, { ifSerial: serial, rrsets: [{ name: 'h0', type: 'A', records: [] }] })).status,
      ).to.equal(200);
      await fullAgain('after a PATCH');
      // another tool's UPDATE
      await nsupdate(zone, [`update add rogue.${zone}. 60 A 192.0.2.66`]);
      await fullAgain('after an UPDATE of another tool');
      // the zone's options changed through the upstream API (no serial moves)
      expect((await h.http.patch(`/api/v1/zones/${zone}`, { allowTransfer: ['192.0.2.9'] })).status).to.equal(200);
      await fullAgain('after its options changed');
      expect(await h.zones.deps.rndc.run(['showzone', zone])).to.not.include('192.0.2.9');
      // its zone file went missing (named still serves the zone)
      await rm(h.zones.deps.store.pathOf(zone));
      await fullAgain('after its zone file went missing');
      expect(await h.zones.deps.store.exists(zone)).to.equal(true);
      // and once more unchanged: no validation
      expect(await validations(async () => void (await put(zone, b)))).to.equal(0);
    });
  });
});
