import { ORDER_FIRST, ORDER_LAST } from './config.ts';

/** Gvk is a group/version/kind where an empty or missing part is a wildcard (field specs, name references). */
export interface Gvk {
  group?: string;
  version?: string;
  kind?: string;
}

const RANK = new Map<string, number>([
  ...ORDER_FIRST.map((k, i): [string, number] => [k, -ORDER_FIRST.length + i]),
  ...ORDER_LAST.map((k, i): [string, number] => [k, 1 + i]),
]);

/** gvkSortKey is kustomize's stable GVK text (`group_version_kind`, `~G`/`~V`/`~K` for missing parts). */
export function gvkSortKey(x: Gvk): string {
  return `${x.group || '~G'}_${x.version || '~V'}_${x.kind || '~K'}`;
}

/**
 * compareGvk is kustomize's Gvk.IsLessThan as a comparator: kinds of its legacy order first (Namespace first,
 * webhook configurations last), then by the stable GVK text.
 */
export function compareGvk(a: Gvk, b: Gvk): number {
  const ra = RANK.get(a.kind ?? '') ?? 0;
  const rb = RANK.get(b.kind ?? '') ?? 0;
  if (ra !== rb) return ra - rb;
  const ka = gvkSortKey(a);
  const kb = gvkSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
