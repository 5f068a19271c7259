import { posix } from 'node:path';

import { isMap } from 'yaml';

import type { FieldSpec } from './filters/fieldspec.ts';
import { setImages, setReplicas } from './filters/images.ts';
import { addPrefixSuffix, setStringsAt } from './filters/metadata.ts';
import { setNamespace } from './filters/namespace.ts';
import { asText, bool, type Kustomization, records, stringRecord, strings } from './kustomization.ts';
import { toJS } from './nodes.ts';
import { parseDocuments } from './parse.ts';
import { applyLegacyJson6902, applyLegacyStrategicMerge, applyPatches } from './patches.ts';
import type { Resource } from './resource.ts';
import type { Context } from './target.ts';

/**
 * Built-in transformer plugins configured through a kustomization's `transformers:` field (kustomize's
 * `apiVersion: builtin` configs). Each config runs with exactly the field specs it lists.
 */

function fieldSpecs(v: unknown): FieldSpec[] {
  return records(v).map((f) => {
    const fs: FieldSpec = { path: asText(f['path']) };
    if (f['group']) fs.group = asText(f['group']);
    if (f['version']) fs.version = asText(f['version']);
    if (f['kind']) fs.kind = asText(f['kind']);
    if (f['create'] !== undefined) fs.create = bool(f['create']);
    return fs;
  });
}

/** pluginConfigs reads every config document named by the `transformers:` (or `generators:`) entries. */
export function pluginConfigs(
  ctx: Context,
  k: Kustomization,
  key: 'transformers' | 'generators',
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entry of strings(k.data[key])) {
    const abs = posix.resolve(k.dir, entry);
    const kind = entry.includes('\n') ? undefined : ctx.fs.stat(abs);
    if (kind === 'dir') {
      ctx.problems.add(k.file, `${key}: directories of plugin configs are not supported ("${entry}")`);
      continue;
    }
    if (kind === undefined && !entry.includes('\n')) {
      ctx.problems.add(k.file, `${key}: '${abs}' does not exist`);
      continue;
    }
    const text = kind === 'file' ? new TextDecoder().decode(ctx.fs.readFile(abs)) : entry;
    const file = kind === 'file' ? abs : k.file;
    for (const d of parseDocuments(text, file, ctx.problems)) {
      if (isMap(d.contents)) out.push({ ...(toJS(d.contents) as Record<string, unknown>), __file: file });
    }
  }
  return out;
}

/** runTransformerPlugins applies `transformers:` configs in order. */
export function runTransformerPlugins(ctx: Context, k: Kustomization, out: Resource[]): void {
  for (const c of pluginConfigs(ctx, k, 'transformers')) {
    const kind = asText(c['kind']);
    const file = asText(c['__file']);
    const specs = fieldSpecs(c['fieldSpecs']);
    const meta = (c['metadata'] ?? {}) as Record<string, unknown>;
    // Patch transformers reuse the kustomization-field code paths on a synthetic kustomization.
    const synthetic = (data: Record<string, unknown>): Kustomization => ({ ...k, file, data });
    switch (kind) {
      case 'LabelTransformer':
        setStringsAt(out, specs, stringRecord(c['labels']));
        break;
      case 'AnnotationsTransformer':
        setStringsAt(out, specs, stringRecord(c['annotations']));
        break;
      case 'NamespaceTransformer':
        setNamespace(out, asText(meta['namespace'] ?? c['namespace']), bool(c['unsetOnly']));
        break;
      case 'PrefixSuffixTransformer':
      case 'PrefixTransformer':
      case 'SuffixTransformer':
        addPrefixSuffix(out, asText(c['prefix']), asText(c['suffix']));
        break;
      case 'ImageTagTransformer': {
        const it = (c['imageTag'] ?? {}) as Record<string, unknown>;
        const rule: { name: string; newName?: string; newTag?: string; digest?: string } = { name: asText(it['name']) };
        if (it['newName']) rule.newName = asText(it['newName']);
        if (it['newTag']) rule.newTag = asText(it['newTag']);
        if (it['digest']) rule.digest = asText(it['digest']);
        setImages(out, [rule]);
        break;
      }
      case 'ReplicaCountTransformer': {
        const r = (c['replica'] ?? {}) as Record<string, unknown>;
        setReplicas(out, [{ name: asText(r['name']), count: BigInt(asText(r['count']) || '0') }]);
        break;
      }
      case 'PatchTransformer':
        applyPatches(ctx, synthetic({ patches: [c] }), out);
        break;
      case 'PatchStrategicMergeTransformer':
        applyLegacyStrategicMerge(
          ctx,
          synthetic({ patchesStrategicMerge: [...strings(c['paths']), ...strings(c['patches'])] }),
          out,
        );
        break;
      case 'PatchJson6902Transformer':
        applyLegacyJson6902(ctx, synthetic({ patchesJson6902: [{ ...c, patch: c['jsonOp'] }] }), out);
        break;
      default:
        ctx.problems.add(
          file,
          `transformer kind "${kind}" is not supported (only kustomize's built-in transformers are)`,
        );
    }
  }
}
