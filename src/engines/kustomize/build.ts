import { posix } from 'node:path';

import { KustomizeBuildError, Problems } from './errors.ts';
import { contentHash } from './filters/hash.ts';
import { fixNameReferences } from './filters/namereference.ts';
import { resolveVars } from './filters/vars.ts';
import { strings } from './kustomization.ts';
import {
  addBuildAnnotations,
  addManagedByLabel,
  parseBuildMetadata,
  removeBuildAnnotations,
} from './filters/origin.ts';
import { renderResources, type SortOptions, sortResources } from './output.ts';
import type { Resource } from './resource.ts';
import { field, str } from './nodes.ts';
import type { Context, LoadOptions } from './context.ts';
import { accumulate, loadKustomization, tablesOf } from './target.ts';
import { UnsupportedScalarError } from './yaml/resolve.ts';

/** BuildResult is a finished build: the resources in output order and the exact text kustomize would print. */
export interface BuildResult {
  resources: Resource[];
  yaml: string;
}

/** LOCAL_CONFIG marks an object kustomize builds with but does not print (unless its value is exactly "false"). */
const LOCAL_CONFIG = 'config.kubernetes.io/local-config';

function isPrinted(r: Resource): boolean {
  const v = field(field(field(r.node, 'metadata'), 'annotations'), LOCAL_CONFIG);
  return v === undefined || str(v) === 'false';
}

/**
 * sortOptions reads the root kustomization's `sortOptions` as kustomize's sort transformer does: absent means the
 * legacy order with its default lists; when present, `order` must be fifo or legacy, legacy lists apply only to
 * legacy, and a `legacySortOptions` given replaces both default lists (a list left out is empty).
 */
function sortOptions(v: unknown, fail: (message: string) => void): SortOptions {
  // The failsafe schema reads a null as its text.
  if (v === undefined || v === null || (typeof v === 'string' && ['', '~', 'null', 'Null', 'NULL'].includes(v))) {
    return { order: 'legacy' };
  }
  const so = (typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const order = so['order'];
  if (order !== 'fifo' && order !== 'legacy') {
    fail("the field 'sortOptions.order' must be one of [fifo, legacy]");
    return { order: 'legacy' };
  }
  const legacy = so['legacySortOptions'];
  if (legacy === undefined || legacy === null) return { order };
  if (order === 'fifo') {
    fail("the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'");
    return { order };
  }
  const l = (typeof legacy === 'object' ? legacy : {}) as Record<string, unknown>;
  return { order, orderFirst: strings(l['orderFirst']), orderLast: strings(l['orderLast']) };
}

/**
 * build runs `kustomize build dir`: loads the kustomization tree, runs generators and transformers, appends hash
 * suffixes, rewrites name references, sorts, and renders. Throws KustomizeBuildError listing every problem found.
 *
 * @example
 *   const { yaml } = build('/repo/overlays/prod', { fs: nodeFileSystem });
 */
export function build(dir: string, options: LoadOptions): BuildResult {
  const root = posix.resolve(dir);
  const ctx: Context = { ...options, problems: new Problems(), stack: [], vars: [] };
  const k = loadKustomization(ctx, root);
  if (!k) throw new KustomizeBuildError(root, ctx.problems.list);
  // Any buildMetadata option switches kustomize's provenance tracking on for the whole tree.
  const metaOptions = strings(k.data['buildMetadata']);
  if (metaOptions.length > 0) ctx.track = { root };
  const resources = accumulate(ctx, k);
  if (!ctx.problems.empty) throw new KustomizeBuildError(root, ctx.problems.list);
  for (const r of resources) {
    if (!r.generator?.hash) continue;
    r.storePreviousId();
    r.setName(`${r.name}-${contentHash(r)}`);
  }
  const tables = tablesOf(ctx);
  for (const p of fixNameReferences(resources, tables.nameReference))
    ctx.problems.add(p.resource.file, `${p.resource.subject}: ${p.message}`);
  resolveVars(resources, ctx.vars ?? [], ctx.problems, tables.varReference);
  const meta = parseBuildMetadata(metaOptions);
  addBuildAnnotations(resources, root, meta);
  const sort = sortOptions(k.data['sortOptions'], (m) => ctx.problems.add(k.file, m));
  // Local configs (sources for replacements and the like) take part in the whole build and are dropped only now.
  const sorted = sortResources(resources.filter(isPrinted), sort);
  if (meta.managedBy) addManagedByLabel(sorted);
  removeBuildAnnotations(sorted, meta);
  let yaml = '';
  try {
    yaml = renderResources(sorted);
  } catch (err) {
    if (!(err instanceof UnsupportedScalarError)) throw err;
    ctx.problems.add(k.file, err.message);
  }
  if (!ctx.problems.empty) throw new KustomizeBuildError(root, ctx.problems.list);
  return { resources: sorted, yaml };
}
