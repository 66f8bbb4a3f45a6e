/**
 * DNSSEC a user can hand to a parent, against real named: bindcar's `GET …/dnssec` (and a signed PUT's `dnssec`)
 * reports the served keys and the DS that `dnssec-dsfromkey` computes from the served DNSKEY; a restart of named on
 * the same directory keeps the same keys; `delv` with the reported DS as its trust anchor validates answers from the
 * primary, from a secondary that transferred the signed zone, and through a parent → child chain.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DnssecKeyFiles, PutZoneResult, ZoneDnssecResult } from '../../dns/contract.js';
import { delv } from '../support/delv.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { startNamed, type NamedInstance } from '../support/named.js';
import { pollUntil } from '../support/poll.js';
import { zoneBody } from './builders.js';

const run = promisify(execFile);

/** The zone's DNSSEC once named serves it signed (named signs in the background after addzone). */
async function signed(h: BindcarHarness, zone: string): Promise<ZoneDnssecResult> {
  return pollUntil(
    async () => {
      const r = await h.http.get<ZoneDnssecResult>(`/api/v1/zones/${zone}/dnssec`);
      expect(r.status).to.equal(200);
      expect(r.data.state, JSON.stringify(r.data)).to.equal('signed');
      return r.data;
    },
    { timeoutMs: 15000, intervalMs: 100 },
  );
}

/** `dnssec-dsfromkey -2` of the DNSKEY RRset named serves for `zone` (read with dig, not with bindcar). */
async function dsFromServedKeys(named: NamedInstance, dir: string, zone: string): Promise<string[]> {
  const keys = (await named.query(zone, 'DNSKEY')).answers.filter((a) => a.type === 'DNSKEY');
  const file = join(dir, `${zone}.keyset`);
  await writeFile(file, keys.map((k) => `${zone}. ${k.ttl} IN DNSKEY ${k.data}\n`).join(''));
  const { stdout } = await run('dnssec-dsfromkey', ['-2', '-f', file, zone], { timeout: 10000 });
  return stdout.trim().split('\n').sort();
}

describe('bindcar DNSSEC (real named)', function () {
  this.timeout(60000);
  let h: BindcarHarness;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bindcar-dnssec-'));
    h = await startBindcar();
  });
  after(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the signing state, keys and the DS dnssec-dsfromkey computes from the served DNSKEY', async () => {
    // GIVEN a zone pushed with dnssec-policy default
    const put = await h.http.put<PutZoneResult>(
      '/api/v1/zones/signed.test',
      zoneBody('signed.test', [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }], { dnssecPolicy: 'default' }),
    );
    expect(put.status).to.equal(201);
    // THEN the PUT already says it is signed by a policy (named may still be signing)
    expect(put.data.dnssec?.policy).to.equal('default');
    expect(put.data.dnssec?.state).to.be.oneOf(['signing', 'signed']);
    // WHEN named has signed it
    const d = await signed(h, 'signed.test');
    // THEN the keys are the served ones (default policy: one ECDSAP256SHA256 CSK) and the DS is BIND's own
    expect(d.policy).to.equal('default');
    expect(d.keys).to.have.length(1);
    expect(d.keys[0]).to.include({ algorithm: 13, algorithmName: 'ECDSAP256SHA256', role: 'CSK', dsState: 'hidden' });
    expect(d.ds).to.deep.equal(await dsFromServedKeys(h.named, dir, 'signed.test'));
    expect(d.ds[0]).to.match(new RegExp(`^signed\\.test\\. IN DS ${d.keys[0]!.keyTag} 13 2 [0-9A-F]{64}$`));
    // AND the same question twice gets the same answer, byte for byte
    const again = await h.http.get(`/api/v1/zones/signed.test/dnssec`);
    expect(JSON.stringify(again.data)).to.equal(JSON.stringify(d));
    // AND the same body again, twice (the second the very bytes applied last), still reports the keys named serves
    for (let i = 0; i < 2; i++) {
      const same = await h.http.put<PutZoneResult>(
        '/api/v1/zones/signed.test',
        zoneBody('signed.test', [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }], { dnssecPolicy: 'default' }),
      );
      expect(same.status).to.equal(200);
      expect(same.data.dnssec?.keys.map((k) => k.keyTag)).to.deep.equal([d.keys[0]!.keyTag]);
      expect(same.data.dnssecKeys?.map((k) => k.keyTag)).to.deep.equal([d.keys[0]!.keyTag]);
    }
  });

  it('reports an unsigned zone as unsigned, with no keys and no DS', async () => {
    expect((await h.http.put('/api/v1/zones/plain.test', zoneBody('plain.test'))).status).to.equal(201);
    const r = await h.http.get('/api/v1/zones/plain.test/dnssec');
    expect(r.status).to.equal(200);
    expect(r.data).to.deep.equal({ zone: 'plain.test', state: 'unsigned', keys: [], ds: [] });
  });

  it('answers 404 for a zone named does not have and 400 naming the zone for a bad name', async () => {
    const r = await h.http.get('/api/v1/zones/missing.test/dnssec');
    expect(r.status).to.equal(404);
    expect(r.data.code).to.equal('NOT_FOUND');
    const bad = await h.http.get('/api/v1/zones/bad..name/dnssec');
    expect(bad.status).to.equal(400);
    expect(bad.data.details[0].field).to.equal('zone');
  });

  it('keeps the same DNSKEY set and key tags across a named restart on the same state', async () => {
    // GIVEN a signed zone and what named served before
    const before = await signed(h, 'signed.test');
    const keysBefore = (await h.named.query('signed.test', 'DNSKEY')).answers.map((a) => a.data).sort();
    // WHEN named dies and starts again on the same directory (what a pod restart on a persistent volume is)
    await h.named.kill();
    await h.named.start();
    // THEN it serves the same DNSKEY RRset: same tags, same DS for the parent
    const after = await signed(h, 'signed.test');
    expect((await h.named.query('signed.test', 'DNSKEY')).answers.map((a) => a.data).sort()).to.deep.equal(keysBefore);
    expect(after.keys.map((k) => k.keyTag)).to.deep.equal(before.keys.map((k) => k.keyTag));
    expect(after.ds).to.deep.equal(before.ds);
  });

  it('/readyz lists a large zone while named signs it, and not once it is signed (bindcar stays ready)', async () => {
    // GIVEN a zone of 1 000 names pushed with a policy: named signs it in the background for a while
    const records = Array.from({ length: 1000 }, (_, i) => ({
      name: `h${i}`,
      type: 'A' as const,
      ttl: 60,
      data: `192.0.${(i >> 8) & 255}.${i & 255}`,
    }));
    const put = await h.http.put<PutZoneResult>(
      '/api/v1/zones/large.test',
      zoneBody('large.test', records, { dnssecPolicy: 'default' }),
    );
    expect(put.status).to.equal(201);
    expect(put.data.dnssec?.state, 'named signs 1 000 names in the background').to.equal('signing');
    // THEN /readyz stays 200 and says so
    const during = await h.http.get('/readyz');
    expect(during.status).to.equal(200);
    expect(during.data.signing.count).to.equal(1);
    expect(during.data.signing.zones[0].zone).to.equal('large.test');
    expect(Number.isNaN(Date.parse(during.data.signing.zones[0].since))).to.equal(false);
    // AND once named serves it signed, it is no longer listed
    await signed(h, 'large.test');
    expect((await h.http.get('/readyz')).data.signing).to.deep.equal({ count: 0, zones: [] });
    expect((await h.http.delete('/api/v1/zones/large.test')).status).to.equal(200);
  });

  describe('keys kept outside named', () => {
    let fresh: BindcarHarness | undefined;
    afterEach(async () => {
      await fresh?.stop();
      fresh = undefined;
    });
    const body = (keys?: DnssecKeyFiles[]) =>
      zoneBody('signed.test', [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.1' }], {
        dnssecPolicy: 'default',
        ...(keys ? { dnssecKeys: keys } : {}),
      });

    it("answers a signed zone's key files, and a named that lost its directory signs with them again", async () => {
      // GIVEN a signed zone and the key files its PUT answers (what the DNSZone hook keeps in a Secret)
      await h.http.put('/api/v1/zones/signed.test', body());
      const before = await signed(h, 'signed.test');
      const put = await h.http.put<PutZoneResult>('/api/v1/zones/signed.test', body());
      expect(put.status).to.equal(200);
      const keys = put.data.dnssecKeys!;
      expect(keys.map((k) => k.keyTag)).to.deep.equal(before.keys.map((k) => k.keyTag));
      expect(keys[0]!.key).to.match(/^signed\.test\. \d+ IN DNSKEY 257 3 13 /m);
      expect(keys[0]!.private).to.match(/^Private-key-format: v1\.\d+\nAlgorithm: 13 /);
      expect(keys[0]!.state).to.match(/^KSK: yes$/m);
      // WHEN a named on an empty directory (a pod restarted on emptyDir) gets the zone with those keys
      fresh = await startBindcar();
      const again = await fresh.http.put<PutZoneResult>('/api/v1/zones/signed.test', body(keys));
      expect(again.status, JSON.stringify(again.data)).to.equal(201);
      // THEN it serves the same DNSKEY set: same tags, same DS, and delv with the DS taken before validates its answer
      const after = await signed(fresh, 'signed.test');
      expect(after.keys.map((k) => k.keyTag)).to.deep.equal(before.keys.map((k) => k.keyTag));
      expect(after.ds).to.deep.equal(before.ds);
      expect(await dsFromServedKeys(fresh.named, dir, 'signed.test')).to.deep.equal(before.ds);
      const out = await delv(`127.0.0.1:${fresh.named.dnsPort}`, 'signed.test', before.ds, 'www.signed.test', 'A');
      expect(out).to.include('; fully validated');
      // AND the private key is written for its owner only
      const file = join(fresh.named.dir, `Ksigned.test.+013+${String(keys[0]!.keyTag).padStart(5, '0')}.private`);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
    });

    it('refuses keys that are not keys of the zone with 422 naming the field, and writes nothing', async () => {
      await h.http.put('/api/v1/zones/signed.test', body());
      const before = await signed(h, 'signed.test');
      const keys = (await h.http.put<PutZoneResult>('/api/v1/zones/signed.test', body())).data.dnssecKeys!;
      fresh = await startBindcar();
      const cases: [DnssecKeyFiles, string, RegExp][] = [
        [{ ...keys[0]!, keyTag: (keys[0]!.keyTag + 1) % 65536 }, 'dnssecKeys[0].key', /key tag \d+, not/],
        [
          { ...keys[0]!, key: keys[0]!.key.replace(/^signed\.test\. /m, 'other.test. ') },
          'dnssecKeys[0].key',
          /other\.test/,
        ],
        [{ ...keys[0]!, private: 'include "/etc/passwd";\n' }, 'dnssecKeys[0].private', /Field: value/],
        [{ ...keys[0]!, state: 'KSK: yes\n\u0000\n' }, 'dnssecKeys[0].state', /printable/],
      ];
      for (const [bad, field, message] of cases) {
        const r = await fresh.http.put('/api/v1/zones/signed.test', body([bad]));
        expect(r.status, JSON.stringify(r.data)).to.equal(422);
        expect(r.data.details[0].field).to.equal(field);
        expect(r.data.details[0].message).to.match(message);
      }
      expect((await readdir(fresh.named.dir)).filter((f) => f.startsWith('Ksigned.test.'))).to.deep.equal([]);
      expect((await fresh.http.get('/api/v1/zones/signed.test/dnssec')).status).to.equal(404);
      expect(before.keys).to.have.length(1);
    });
  });

  it('delv with the reported DS as trust anchor validates an answer from the primary and refuses a wrong DS', async () => {
    const d = await signed(h, 'signed.test');
    const ok = await delv(`127.0.0.1:${h.named.dnsPort}`, 'signed.test', d.ds, 'www.signed.test', 'A');
    expect(ok).to.include('; fully validated');
    expect(ok).to.match(/www\.signed\.test\.\s+60\s+IN\s+A\s+192\.0\.2\.1/);
    // a DS for some other key (one digit changed) makes the same answer fail validation
    const wrong = d.ds.map((x) => x.replace(/[0-9A-F]$/, (c) => (c === '0' ? '1' : '0')));
    expect(await delv(`127.0.0.1:${h.named.dnsPort}`, 'signed.test', wrong, 'www.signed.test', 'A')).to.not.include(
      'fully validated',
    );
  });

  it("tells named the parent published a key's DS (rndc dnssec -checkds), and refuses a key it does not serve", async () => {
    const d = await signed(h, 'signed.test');
    const key = d.keys[0]!;
    expect(key.dsState).to.equal('hidden');
    const r = await h.http.post<ZoneDnssecResult>('/api/v1/zones/signed.test/dnssec/checkds', {
      keyTag: key.keyTag,
      state: 'published',
    });
    expect(r.status, JSON.stringify(r.data)).to.equal(200);
    // named moves the DS out of "hidden" (BIND 9 ARM, key states): the parent has it
    expect(r.data.keys[0]!.dsState).to.not.equal('hidden');
    expect(r.data.ds).to.deep.equal(d.ds);
    const other = await h.http.post('/api/v1/zones/signed.test/dnssec/checkds', {
      keyTag: (key.keyTag + 1) % 65536,
      state: 'published',
    });
    expect(other.status).to.equal(422);
    expect(other.data.details[0].field).to.equal('keyTag');
    const bad = await h.http.post('/api/v1/zones/signed.test/dnssec/checkds', { keyTag: key.keyTag, state: 'maybe' });
    expect(bad.status).to.equal(422);
    expect(bad.data.details[0].field).to.equal('state');
    expect(
      (await h.http.post('/api/v1/zones/missing.test/dnssec/checkds', { keyTag: 1, state: 'published' })).status,
    ).to.equal(404);
  });

  describe('a KSK rollover', () => {
    // a policy with timings of seconds (BIND 9 ARM, "dnssec-policy"), so named walks a rollover while the test waits
    const FAST = `dnssec-policy "fast" {
  keys { csk lifetime unlimited algorithm 13; };
  dnskey-ttl 2; max-zone-ttl 2; zone-propagation-delay 1; publish-safety 1; retire-safety 1;
  parent-ds-ttl 2; parent-propagation-delay 1;
};`;
    let fast: BindcarHarness;
    before(async () => {
      fast = await startBindcar({ namedOptions: { extraConfig: FAST }, dnssecPolicies: ['fast'] });
    });
    after(async () => fast?.stop());

    it("lists the retiring key's DS until its successor's DNSKEY is everywhere, then only the successor's", async () => {
      // GIVEN a zone signed by one key, whose DS the parent has
      const put = await fast.http.put(
        '/api/v1/zones/roll.test',
        zoneBody('roll.test', [{ name: 'www', type: 'A', ttl: 2, data: '192.0.2.1' }], {
          ttl: 2,
          dnssecPolicy: 'fast',
        }),
      );
      expect(put.status, JSON.stringify(put.data)).to.equal(201);
      const first = await signed(fast, 'roll.test');
      const old = first.keys[0]!.keyTag;
      const told = await fast.http.post('/api/v1/zones/roll.test/dnssec/checkds', { keyTag: old, state: 'published' });
      expect(told.status).to.equal(200);
      // (named rolls a key only once it counts the parent's DS as in every cache)
      await pollUntil(
        async () => {
          const r = (await fast.http.get<ZoneDnssecResult>('/api/v1/zones/roll.test/dnssec')).data;
          expect(r.keys[0]!.dsState, JSON.stringify(r)).to.equal('omnipresent');
        },
        { timeoutMs: 15000, intervalMs: 200 },
      );
      // WHEN named starts rolling it (rndc dnssec -rollover)
      await fast.named.rndc('dnssec', '-rollover', '-key', String(old), 'roll.test');
      // THEN while both keys are published and the successor's DNSKEY propagates, the parent keeps the old DS, and
      // once it is everywhere, only the successor's DS is the parent's (what bindcar answered, sampled every 100 ms)
      const seen: { successor?: string; ds: number[] }[] = [];
      const swapped = await pollUntil(
        async () => {
          const r = (await fast.http.get<ZoneDnssecResult>('/api/v1/zones/roll.test/dnssec')).data;
          const next = r.keys.find((k) => k.keyTag !== old);
          seen.push({
            ...(next?.dnskeyState ? { successor: next.dnskeyState } : {}),
            ds: r.ds.map((l) => Number(l.split(' ')[3])),
          });
          expect(next, JSON.stringify(r)).to.not.equal(undefined);
          expect(r.keys.find((k) => k.keyTag === old)).to.include({ goal: 'hidden' });
          expect(
            r.ds.map((l) => Number(l.split(' ')[3])),
            JSON.stringify(r),
          ).to.deep.equal([next!.keyTag]);
          return { ...r, successor: next!.keyTag };
        },
        { timeoutMs: 20000, intervalMs: 100 },
      );
      const propagating = seen.filter((x) => x.successor === 'rumoured');
      expect(propagating.length, JSON.stringify(seen)).to.be.above(0);
      for (const x of propagating) expect(x.ds, JSON.stringify(seen)).to.deep.equal([old]);
      const successor = { keyTag: swapped.successor };
      expect(swapped.ds).to.deep.equal(
        await dsFromServedKeys(fast.named, dir, 'roll.test').then((all) =>
          all.filter((l) => l.includes(` DS ${successor.keyTag} `)),
        ),
      );
      // AND delv trusting only the successor's DS validates the zone's answer
      const out = await delv(`127.0.0.1:${fast.named.dnsPort}`, 'roll.test', swapped.ds, 'www.roll.test', 'A');
      expect(out).to.include('; fully validated');
    });
  });

  describe('a secondary', () => {
    let secondary: NamedInstance;
    after(async () => secondary?.stop());

    it('serves the signed zone it transferred, and delv validates its answer with the same DS', async () => {
      // GIVEN a second named, secondary for signed.test, transferring from the primary with bindcar's TSIG key
      const k = h.named.updateKey;
      secondary = await startNamed({
        namedConf: (ctx) => `key "${ctx.rndcKey.name}" { algorithm hmac-sha256; secret "${ctx.rndcKey.secret}"; };
key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };
controls { inet 127.0.0.1 port ${ctx.rndcPort} allow { 127.0.0.1; } keys { "${ctx.rndcKey.name}"; }; };
options {
  directory "${ctx.dir}"; pid-file "${ctx.dir}/named.pid"; session-keyfile "${ctx.dir}/session.key";
  listen-on port ${ctx.dnsPort} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; notify no; dnssec-validation no;
};
logging { channel xfer { file "${ctx.dir}/xfer.log"; print-time yes; severity debug 3; }; category xfer-in { xfer; }; };
zone "signed.test" { type secondary; file "signed.test.bk"; primaries { 127.0.0.1 port ${h.named.dnsPort} key "${k.name}"; }; };
`,
      });
      const d = await signed(h, 'signed.test');
      // THEN once transferred it serves the primary's DNSKEY set and signatures
      await pollUntil(
        async () => {
          expect(await secondary.soaSerial('signed.test')).to.equal(await h.named.soaSerial('signed.test'));
        },
        { timeoutMs: 15000, intervalMs: 100 },
      );
      expect(await dsFromServedKeys(secondary, dir, 'signed.test')).to.deep.equal(d.ds);
      const out = await delv(`127.0.0.1:${secondary.dnsPort}`, 'signed.test', d.ds, 'www.signed.test', 'A');
      expect(out).to.include('; fully validated');
    });

    it('follows a change by IXFR, new signatures included, and the changed answer validates there', async () => {
      const d = await signed(h, 'signed.test');
      // WHEN the primary's zone changes (named signs the new RRset) and the secondary refreshes
      const put = await h.http.put(
        '/api/v1/zones/signed.test',
        zoneBody('signed.test', [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.99' }], { dnssecPolicy: 'default' }),
      );
      expect(put.status).to.equal(200);
      await pollUntil(
        async () => {
          await secondary.rndc('refresh', 'signed.test');
          expect(await secondary.soaSerial('signed.test')).to.equal(await h.named.soaSerial('signed.test'));
          expect((await secondary.query('www.signed.test', 'A')).answers.map((a) => a.data)).to.deep.equal([
            '192.0.2.99',
          ]);
        },
        { timeoutMs: 15000, intervalMs: 200 },
      );
      // THEN it came incrementally (named logs each transfer's kind), and the new answer validates from the secondary
      const log = await readFile(join(secondary.dir, 'xfer.log'), 'utf8');
      expect(log).to.match(/requesting IXFR for serial \d+/);
      // an IXFR carries the difference (old and new SOA, the changed RRset and its signatures), the first AXFR all
      const counts = [...log.matchAll(/Transfer completed: \d+ messages, (\d+) records/g)].map((m) => Number(m[1]));
      expect(counts.length, log).to.be.at.least(2);
      expect(counts.at(-1)!, log).to.be.below(counts[0]!);
      const out = await delv(`127.0.0.1:${secondary.dnsPort}`, 'signed.test', d.ds, 'www.signed.test', 'A');
      expect(out).to.include('; fully validated');
      expect(out).to.match(/www\.signed\.test\.\s+60\s+IN\s+A\s+192\.0\.2\.99/);
    });
  });

  it('validates a child through its parent: the child DS in the signed parent, the parent DS the only anchor', async () => {
    // GIVEN a signed child zone and the DS bindcar reports for it
    expect(
      (
        await h.http.put(
          '/api/v1/zones/child.parent.test',
          zoneBody('child.parent.test', [{ name: 'www', type: 'A', ttl: 60, data: '192.0.2.7' }], {
            dnssecPolicy: 'default',
          }),
        )
      ).status,
    ).to.equal(201);
    const child = await signed(h, 'child.parent.test');
    // WHEN the signed parent delegates to it and publishes that DS (as a user, or bindy, puts it there)
    const ds = child.ds.map((line) => ({
      name: 'child',
      type: 'DS' as const,
      ttl: 300,
      data: line.split(' ').slice(3).join(' '),
    }));
    const parent = await h.http.put(
      '/api/v1/zones/parent.test',
      zoneBody(
        'parent.test',
        [
          { name: 'child', type: 'NS', ttl: 300, data: 'ns1.child.parent.test.' },
          { name: 'ns1.child', type: 'A', ttl: 300, data: '192.0.2.53' },
          ...ds,
        ],
        { dnssecPolicy: 'default' },
      ),
    );
    expect(parent.status, JSON.stringify(parent.data)).to.equal(201);
    const p = await signed(h, 'parent.test');
    // THEN delv, trusting only the parent's DS, validates the child's answer (parent DNSKEY → child DS → child
    // DNSKEY → answer)
    const out = await delv(`127.0.0.1:${h.named.dnsPort}`, 'parent.test', p.ds, 'www.child.parent.test', 'A');
    expect(out).to.include('; fully validated');
    expect(out).to.match(/www\.child\.parent\.test\.\s+60\s+IN\s+A\s+192\.0\.2\.7/);
    // AND after named restarts on the same state, the anchor the user configured before still validates the chain
    await h.named.kill();
    await h.named.start();
    await signed(h, 'child.parent.test');
    expect((await signed(h, 'parent.test')).ds).to.deep.equal(p.ds);
    expect(await delv(`127.0.0.1:${h.named.dnsPort}`, 'parent.test', p.ds, 'www.child.parent.test', 'A')).to.include(
      '; fully validated',
    );
  });
});
