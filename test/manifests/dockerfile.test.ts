/**
 * The Dockerfile cannot be built here (no Docker engine), so what it relies on is checked from the tree: every file
 * its build stage copies exists, and each image runs a bundle `npm run build` writes (scripts/bundle.ts) with the V8
 * options its code cache was written under.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DIST_BUNDLES, SERVICE_NODE_OPTIONS } from '../../scripts/bundle.js';

const ROOT = join(import.meta.dirname, '..', '..');
const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n');

describe('Dockerfile', () => {
  it('copies only files of the tree into its build stage', () => {
    const copies = lines
      .filter((l) => /^COPY (?!--from)/.test(l))
      .flatMap((l) =>
        l
          .replace(/^COPY\s+/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    expect(copies).to.include('scripts/bundle.ts');
    for (const src of copies) expect(existsSync(join(ROOT, src)), src).to.equal(true);
  });

  it('runs each service from the bundle npm run build writes', () => {
    const cmds = lines.filter((l) => l.startsWith('CMD ')).map((l) => JSON.parse(l.slice(4)) as string[]);
    const bundles = Object.values(DIST_BUNDLES).map((p) => relative(ROOT, p));
    expect(cmds.map((c) => c[1])).to.have.members(bundles);
    for (const c of cmds) expect(c[0]).to.equal('node');
  });

  it('runs bindcar with the V8 options its code cache was written under', () => {
    const stage = lines.slice(lines.findIndex((l) => /^FROM .* AS bindcar$/.test(l)));
    const env = stage.filter((l) => l.startsWith('ENV NODE_OPTIONS='));
    expect(env).to.deep.equal([`ENV NODE_OPTIONS=${SERVICE_NODE_OPTIONS.bindcar}`]);
  });
});
