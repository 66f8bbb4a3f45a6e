/**
 * The one golden-file helper: a golden that is missing fails the test (a golden test must be able to fail), unless
 * `UPDATE_GOLDEN=1` asks for it to be written; then every golden is rewritten from the actual output for review.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/** The expected text of golden file `path` (rewritten from `actual` under UPDATE_GOLDEN=1). */
export function readGolden(path: string, actual: string): string {
  if (UPDATE_GOLDEN) writeFileSync(path, actual);
  else if (!existsSync(path)) throw new Error(`golden file ${path} is missing; run with UPDATE_GOLDEN=1 to create it`);
  return readFileSync(path, 'utf8');
}
