/**
 * Key tags and DS records against BIND's own tools: keys made by `dnssec-keygen` (whose file names carry the key tag)
 * and the DS lines `dnssec-dsfromkey -2` prints for them.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  dnskeyRdata,
  dsOf,
  dsText,
  isKeySigningKey,
  keyTag,
  parseDnskeyRdata,
  parseDnskeyText,
} from '../../dns/dnssec.js';

const run = promisify(execFile);

describe('dns/dnssec', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dnssec-keys-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  // the algorithms named's dnssec-policy offers (RFC 8624 §3.1: MUST/RECOMMENDED to sign with)
  const cases: { algorithm: string; args: string[]; ksk: boolean }[] = [
    { algorithm: 'ECDSAP256SHA256 KSK', args: ['-a', '13', '-f', 'KSK'], ksk: true },
    { algorithm: 'ECDSAP256SHA256 ZSK', args: ['-a', '13'], ksk: false },
    { algorithm: 'RSASHA256 KSK', args: ['-a', '8', '-b', '2048', '-f', 'KSK'], ksk: true },
    { algorithm: 'ED25519 KSK', args: ['-a', '15', '-f', 'KSK'], ksk: true },
    { algorithm: 'ECDSAP384SHA384 KSK', args: ['-a', '14', '-f', 'KSK'], ksk: true },
  ];
  for (const c of cases) {
    it(`computes the key tag and SHA-256 DS dnssec-dsfromkey prints (${c.algorithm})`, async () => {
      // GIVEN a key dnssec-keygen made (its file name carries the tag)
      const { stdout } = await run('dnssec-keygen', ['-q', '-K', dir, ...c.args, 'sub.example.com'], {
        timeout: 20000,
      });
      const base = stdout.trim();
      const tag = Number(/\+(\d{5})$/.exec(base)![1]);
      const line = (await readFile(join(dir, `${base}.key`), 'utf8')).split('\n').find((l) => /DNSKEY/.test(l))!;
      // WHEN its DNSKEY text is parsed
      const key = parseDnskeyText(/DNSKEY\s+(.*)$/.exec(line)![1]!);
      expect(key, line).to.not.equal(undefined);
      // THEN the tag, the KSK flag and (for a KSK) the DS line are BIND's
      expect(keyTag(key!)).to.equal(tag);
      expect(isKeySigningKey(key!)).to.equal(c.ksk);
      expect(parseDnskeyRdata(dnskeyRdata(key!))).to.deep.equal(key);
      if (c.ksk) {
        const ds = await run('dnssec-dsfromkey', ['-2', join(dir, `${base}.key`)], { timeout: 20000 });
        expect(dsText('sub.example.com', dsOf('sub.example.com', key!))).to.equal(ds.stdout.trim());
      }
    });
  }

  it('hashes the owner in canonical (lower-case) form, and prints it as given', () => {
    const key = parseDnskeyText(
      '257 3 13 atCqnSHt2BvKVo7UUycU7CbgU6ljqtIQXY4omUSADsd12R/81JCWUea0 Iw25PMSv8X5uXaRUvIE3eeNrhb3GEg==',
    )!;
    expect(dsOf('Ex.Test.', key).digest).to.equal(dsOf('ex.test', key).digest);
    expect(dsText('ex.test', dsOf('ex.test', key))).to.match(/^ex\.test\. IN DS \d+ 13 2 [0-9A-F]{64}$/);
  });

  const bad = ['', '257 3 13', '257 3 13 !!!', '70000 3 13 AAAA', '257 3 13 AAA'];
  for (const t of bad)
    it(`refuses ${JSON.stringify(t)} as DNSKEY text`, () => expect(parseDnskeyText(t)).to.equal(undefined));
});
