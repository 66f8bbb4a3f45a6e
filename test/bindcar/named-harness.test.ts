/**
 * The named test harness itself (used by the zone-hooks e2e tests and benchmarks too).
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, parseDig, startNamed } from '../support/named.js';

describe('test/support/named harness', function () {
  this.timeout(30000);

  it('starts named from a config template on fixed ports in a given (kept) directory', async () => {
    const tdir = await mkdtemp(join(tmpdir(), 'bindcar-tmpl-'));
    try {
      const template = join(tdir, 'named.conf.in');
      await writeFile(
        template,
        `@HARNESS@
options { directory "@DIR@"; pid-file "@DIR@/named.pid"; session-keyfile "@DIR@/s.key"; listen-on port @DNS_PORT@ { 127.0.0.1; };
  listen-on-v6 { none; }; recursion no; allow-new-zones yes; };
zone "static.test" { type primary; file "@DIR@/static.zone"; };
`,
      );
      const dnsPort = await freePort();
      const zoneText =
        '$TTL 60\n@ IN SOA ns.static.test. h.static.test. 7 60 60 60 60\n@ IN NS ns.example.net.\nwww IN A 192.0.2.7\n';
      // the zone file must exist before named starts: pre-create the directory
      const dir = await mkdtemp(join(tmpdir(), 'named-test-'));
      await writeFile(join(dir, 'static.zone'), zoneText);
      const n = await startNamed({ configFile: template, dnsPort, dir });
      try {
        expect(n.dnsPort).to.equal(dnsPort);
        expect(await n.soaSerial('static.test')).to.equal(7);
        expect((await n.query('www.static.test', 'A')).answers.map((a) => a.data)).to.deep.equal(['192.0.2.7']);
        expect(await n.rndc('status')).to.match(/server is up/);
      } finally {
        await n.stop();
      }
      expect(existsSync(dir), 'a given dir is kept').to.equal(true);
      await rm(dir, { recursive: true, force: true });
    } finally {
      await rm(tdir, { recursive: true, force: true });
    }
  });

  it('adds extra options and config to the default named.conf, and cleans up', async () => {
    const n = await startNamed({
      extraOptions: 'max-records-per-type 5;',
      extraConfig: 'acl "trusted" { 127.0.0.1; };',
    });
    const dir = n.dir;
    expect(await n.rndc('status')).to.match(/server is up/);
    await n.stop();
    expect(existsSync(dir)).to.equal(false);
  });

  it('parses dig output into rcode, aa and answers', () => {
    const out = `;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1\n;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n\nWWW.example.com.\t300\tIN\tTXT\t"a b" "c"\n`;
    expect(parseDig(out)).to.deep.equal({
      rcode: 'NOERROR',
      aa: true,
      answers: [{ name: 'www.example.com.', ttl: 300, type: 'TXT', data: '"a b" "c"' }],
    });
  });
});
