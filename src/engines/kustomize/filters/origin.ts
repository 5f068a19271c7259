import { posix } from 'node:path';

import { isMap, parse, YAMLMap } from 'yaml';

import { ensureMap, field, plainString, scalar, setField, str } from '../nodes.ts';
import type { Resource } from '../resource.ts';

/**
 * buildMetadata: kustomize's provenance annotations and label. With any option set, kustomize tracks during the
 * build where each object came from (its origin) and which transformers ran over it; at the end it keeps only the
 * annotations the options ask for.
 */

/** KUSTOMIZE_VERSION is the kustomize release this engine reproduces; `managedByLabel` prints it. */
export const KUSTOMIZE_VERSION = 'v5.8.2';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** PluginRef names the generator or transformer config that made or changed an object. */
export interface PluginRef {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
}

/** Configured is one origin entry: the file (relative to the build root) that configured a plugin, and the plugin. */
export interface Configured {
  configuredIn: string;
  configuredBy: PluginRef;
}

/** BuildMetadata is the parsed `buildMetadata:` list of the kustomization being built. */
export interface BuildMetadata {
  origin: boolean;
  transformers: boolean;
  managedBy: boolean;
}

/** parseBuildMetadata reads the option list; unknown options are ignored, as kustomize ignores them. */
export function parseBuildMetadata(options: readonly string[]): BuildMetadata {
  return {
    origin: options.includes('originAnnotations'),
    transformers: options.includes('transformerAnnotations'),
    managedBy: options.includes('managedByLabel'),
  };
}

/** recordTransformations notes, on every object present when a transformer ran, that it ran (kustomize's rule). */
export function recordTransformations(resources: readonly Resource[], ran: readonly Configured[]): void {
  if (ran.length === 0) return;
  for (const r of resources) r.transformations.push(...ran);
}

/** builtinRef is the configuredIn/configuredBy of a transformer or generator configured by a kustomization field. */
export function builtinRef(root: string, kustomizationFile: string, kind: string): Configured {
  return { configuredIn: posix.relative(root, kustomizationFile), configuredBy: { apiVersion: 'builtin', kind } };
}

/** renderConfigured prints one origin entry as kyaml marshals it, indented by `pad`. */
function renderConfigured(c: Configured, pad: string): string {
  const by = c.configuredBy;
  let s = `${pad}configuredIn: ${c.configuredIn}\n${pad}configuredBy:\n`;
  s += `${pad}  apiVersion: ${by.apiVersion}\n${pad}  kind: ${by.kind}\n`;
  if (by.name) s += `${pad}  name: ${by.name}\n`;
  if (by.namespace) s += `${pad}  namespace: ${by.namespace}\n`;
  return s;
}

/** originText is the origin annotation of one object: the file it was read from, or the plugin that made it. */
function originText(r: Resource, root: string): string {
  if (r.origin) return renderConfigured(r.origin, '');
  if (r.generator) return renderConfigured(builtinRef(root, r.file, `${r.kind}Generator`), '');
  return `path: ${posix.relative(root, r.file)}\n`;
}

/** addBuildAnnotations writes the annotations the options keep; call it after name references are fixed. */
export function addBuildAnnotations(resources: readonly Resource[], root: string, meta: BuildMetadata): void {
  for (const r of resources) {
    if (meta.origin) setAnnotation(r, ORIGIN_ANNOTATION, originText(r, root));
    if (meta.transformers && r.transformations.length > 0) {
      const text = r.transformations.map((t) => renderConfigured(t, '  ').replace(/^ {2}/, '- ')).join('');
      setAnnotation(r, TRANSFORMATIONS_ANNOTATION, earlierTransformations(r) + text);
    }
  }
}

/**
 * earlierTransformations re-renders a transformations annotation the input already carried: kustomize reads it
 * as a list of origins and appends to it, printing the old entries again in its own field order.
 */
function earlierTransformations(r: Resource): string {
  const v = str(field(field(field(r.node, 'metadata'), 'annotations'), TRANSFORMATIONS_ANNOTATION));
  if (!v) return '';
  let list: unknown;
  try {
    list = parse(v);
  } catch {
    return '';
  }
  if (!Array.isArray(list)) return '';
  let out = '';
  for (const o of list as unknown[]) {
    if (!o || typeof o !== 'object') continue;
    const e = o as Record<string, unknown>;
    const lines: string[] = [];
    for (const key of ['path', 'repo', 'ref', 'configuredIn']) if (e[key]) lines.push(`${key}: ${plainString(e[key])}`);
    const by = (e['configuredBy'] ?? {}) as Record<string, unknown>;
    const byLines = ['apiVersion', 'kind', 'name', 'namespace']
      .filter((k) => by[k])
      .map((k) => `  ${k}: ${plainString(by[k])}`);
    if (byLines.length) lines.push('configuredBy:', ...byLines);
    if (lines.length === 0) lines.push('{}');
    out += lines.map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n') + '\n';
  }
  return out;
}

function setAnnotation(r: Resource, key: string, value: string): void {
  setField(ensureMap(ensureMap(r.node, 'metadata'), 'annotations'), key, scalar(value));
}

/**
 * addManagedByLabel is `buildMetadata: [managedByLabel]`: kustomize labels every object it printed with its own
 * version, after sorting, at metadata.labels only.
 */
export function addManagedByLabel(resources: readonly Resource[]): void {
  for (const r of resources) {
    const meta = ensureMap(r.node, 'metadata');
    let labels = field(meta, 'labels');
    if (!isMap(labels)) {
      labels = new YAMLMap();
      setField(meta, 'labels', labels);
    }
    setField(labels as YAMLMap, MANAGED_BY_LABEL, scalar(`kustomize-${KUSTOMIZE_VERSION}`));
  }
}

/**
 * BUILD_ANNOTATIONS are the annotations kustomize uses internally while building and deletes from every object it
 * prints, even when an input file carries them.
 */
const BUILD_ANNOTATIONS = new Set([
  ...[
    'previousKinds', 'previousNames', 'prefixes', 'suffixes', 'previousNamespaces', 'allowNameChange',
    'allowKindChange', 'refBy', 'generatorBehavior', 'needsHashSuffix', 'path', 'index', 'seqindent', 'id',
    'annotations-migration-resource-id',
  ].map((k) => `internal.config.kubernetes.io/${k}`),
  'config.kubernetes.io/path',
  'config.kubernetes.io/index',
  'config.k8s.io/id',
]); // prettier-ignore

/**
 * removeBuildAnnotations drops kustomize's internal annotations, and the origin and transformation annotations
 * the options do not keep, from every object. An annotations mapping emptied that way goes too (an empty one
 * written in the input stays).
 */
export function removeBuildAnnotations(resources: readonly Resource[], meta: BuildMetadata): void {
  const drop = (key: string): boolean =>
    BUILD_ANNOTATIONS.has(key) ||
    (!meta.origin && key === ORIGIN_ANNOTATION) ||
    (!meta.transformers && key === TRANSFORMATIONS_ANNOTATION);
  for (const r of resources) {
    const metadata = field(r.node, 'metadata');
    const annotations = field(metadata, 'annotations');
    if (!isMap(metadata) || !isMap(annotations) || annotations.items.length === 0) continue;
    const kept = annotations.items.filter((p) => !drop(String((p.key as { value?: unknown }).value)));
    if (kept.length === annotations.items.length) continue;
    if (kept.length === 0) metadata.items = metadata.items.filter((p) => p.value !== annotations);
    else annotations.items = kept;
  }
}
