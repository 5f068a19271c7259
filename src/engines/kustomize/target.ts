import { posix } from 'node:path';

import { isScalar } from 'yaml';

import {
  asText,
  positionOf,
  type Kustomization,
  parseKustomization,
  records,
  stringRecord,
  strings,
  bool,
} from './kustomization.ts';
import { type Context, kustomizationFiles, mayLoad } from './context.ts';
import { encodeBase64, generate, type GeneratorArgs, type GeneratorOptions } from './filters/generators.ts';
import { setImages, setReplicas, type ImageRule } from './filters/images.ts';
import { addLabels, affixWithSpecs, setStringsAt } from './filters/metadata.ts';
import { setNamespace } from './filters/namespace.ts';
import { deleteField, field, setField, ensureMap, entries, plainString, scalar, toJS } from './nodes.ts';
import { applyPatches, applyLegacyJson6902, applyLegacyStrategicMerge } from './patches.ts';
import { parseDocuments, parseResources } from './parse.ts';
import { runReplacements } from './replacements.ts';
import type { Resource } from './resource.ts';
import { generateKustomization } from './flux.ts';
import { bindVars, mergeVars, type Var } from './filters/vars.ts';
import { compileOpenApi, kustomizeMergeSchema, MergeSchema, type MergeTable } from './merge/index.ts';
import { generatorConfigs, iamPolicyObject, runTransformerPlugins } from './plugins.ts';
import { runValidatorPlugins } from './validators.ts';
import { PRECOMPUTED_SCOPE } from './config.ts';
import { ConfigConflictError } from './filters/fieldspec.ts';
import {
  defaultConfig,
  emptyConfig,
  fieldSpecs,
  isolated,
  loadConfigurations,
  loadCrds,
  mergeInto,
  type TransformerConfig,
} from './transformer-config.ts';
import { builtinRef, type Configured, recordTransformations } from './filters/origin.ts';
import { decodeYaml } from './yaml/limits.ts';

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

/**
 * loadOpenApi applies a kustomization's `openapi:` field as kustomize does: the schema is one for the whole build,
 * and the first kustomization to set one (the root, else the first base or component loaded that has the field)
 * wins; later ones are ignored, though a named file must still exist. `path` names a custom schema, `version` one
 * built into kustomize (only v1.21.2); both at once is refused.
 */
function loadOpenApi(ctx: Context, k: Kustomization, root: boolean): void {
  const o = k.data['openapi'];
  if (!o || typeof o !== 'object') return;
  const field = o as Record<string, unknown>;
  const path = asText(field['path']);
  let text: string | undefined;
  if (path) {
    const abs = posix.resolve(k.dir, path);
    if (ctx.fs.stat(abs) !== 'file' || !mayLoad(ctx, k, abs)) {
      ctx.problems.add(k.file, `openapi: file '${path}' does not exist`);
      return;
    }
    text = decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems);
  }
  if (ctx.schemaSet && !root) return;
  const versionProvided = 'version' in field;
  if (text !== undefined) {
    if (versionProvided) {
      ctx.problems.add(k.file, 'openapi: builtin version and custom schema provided, cannot use both');
      return;
    }
    const abs = posix.resolve(k.dir, path);
    try {
      const doc: unknown = text.trimStart().startsWith('{')
        ? JSON.parse(text)
        : toJS(parseDocuments(text, abs, ctx.problems)[0]?.contents);
      ctx.schema = new MergeSchema(ctx.builtinSchemaLoaded ? onBuiltin(doc, abs) : compileOpenApi(doc, abs));
      ctx.schemaSet = true;
    } catch (err) {
      ctx.problems.add(abs, `openapi: ${err instanceof Error ? err.message : String(err)}`);
    }
    return;
  }
  const version = asText(field['version']);
  if (version === '') return;
  if (version !== BUILTIN_OPENAPI) {
    ctx.problems.add(k.file, `openapi: the specified OpenAPI version is not built in (only ${BUILTIN_OPENAPI} is)`);
    return;
  }
  ctx.schema = undefined;
  ctx.schemaSet = true;
}

/** onBuiltin compiles a custom schema on top of kustomize's built-in one (its definitions win, as kyaml adds them). */
function onBuiltin(doc: unknown, source: string): MergeTable {
  const builtin = kustomizeMergeSchema().table;
  const custom = compileOpenApi(doc, source, { known: new Set(Object.keys(builtin.types)) });
  return {
    source: `${source} on ${builtin.source}`,
    kinds: { ...builtin.kinds, ...custom.kinds },
    types: { ...builtin.types, ...custom.types },
  };
}

/** BUILTIN_OPENAPI is the one Kubernetes schema kustomize v5.8.2 has built in. */
const BUILTIN_OPENAPI = 'v1.21.2';

const REMOTE = /^(https?:\/\/|git@|ssh:\/\/|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/;

/** loadKustomization reads the kustomization of `dir` (or Flux's generated one). */
export function loadKustomization(ctx: Context, dir: string): Kustomization | undefined {
  const files = kustomizationFiles(ctx.fs, dir);
  if (files.length > 1) {
    ctx.problems.add(dir, `Found multiple kustomization files under: ${dir}`);
    return undefined;
  }
  const file = files[0];
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
    if (!PRECOMPUTED_SCOPE.has(`${r.apiVersion} ${r.kind}`)) ctx.builtinSchemaLoaded = true;
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
  const root = ctx.stack.length === 0;
  ctx.stack.push(k.dir);
  refuseHelm(ctx, k);
  loadOpenApi(ctx, k, root);
  try {
    // Field specs from `configurations:` and `crds:` belong to kustomize's accumulator: a kustomization starts an
    // empty one and merges its bases' (after each base is built), then its own; a component shares its parent's.
    // Legacy vars live in the accumulator too: a base's set joins its parent's.
    if (k.kind !== 'Component') {
      ctx.config = emptyConfig();
      ctx.vars = [];
    }
    for (const entry of [...strings(d['resources']), ...strings(d['bases'])]) {
      const own = { config: ctx.config, vars: ctx.vars };
      ctx.config = undefined;
      ctx.vars = undefined;
      appendAll(ctx, out, seen, loadEntry(ctx, k, entry, false), k.file);
      const base = { config: ctx.config, vars: ctx.vars };
      ctx.config = own.config;
      ctx.vars = own.vars;
      if (base.config) mergeInto(ctx, base.config, k.file);
      if (base.vars) mergeVars((ctx.vars ??= []), base.vars, ctx.problems);
    }
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
      // kustomize moves a component's accumulator into a fresh one: its config is merged (and sorted) once more.
      mergeFresh(ctx, ck.file);
      out.length = 0;
      out.push(...next);
      seen.clear();
      for (const r of out) seen.add(r.id);
    }
    runTransformers(ctx, k, out);
    runValidatorPlugins(ctx, k, out, (entry) => isolated(ctx, () => loadEntry(ctx, k, entry, false)));
    bindVars(out, varsOf(k), (ctx.vars ??= []), ctx.problems);
  } finally {
    ctx.stack.pop();
  }
  return out;
}

/** varsOf reads a kustomization's legacy `vars:` (the objref's group and version from apiVersion when set). */
function varsOf(k: Kustomization): Var[] {
  return records(k.data['vars']).map((v) => {
    const objref = (v['objref'] ?? {}) as Record<string, unknown>;
    const fieldref = (v['fieldref'] ?? {}) as Record<string, unknown>;
    const apiVersion = asText(objref['apiVersion']);
    const slash = apiVersion.indexOf('/');
    let group = asText(objref['group']);
    let version = asText(objref['version']);
    if (apiVersion !== '' && slash < 0) version = apiVersion;
    if (slash >= 0 && apiVersion.indexOf('/', slash + 1) < 0) {
      group = apiVersion.slice(0, slash);
      version = apiVersion.slice(slash + 1);
    }
    return {
      name: asText(v['name']),
      objref: {
        kind: asText(objref['kind']),
        name: asText(objref['name']),
        namespace: asText(objref['namespace']),
        group,
        version,
      },
      fieldpath: asText(fieldref['fieldpath'] ?? fieldref['fieldPath']) || 'metadata.name',
      file: k.file,
    };
  });
}

/** mergeFresh replaces the accumulator's config by its merge into an empty one, as kustomize does for components. */
function mergeFresh(ctx: Context, file: string): void {
  const had = ctx.config;
  ctx.config = emptyConfig();
  if (had) mergeInto(ctx, had, file);
}

/** tablesOf is the configuration the transformers of the current kustomization use. */
export function tablesOf(ctx: Context): TransformerConfig {
  return (ctx.config ??= defaultConfig());
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
  if (!mayLoad(ctx, k, path)) {
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
    const r = generate(kind, args, global, {
      dir: k.dir,
      kustFile: file,
      fs: ctx.fs,
      problems: ctx.problems,
      rootOnly: ctx.loadRestrictions !== 'none',
      env: ctx.env ?? {},
    });
    if (!r) continue;
    r.origin = origin;
    absorbGenerated(ctx, k, out, seen, r, asText(g['behavior']) || 'unspecified');
  }
}

/**
 * absorbGenerated is kustomize's appendReplaceOrMerge: a generated object whose id (with `default` standing for
 * no namespace) some object already has (now or before a rename) replaces or merges into it, as its behavior
 * says; otherwise it is added. Anything else fails.
 */
function absorbGenerated(
  ctx: Context,
  k: Kustomization,
  out: Resource[],
  seen: Set<string>,
  r: Resource,
  behaviorText: string,
): void {
  const behavior = r.generator?.behavior ?? 'create';
  const matches = out.filter((x) => x.anyIdEquals(r.currentId));
  const id = `${r.kind}/${r.effectiveNamespace}/${r.name}`;
  if (matches.length === 0) {
    if (behavior === 'create') appendAll(ctx, out, seen, [r], k.file);
    else ctx.problems.add(k.file, `${r.kind} ${r.name}: id ${id} does not exist; cannot merge or replace`);
    return;
  }
  const old = matches[0] as Resource;
  if (matches.length > 1) {
    ctx.problems.add(k.file, `${r.kind} ${r.name}: found multiple objects that could accept merge of ${id}`);
  } else if (behavior === 'create') {
    ctx.problems.add(
      k.file,
      `${r.kind} ${r.name}: id ${id} exists; can not use behavior: '${behaviorText}', behavior must be merge or replace`,
    );
  } else {
    mergeGenerated(old, r, behavior);
    // A replaced object was made by this generator; a merged one keeps where it came from.
    if (behavior === 'replace') {
      old.origin = r.origin ?? (ctx.track ? builtinRef(ctx.track.root, r.file, `${r.kind}Generator`) : undefined);
    }
  }
}

/** stringEntries reads a mapping of scalars as text (a missing or null mapping is empty). */
function stringEntries(m: unknown): [string, string][] {
  return entries(m).map(([key, v]) => [key, isScalar(v) ? plainString(v.value) : '']);
}

/**
 * mergeGenerated is kustomize's merge and replace of a generated object into an existing one: the result is the
 * generated object, with the existing one's name and namespace, labels and annotations under its own, and for
 * `merge` the existing `data` and `binaryData` under its own (a Secret's `stringData` encoded into `data` first,
 * as the apiserver would). Other fields of the existing object are not kept. The existing Resource stays (its
 * earlier ids, affixes and bound vars are kustomize's build annotations, taken from it).
 */
function mergeGenerated(existing: Resource, r: Resource, behavior: 'merge' | 'replace'): void {
  const node = r.node;
  const meta = ensureMap(node, 'metadata');
  const oldMeta = field(existing.node, 'metadata');
  for (const key of ['labels', 'annotations']) {
    const merged = new Map([...stringEntries(field(oldMeta, key)), ...stringEntries(field(meta, key))]);
    if (merged.size === 0) continue;
    const m = ensureMap(meta, key);
    m.items = [];
    for (const [k, v] of merged) setField(m, k, scalar(v));
  }
  setField(meta, 'name', scalar(existing.name));
  if (existing.namespace === '') deleteField(meta, 'namespace');
  else setField(meta, 'namespace', scalar(existing.namespace));
  if (behavior === 'merge') {
    const oldData = stringEntries(field(existing.node, 'data'));
    if (r.kind === 'Secret' && r.apiVersion === 'v1') {
      for (const [k, v] of stringEntries(field(existing.node, 'stringData'))) {
        const i = oldData.findIndex(([key]) => key === k);
        const encoded: [string, string] = [k, encodeBase64(new TextEncoder().encode(v))];
        if (i >= 0) oldData[i] = encoded;
        else oldData.push(encoded);
      }
    }
    for (const [key, old] of [
      ['data', oldData],
      ['binaryData', stringEntries(field(existing.node, 'binaryData'))],
    ] as const) {
      const merged = new Map([...old, ...stringEntries(field(node, key))]);
      if (merged.size === 0) {
        deleteField(node, key);
        continue;
      }
      const m = ensureMap(node, key);
      m.items = [];
      for (const [k, v] of merged) setField(m, k, scalar(v));
    }
  }
  existing.node.items = node.items;
  existing.refresh();
  // kustomize keeps the hash-suffix mark only when both the existing object and the merging generator carry it:
  // merging into a plain ConfigMap read from a file leaves its name alone.
  if (existing.generator)
    existing.generator = { behavior: 'create', hash: existing.generator.hash && (r.generator?.hash ?? true) };
}

function runTransformers(ctx: Context, k: Kustomization, out: Resource[]): void {
  const d = k.data;
  const t = tablesOf(ctx);
  applyLegacyStrategicMerge(ctx, k, out);
  applyPatches(ctx, k, out);
  const ns = d['namespace'];
  if (typeof ns === 'string' && ns !== '') {
    const problem = setNamespace(out, ns, { fieldSpecs: t.namespace });
    if (problem) ctx.problems.add(k.file, problem);
  }
  // namePrefix and nameSuffix are two transformers in kustomize: each records the name it changes.
  const prefix = typeof d['namePrefix'] === 'string' ? d['namePrefix'] : '';
  const suffix = typeof d['nameSuffix'] === 'string' ? d['nameSuffix'] : '';
  if (prefix) affixWithSpecs(out, t.namePrefix, prefix, '');
  if (suffix) affixWithSpecs(out, t.nameSuffix, '', suffix);
  for (const l of records(d['labels'])) {
    const set = {
      pairs: stringRecord(l['pairs']),
      includeSelectors: bool(l['includeSelectors']),
      includeTemplates: bool(l['includeTemplates']),
      includeVolumeClaimTemplates: bool(l['includeVolumeClaimTemplates']),
      fields: fieldSpecs(l['fields']),
    };
    try {
      addLabels(out, set, t);
    } catch (err) {
      if (!(err instanceof ConfigConflictError)) throw err;
      ctx.problems.add(k.file, `labels: failed to merge labels: ${err.message}`);
    }
  }
  // commonLabels is one more label transformer with the commonLabels table alone.
  setStringsAt(out, t.commonLabels, stringRecord(d['commonLabels']));
  setStringsAt(out, t.commonAnnotations, stringRecord(d['commonAnnotations']));
  applyLegacyJson6902(ctx, k, out);
  for (const problem of setReplicas(
    out,
    records(d['replicas']).map((r) => ({
      name: String(r['name'] as string),
      count: BigInt(String(r['count'] as string)),
    })),
    t.replicas,
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
  setImages(out, images, t.images);
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
