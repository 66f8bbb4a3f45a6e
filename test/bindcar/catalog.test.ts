/**
 * bindcar's catalog zone (RFC 9432 v2): the pure renderers, the configuration, the transfer key in zone configs,
 * and the Catalog against a real named (created from the zones on disk, read back after a restart).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Catalog,
  DEFAULT_CATALOG_ZONE,
  memberLabel,
  renderCatalogConfig,
  renderCatalogZone,
} from '../../bindcar/catalog.js';
import { parseConfig } from '../../bindcar/config.js';
import { createDnsClient } from '../../bindcar/dns-client.js';
import { createNativeRndc } from '../../bindcar/rndc-native.js';
import { normalizeZoneConfig, parseZoneConfig, renderZoneConfig } from '../../bindcar/zone-config.js';
import { createZoneStore } from '../../bindcar/zone-store.js';
import { startBindcar, type BindcarHarness } from '../support/named-bindcar.js';
import { zoneBody } from './builders.js';

const execFileP = promisify(execFile);

describe('bindcar/catalog pure parts', () => {
  it('member labels are 16 hex digits, stable, and ignore case and the trailing dot', () => {
    const l = memberLabel('Example.COM.');
    expect(l).to.match(/^[0-9a-f]{16}$/);
    expect(memberLabel('example.com')).to.equal(l);
    expect(memberLabel('example.org')).to.not.equal(l);
  });

  it('renders a schema-version-2 catalog that named-checkzone loads', async () => {
    const text = renderCatalogZone('cat.test', 7, ['b.test', 'a.test']);
    expect(text).to.contain('version IN TXT "2"');
    expect(text).to.contain('@ IN NS invalid.');
    expect(text.indexOf(`${memberLabel('a.test')}.zones IN PTR a.test.`)).to.be.greaterThan(0);
    const dir = await mkdtemp(join(tmpdir(), 'catalog-'));
    try {
      await writeFile(join(dir, 'cat.zone'), text);
      const { stdout } = await execFileP('named-checkzone', [
        '-k',
        'fail',
        '-i',
        'full',
        'cat.test',
        join(dir, 'cat.zone'),
      ]);
      expect(stdout).to.match(/loaded serial 7/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the catalog config is dynamic for the update key and transferable with both keys', () => {
    expect(renderCatalogConfig('/z/cat.zone', 'bindy-rndc', 'bindy-transfer')).to.equal(
      '{ type primary; file "/z/cat.zone"; allow-update { key "bindy-rndc"; }; allow-transfer { key "bindy-rndc"; key "bindy-transfer"; }; serial-update-method unixtime; };',
    );
    expect(() => renderCatalogConfig('/z/x";', 'k')).to.throw(/metacharacters/);
  });

  it('zone configs allow the transfer key, and reading them back drops it again', () => {
    const o = { type: 'primary' as const, file: '/z/a.zone', updateKey: 'bindy-rndc', transferKey: 'bindy-transfer' };
    const text = renderZoneConfig({ ...o, allowTransfer: ['10.0.0.0/8'] });
    expect(text).to.contain('allow-transfer { key "bindy-rndc"; key "bindy-transfer"; 10.0.0.0/8; };');
    expect(parseZoneConfig(normalizeZoneConfig(text), 'bindy-rndc', 'bindy-transfer')?.allowTransfer).to.deep.equal([
      '10.0.0.0/8',
    ]);
  });

  describe('configuration', () => {
    const base = { BINDCAR_UPDATE_KEY_SECRET: 'c2VjcmV0' };
    const table: [Record<string, string>, string | undefined, string | undefined][] = [
      [{}, DEFAULT_CATALOG_ZONE, undefined],
      [{ BINDCAR_CATALOG_ZONE: 'Cat.Example.' }, 'cat.example', undefined],
      [{ BINDCAR_CATALOG_ZONE: 'none' }, undefined, undefined],
      [{ BINDCAR_CATALOG_ZONE: '' }, undefined, undefined],
      [{ BINDCAR_CATALOG_ZONE: 'bad..name' }, undefined, 'BINDCAR_CATALOG_ZONE'],
      [{ BINDCAR_TRANSFER_KEY_NAME: 'bad key' }, undefined, 'BINDCAR_TRANSFER_KEY_NAME'],
    ];
    for (const [env, zone, error] of table)
      it(JSON.stringify(env), () => {
        const r = parseConfig({ ...base, ...env });
        if (error) {
          expect(r.ok).to.equal(false);
          if (!r.ok) expect(r.errors.join('\n')).to.contain(error);
          return;
        }
        expect(r.ok).to.equal(true);
        if (r.ok) expect(r.config.catalogZone).to.equal(zone);
      });
  });
});

describe('bindcar/catalog against a real named', function () {
  this.timeout(30000);
  let h: BindcarHarness;
  const catalogFor = () =>
    new Catalog({
      rndc: createNativeRndc({
        host: '127.0.0.1',
        port: h.named.rndcPort,
        secret: h.named.rndcKey.secret,
        timeoutMs: 5000,
      }),
      dns: createDnsClient({ host: '127.0.0.1', port: h.named.dnsPort }, h.named.updateKey, { timeoutMs: 3000 }),
      store: createZoneStore(h.named.dir),
      zone: 'cat.test',
      updateKeyName: h.named.updateKey.name,
    });
  /** The member PTR targets named serves, sorted and joined. */
  const members = async () =>
    (
      await Promise.all(
        ['a.test', 'b.test', 'c.test'].map((z) => h.named.query(`${memberLabel(z)}.zones.cat.test`, 'PTR')),
      )
    )
      .flatMap((r) => r.answers.map((a) => a.data))
      .sort()
      .join(',');
  before(async () => {
    h = await startBindcar();
  });
  after(async () => {
    await h?.stop();
  });

  it('a catalog created later lists the primary zones already on disk, not the secondary ones', async () => {
    for (const z of ['a.test', 'b.test'])
      expect((await h.http.put(`/api/v1/zones/${z}`, zoneBody(z))).status).to.equal(201);
    const r = await h.http.put(`/api/v1/zones/s.test`, {
      ...zoneBody('s.test'),
      type: 'secondary',
      primaries: ['192.0.2.1'],
    });
    expect(r.status, JSON.stringify(r.data)).to.equal(201);
    const c = catalogFor();
    await c.ensure();
    expect(c.list()).to.deep.equal(['a.test', 'b.test']);
    expect(await members()).to.equal('a.test.,b.test.');
    expect(await h.named.soaSerial('cat.test')).to.be.a('number');
  });

  it('add/remove are idempotent UPDATEs; a new instance (bindcar restart) reads the members back', async () => {
    const c = catalogFor();
    await c.add('c.test');
    await c.add('c.test');
    await c.remove('a.test');
    await c.remove('a.test');
    expect(await members()).to.equal('b.test.,c.test.');
    const restarted = catalogFor();
    await restarted.ensure();
    expect(restarted.list()).to.deep.equal(['b.test', 'c.test']);
    await restarted.add('cat.test');
    expect(restarted.list(), 'the catalog is never its own member').to.deep.equal(['b.test', 'c.test']);
  });
});
