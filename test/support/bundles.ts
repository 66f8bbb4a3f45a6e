/**
 * The service bundles as `npm run build` makes them (scripts/bundle.ts), built once per test process into a
 * directory under node_modules/.cache, so the packages a bundle leaves outside resolve as they do from dist/bundle.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleServices, type Service } from '../../scripts/bundle.js';

const ROOT = join(import.meta.dirname, '..', '..');
let built: Promise<Record<Service, string>> | undefined;

/** The bundles' paths; the directory goes when the test process exits. */
export function serviceBundles(): Promise<Record<Service, string>> {
  return (built ??= (() => {
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'bindy-bundles-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return bundleServices(dir);
  })());
}
