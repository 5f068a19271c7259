import { posix } from 'node:path';

import { isMap, YAMLMap } from 'yaml';

import { ensureMap, field, scalar, setField } from '../nodes.ts';
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
      setAnnotation(r, TRANSFORMATIONS_ANNOTATION, text);
    }
  }
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
