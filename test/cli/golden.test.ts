/** Golden CLI output: help texts, validate findings and import YAML (UPDATE_GOLDEN=1 rewrites). */
import { expect } from 'chai';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/commands/types.js';
import { readGolden } from '../support/golden.js';

const DIR = 'test/golden/cli';

async function cli(args: string[]): Promise<string> {
  const lines: string[] = [];
  const io: Io = {
    out: (t) => lines.push(t),
    err: (t) => lines.push(`[stderr] ${t}`),
    progress: (t) => lines.push(`[progress] ${t}`),
    usageError: (m, help) => {
      lines.push(`[stderr] ${m}`, help);
      return { code: 1 };
    },
  };
  const code = await main(args, io);
  return `$ bindy ${args.join(' ')}\n${lines.join('\n')}\n[exit ${code}]\n`;
}

const cases: { name: string; args: string[] }[] = [
  { name: 'help', args: ['--help'] },
  { name: 'help-validate', args: ['validate', '--help'] },
  { name: 'help-render', args: ['render', '--help'] },
  { name: 'help-plan', args: ['plan', '--help'] },
  { name: 'help-import', args: ['import', '--help'] },
  { name: 'help-up', args: ['up', '--help'] },
  { name: 'unknown-command', args: ['frobnicate'] },
  { name: 'validate-invalid-folder', args: ['validate', '-f', `${DIR}/invalid-folder`] },
  { name: 'validate-invalid-folder-json', args: ['validate', '-f', `${DIR}/invalid-folder`, '--output', 'json'] },
  { name: 'validate-examples', args: ['validate', '-f', 'examples'] },
  {
    name: 'import-small',
    args: ['import', `${DIR}/small.zone`, '--zone', 'small.example', '--namespace', 'dns', '--cluster-ref', 'dns'],
  },
  { name: 'plan-missing-bindcar', args: ['plan', '-f', 'examples'] },
];

describe('cli golden output', () => {
  for (const c of cases) {
    it(`bindy ${c.args.join(' ')}`, async () => {
      const got = await cli(c.args);
      const file = join(DIR, `${c.name}.txt`);
      expect(got).to.equal(readGolden(file, got));
    });
  }
});
