import { posix } from 'node:path';

import { isMap, isSeq, YAMLMap } from 'yaml';

import { applyJson6902, Json6902Error } from './jsonpatch/index.ts';
import { asText, bool, type Kustomization, records, strings } from './kustomization.ts';
import { MergeError, strategicMergePatchResource } from './merge/index.ts';
import { field, scalar, str, strIn } from './nodes.ts';
import { parseDocuments } from './parse.ts';
import { isClusterScoped } from './config.ts';
import type { Resource, ResId } from './resource.ts';
import { compileSelector, type Selector } from './selector.ts';
import { RegexSyntaxError } from './errors.ts';
import { type Context, mayLoad } from './context.ts';
import { decodeYaml } from './yaml/limits.ts';

/** PatchSource is a patch's text and where it came from (a file, or the kustomization for inline patches). */
interface PatchSource {
  text: string;
  file: string;
}

/** loadPatch reads `path` relative to the kustomization, or takes the inline text. */
function loadPatch(
  ctx: Context,
  k: Kustomization,
  path: string | undefined,
  inline: string | undefined,
): PatchSource | undefined {
  if (inline !== undefined && inline !== '') return { text: inline, file: k.file };
  if (!path) {
    ctx.problems.add(k.file, 'a patch needs either `path` or `patch`');
    return undefined;
  }
  const abs = posix.resolve(k.dir, path);
  if (ctx.fs.stat(abs) !== 'file') {
    ctx.problems.add(k.file, `patch file '${path}' does not exist`);
    return undefined;
  }
  if (!mayLoad(ctx, k, abs)) {
    ctx.problems.add(k.file, `security; file '${abs}' is not in or below '${k.dir}'`);
    return undefined;
  }
  return { text: decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems), file: abs };
}

/** isJsonPatch says whether a patch text is an RFC 6902 operation list (a JSON or YAML sequence). */
function isJsonPatch(ctx: Context, src: PatchSource): boolean {
  const t = src.text.trimStart();
  if (t.startsWith('[')) return true;
  const docs = parseDocuments(src.text, src.file, ctx.problems);
  return docs.length > 0 && isSeq(docs[0]?.contents);
}

/** smpDocs parses a strategic-merge patch text into its documents (several patches may share a file). */
function smpDocs(ctx: Context, src: PatchSource): YAMLMap[] {
  return parseDocuments(src.text, src.file, ctx.problems)
    .map((d) => d.contents)
    .filter((c): c is YAMLMap => isMap(c) && c.items.length > 0);
}

/** Patcher applies patches to the resource list of one kustomization, with a name index for id matching. */
class Patcher {
  private readonly ctx: Context;
  private readonly k: Kustomization;
  private readonly out: Resource[];

  constructor(ctx: Context, k: Kustomization, out: Resource[]) {
    this.ctx = ctx;
    this.k = k;
    this.out = out;
  }

  /**
   * byId finds the resources a strategic-merge patch without a target applies to: those with any identity (now or
   * before a rename, a move or a kind change) equal to the patch's own group, version, kind, name and effective
   * namespace (kustomize's GetById of the patch's id).
   */
  byId(patch: YAMLMap): Resource[] {
    const apiVersion = strIn(patch, ['apiVersion']) ?? '';
    const kind = strIn(patch, ['kind']) ?? '';
    const slash = apiVersion.lastIndexOf('/');
    const meta = field(patch, 'metadata');
    const id: ResId = {
      group: slash < 0 ? '' : apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      kind,
      name: str(field(meta, 'name')) ?? '',
      namespace: str(field(meta, 'namespace')) ?? '',
      clusterScoped: isClusterScoped(apiVersion, kind),
    };
    return this.out.filter((r) => r.anyIdEquals(id));
  }

  /**
   * smp is kustomize's ApplySmPatch: a patch that may change the name or kind records the old id first; a patch
   * selected by a target takes the target's apiVersion (only the kind may change, and only when allowed).
   */
  smp(
    r: Resource,
    patch: YAMLMap,
    file: string,
    opts: { allowNameChange?: boolean; allowKindChange?: boolean },
    targeted = false,
  ): void {
    try {
      if (opts.allowNameChange || opts.allowKindChange) r.storePreviousId();
      const result = strategicMergePatchResource(
        r.node,
        targeted ? withApiVersion(patch, r.apiVersion) : patch,
        this.ctx.schema ? { ...opts, schema: this.ctx.schema } : opts,
      );
      if (result === undefined) {
        this.out.splice(this.out.indexOf(r), 1);
        return;
      }
      r.node = result;
      r.refresh();
    } catch (err) {
      if (!(err instanceof MergeError)) throw err;
      this.ctx.problems.add(file, `${r.subject}: ${err.message}`);
    }
  }

  /** json applies an RFC 6902 patch; kustomize records the old id before each one. */
  json(r: Resource, text: string, file: string): void {
    try {
      r.storePreviousId();
      r.node = withoutEmptyAnnotations(applyJson6902(withAnnotations(r.node), text, file));
      r.refresh();
    } catch (err) {
      if (!(err instanceof Json6902Error)) throw err;
      this.ctx.problems.add(file, `${r.subject}: ${err.message}`);
    }
  }

  select(target: Selector, file: string): Resource[] {
    try {
      return this.out.filter(compileSelector(target));
    } catch (err) {
      if (!(err instanceof RegexSyntaxError)) throw err;
      this.ctx.problems.add(file, `patch target: ${err.message}`);
      return [];
    }
  }

  /** strategicById applies each document of a strategic-merge patch to the resource it names. */
  strategicById(
    src: PatchSource,
    opts: { allowNameChange?: boolean; allowKindChange?: boolean },
    docs = smpDocs(this.ctx, src),
  ): void {
    for (const doc of docs) {
      const matches = this.byId(doc);
      const subject = `${strIn(doc, ['kind']) ?? ''}/${strIn(doc, ['metadata', 'name']) ?? ''}`;
      if (matches.length === 0) {
        this.ctx.problems.add(src.file, `no resource matches strategic merge patch "${subject}"`);
        continue;
      }
      if (matches.length > 1) {
        this.ctx.problems.add(src.file, `multiple resources match strategic merge patch "${subject}"`);
        continue;
      }
      this.smp(matches[0] as Resource, doc, src.file, opts);
    }
  }
}

/** selectorOf reads a `target:`-style selector mapping. */
export function selectorOf(v: unknown): Selector | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const s: Selector = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    if (o[key] !== undefined && o[key] !== null) s[key] = asText(o[key]);
  }
  return s;
}

/**
 * applyLegacyStrategicMerge runs `patchesStrategicMerge` (file paths or inline patches). kustomize configures one
 * transformer for the whole list, and refuses it when no entry holds a patch at all.
 */
export function applyLegacyStrategicMerge(ctx: Context, k: Kustomization, out: Resource[]): void {
  const list = strings(k.data['patchesStrategicMerge']);
  if (list.length === 0) return;
  const p = new Patcher(ctx, k, out);
  const loaded: { src: PatchSource; docs: YAMLMap[] }[] = [];
  for (const entry of list) {
    const inline = entry.includes('\n') || ctx.fs.stat(posix.resolve(k.dir, entry)) !== 'file';
    const src = loadPatch(ctx, k, inline ? undefined : entry, inline ? entry : undefined);
    if (src) loaded.push({ src, docs: smpDocs(ctx, src) });
  }
  if (loaded.length === list.length && loaded.every((l) => l.docs.length === 0)) {
    ctx.problems.add(k.file, `patchesStrategicMerge: patch appears to be empty; files=[${list.join(' ')}]`);
    return;
  }
  for (const { src, docs } of loaded) p.strategicById(src, {}, docs);
}

/** applyPatches runs `patches`: strategic merge or JSON 6902, by target selector or by the patch's own id. */
export function applyPatches(ctx: Context, k: Kustomization, out: Resource[]): void {
  const list = records(k.data['patches']);
  if (list.length === 0) return;
  const p = new Patcher(ctx, k, out);
  for (const entry of list) {
    const path = entry['path'] === undefined ? undefined : asText(entry['path']);
    const inline = entry['patch'] === undefined ? undefined : asText(entry['patch']);
    const src = loadPatch(ctx, k, path, inline);
    if (!src) continue;
    const o = (entry['options'] ?? {}) as Record<string, unknown>;
    const opts = { allowNameChange: bool(o['allowNameChange']), allowKindChange: bool(o['allowKindChange']) };
    const target = selectorOf(entry['target']);
    if (isJsonPatch(ctx, src)) {
      if (!target) {
        ctx.problems.add(src.file, 'a JSON 6902 patch needs a target');
        continue;
      }
      for (const r of p.select(target, src.file)) p.json(r, src.text, src.file);
      continue;
    }
    if (!target) {
      p.strategicById(src, opts);
      continue;
    }
    const docs = smpDocs(ctx, src);
    if (docs.length > 1) {
      ctx.problems.add(
        src.file,
        'Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field',
      );
      continue;
    }
    const doc = docs[0];
    if (doc === undefined) continue;
    for (const r of p.select(target, src.file)) if (out.includes(r)) p.smp(r, doc, src.file, opts, true);
  }
}

/** applyLegacyJson6902 runs `patchesJson6902` (target by group/version/kind/name/namespace). */
export function applyLegacyJson6902(ctx: Context, k: Kustomization, out: Resource[]): void {
  const list = records(k.data['patchesJson6902']);
  if (list.length === 0) return;
  const p = new Patcher(ctx, k, out);
  for (const entry of list) {
    const target = selectorOf(entry['target']);
    if (!target) {
      ctx.problems.add(k.file, 'patchesJson6902 entry needs a target');
      continue;
    }
    const path = entry['path'] === undefined ? undefined : asText(entry['path']);
    const inline = entry['patch'] === undefined ? undefined : asText(entry['patch']);
    const src = loadPatch(ctx, k, path, inline);
    if (!src) continue;
    for (const r of p.select(target, src.file)) p.json(r, src.text, src.file);
  }
}

/** withApiVersion is a copy of the patch with the target's apiVersion (its other pairs shared). */
function withApiVersion(patch: YAMLMap, apiVersion: string): YAMLMap {
  const copy = new YAMLMap();
  copy.items = patch.items.filter((p) => (p.key as { value?: unknown } | null)?.value !== 'apiVersion');
  copy.set('apiVersion', scalar(apiVersion));
  return copy;
}

/**
 * withAnnotations gives the resource an (empty) annotations map when it has none. kustomize keeps its internal
 * annotations on every resource while it builds, so a JSON 6902 `add /metadata/annotations/x` always finds the map
 * there; without this, such a patch would fail here and succeed in kustomize.
 */
function withAnnotations(node: YAMLMap): YAMLMap {
  const metadata = node.get('metadata');
  if (isMap(metadata) && !metadata.has('annotations')) metadata.set('annotations', new YAMLMap());
  return node;
}

/** withoutEmptyAnnotations removes the map withAnnotations added when the patch left it empty. */
function withoutEmptyAnnotations(node: YAMLMap): YAMLMap {
  const metadata = node.get('metadata');
  const annotations = isMap(metadata) ? metadata.get('annotations') : undefined;
  if (isMap(metadata) && isMap(annotations) && annotations.items.length === 0) metadata.delete('annotations');
  return node;
}
