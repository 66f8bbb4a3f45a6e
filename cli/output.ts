/** Small output helpers shared by the CLI commands: YAML documents and a stderr progress line. */
import { stringify } from 'yaml';

/** Objects as a multi-document YAML stream, stable key order as given. */
export function toYamlDocs(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** A progress reporter that writes at most every `every` items, to stderr so stdout stays machine-readable. */
export function progress(label: string, total: number, every = 1000): (done: number) => void {
  return (done) => {
    if (total >= every && (done % every === 0 || done === total)) {
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
}
