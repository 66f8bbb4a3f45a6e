/**
 * examples/seed/ as the tests read it: its numbered files, the YAML block each holds, and the objects that
 * `kubectl apply -f examples/seed/` creates (files in name order, documents in file order, a later definition of
 * the same object replacing an earlier one). Shared by test/examples/ and test/cluster/examples.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SEED_DIR = join(ROOT, 'examples', 'seed');

/** The files kubectl reads from a folder given to `apply -f` (k8s.io/cli-runtime's FileExtensions). */
export const KUBECTL_EXTENSIONS = ['.json', '.yaml', '.yml'] as const;
export const isManifestFile = (name: string): boolean => KUBECTL_EXTENSIONS.some((e) => name.endsWith(e));

/** The namespaces file: ours, not a block of the post; it sorts first so kubectl creates them before use. */
export const NAMESPACES_FILE = '00-namespaces.yaml';

/** Every file of examples/seed/, sorted as kubectl walks a folder (byte order of the names). */
export function seedFileNames(): string[] {
  return readdirSync(SEED_DIR).sort();
}

/** The files holding one block of the post each: `NN-…`, numbered from 01 in the order of the post. */
export function seedBlockFiles(): string[] {
  return seedFileNames().filter((f) => /^\d{2}-/.test(f) && f !== NAMESPACES_FILE);
}

/**
 * Every YAML block of a Markdown text, in document order: the bodies of ```yaml fences (the fence's indentation
 * removed, as CommonMark does for fences inside list items) and the bodies of `<<EOF` here-documents inside other
 * fences (the post's `kubectl apply -f - <<EOF` commands). Each block ends with one newline, as a file does.
 */
export function markdownYamlBlocks(md: string): string[] {
  const lines = md.split('\n');
  const blocks: string[] = [];
  const dedent = (l: string, indent: number) => (l.slice(0, indent).trim() === '' ? l.slice(indent) : l);
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(dedent(lines[i]!, indent));
    if (open[2] === 'yaml') {
      blocks.push(body.join('\n') + '\n');
      continue;
    }
    for (let j = 0; j < body.length; j++) {
      if (!/<<\s*EOF\s*$/.test(body[j]!)) continue;
      const doc: string[] = [];
      for (j++; j < body.length && body[j] !== 'EOF'; j++) doc.push(body[j]!);
      blocks.push(doc.join('\n') + '\n');
    }
  }
  return blocks;
}

/**
 * The block a numbered seed file holds: a manifest file is the block itself; a Markdown note (a block that is
 * not a Kubernetes object) holds it as its only ```yaml fence.
 */
export function seedFileBlock(name: string): string {
  const text = readFileSync(join(SEED_DIR, name), 'utf8');
  if (isManifestFile(name)) return text;
  const blocks = markdownYamlBlocks(text);
  if (blocks.length !== 1) throw new Error(`examples/seed/${name}: expected one yaml block, found ${blocks.length}`);
  return blocks[0]!;
}

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
};

/** One document of a manifest file of examples/seed/. */
export interface SeedDoc {
  readonly file: string;
  /** 1-based, as `bindy validate` numbers documents. */
  readonly doc: number;
  readonly obj: Obj;
  /** metadata.namespace, else the one kubectl applies to; '' for a Namespace. */
  readonly namespace: string;
  /** `Kind namespace/name`. */
  readonly key: string;
}

/** Every document of every manifest file, in the order `kubectl apply -f examples/seed/` sends them. */
export function seedDocs(defaultNamespace = 'default'): SeedDoc[] {
  return seedFileNames()
    .filter(isManifestFile)
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(SEED_DIR, file), 'utf8')).flatMap((d, i) => {
        if (d.errors.length > 0) throw new Error(`examples/seed/${file} document ${i + 1}: ${d.errors[0]!.message}`);
        const obj = d.toJS() as Obj | null;
        if (obj === null) return [];
        const namespace = obj.kind === 'Namespace' ? '' : (obj.metadata.namespace ?? defaultNamespace);
        return [{ file, doc: i + 1, obj, namespace, key: `${obj.kind} ${namespace}/${obj.metadata.name}` }];
      }),
    );
}

/** Each object with all its definitions, in apply order; the last one is what the cluster holds afterwards. */
export function seedObjects(defaultNamespace = 'default'): Map<string, SeedDoc[]> {
  const out = new Map<string, SeedDoc[]>();
  for (const d of seedDocs(defaultNamespace)) out.set(d.key, [...(out.get(d.key) ?? []), d]);
  return out;
}
