import { posix } from 'node:path';

import { isMap, parseDocument } from 'yaml';

import { type Configured, recordTransformations } from './filters/origin.ts';
import { asText, type Kustomization, strings } from './kustomization.ts';
import { toJS } from './nodes.ts';
import { builtinTransform } from './plugin-builtins.ts';
import { type PluginConfig, pluginName } from './plugin-config.ts';
import { PARSE_OPTIONS, parseResources } from './parse.ts';
import type { Resource } from './resource.ts';
import type { Context } from './context.ts';

/**
 * Plugin configs of a kustomization's `generators:`, `transformers:` and `validators:` fields. Each entry is an
 * inline config, a file of configs, or a kustomization directory whose built output is the list of configs.
 * `kustomize build` loads only its built-in plugins (`apiVersion: builtin`); any other config fails the build,
 * as kustomize fails without --enable-alpha-plugins.
 */

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

/** runTransformerPlugins applies `transformers:` configs in order, recording each for buildMetadata. */
export function runTransformerPlugins(ctx: Context, k: Kustomization, out: Resource[], load: LoadEntry): void {
  for (const c of pluginConfigs(ctx, k, 'transformers', load)) {
    if (!transform(ctx, k, c, out)) continue;
    if (c.origin) recordTransformations(out, [c.origin]);
  }
}

/** transform runs one transformer config; false when it could not run (the problem is recorded). */
export function transform(ctx: Context, k: Kustomization, c: PluginConfig, out: Resource[]): boolean {
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
