import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { extractZip } from './env/go.js';

/** A minimal zip (stored or deflated entries, no data descriptors) built in memory. */
function makeZip(entries: readonly { name: string; data: string; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const raw = Buffer.from(e.data);
    const body = e.deflate ? deflateRawSync(raw) : raw;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('testenv: extractZip (Go toolchain bootstrap)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bindy-zip-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('extracts stored and deflated entries below the stripped prefix', async () => {
    const zip = makeZip([
      { name: 'p@v1/bin/go', data: 'binary' },
      { name: 'p@v1/src/a/b.txt', data: 'x'.repeat(1000), deflate: true },
    ]);
    expect(await extractZip(zip, dir, 'p@v1/')).to.equal(2);
    expect(readFileSync(join(dir, 'bin/go'), 'utf8')).to.equal('binary');
    expect(readFileSync(join(dir, 'src/a/b.txt'), 'utf8')).to.equal('x'.repeat(1000));
  });

  const refused: [string, string, RegExp][] = [
    ['an entry escaping with ..', 'p@v1/../../evil', /escapes the target dir/],
    ['an entry outside the prefix', 'other/file', /outside p@v1\//],
  ];
  for (const [what, name, error] of refused) {
    it(`refuses ${what}`, async () => {
      const zip = makeZip([{ name, data: 'evil' }]);
      const err = await extractZip(zip, dir, 'p@v1/').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).to.match(error);
      expect(existsSync(resolve(dir, name.replace(/^p@v1\//, '')))).to.equal(false);
    });
  }

  it('refuses what is not a zip', async () => {
    const err = await extractZip(Buffer.from('not a zip at all, just some text here'), dir).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/not a zip file/);
  });
});
