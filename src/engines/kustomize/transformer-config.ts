import { posix } from 'node:path';

import type { NameReference } from './config.ts';
import { crdConfig } from './crds.ts';
import { ConfigConflictError, type FieldSpec, mergeSpecs } from './filters/fieldspec.ts';
import { compareGvk } from './gvk.ts';
import { asText, bool, type Kustomization, positionOf, records, strings } from './kustomization.ts';
import { toJS } from './nodes.ts';
import { parseDocuments } from './parse.ts';
import type { Context } from './context.ts';
import { mayLoad } from './context.ts';
import { decodeYaml } from './yaml/limits.ts';

import defaults from './tables/transformer-config.json' with { type: 'json' };

/**
 * kustomize's TransformerConfig: for each built-in transformer, the fields it touches. A kustomization's
 * accumulator starts empty and merges, in order, each base's config (after the base is built), its own (kustomize's
 * built-in tables merged with its `configurations:` files) and what its `crds:` definitions add; a component shares
 * its parent's. Every merge is kustomize's: entries sorted by group/version/kind, and an entry dropped when an
 * earlier one with the same path is selected by its group/version/kind (so a kind-specific entry can hide a
 * kind-less one), or refused when the two disagree on `create`. The built-in tables are read from
 * `tables/transformer-config.json` (generated from kustomize by scripts/gen-kustomize-config.ts).
 */

/** TransformerConfig holds kustomize's field-spec tables, per transformer. */
export interface TransformerConfig {
  nameReference: NameReference[];
  commonLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  images: FieldSpec[];
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
  'namePrefix', 'nameSuffix', 'namespace', 'commonAnnotations', 'commonLabels', 'labels', 'templateLabels',
  'volumeClaimTemplateLabels', 'varReference', 'images', 'replicas',
] as const; // prettier-ignore

/** emptyConfig is a new accumulator's config. */
export function emptyConfig(): TransformerConfig {
  return {
    nameReference: [], commonLabels: [], commonAnnotations: [], images: [], namePrefix: [], nameSuffix: [],
    namespace: [], replicas: [], varReference: [], labels: [], templateLabels: [], volumeClaimTemplateLabels: [],
  }; // prettier-ignore
}

type TableEntry = { group?: string; version?: string; kind?: string; path: string; create?: boolean };

function copySpec(fs: TableEntry): FieldSpec {
  const out: FieldSpec = { path: fs.path };
  if (fs.group) out.group = fs.group;
  if (fs.version) out.version = fs.version;
  if (fs.kind) out.kind = fs.kind;
  if (fs.create) out.create = true;
  return out;
}

/** defaultConfig is kustomize's built-in configuration (a fresh copy: callers may extend it). */
export function defaultConfig(): TransformerConfig {
  const table = defaults as unknown as Record<string, unknown>;
  const out = emptyConfig();
  for (const key of LISTS) out[key] = ((table[key] ?? []) as TableEntry[]).map(copySpec);
  out.nameReference = (
    (table['nameReference'] ?? []) as (Omit<TableEntry, 'path'> & { fieldSpecs: TableEntry[] })[]
  ).map((nr) => {
    const ref: NameReference = { kind: nr.kind ?? '', fieldSpecs: (nr.fieldSpecs ?? []).map(copySpec) };
    if (nr.group) ref.group = nr.group;
    if (nr.version) ref.version = nr.version;
    return ref;
  });
  return out;
}

function sortedSpecs(list: FieldSpec[]): FieldSpec[] {
  return list.sort((a, b) => compareGvk(a, b));
}

/** mergeConfig is kustomize's TransformerConfig.Merge (sorted result); throws ConfigConflictError. */
export function mergeConfig(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const out = emptyConfig();
  for (const key of LISTS) {
    try {
      out[key] = sortedSpecs(mergeSpecs(a[key], b[key]));
    } catch (err) {
      if (err instanceof ConfigConflictError)
        throw new ConfigConflictError(`failed to merge ${key} fieldSpec: ${err.message}`);
      throw err;
    }
  }
  const refs = a.nameReference.map((r) => ({ ...r, fieldSpecs: [...r.fieldSpecs] }));
  for (const other of b.nameReference) {
    const same = refs.filter(
      (r) =>
        r.kind === other.kind && (r.group ?? '') === (other.group ?? '') && (r.version ?? '') === (other.version ?? ''),
    );
    for (const r of same) r.fieldSpecs = mergeSpecs(r.fieldSpecs, other.fieldSpecs);
    if (same.length === 0) refs.push({ ...other, fieldSpecs: [...other.fieldSpecs] });
  }
  out.nameReference = refs.sort((x, y) => compareGvk(x, y));
  return out;
}

/** mergeInto merges `b` into the accumulator's config, reporting a conflict as a problem of `file`. */
export function mergeInto(ctx: Context, b: TransformerConfig, file: string): void {
  try {
    ctx.config = mergeConfig(ctx.config ?? emptyConfig(), b);
  } catch (err) {
    if (!(err instanceof ConfigConflictError)) throw err;
    ctx.problems.add(file, `merging config: ${err.message}`);
  }
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

/** loadCrds merges the field specs of a kustomization's `crds:` OpenAPI definition files into its accumulator. */
export function loadCrds(ctx: Context, k: Kustomization): void {
  const entries = strings(k.data['crds']);
  if (entries.length === 0) return;
  let crds = emptyConfig();
  for (const entry of entries) {
    const abs = posix.resolve(k.dir, entry);
    const pos = positionOf(k, 'crds', entry);
    if (ctx.fs.stat(abs) !== 'file') {
      ctx.problems.add(k.file, `loading CRDs: file '${entry}' does not exist`, pos.line, pos.col);
      continue;
    }
    if (!mayLoad(ctx, k, abs)) {
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
      const one = emptyConfig();
      crdConfig(doc, one);
      crds = mergeConfig(crds, one);
    } catch (err) {
      if (err instanceof ConfigConflictError) {
        ctx.problems.add(abs, `loading CRDs: ${err.message}`);
        continue;
      }
      const why = err instanceof Error ? err.message : String(err);
      ctx.problems.add(abs, `loading CRDs: unable to parse open API definition: ${why}`);
    }
  }
  mergeInto(ctx, crds, k.file);
}

/** TABLES maps each table name of kustomize's TransformerConfig, lower-cased, to its spelling. */
const TABLES = new Map([...LISTS, 'nameReference'].map((k) => [k.toLowerCase(), k] as const));

/**
 * loadConfigurations merges kustomize's built-in tables and the kustomization's `configurations:` files into its
 * accumulator (kustomize's MakeTransformerConfig: the files merged one by one, then into the built-in tables).
 */
export function loadConfigurations(ctx: Context, k: Kustomization): void {
  let custom = emptyConfig();
  for (const entry of strings(k.data['configurations'])) {
    const abs = posix.resolve(k.dir, entry);
    if (ctx.fs.stat(abs) !== 'file') {
      const pos = positionOf(k, 'configurations', entry);
      ctx.problems.add(k.file, `configurations: file '${entry}' does not exist`, pos.line, pos.col);
      continue;
    }
    if (!mayLoad(ctx, k, abs)) {
      const pos = positionOf(k, 'configurations', entry);
      ctx.problems.add(k.file, `security; file '${abs}' is not in or below '${k.dir}'`, pos.line, pos.col);
      continue;
    }
    const cfg = emptyConfig();
    // kustomize decodes the first document of the file as JSON into its TransformerConfig: table names match
    // case-insensitively, and an unknown one fails the build.
    const doc = parseDocuments(decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems), abs, ctx.problems)[0];
    const o = (toJS(doc?.contents) ?? {}) as Record<string, unknown>;
    for (const raw of Object.keys(o)) {
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
    try {
      custom = mergeConfig(custom, mergeConfig(emptyConfig(), cfg));
    } catch (err) {
      if (!(err instanceof ConfigConflictError)) throw err;
      ctx.problems.add(abs, `configurations: ${err.message}`);
    }
  }
  try {
    mergeInto(ctx, mergeConfig(defaultConfig(), custom), k.file);
  } catch (err) {
    if (!(err instanceof ConfigConflictError)) throw err;
    ctx.problems.add(k.file, `configurations: ${err.message}`);
  }
}
