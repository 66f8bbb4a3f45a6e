/**
 * Reads a GitOps folder: every `*.yaml`/`*.yml` below it (sorted, recursive), every document in each file, with
 * the file and document index kept so errors can name where an object came from.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface ManifestDoc {
  file: string;
  /** 0-based document index in the file. */
  index: number;
  /** The parsed object, or undefined when the document is empty. */
  object: unknown;
  /** YAML syntax errors of this document. */
  errors: string[];
}

/**
 * The YAML files in `dir`, sorted; subfolders only when `recursive` (kubectl's `-R`), so a folder can keep
 * unrelated YAML (such as examples/seed/, the blog's snippets) below it.
 */
export function yamlFiles(dir: string, recursive = false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      if (entry.startsWith('.') || entry === 'node_modules') continue;
      const p = join(d, entry);
      if (statSync(p).isDirectory()) {
        if (recursive) walk(p);
      } else if (/\.ya?ml$/.test(entry)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Parses one YAML text into documents. */
export function parseDocs(text: string, file: string): ManifestDoc[] {
  return parseAllDocuments(text).map((doc, index) => ({
    file,
    index,
    object: doc.errors.length > 0 ? undefined : (doc.toJS() as unknown),
    errors: doc.errors.map((e) => e.message),
  }));
}

/** Every document of every YAML file in `dir` (a single file is accepted too). */
export function readManifests(dir: string, opts: { recursive?: boolean; base?: string } = {}): ManifestDoc[] {
  const base = opts.base ?? process.cwd();
  const files = statSync(dir).isDirectory() ? yamlFiles(dir, opts.recursive) : [dir];
  return files.flatMap((f) => parseDocs(readFileSync(f, 'utf8'), relative(base, f) || f));
}

export interface KindedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** True for a bindy custom resource (our group), as opposed to other YAML that may sit in a GitOps folder. */
export function isBindyObject(o: unknown): o is KindedObject {
  const obj = o as Partial<KindedObject> | null;
  return (
    typeof obj === 'object' &&
    obj !== null &&
    typeof obj.apiVersion === 'string' &&
    obj.apiVersion.startsWith('bindy.firestoned.io/') &&
    typeof obj.kind === 'string'
  );
}
