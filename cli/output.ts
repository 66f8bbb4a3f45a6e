/** YAML output shared by the CLI commands. */
import { stringify } from 'yaml';

/** Objects as a multi-document YAML stream, stable key order as given; `onProgress(done)` every 5,000 objects. */
export function toYamlDocs(objects: readonly unknown[], onProgress?: (done: number) => void): string {
  return objects
    .map((o, i) => {
      if (onProgress && i > 0 && i % 5000 === 0) onProgress(i);
      return stringify(o, { lineWidth: 0 });
    })
    .join('---\n');
}
