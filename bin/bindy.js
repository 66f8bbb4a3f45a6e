#!/usr/bin/env node
// The bindy CLI. In a source checkout it runs the TypeScript sources through tsx, so it never runs a stale build;
// in an installed package (no sources) it runs the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
let mod;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('../cli/main.ts');
} else {
  mod = await import('../dist/cli/main.js');
}
process.exitCode = await mod.main(process.argv.slice(2));
