import { posix } from 'node:path';

import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

import { contentHash } from './filters/hash.ts';
import { setImages, setReplicas } from './filters/images.ts';
import { affixWithSpecs, setStringsAt } from './filters/metadata.ts';
import { setNamespace } from './filters/namespace.ts';
import { type Configured, recordTransformations } from './filters/origin.ts';
import { asText, bool, type Kustomization, records, stringRecord, strings } from './kustomization.ts';
import { field, toJS } from './nodes.ts';
import { PARSE_OPTIONS, parseDocuments, parseResources } from './parse.ts';
import { applyLegacyJson6902, applyLegacyStrategicMerge, applyPatches, selectorOf } from './patches.ts';
import { type ValueAddTarget, valueAdd } from './filters/valueadd.ts';
import type { Resource } from './resource.ts';
import { type Context, runReplacements } from './target.ts';
import { fieldSpecs } from './transformer-config.ts';

/**
 * Plugin configs of a kustomization's `generators:`, `transformers:` and `validators:` fields. Each entry is an
 * inline config, a file of configs, or a kustomization directory whose built output is the list of configs.
 * `kustomize build` loads only its built-in plugins (`apiVersion: builtin`); any other config fails the build,
 * as kustomize fails without --enable-alpha-plugins.
 */

/** PluginConfig is one config object and where it came from. */
export interface PluginConfig {
  data: Record<string, unknown>;
  /** file holding the config (the kustomization for inline ones), for diagnostics. */
  file: string;
  /** origin for buildMetadata tracking (set when tracking is on). */
  origin?: Configured;
}

/** LoadEntry loads a `resources:`-style entry (file or kustomization directory) as kustomize does. */
export type LoadEntry = (entry: string) => Resource[];

type PluginField = 'generators' | 'transformers' | 'validators';

/** isInline is kustomize's test: an entry that parses as YAML objects is an inline config, anything else a path. */
function isInline(entry: string): boolean {
  const doc = parseDocument(entry, PARSE_OPTIONS);
  return doc.errors.length === 0 && isMap(doc.contents);
}

/** pluginConfigs reads every config object an entry list names, in order. */
export function pluginConfigs(ctx: Context, k: Kustomization, key: PluginField, load: LoadEntry): PluginConfig[] {
  const out: PluginConfig[] = [];
  const rel = (file: string): string => (ctx.track ? posix.relative(ctx.track.root, file) : file);
  const add = (r: Resource, file: string): void => {
    const c: PluginConfig = { data: toJS(r.node) as Record<string, unknown>, file };
    if (!r.name) ctx.problems.add(file, `${key}: missing metadata.name in a ${r.kind || 'plugin'} config`);
    if (ctx.track) {
      const by: Configured['configuredBy'] = { apiVersion: r.apiVersion, kind: r.kind, name: r.name };
      if (r.namespace) by.namespace = r.namespace;
      c.origin = { configuredIn: rel(file), configuredBy: by };
    }
    out.push(c);
  };
  // kustomize collects every inline config first and loads the paths after them, so inline configs run first
  // whatever their place in the list.
  const entries = strings(k.data[key]);
  const inline = entries.filter(isInline);
  for (const entry of inline) for (const r of parseResources(entry, k.file, ctx.problems)) add(r, k.file);
  for (const entry of entries) if (!inline.includes(entry)) for (const r of load(entry)) add(r, r.file);
  return out;
}

/** isBuiltin: kustomize's built-in plugins have no group and version `builtin`. */
function isBuiltin(c: PluginConfig): boolean {
  return asText(c.data['apiVersion']) === 'builtin';
}

function refuseExternal(ctx: Context, c: PluginConfig): void {
  ctx.problems.add(
    c.file,
    `external plugins disabled; unable to load external plugin '${asText(c.data['kind'])}' ` +
      '(this engine runs only kustomize built-in plugins: exec, Go and KRM function plugins are not supported)',
  );
}

const GENERATOR_KINDS = new Set(['ConfigMapGenerator', 'SecretGenerator', 'IAMPolicyGenerator']);
const TRANSFORMER_KINDS = new Set([
  'AnnotationsTransformer', 'HashTransformer', 'ImageTagTransformer', 'LabelTransformer', 'NamespaceTransformer',
  'PatchJson6902Transformer', 'PatchStrategicMergeTransformer', 'PatchTransformer', 'PrefixSuffixTransformer',
  'PrefixTransformer', 'SuffixTransformer', 'ReplacementTransformer', 'ReplicaCountTransformer',
  'ValueAddTransformer',
]); // prettier-ignore

/** GeneratorConfig is a built-in generator config from `generators:`, for the kustomization's generator step. */
export type GeneratorConfig =
  | { kind: 'ConfigMap' | 'Secret'; args: Record<string, unknown>; config: PluginConfig }
  | { kind: 'IAMPolicy'; config: PluginConfig };

/** generatorConfigs checks `generators:` configs and returns the generators to run, in order. */
export function generatorConfigs(ctx: Context, k: Kustomization, load: LoadEntry): GeneratorConfig[] {
  const out: GeneratorConfig[] = [];
  for (const c of pluginConfigs(ctx, k, 'generators', load)) {
    const kind = asText(c.data['kind']);
    if (!isBuiltin(c)) {
      refuseExternal(ctx, c);
    } else if (kind === 'HelmChartInflationGenerator') {
      ctx.problems.add(c.file, `${kind}: must specify --enable-helm (helm chart inflation is not supported)`);
    } else if (!GENERATOR_KINDS.has(kind)) {
      ctx.problems.add(c.file, `failed to load generator: plugin ${kind} "${pluginName(c)}" is not a generator`);
    } else if (kind === 'IAMPolicyGenerator') {
      out.push({ kind: 'IAMPolicy', config: c });
    } else {
      // The generator's own name/namespace fields win; metadata fills them when empty (the plugin's Config).
      const meta = (c.data['metadata'] ?? {}) as Record<string, unknown>;
      const args = { ...c.data };
      if (!asText(args['name'])) args['name'] = meta['name'];
      if (!asText(args['namespace']) && meta['namespace'] !== undefined) args['namespace'] = meta['namespace'];
      out.push({ kind: kind === 'ConfigMapGenerator' ? 'ConfigMap' : 'Secret', args, config: c });
    }
  }
  return out;
}

/** iamPolicyObject is the ServiceAccount kustomize's IAMPolicyGenerator makes (GKE workload identity only). */
export function iamPolicyObject(ctx: Context, c: PluginConfig): Resource[] {
  const d = c.data;
  const cloud = asText(d['cloud']);
  if (cloud !== 'gke') {
    ctx.problems.add(c.file, `IAMPolicyGenerator: cloud provider ${cloud} not supported yet`);
    return [];
  }
  const ks = (d['kubernetesService'] ?? {}) as Record<string, unknown>;
  const sa = (d['serviceAccount'] ?? {}) as Record<string, unknown>;
  let text =
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n' +
    `    iam.gke.io/gcp-service-account: ${asText(sa['name'])}@${asText(sa['projectId'])}.iam.gserviceaccount.com\n` +
    `  name: ${asText(ks['name'])}\n`;
  if (asText(ks['namespace'])) text += `  namespace: ${asText(ks['namespace'])}\n`;
  return parseResources(text, c.file, ctx.problems);
}

function pluginName(c: PluginConfig): string {
  return asText(((c.data['metadata'] ?? {}) as Record<string, unknown>)['name']);
}

/** runTransformerPlugins applies `transformers:` configs in order, recording each for buildMetadata. */
export function runTransformerPlugins(ctx: Context, k: Kustomization, out: Resource[], load: LoadEntry): void {
  for (const c of pluginConfigs(ctx, k, 'transformers', load)) {
    if (!transform(ctx, k, c, out)) continue;
    if (c.origin) recordTransformations(out, [c.origin]);
  }
}

/**
 * runValidatorPlugins runs `validators:` configs: a validator may only look. kustomize deep-compares the object
 * trees before and after, positions included, so even rewriting a field with its own value counts as a change;
 * the one exception is a `validated-by` label on an object that had no labels (removed before comparing).
 */
export function runValidatorPlugins(ctx: Context, k: Kustomization, out: Resource[], load: LoadEntry): void {
  for (const c of pluginConfigs(ctx, k, 'validators', load)) {
    const before = out.map(fingerprint);
    if (!transform(ctx, k, c, out)) continue;
    const changed = out.find(
      (r, i) =>
        !sameFingerprint(
          before[i],
          withoutValidatedBy(r, () => fingerprint(r)),
        ),
    );
    if (changed || before.length !== out.length) {
      const what = changed ? changed.subject : 'the object list';
      ctx.problems.add(
        c.file,
        `validator shouldn't modify the resource map: ${asText(c.data['kind'])} "${pluginName(c)}" changed ${what}`,
      );
    }
  }
}

/** fingerprint lists every node of an object (by identity) and every scalar value, in document order. */
function fingerprint(r: Resource): unknown[] {
  const out: unknown[] = [r];
  const walk = (n: unknown): void => {
    out.push(n);
    if (isMap(n)) {
      out.push(n.items.length);
      for (const p of n.items) {
        walk(p.key);
        walk(p.value);
      }
    } else if (isSeq(n)) {
      out.push(n.items.length);
      for (const it of n.items) walk(it);
    } else if (isScalar(n)) out.push(n.value);
  };
  walk(r.node);
  return out;
}

function sameFingerprint(a: unknown[] | undefined, b: unknown[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

const VALIDATED_BY = 'validated-by';

/** withoutValidatedBy runs `f` with a labels mapping holding only `validated-by` taken out of the object. */
function withoutValidatedBy<T>(r: Resource, f: () => T): T {
  const meta = field(r.node, 'metadata');
  const labels = field(meta, 'labels');
  if (!isMap(meta) || !isMap(labels) || labels.items.length !== 1 || !labels.has(VALIDATED_BY)) return f();
  const i = meta.items.findIndex((p) => p.value === labels);
  const [pair] = meta.items.splice(i, 1);
  try {
    return f();
  } finally {
    if (pair) meta.items.splice(i, 0, pair);
  }
}

/** runValueAdd configures and runs a ValueAddTransformer config; returns a message where kustomize fails. */
function runValueAdd(ctx: Context, k: Kustomization, d: Record<string, unknown>, out: Resource[]): string | undefined {
  // The value defaults to the name of the kustomization's directory.
  const value = asText(d['value']).trim() || posix.basename(k.dir);
  const entries = records(d['targets']);
  const file = asText(d['targetFilePath']);
  if (file) {
    const abs = posix.resolve(k.dir, file);
    if (ctx.fs.stat(abs) !== 'file') return `targetFilePath '${file}' does not exist`;
    for (const doc of parseDocuments(new TextDecoder().decode(ctx.fs.readFile(abs)), abs, ctx.problems).slice(0, 1)) {
      entries.push(...records((toJS(doc.contents) as Record<string, unknown> | null)?.['targets']));
    }
  }
  if (entries.length === 0) return 'must specify at least one target';
  const targets: ValueAddTarget[] = [];
  for (const e of entries) {
    const t: ValueAddTarget = {
      fieldPath: asText(e['fieldPath']),
      filePathPosition: Number(asText(e['filePathPosition']) || '0'),
    };
    const sel = selectorOf(e['selector']);
    if (sel) t.selector = sel;
    if (t.fieldPath === '') return 'fieldPath cannot be empty';
    if (t.filePathPosition < 0) return `value of FilePathPosition (${t.filePathPosition}) cannot be negative`;
    targets.push(t);
  }
  return valueAdd(out, value, targets);
}

/** transform runs one transformer config; false when it could not run (the problem is recorded). */
function transform(ctx: Context, k: Kustomization, c: PluginConfig, out: Resource[]): boolean {
  const kind = asText(c.data['kind']);
  if (!isBuiltin(c)) {
    refuseExternal(ctx, c);
    return false;
  }
  if (!TRANSFORMER_KINDS.has(kind)) {
    ctx.problems.add(c.file, `plugin ${kind} "${pluginName(c)}" is not a transformer`);
    return false;
  }
  builtinTransform(ctx, k, c, kind, out);
  return true;
}

function builtinTransform(ctx: Context, k: Kustomization, c: PluginConfig, kind: string, out: Resource[]): void {
  const d = c.data;
  const specs = fieldSpecs(d['fieldSpecs']);
  const meta = (d['metadata'] ?? {}) as Record<string, unknown>;
  // Patch and replacement transformers reuse the kustomization-field code paths on a synthetic kustomization.
  const synthetic = (data: Record<string, unknown>): Kustomization => ({ ...k, file: c.file, data });
  switch (kind) {
    case 'LabelTransformer':
      setStringsAt(out, specs, stringRecord(d['labels']));
      break;
    case 'AnnotationsTransformer':
      setStringsAt(out, specs, stringRecord(d['annotations']));
      break;
    case 'NamespaceTransformer': {
      // The namespace comes from the config's metadata only; without one kustomize changes nothing. The config's
      // own field specs replace kustomize's table; metadata.namespace is set regardless.
      if (!asText(meta['namespace'])) break;
      const problem = setNamespace(out, asText(meta['namespace']), {
        unsetOnly: bool(d['unsetOnly']),
        subjects: asText(d['setRoleBindingSubjects']),
        fieldSpecs: specs,
      });
      if (problem) ctx.problems.add(c.file, problem);
      break;
    }
    case 'PrefixSuffixTransformer':
    case 'PrefixTransformer':
    case 'SuffixTransformer': {
      // kustomize refuses a prefix or suffix config without field specs, and renames only what they select.
      if (!Array.isArray(d['fieldSpecs'])) {
        ctx.problems.add(
          c.file,
          `plugin ${kind} "${pluginName(c)}" fails configuration: fieldSpecs is not expected to be nil`,
        );
        break;
      }
      const prefix = kind === 'SuffixTransformer' ? '' : asText(d['prefix']);
      const suffix = kind === 'PrefixTransformer' ? '' : asText(d['suffix']);
      if (prefix) affixWithSpecs(out, specs, prefix, '');
      if (suffix) affixWithSpecs(out, specs, '', suffix);
      break;
    }
    case 'ImageTagTransformer': {
      const it = (d['imageTag'] ?? {}) as Record<string, unknown>;
      const rule: { name: string; newName?: string; newTag?: string; digest?: string } = { name: asText(it['name']) };
      if (it['newName']) rule.newName = asText(it['newName']);
      if (it['newTag']) rule.newTag = asText(it['newTag']);
      if (it['digest']) rule.digest = asText(it['digest']);
      setImages(out, [rule], [], specs);
      break;
    }
    case 'ReplicaCountTransformer': {
      const r = (d['replica'] ?? {}) as Record<string, unknown>;
      const rule = { name: asText(r['name']), count: BigInt(asText(r['count']) || '0') };
      for (const problem of setReplicas(out, [rule], specs)) ctx.problems.add(c.file, problem);
      break;
    }
    case 'PatchTransformer':
      applyPatches(ctx, synthetic({ patches: [d] }), out);
      break;
    case 'PatchStrategicMergeTransformer': {
      // `paths` lists patch files; `patches` is one string of (possibly several) inline patch documents.
      const patches = asText(d['patches']);
      const list = [...strings(d['paths']), ...(patches ? [patches] : [])];
      if (list.length === 0) {
        ctx.problems.add(c.file, `plugin ${kind} "${pluginName(c)}": empty file path and empty patch content`);
        break;
      }
      applyLegacyStrategicMerge(ctx, synthetic({ patchesStrategicMerge: list }), out);
      break;
    }
    case 'PatchJson6902Transformer':
      applyLegacyJson6902(ctx, synthetic({ patchesJson6902: [{ ...d, patch: d['jsonOp'] }] }), out);
      break;
    case 'ReplacementTransformer':
      runReplacements(ctx, synthetic({ replacements: d['replacements'] }), out);
      break;
    case 'HashTransformer':
      // Hashes every object still marked for a suffix; the mark stays, so the build's own hash step appends a
      // second suffix, exactly as kustomize does.
      for (const r of out) if (r.generator?.hash) r.setName(`${r.name}-${contentHash(r)}`);
      break;
    case 'ValueAddTransformer': {
      const problem = runValueAdd(ctx, k, d, out);
      if (problem) ctx.problems.add(c.file, `plugin ValueAddTransformer "${pluginName(c)}": ${problem}`);
      break;
    }
  }
}
