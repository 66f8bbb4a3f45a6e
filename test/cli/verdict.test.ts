/**
 * One verdict per folder: a zone that cannot be rendered offline (default glue needs the primaries' DNS address) is
 * noted by `validate` and refused by `render` in the same words, and `--primary-address` supplies what is missing.
 */
import { expect } from 'chai';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/commands/types.js';
import { PRIMARY_ADDRESS_HINT } from '../../cli/render.js';

async function run(args: string[]): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const io: Io = {
    out: () => undefined,
    err: (t) => err.push(t),
    progress: () => undefined,
    usageError: (m) => {
      err.push(m);
      return { code: 1 };
    },
  };
  return { code: await main(args, io), err };
}

describe('validate, render and plan agree about a folder', function () {
  this.timeout(60_000);

  it('examples/seed: validate notes what render refuses, in the same words; --primary-address renders it', async () => {
    const validate = await run(['validate', '-f', 'examples/seed']);
    expect(validate.code, validate.err.join('\n')).to.equal(0);
    const notes = validate.err.filter((l) => l.startsWith('note: ')).map((l) => l.slice('note: '.length));
    expect(notes.length, 'zones of the seed need their primaries for glue').to.be.greaterThan(0);
    for (const n of notes) expect(n).to.include(PRIMARY_ADDRESS_HINT);

    const render = await run(['render', '-f', 'examples/seed']);
    expect(render.code).to.equal(1);
    const errors = render.err.filter((l) => l.startsWith('error: ')).map((l) => l.slice('error: '.length));
    expect(errors).to.deep.equal(notes);

    const supplied = await run(['render', '-f', 'examples/seed', '--primary-address', '192.0.2.53']);
    expect(supplied.code, supplied.err.join('\n')).to.equal(0);
  });

  it('refuses a --primary-address that is not an address, naming the option', async () => {
    const r = await run(['render', '-f', 'examples', '--primary-address', 'ns1.example.com']);
    expect(r.code).to.equal(1);
    expect(r.err.join('\n')).to.match(/--primary-address: "ns1\.example\.com" is not an IPv4 or IPv6 address/);
  });

  it('examples/: nothing to note, render passes without the option', async () => {
    const validate = await run(['validate', '-f', 'examples']);
    expect(validate.err.filter((l) => l.startsWith('note: '))).to.deep.equal([]);
    expect((await run(['render', '-f', 'examples'])).code).to.equal(0);
  });
});
