import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvalidZoneError, renderZoneFile } from '../../bindcar/zone-file.js';
import type { PutZoneBody } from '../../dns/contract.js';
import { zoneBody } from './builders.js';
import { readGolden } from '../support/golden.js';

const execFileP = promisify(execFile);
const GOLDEN = join(import.meta.dirname, 'golden', 'zone-file');

interface Case {
  zone: string;
  serial: number;
  body: PutZoneBody;
}

/** `named-checkzone -k fail -i full` as named does at load time (named-checkzone(1)). */
async function checkzone(zone: string, text: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bindcar-checkzone-'));
  try {
    const f = join(dir, 'z.zone');
    writeFileSync(f, text);
    const { stdout } = await execFileP('named-checkzone', ['-k', 'fail', '-i', 'full', zone, f]).catch(
      (e: { code?: string; stdout?: string; stderr?: string }) => {
        if (e.code === 'ENOENT') throw new Error('named-checkzone missing: apt-get install bind9-utils');
        throw new Error(`named-checkzone failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      },
    );
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bindcar/zone-file renderZoneFile (golden)', () => {
  for (const name of readdirSync(GOLDEN).sort()) {
    const dir = join(GOLDEN, name);
    const c = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8')) as Case;
    const errFile = join(dir, 'expected.error.txt');
    const zoneFile = join(dir, 'expected.zone');
    it(`renders ${name}`, async () => {
      let out: string;
      try {
        out = renderZoneFile(c.zone, c.body, c.serial);
      } catch (e) {
        if (!(e instanceof InvalidZoneError)) throw e;
        const text = e.errors.map((x) => `${x.field}: ${x.message}`).join('\n') + '\n';
        expect(existsSync(zoneFile), 'case expects a zone file but rendering failed').to.equal(false);
        expect(text).to.equal(readGolden(errFile, text));
        return;
      }
      expect(existsSync(errFile), 'case expects an error but rendering succeeded').to.equal(false);
      expect(out).to.equal(readGolden(zoneFile, out));
      await checkzone(c.zone, out);
    });
  }
});

describe('bindcar/zone-file properties', () => {
  it('is independent of record order and input spelling', () => {
    const a = zoneBody('example.com', [
      { name: 'b', type: 'A', ttl: 60, data: '192.0.2.2' },
      { name: 'a', type: 'TXT', ttl: 60, data: 'x' },
      { name: 'a', type: 'A', ttl: 60, data: '192.0.2.1' },
    ]);
    const b = zoneBody('example.com', [
      { name: 'A.example.com.', type: 'A', ttl: 60, data: '192.0.2.1' },
      { name: 'a', type: 'TXT', ttl: 60, data: '"x"' },
      { name: 'B', type: 'A', ttl: 60, data: '192.0.2.2' },
    ]);
    expect(renderZoneFile('example.com', a, 5)).to.equal(renderZoneFile('example.com', b, 5));
  });
  it('puts the serial argument in the SOA and ends with a newline', () => {
    const out = renderZoneFile('example.com', zoneBody('example.com'), 4294967295);
    expect(out.split('\n')[2]).to.match(/ SOA ns1\.example\.com\. hostmaster\.example\.com\. 4294967295 /);
    expect(out.endsWith('\n')).to.equal(true);
  });
  it('rejects more records in one RRset than named accepts', () => {
    const recs = Array.from({ length: 101 }, (_, i) => ({
      name: 'rr',
      type: 'A' as const,
      ttl: 60,
      data: `10.0.0.${i}`,
    }));
    expect(() => renderZoneFile('example.com', zoneBody('example.com', recs), 1)).to.throw(
      InvalidZoneError,
      /at most 100/,
    );
  });
  it('renders a 10,000-record zone that named-checkzone accepts', async () => {
    const recs = Array.from({ length: 10000 }, (_, i) => ({
      name: `h${i}`,
      type: 'A' as const,
      ttl: 300,
      data: `10.0.${i >> 8}.${i & 255}`,
    }));
    const out = renderZoneFile('big.example', zoneBody('big.example', recs), 1);
    expect(out.split('\n').length).to.equal(10000 + 3 + 2 + 1);
    expect(await checkzone('big.example', out)).to.match(/loaded serial 1/);
  });
});
