// `replacements:` of a kustomization: inline entries or `path:` files holding more, read into the typed
// Replacement of filters/replacements.ts and applied there (kustomize's replacement transformer).
import { posix } from 'node:path';

import { mayLoad, type Context } from './context.ts';
import type { Resource } from './resource.ts';
import { applyReplacements, type Replacement, type ReplacementOptions } from './filters/replacements.ts';
import { asText, bool, type Kustomization, records, strings } from './kustomization.ts';
import { toJS } from './nodes.ts';
import { parseDocuments } from './parse.ts';
import type { Selector } from './selector.ts';
import { decodeYaml } from './yaml/limits.ts';

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
    if (!mayLoad(ctx, k, abs)) {
      ctx.problems.add(k.file, `replacements: security; file '${abs}' is not in or below '${k.dir}'`);
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
