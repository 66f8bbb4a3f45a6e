/** The README documents what the CLI does: every option each `--help` shows, and the `dig` line `npm start` prints. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAIN_HELP } from '../../cli/main.js';
import { IMPORT_HELP } from '../../cli/commands/import.js';
import { PLAN_HELP } from '../../cli/commands/plan.js';
import { RENDER_HELP } from '../../cli/commands/render.js';
import { UP_HELP } from '../../cli/commands/up.js';
import { VALIDATE_HELP } from '../../cli/commands/validate.js';
import { startLocalStack } from '../../local/stack.js';
import { freePort } from '../../local/named.js';
import { loadFolder, summary } from '../../cli/commands/up.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const CLI_SECTION = README.slice(README.indexOf('## The `bindy` CLI'), README.indexOf('## Install in a cluster'));

/** The options a help text names on its usage and option lines (not flags of other tools quoted in the prose). */
function flagsOf(help: string): string[] {
  const lines = help.split('\n').filter((l) => /^(Usage:|\s+-)/.test(l) || /--version|--debug/.test(l));
  const found = lines.flatMap((l) =>
    [...l.matchAll(/(?<![\w-])(--[a-z][a-z-]+|-[a-zA-Z](?=[ ,\]]))/g)].map((m) => m[1]!),
  );
  return [...new Set(found)];
}

/** Whether the section shows `flag` inside a code span. */
const documented = (flag: string) =>
  new RegExp(`\`[^\`]*${flag.replace(/-/g, '\\-')}(?![\\w-])[^\`]*\``).test(CLI_SECTION);

describe('README: the CLI section matches the CLI', () => {
  const helps = {
    main: MAIN_HELP,
    up: UP_HELP,
    validate: VALIDATE_HELP,
    render: RENDER_HELP,
    plan: PLAN_HELP,
    import: IMPORT_HELP,
  };
  for (const [name, help] of Object.entries(helps)) {
    it(`documents every option of ${name === 'main' ? 'bindy' : `bindy ${name}`} --help`, () => {
      const flags = flagsOf(help);
      expect(flags.length, 'the help names options').to.be.greaterThan(0);
      for (const f of flags)
        expect(documented(f), `${f} (from ${name} --help) in the README's CLI section`).to.equal(true);
    });
  }

  it('shows the dig line npm start prints for examples/', async function () {
    this.timeout(60_000);
    const stack = await startLocalStack({ dnsPort: await freePort(), logLevel: 'error' });
    try {
      await stack.apply(loadFolder('examples').objects);
      const line = summary(stack, 5353).find((l) => l.startsWith('try: dig '));
      expect(line, 'npm start prints a dig line').to.be.a('string');
      expect(README).to.include(line!.slice('try: '.length));
    } finally {
      await stack.stop();
    }
  });
});
