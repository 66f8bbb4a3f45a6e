#!/usr/bin/env node
// The bindy CLI. Runs the compiled CLI when built (dist/), else the TypeScript sources through tsx (development).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
let mod;
if (existsSync(built)) {
  mod = await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('../cli/main.ts');
}
process.exitCode = await mod.main(process.argv.slice(2));
