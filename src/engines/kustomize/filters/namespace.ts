import { isMap, isScalar, isSeq } from 'yaml';

import { field, scalar, setField, str } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { applyFieldSpecs, type FieldSpec } from './fieldspec.ts';

/** NamespaceOptions are the NamespaceTransformer's settings beyond the namespace itself. */
export interface NamespaceOptions {
  /** set only fields that are missing or empty. */
  unsetOnly?: boolean;
  /** which role binding subjects get the namespace: `defaultOnly` (the default), `allServiceAccounts`, `none`. */
  subjects?: string;
  /** further fields to set (kustomize's namespace table, or a plugin config's own list). */
  fieldSpecs: readonly FieldSpec[];
  /**
   * record each object's id before the change, as kustomize's NamespaceTransformer does for every object it visits
   * (the ValueAdd transformer's namespace target does not).
   */
  storePrevious?: boolean;
}

const SUBJECT_MODES = new Set(['', 'defaultOnly', 'allServiceAccounts', 'none']);

/**
 * setNamespace is kustomize's namespace transformer: namespaced objects move to `ns` (metadata.namespace is always
 * set, whatever the field specs), role binding subjects follow by mode, then the field specs are set (a v1
 * Namespace's metadata/name renames it). Returns a message where kustomize fails.
 */
export function setNamespace(resources: readonly Resource[], ns: string, opts: NamespaceOptions): string | undefined {
  const mode = opts.subjects ?? '';
  if (!SUBJECT_MODES.has(mode)) {
    return `invalid value "${mode}" for setRoleBindingSubjects: must be one of "defaultOnly", "none" or "allServiceAccounts"`;
  }
  const empty = (n: unknown): boolean => n === undefined || (isScalar(n) && (n.value === '' || n.value === null));
  const specs = opts.fieldSpecs.filter((fs) => fs.path !== 'metadata/namespace');
  for (const r of resources) {
    if (opts.storePrevious !== false) r.storePreviousId();
    if (!r.clusterScoped && (!opts.unsetOnly || empty(field(field(r.node, 'metadata'), 'namespace')))) {
      r.setNamespace(ns);
    }
    const binding = r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding';
    const subjects = field(r.node, 'subjects');
    if (binding && mode !== 'none' && isSeq(subjects)) {
      for (const s of subjects.items) {
        if (!isMap(s)) continue;
        // Subjects naming other accounts of the build follow through the name-reference pass instead.
        const pick =
          mode === 'allServiceAccounts'
            ? str(field(s, 'kind')) === 'ServiceAccount'
            : str(field(s, 'name')) === 'default';
        if (pick && (!opts.unsetOnly || empty(field(s, 'namespace')))) setField(s, 'namespace', scalar(ns));
      }
    }
    const own = specs.filter(
      (fs) => !(fs.path === 'metadata/name' && r.apiVersion !== 'v1') && !(binding && fs.path === 'subjects/namespace'),
    );
    if (own.length === 0) continue;
    let problem: string | undefined;
    applyFieldSpecs([r], own, (parent, key, _r, fs) => {
      const v = field(parent, key);
      if (v !== undefined && !isScalar(v)) {
        problem ??= `namespace field specs must target scalar nodes: field '${fs.path}' of ${r.subject} is not a scalar`;
        return;
      }
      if (v === undefined && !fs.create) return;
      if (opts.unsetOnly && !empty(v)) return;
      if (fs.path === 'metadata/name') r.setName(ns);
      else setField(parent, key, scalar(ns));
    });
    if (problem) return problem;
  }
  return undefined;
}
