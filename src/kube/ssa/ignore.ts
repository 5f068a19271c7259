// Drift-ignore rules of a Kustomization (`spec.ignore`, fluxcd/pkg ssa `jsondiff.IgnoreRule`): which JSON pointers of
// which objects are left out of the drift comparison, and how the apply payload treats them when the object is
// applied anyway.
import { anchoredRe2, parseLabelSelector } from '../../engines/kustomize/index.ts';
import { jsonEqual } from './diff.ts';
import { getPointer, parsePointer, removePointer, setPointer } from './json-pointer.ts';
import type { ManagedFieldsEntry } from './takeover.ts';
import type { KubeObject } from '../client/index.ts';

/** IgnoreSelector is kustomize's Selector: anchored RE2 patterns plus label and annotation selectors. */
export interface IgnoreSelector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** IgnoreRule is one `spec.ignore` entry: JSON pointers, and the objects they apply to (all without a target). */
export interface IgnoreRule {
  paths: readonly string[];
  target?: IgnoreSelector;
}

function groupVersion(apiVersion: string | undefined): { group: string; version: string } {
  const v = apiVersion ?? '';
  const slash = v.indexOf('/');
  return slash < 0 ? { group: '', version: v } : { group: v.slice(0, slash), version: v.slice(slash + 1) };
}

const asMap = (m: Record<string, string> | undefined): Map<string, string> => new Map(Object.entries(m ?? {}));

/**
 * selects tells whether a rule's target selects the object. Unlike a kustomize patch target it sees the object as
 * sent to the server: its final name and namespace, no `default` namespace filled in. Throws RegexSyntaxError for a
 * pattern Go would not compile.
 */
export function selects(target: IgnoreSelector | undefined, obj: KubeObject): boolean {
  if (!target) return true;
  const { group, version } = groupVersion(obj.apiVersion);
  const fields: [string | undefined, string][] = [
    [target.group, group],
    [target.version, version],
    [target.kind, obj.kind ?? ''],
    [target.name, obj.metadata.name ?? ''],
    [target.namespace, obj.metadata.namespace ?? ''],
  ];
  // An empty pattern selects everything, as in kustomize.
  if (fields.some(([pattern, value]) => pattern && !anchoredRe2(pattern).test(value))) return false;
  if (target.labelSelector && !parseLabelSelector(target.labelSelector).every((r) => r(asMap(obj.metadata.labels))))
    return false;
  if (
    target.annotationSelector &&
    !parseLabelSelector(target.annotationSelector).every((r) => r(asMap(obj.metadata.annotations)))
  )
    return false;
  return true;
}

/** ignoredPaths returns the pointers (parsed, deduplicated) of every rule that selects the object. */
export function ignoredPaths(rules: readonly IgnoreRule[] | undefined, obj: KubeObject): string[][] {
  const seen = new Map<string, string[]>();
  for (const rule of rules ?? []) {
    if (!selects(rule.target, obj)) continue;
    for (const p of rule.paths) if (!seen.has(p)) seen.set(p, parsePointer(p));
  }
  return [...seen.values()];
}

type Trie = Record<string, unknown>;
const isTrie = (v: unknown): v is Trie => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * ownsPath tells whether a FieldsV1 trie covers the pointer in `live`. An array element is matched loosely: any
 * owned element of the list (`k:`, `v:` or `i:` key) counts, because rebuilding the element key needs the schema's
 * merge keys, and claiming ownership too eagerly only means the field is left out of our payload (never overwritten).
 */
function ownsPath(fields: Trie | undefined, live: unknown, tokens: readonly string[]): boolean {
  let level: unknown = fields;
  let value: unknown = live;
  for (const token of tokens) {
    if (!isTrie(level)) return false;
    // A leaf ({} or only ".") owns the whole value below it: atomic fields and granular leaves alike.
    if (Object.keys(level).every((k) => k === '.') && level !== fields) return true;
    if (Array.isArray(value)) {
      const elements = Object.keys(level).filter((k) => /^[kvi]:/.test(k));
      if (elements.length === 0) return false;
      const owned = level;
      // Descend into the union of the owned elements.
      level = elements.reduce<Trie>((acc, k) => ({ ...acc, ...(isTrie(owned[k]) ? owned[k] : {}) }), {});
      value = getPointer(value, [token]).value;
      continue;
    }
    level = level[`f:${token}`];
    value = isTrie(value) ? value[token] : undefined;
    if (level === undefined) return false;
  }
  return true;
}

/** otherApplyOwner tells whether an Apply manager other than ours owns the pointer on the live object. */
export function otherApplyOwner(live: KubeObject, tokens: readonly string[], fieldManager: string): boolean {
  const entries = (live.metadata['managedFields'] ?? []) as ManagedFieldsEntry[];
  return entries.some(
    (e) =>
      e.operation === 'Apply' &&
      e.manager !== fieldManager &&
      (e.subresource ?? '') === '' &&
      ownsPath(e.fieldsV1, live, tokens),
  );
}

/**
 * ignorePayload adjusts the payload of an object that is applied although some of its drift is ignored. For each
 * ignored path whose value the apply would change (dry-run differs from live):
 * - another Apply manager owns it → the path is stripped, so our apply neither overwrites their value nor (with
 *   force) takes the field from them;
 * - otherwise (we own it alone, or nobody does) → the live value is copied into the payload, so we keep ownership
 *   without reverting it; a path missing from the live object keeps the desired value (upstream's adopt guard:
 *   copying "nothing" would drop what the source declares).
 * Paths whose value would not change are left in the payload: stripping them would only give up ownership (and an
 * immutable field such as a Deployment selector must stay). The whole-object pointer `""` leaves the payload alone.
 */
export function ignorePayload(
  payload: KubeObject,
  live: KubeObject,
  dryRun: KubeObject,
  paths: readonly string[][],
  fieldManager: string,
): KubeObject {
  let out: KubeObject | undefined;
  for (const tokens of paths) {
    if (tokens.length === 0) continue;
    const before = getPointer(live, tokens);
    const after = getPointer(dryRun, tokens);
    if (before.found === after.found && jsonEqual(before.value, after.value)) continue;
    out ??= structuredClone(payload);
    if (otherApplyOwner(live, tokens, fieldManager)) removePointer(out, tokens);
    // Adopting a value the live object lacks would drop (or null) what the source declares; keep the desired value.
    else if (before.found && !setPointer(out, tokens, structuredClone(before.value))) removePointer(out, tokens);
  }
  return out ?? payload;
}
