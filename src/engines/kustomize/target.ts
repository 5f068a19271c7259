import { posix } from 'node:path';

import {
  asText,
  KUSTOMIZATION_FILES,
  positionOf,
  type Kustomization,
  parseKustomization,
  records,
  stringRecord,
  strings,
  bool,
} from './kustomization.ts';
import type { Problems } from './errors.ts';
import type { FileSystem } from './fs.ts';
import { generate, type GeneratorArgs, type GeneratorOptions } from './filters/generators.ts';
import { setImages, setReplicas, type ImageRule } from './filters/images.ts';
import { addAnnotations, addLabels, addPrefixSuffix } from './filters/metadata.ts';
import { NAMESPACE_FIELD_SPECS, setNamespace } from './filters/namespace.ts';
import { field, setField, ensureMap, entries, scalar, toJS } from './nodes.ts';
import { applyPatches, applyLegacyJson6902, applyLegacyStrategicMerge } from './patches.ts';
import { parseDocuments, parseResources } from './parse.ts';
import { applyReplacements, type Replacement, type ReplacementOptions } from './filters/replacements.ts';
import type { Selector } from './selector.ts';
import type { Resource } from './resource.ts';
import { REPLICAS } from './config.ts';
import { generateKustomization } from './flux.ts';
import type { Var } from './filters/vars.ts';
import { compileOpenApi, MergeSchema } from './merge/index.ts';
import { generatorConfigs, iamPolicyObject, runTransformerPlugins } from './plugins.ts';
import { runValidatorPlugins } from './validators.ts';
import {
  fieldSpecs,
  isolated,
  loadConfigurations,
  loadCrds,
  mergeConfig,
  type TransformerConfig,
} from './transformer-config.ts';
import { builtinRef, type Configured, recordTransformations } from './filters/origin.ts';
import { decodeYaml } from './yaml/limits.ts';

/** LoadOptions control what a build may read. */
export interface LoadOptions {
  fs: FileSystem;
  /** Allow remote (git/http) resources; they are still not fetched by this engine, only reported. */
  allowRemote?: boolean;
  /** Flux's rule: a directory without a kustomization gets one listing every manifest below it. */
  generateMissing?: boolean;
}

/** Context is the state of one build shared by every kustomization it loads. */
export interface Context extends LoadOptions {
  problems: Problems;
  stack: string[];
  /** schema is the strategic-merge schema a kustomization's `openapi:` field set (else the built-in one). */
  schema?: MergeSchema;
  /** config holds field specs added by `configurations:` files, on top of kustomize's built-in tables. */
  config?: TransformerConfig;
  /** vars collects legacy `vars:` of every kustomization, resolved once at the end of the build. */
  vars?: Var[];
  /** track is set when the root kustomization has buildMetadata: provenance is recorded relative to `root`. */
  track?: { root: string };
}

/**
 * refuseHelm: kustomize without --enable-helm fails on any chart to inflate (helmCharts or the legacy
 * helmChartInflationGenerator); helmGlobals alone configures nothing and builds. This engine never inflates charts.
 */
function refuseHelm(ctx: Context, k: Kustomization): void {
  for (const key of ['helmCharts', 'helmChartInflationGenerator']) {
    const v = k.data[key];
    if (!Array.isArray(v) || v.length === 0) continue;
    const pos = positionOf(k, key);
    ctx.problems.add(
      k.file,
      `${key}: HelmChartInflationGenerator: must specify --enable-helm (helm chart inflation is not supported by this engine)`,
      pos.line,
      pos.col,
    );
  }
}

/** loadOpenApi compiles a kustomization's `openapi: {path}` document into the merge schema for its patches. */
function loadOpenApi(ctx: Context, k: Kustomization): void {
  const o = k.data['openapi'];
  if (!o || typeof o !== 'object') return;
  const path = asText((o as Record<string, unknown>)['path']);
  if (!path) return;
  const abs = posix.resolve(k.dir, path);
  if (ctx.fs.stat(abs) !== 'file') {
    ctx.problems.add(k.file, `openapi: file '${path}' does not exist`);
    return;
  }
  const text = decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems);
  try {
    const doc: unknown = text.trimStart().startsWith('{')
      ? JSON.parse(text)
      : toJS(parseDocuments(text, abs, ctx.problems)[0]?.contents);
    ctx.schema = new MergeSchema(compileOpenApi(doc, abs));
  } catch (err) {
    ctx.problems.add(abs, `openapi: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const REMOTE = /^(https?:\/\/|git@|ssh:\/\/|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/;

/** withinRoot is kustomize's load restriction: a file must sit in or below the kustomization's directory. */
export function withinRoot(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** findKustomization returns the kustomization file path in `dir`, or undefined. */
export function findKustomization(fs: FileSystem, dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const p = posix.join(dir, name);
    if (fs.stat(p) === 'file') return p;
  }
  return undefined;
}

/** loadKustomization reads the kustomization of `dir` (or Flux's generated one). */
export function loadKustomization(ctx: Context, dir: string): Kustomization | undefined {
  const file = findKustomization(ctx.fs, dir);
  if (!file) {
    if (ctx.generateMissing) return generateKustomization(ctx, dir);
    ctx.problems.add(
      dir,
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`,
    );
    return undefined;
  }
  const text = decodeYaml(ctx.fs.readFile(file), file, ctx.problems);
  return parseKustomization(text, file, dir, ctx.problems);
}

/** appendAll adds resources, reporting ids that are already present (kustomize refuses duplicates). */
function appendAll(ctx: Context, into: Resource[], seen: Set<string>, add: readonly Resource[], where: string): void {
  for (const r of add) {
    const id = r.id;
    if (seen.has(id)) {
      ctx.problems.add(where, `may not add resource with an already registered id: ${r.subject}`);
      continue;
    }
    seen.add(id);
    into.push(r);
  }
}

/**
 * accumulate builds one kustomization: its resources (recursively), components, generators, then its
 * transformers in kustomize's fixed order. `initial` is the parent's resources when this is a component.
 */
export function accumulate(ctx: Context, k: Kustomization, initial: Resource[] = []): Resource[] {
  const d = k.data;
  const out: Resource[] = [...initial];
  const seen = new Set(out.map((r) => r.id));
  if (ctx.stack.includes(k.dir)) {
    ctx.problems.add(k.file, `cycle detected: ${[...ctx.stack, k.dir].join(' -> ')}`);
    return out;
  }
  ctx.stack.push(k.dir);
  refuseHelm(ctx, k);
  loadOpenApi(ctx, k);
  try {
    // Field specs from `configurations:` and `crds:` belong to kustomize's accumulator: a kustomization sees its
    // bases' (merged up after each base is built) and its own (loaded after its resources), never a sibling's or
    // its parent's. A component shares its parent's accumulator.
    let own = k.kind === 'Component' ? ctx.config : undefined;
    for (const entry of [...strings(d['resources']), ...strings(d['bases'])]) {
      ctx.config = undefined;
      appendAll(ctx, out, seen, loadEntry(ctx, k, entry, false), k.file);
      own = mergeConfig(own, ctx.config);
    }
    ctx.config = own;
    loadConfigurations(ctx, k);
    loadCrds(ctx, k);
    // kustomize runs a kustomization's generators before its components, so components can patch their output.
    runGenerators(ctx, k, out, seen);
    for (const entry of strings(d['components'])) {
      const dir = posix.resolve(k.dir, entry);
      if (REMOTE.test(entry) || ctx.fs.stat(dir) !== 'dir') {
        ctx.problems.add(k.file, `component "${entry}" must be a local directory`);
        continue;
      }
      const ck = loadKustomization(ctx, dir);
      if (!ck) continue;
      if (ck.kind !== 'Component') {
        ctx.problems.add(ck.file, `expected kind 'Component' for path '${dir}' but got 'Kustomization'`);
        continue;
      }
      const next = accumulate(ctx, ck, out);
      out.length = 0;
      out.push(...next);
      seen.clear();
      for (const r of out) seen.add(r.id);
    }
    runTransformers(ctx, k, out);
    runValidatorPlugins(ctx, k, out, (entry) => isolated(ctx, () => loadEntry(ctx, k, entry, false)));
    for (const v of records(d['vars'])) {
      const objref = (v['objref'] ?? {}) as Record<string, unknown>;
      const fieldref = (v['fieldref'] ?? {}) as Record<string, unknown>;
      const ref: Var['objref'] = { kind: asText(objref['kind']), name: asText(objref['name']) };
      if (objref['apiVersion'] !== undefined) ref.apiVersion = asText(objref['apiVersion']);
      (ctx.vars ??= []).push({
        name: asText(v['name']),
        objref: ref,
        fieldpath: asText(fieldref['fieldpath']) || 'metadata.name',
        file: k.file,
      });
    }
  } finally {
    ctx.stack.pop();
  }
  return out;
}

function loadEntry(ctx: Context, k: Kustomization, entry: string, component: boolean): Resource[] {
  if (
    REMOTE.test(entry) ||
    (/^[\w.-]+\.[a-z]{2,}\/[\w.-]+\/[\w.-]+/.test(entry) && ctx.fs.stat(posix.resolve(k.dir, entry)) === undefined)
  ) {
    const pos = positionOf(k, 'resources', entry);
    ctx.problems.add(
      k.file,
      ctx.allowRemote
        ? `remote resource "${entry}" cannot be fetched: this engine has no network access`
        : `remote resource "${entry}" is not allowed: remote bases are disabled (--no-remote-bases)`,
      pos.line,
      pos.col,
    );
    return [];
  }
  const path = posix.resolve(k.dir, entry);
  const kind = ctx.fs.stat(path);
  if (kind === undefined) {
    {
      const pos = positionOf(k, k.data['resources'] !== undefined ? 'resources' : 'bases', entry);
      ctx.problems.add(k.file, `accumulating resources: '${path}' does not exist`, pos.line, pos.col);
    }
    return [];
  }
  if (kind === 'dir') {
    const sub = loadKustomization(ctx, path);
    if (!sub) return [];
    if (sub.kind === 'Component' && !component) {
      ctx.problems.add(sub.file, `expected kind != 'Component' for path '${path}'`);
      return [];
    }
    return accumulate(ctx, sub);
  }
  if (!withinRoot(k.dir, path)) {
    {
      const pos = positionOf(k, k.data['resources'] !== undefined ? 'resources' : 'bases', entry);
      ctx.problems.add(k.file, `security; file '${path}' is not in or below '${k.dir}'`, pos.line, pos.col);
    }
    return [];
  }
  const text = decodeYaml(ctx.fs.readFile(path), path, ctx.problems);
  return parseResources(text, path, ctx.problems);
}

function generatorOptions(v: unknown): GeneratorOptions {
  const o = (v ?? {}) as Record<string, unknown>;
  const out: GeneratorOptions = {};
  if (o['labels']) out.labels = Object.fromEntries(stringRecord(o['labels']));
  if (o['annotations']) out.annotations = Object.fromEntries(stringRecord(o['annotations']));
  if (o['disableNameSuffixHash'] !== undefined) out.disableNameSuffixHash = bool(o['disableNameSuffixHash']);
  if (o['immutable'] !== undefined) out.immutable = bool(o['immutable']);
  return out;
}

interface GeneratorRun {
  kind: 'ConfigMap' | 'Secret';
  g: Record<string, unknown>;
  /** generatorOptions of the kustomization; `generators:` configs get none. */
  global: GeneratorOptions;
  file: string;
  origin?: Configured;
  /** objects a plugin made directly (IAMPolicyGenerator), added as they are. */
  made?: Resource[];
}

/**
 * runGenerators runs the kustomization's configMapGenerator and secretGenerator entries, then its `generators:`
 * plugin configs, in kustomize's order, merging or replacing by behavior.
 */
function runGenerators(ctx: Context, k: Kustomization, out: Resource[], seen: Set<string>): void {
  const global = generatorOptions(k.data['generatorOptions']);
  const gens: GeneratorRun[] = [
    ...records(k.data['configMapGenerator']).map((g): GeneratorRun => ({ kind: 'ConfigMap', g, global, file: k.file })),
    ...records(k.data['secretGenerator']).map((g): GeneratorRun => ({ kind: 'Secret', g, global, file: k.file })),
  ];
  for (const c of generatorConfigs(ctx, k, (entry) => isolated(ctx, () => loadEntry(ctx, k, entry, false)))) {
    const run: GeneratorRun =
      c.kind === 'IAMPolicy'
        ? { kind: 'ConfigMap', g: {}, global: {}, file: c.config.file, made: iamPolicyObject(ctx, c.config) }
        : { kind: c.kind, g: c.args, global: {}, file: c.config.file };
    if (c.config.origin) run.origin = c.config.origin;
    gens.push(run);
  }
  for (const { kind, g, global, file, origin, made } of gens) {
    if (made) {
      for (const r of made) r.origin = origin;
      appendAll(ctx, out, seen, made, file);
      continue;
    }
    const args: GeneratorArgs = {
      literals: strings(g['literals']),
      files: strings(g['files']),
      envs: strings(g['envs']),
    };
    if (g['name'] !== undefined) args.name = asText(g['name']);
    if (g['namespace'] !== undefined) args.namespace = asText(g['namespace']);
    if (g['behavior'] !== undefined) args.behavior = asText(g['behavior']);
    if (g['env'] !== undefined) args.env = asText(g['env']);
    if (g['type'] !== undefined) args.type = asText(g['type']);
    if (g['options'] !== undefined) args.options = generatorOptions(g['options']);
    const r = generate(kind, args, global, k.dir, file, ctx.fs, ctx.problems);
    if (!r) continue;
    r.origin = origin;
    const behavior = r.generator?.behavior ?? 'create';
    if (behavior === 'create') {
      appendAll(ctx, out, seen, [r], k.file);
      continue;
    }
    const ns = r.namespace;
    const existing = out.find(
      (x) =>
        x.kind === kind &&
        x.hadName(r.name) &&
        (x.originalNamespace || 'default') === (ns || x.originalNamespace || 'default'),
    );
    if (!existing) {
      ctx.problems.add(
        k.file,
        `${kind} ${r.name}: behavior ${behavior} but no existing ${kind} of that name to ${behavior}`,
      );
      continue;
    }
    mergeGenerated(existing, r, behavior);
  }
}

/** mergeGenerated folds a merge/replace generator result into the existing object, keeping its identity. */
function mergeGenerated(existing: Resource, r: Resource, behavior: 'merge' | 'replace'): void {
  for (const key of ['data', 'binaryData']) {
    const src = field(r.node, key);
    if (behavior === 'replace') {
      if (src !== undefined) setField(existing.node, key, src);
      else if (field(existing.node, key) !== undefined)
        existing.node.items = existing.node.items.filter((p) => (p.key as { value?: unknown }).value !== key);
      continue;
    }
    if (src === undefined) continue;
    const dst = ensureMap(existing.node, key);
    for (const [k, v] of entries(src)) setField(dst, k, v);
  }
  for (const key of ['labels', 'annotations']) {
    const src = field(field(r.node, 'metadata'), key);
    if (src === undefined) continue;
    const dst = ensureMap(ensureMap(existing.node, 'metadata'), key);
    for (const [k, v] of entries(src)) setField(dst, k, v);
  }
  // kustomize keeps the hash-suffix mark only when both the existing object and the merging generator carry it:
  // merging into a plain ConfigMap read from a file leaves its name alone.
  // An object read from a file stays one (no hash, its file as origin).
  if (existing.generator)
    existing.generator = { behavior: 'create', hash: existing.generator.hash && (r.generator?.hash ?? true) };
}

function replacementOf(v: Record<string, unknown>): Replacement {
  const opts = (o: unknown): ReplacementOptions | undefined => {
    if (!o || typeof o !== 'object') return undefined;
    const r = o as Record<string, unknown>;
    const out: ReplacementOptions = {};
    if (r['delimiter'] !== undefined) out.delimiter = asText(r['delimiter']);
    if (r['index'] !== undefined) out.index = Number(asText(r['index']));
    if (r['create'] !== undefined) out.create = bool(r['create']);
    return out;
  };
  const sel = (o: unknown): Selector => {
    const r = (o ?? {}) as Record<string, unknown>;
    const s: Selector = {};
    for (const key of [
      'group',
      'version',
      'kind',
      'name',
      'namespace',
      'labelSelector',
      'annotationSelector',
    ] as const) {
      if (r[key] !== undefined && r[key] !== null) s[key] = asText(r[key]);
    }
    return s;
  };
  const source = (v['source'] ?? {}) as Record<string, unknown>;
  const src: Replacement['source'] = { ...sel(source) };
  if (source['fieldPath'] !== undefined) src.fieldPath = asText(source['fieldPath']);
  const so = opts(source['options']);
  if (so) src.options = so;
  return {
    source: src,
    targets: records(v['targets']).map((t) => {
      const target: Replacement['targets'][number] = { select: sel(t['select']) };
      if (t['reject'] !== undefined) target.reject = records(t['reject']).map(sel);
      if (t['fieldPaths'] !== undefined) target.fieldPaths = strings(t['fieldPaths']);
      const o = opts(t['options']);
      if (o) target.options = o;
      return target;
    }),
  };
}

/** runReplacements applies `replacements:` (inline entries, or `path:` files holding more entries). */
export function runReplacements(ctx: Context, k: Kustomization, out: Resource[]): void {
  const list: Replacement[] = [];
  for (const entry of records(k.data['replacements'])) {
    if (entry['path'] === undefined) {
      list.push(replacementOf(entry));
      continue;
    }
    const abs = posix.resolve(k.dir, asText(entry['path']));
    if (ctx.fs.stat(abs) !== 'file') {
      ctx.problems.add(k.file, `replacements: file '${asText(entry['path'])}' does not exist`);
      continue;
    }
    for (const d of parseDocuments(decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems), abs, ctx.problems)) {
      const js = toJS(d.contents);
      for (const r of Array.isArray(js) ? js : [js]) {
        if (r && typeof r === 'object') list.push(replacementOf(r as Record<string, unknown>));
      }
    }
  }
  if (list.length) applyReplacements(out, list, k.file, ctx.problems);
}

function runTransformers(ctx: Context, k: Kustomization, out: Resource[]): void {
  const d = k.data;
  applyLegacyStrategicMerge(ctx, k, out);
  applyPatches(ctx, k, out);
  const ns = d['namespace'];
  if (typeof ns === 'string' && ns !== '') {
    const problem = setNamespace(out, ns, { fieldSpecs: [...NAMESPACE_FIELD_SPECS, ...(ctx.config?.namespace ?? [])] });
    if (problem) ctx.problems.add(k.file, problem);
  }
  const prefix = typeof d['namePrefix'] === 'string' ? d['namePrefix'] : '';
  const suffix = typeof d['nameSuffix'] === 'string' ? d['nameSuffix'] : '';
  if (prefix || suffix) addPrefixSuffix(out, prefix, suffix, ctx.config?.namePrefix, ctx.config?.nameSuffix);
  const tables = ctx.config ?? {};
  for (const l of records(d['labels'])) {
    addLabels(
      out,
      {
        pairs: stringRecord(l['pairs']),
        includeSelectors: bool(l['includeSelectors']),
        includeTemplates: bool(l['includeTemplates']),
        includeVolumeClaimTemplates: bool(l['includeVolumeClaimTemplates']),
        fields: fieldSpecs(l['fields']),
      },
      tables,
    );
  }
  // commonLabels is one more label transformer with kustomize's commonLabels table alone.
  const common = stringRecord(d['commonLabels']);
  if (common.size) {
    addLabels(
      out,
      { pairs: common, includeSelectors: true, includeTemplates: true, fields: [] },
      {
        commonLabels: ctx.config?.commonLabels ?? [],
      },
    );
  }
  addAnnotations(out, stringRecord(d['commonAnnotations']), ctx.config?.commonAnnotations);
  applyLegacyJson6902(ctx, k, out);
  for (const problem of setReplicas(
    out,
    records(d['replicas']).map((r) => ({
      name: String(r['name'] as string),
      count: BigInt(String(r['count'] as string)),
    })),
    [...REPLICAS, ...(ctx.config?.replicas ?? [])],
  ))
    ctx.problems.add(k.file, `replicas: ${problem}`);
  // kustomize appends the deprecated imageTags to images (FixKustomization).
  const images: ImageRule[] = [...records(d['images']), ...records(d['imageTags'])].map((i) => {
    const rule: ImageRule = { name: asText(i['name']) };
    if (i['newName']) rule.newName = asText(i['newName']);
    if (i['newTag']) rule.newTag = asText(i['newTag']);
    if (i['digest']) rule.digest = asText(i['digest']);
    return rule;
  });
  setImages(out, images, ctx.config?.images);
  runReplacements(ctx, k, out);
  if (ctx.track) recordTransformations(out, builtinTransformersRan(ctx.track.root, k));
  runTransformerPlugins(ctx, k, out, (entry) => isolated(ctx, () => loadEntry(ctx, k, entry, false)));
  void scalar;
}

/**
 * builtinTransformersRan lists the built-in transformers a kustomization's fields configure, one per plugin
 * instance kustomize makes (a patch, image or replica entry each; every `labels` entry plus one for commonLabels),
 * in kustomize's fixed order.
 */
function builtinTransformersRan(root: string, k: Kustomization): Configured[] {
  const d = k.data;
  const n = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
  const labels = n(d['labels']);
  const hasCommonLabels = stringRecord(d['commonLabels']).size > 0;
  const counts: [string, number][] = [
    ['PatchStrategicMergeTransformer', n(d['patchesStrategicMerge']) > 0 ? 1 : 0],
    ['PatchTransformer', n(d['patches'])],
    ['NamespaceTransformer', asText(d['namespace']) ? 1 : 0],
    ['PrefixTransformer', asText(d['namePrefix']) ? 1 : 0],
    ['SuffixTransformer', asText(d['nameSuffix']) ? 1 : 0],
    ['LabelTransformer', labels > 0 || hasCommonLabels ? labels + 1 : 0],
    ['AnnotationsTransformer', stringRecord(d['commonAnnotations']).size > 0 ? 1 : 0],
    ['PatchJson6902Transformer', n(d['patchesJson6902'])],
    ['ReplicaCountTransformer', n(d['replicas'])],
    ['ImageTagTransformer', n(d['images']) + n(d['imageTags'])],
    ['ReplacementTransformer', n(d['replacements']) > 0 ? 1 : 0],
  ];
  const out: Configured[] = [];
  for (const [kind, count] of counts) {
    for (let i = 0; i < count; i++) out.push(builtinRef(root, k.file, kind));
  }
  return out;
}
