import { posix } from 'node:path';

import type { NameReference } from './config.ts';
import { crdConfig } from './crds.ts';
import type { FieldSpec } from './filters/fieldspec.ts';
import { asText, bool, type Kustomization, positionOf, records, strings } from './kustomization.ts';
import { toJS } from './nodes.ts';
import { parseDocuments } from './parse.ts';
import type { Context } from './target.ts';
import { withinRoot } from './target.ts';
import { decodeYaml } from './yaml/limits.ts';

/**
 * Field specs a kustomization adds to kustomize's built-in tables through `configurations:` files and `crds:`
 * OpenAPI definitions. kustomize keeps them in each kustomization's accumulator: a kustomization sees its bases'
 * (merged up after each base is built) and its own (loaded after its resources), never a sibling's or its
 * parent's; a component shares its parent's.
 */

/** TransformerConfig holds the extra field specs, per transformer. */
export interface TransformerConfig {
  nameReference: NameReference[];
  commonLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  images: FieldSpec[];
  /** fields the prefix (or suffix) is added to besides metadata/name (`crds:` identity fields, configurations). */
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  replicas: FieldSpec[];
  varReference: FieldSpec[];
  labels: FieldSpec[];
  templateLabels: FieldSpec[];
  volumeClaimTemplateLabels: FieldSpec[];
}

const LISTS = [
  'commonLabels', 'commonAnnotations', 'images', 'namePrefix', 'nameSuffix', 'namespace', 'replicas', 'varReference',
  'labels', 'templateLabels', 'volumeClaimTemplateLabels',
] as const; // prettier-ignore

function emptyConfig(): TransformerConfig {
  return {
    nameReference: [], commonLabels: [], commonAnnotations: [], images: [], namePrefix: [], nameSuffix: [],
    namespace: [], replicas: [], varReference: [], labels: [], templateLabels: [], volumeClaimTemplateLabels: [],
  }; // prettier-ignore
}

/** mergeConfig joins two transformer configs (a base's into its parent's). */
export function mergeConfig(
  a: TransformerConfig | undefined,
  b: TransformerConfig | undefined,
): TransformerConfig | undefined {
  if (!a || !b) return a ?? b;
  const out = emptyConfig();
  out.nameReference = [...a.nameReference, ...b.nameReference];
  for (const key of LISTS) out[key] = [...a[key], ...b[key]];
  return out;
}

/**
 * isolated runs `f` (loading plugin configs, possibly a whole kustomization) without touching the current
 * config: kustomize builds plugin configs in a throwaway accumulator.
 */
export function isolated<T>(ctx: Context, f: () => T): T {
  const saved = ctx.config;
  try {
    ctx.config = undefined;
    return f();
  } finally {
    ctx.config = saved;
  }
}

function ensureConfig(ctx: Context): TransformerConfig {
  return (ctx.config ??= emptyConfig());
}

/** fieldSpecs reads a list of field specs. */
export function fieldSpecs(v: unknown): FieldSpec[] {
  return records(v).map((f) => {
    const fs: FieldSpec = { path: asText(f['path']) };
    if (f['group']) fs.group = asText(f['group']);
    if (f['version']) fs.version = asText(f['version']);
    if (f['kind']) fs.kind = asText(f['kind']);
    if (f['create'] !== undefined) fs.create = bool(f['create']);
    return fs;
  });
}

/** loadCrds adds the field specs of a kustomization's `crds:` OpenAPI definition files. */
export function loadCrds(ctx: Context, k: Kustomization): void {
  for (const entry of strings(k.data['crds'])) {
    const abs = posix.resolve(k.dir, entry);
    const pos = positionOf(k, 'crds', entry);
    if (ctx.fs.stat(abs) !== 'file') {
      ctx.problems.add(k.file, `loading CRDs: file '${entry}' does not exist`, pos.line, pos.col);
      continue;
    }
    if (!withinRoot(k.dir, abs)) {
      ctx.problems.add(
        k.file,
        `loading CRDs: security; file '${abs}' is not in or below '${k.dir}'`,
        pos.line,
        pos.col,
      );
      continue;
    }
    const text = decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems);
    if (text.length === 0) {
      // kustomize v5.8.2 panics (index out of range) on an empty file; fail cleanly instead.
      ctx.problems.add(abs, 'loading CRDs: the file is empty');
      continue;
    }
    try {
      const doc: unknown = text.startsWith('{')
        ? JSON.parse(text)
        : toJS(parseDocuments(text, abs, ctx.problems)[0]?.contents);
      crdConfig(doc, ensureConfig(ctx));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      ctx.problems.add(abs, `loading CRDs: unable to parse open API definition: ${why}`);
    }
  }
}

/** TABLES maps each table name of kustomize's TransformerConfig, lower-cased, to its spelling. */
const TABLES = new Map([...LISTS, 'nameReference'].map((k) => [k.toLowerCase(), k] as const));

/** loadConfigurations adds a kustomization's `configurations:` files. */
export function loadConfigurations(ctx: Context, k: Kustomization): void {
  for (const entry of strings(k.data['configurations'])) {
    const abs = posix.resolve(k.dir, entry);
    if (ctx.fs.stat(abs) !== 'file') {
      const pos = positionOf(k, 'configurations', entry);
      ctx.problems.add(k.file, `configurations: file '${entry}' does not exist`, pos.line, pos.col);
      continue;
    }
    const cfg = ensureConfig(ctx);
    for (const d of parseDocuments(decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems), abs, ctx.problems)) {
      const o = (toJS(d.contents) ?? {}) as Record<string, unknown>;
      for (const raw of Object.keys(o)) {
        // kustomize decodes this file as JSON into its TransformerConfig: table names match case-insensitively,
        // and an unknown one fails the build.
        const key = TABLES.get(raw.toLowerCase());
        if (key === 'nameReference') {
          for (const nr of records(o[raw])) {
            const ref: NameReference = { kind: asText(nr['kind']), fieldSpecs: fieldSpecs(nr['fieldSpecs']) };
            if (nr['group']) ref.group = asText(nr['group']);
            if (nr['version']) ref.version = asText(nr['version']);
            cfg.nameReference.push(ref);
          }
        } else if (key) {
          cfg[key as (typeof LISTS)[number]].push(...fieldSpecs(o[raw]));
        } else {
          ctx.problems.add(abs, `configurations: unknown field "${raw}"`);
        }
      }
    }
  }
}
