import { posix } from 'node:path';

import { contentHash } from './filters/hash.ts';
import { setImages, setReplicas } from './filters/images.ts';
import { affixWithSpecs, setStringsAt } from './filters/metadata.ts';
import { setNamespace } from './filters/namespace.ts';
import { type ValueAddTarget, valueAdd } from './filters/valueadd.ts';
import { asText, bool, type Kustomization, records, stringRecord, strings } from './kustomization.ts';
import { toJS } from './nodes.ts';
import { parseDocuments } from './parse.ts';
import { applyLegacyJson6902, applyLegacyStrategicMerge, applyPatches, selectorOf } from './patches.ts';
import { type PluginConfig, pluginName } from './plugin-config.ts';
import type { Resource } from './resource.ts';
import { type Context, mayLoad } from './context.ts';
import { runReplacements } from './replacements.ts';
import { fieldSpecs } from './transformer-config.ts';
import { decodeYaml } from './yaml/limits.ts';

/**
 * kustomize's built-in transformer plugins, configured by a config object rather than kustomization fields: each
 * takes the config's own field specs (not kustomize's tables) and its own options.
 */

/** runValueAdd configures and runs a ValueAddTransformer config; returns a message where kustomize fails. */
function runValueAdd(ctx: Context, k: Kustomization, d: Record<string, unknown>, out: Resource[]): string | undefined {
  // The value defaults to the name of the kustomization's directory.
  const value = asText(d['value']).trim() || posix.basename(k.dir);
  const entries = records(d['targets']);
  const file = asText(d['targetFilePath']);
  if (file) {
    const abs = posix.resolve(k.dir, file);
    if (ctx.fs.stat(abs) !== 'file') return `targetFilePath '${file}' does not exist`;
    if (!mayLoad(ctx, k, abs)) return `security; file '${abs}' is not in or below '${k.dir}'`;
    for (const doc of parseDocuments(decodeYaml(ctx.fs.readFile(abs), abs, ctx.problems), abs, ctx.problems).slice(
      0,
      1,
    )) {
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

export function builtinTransform(ctx: Context, k: Kustomization, c: PluginConfig, kind: string, out: Resource[]): void {
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
      setImages(out, [rule], specs);
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
      for (const r of out) {
        if (!r.generator?.hash) continue;
        r.storePreviousId();
        r.setName(`${r.name}-${contentHash(r)}`);
      }
      break;
    case 'ValueAddTransformer': {
      const problem = runValueAdd(ctx, k, d, out);
      if (problem) ctx.problems.add(c.file, `plugin ValueAddTransformer "${pluginName(c)}": ${problem}`);
      break;
    }
  }
}
