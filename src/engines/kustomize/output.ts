import { ORDER_FIRST, ORDER_LAST } from './config.ts';
import type { Resource } from './resource.ts';
import { emitNodeDocument } from './yaml/emit.ts';

/** SortOptions is a kustomization's `sortOptions`. */
export interface SortOptions {
  order: 'legacy' | 'fifo';
  orderFirst?: string[];
  orderLast?: string[];
}

function legacyGvk(r: Resource): string {
  return `${r.group || '~G'}_${r.version || '~V'}_${r.kind || '~K'}`;
}

/** sortResources orders resources as kustomize prints them: by kind priority, then group/version/kind, namespace, name. */
export function sortResources(resources: readonly Resource[], opts: SortOptions = { order: 'legacy' }): Resource[] {
  if (opts.order === 'fifo') return [...resources];
  const first = opts.orderFirst ?? ORDER_FIRST;
  const last = opts.orderLast ?? ORDER_LAST;
  const rank = new Map<string, number>();
  first.forEach((k, i) => rank.set(k, -first.length + i));
  last.forEach((k, i) => rank.set(k, 1 + i));
  const keyed = resources.map((r) => ({
    r,
    rank: rank.get(r.kind) ?? 0,
    gvk: legacyGvk(r),
    rest: `${r.namespace || '~X'}|${r.name || '~N'}`,
  }));
  keyed.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.gvk !== b.gvk) {
      // kustomize puts the core Namespace before Namespace kinds of other groups (its comparison flips there).
      const flip = a.r.kind === 'Namespace' && b.r.kind === 'Namespace' && (a.r.group === '' || b.r.group === '');
      return a.gvk < b.gvk !== flip ? -1 : 1;
    }
    return a.rest < b.rest ? -1 : a.rest > b.rest ? 1 : 0;
  });
  return keyed.map((k) => k.r);
}

/** renderResources prints resources as `kustomize build` does: documents joined by `---`. */
export function renderResources(resources: readonly Resource[]): string {
  return resources.map((r) => emitNodeDocument(r.node, r.doc)).join('---\n');
}
