import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

import type { NameReference } from '../config.ts';
import { field, scalar, setField, str } from '../nodes.ts';
import { NOT_NAMESPACEABLE, type Resource, type ResId } from '../resource.ts';
import { scalarValue } from '../yaml/to-value.ts';
import { type FieldSpec, selects, splitPath, visitField } from './fieldspec.ts';

/**
 * kustomize's name reference transformer, run once after the whole build: every field a name reference table
 * entry names (a Deployment's `configMapRef`, a binding's `subjects`) is rewritten to the final name (and, for
 * `{name, namespace}` mappings, namespace) of the object it refers to. Candidates are chosen exactly as kustomize
 * chooses them: only objects whose earlier identities include the referenced name and kind (objects never
 * renamed are never rewritten to), narrowed to what the referrer may reach, then by matching name prefixes and
 * suffixes; several candidates left that differ is an error.
 */

/** NameRefProblem is a referral kustomize refuses, on the referrer it was found in. */
export interface NameRefProblem {
  message: string;
  resource: Resource;
}

type Candidates = readonly Resource[];
type Identical = (rs: Candidates) => boolean;

/** selectedBy is kustomize's Gvk.IsSelected of a previous id by a table's kind/group/version. */
function selectedBy(id: ResId, g: { group?: string; version?: string; kind?: string }): boolean {
  return (
    (!g.group || id.group === g.group) && (!g.version || id.version === g.version) && (!g.kind || id.kind === g.kind)
  );
}

/**
 * sameEnding is kustomize's SameEndingSubSlice: the shorter list equals the end of the longer; an empty list only
 * matches another empty one.
 */
function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const off = long.length - short.length;
  if (short.length === 0) return off === 0;
  return short.every((v, i) => long[off + i] === v);
}

/** affixesEqual is kustomize's PrefixesSuffixesEquals; `allowEmpty` lets an object without affixes match any. */
function affixesEqual(a: Resource, b: Resource, allowEmpty: boolean): boolean {
  if (!allowEmpty) return sameEnding(a.prefixes, b.prefixes) && sameEnding(a.suffixes, b.suffixes);
  const p = a.prefixes.length === 0 || b.prefixes.length === 0 || sameEnding(a.prefixes, b.prefixes);
  const s = a.suffixes.length === 0 || b.suffixes.length === 0 || sameEnding(a.suffixes, b.suffixes);
  return p && s;
}

class BlankSubjectNamespaceError extends Error {}
class NameRefError extends Error {}

/**
 * reachable is kustomize's SubsetThatCouldBeReferencedByResource: everything for a cluster-scoped referrer; else
 * cluster-scoped objects, objects of the same effective namespace, and for a RoleBinding objects in a namespace
 * one of its ServiceAccount subjects names (a subject whose namespace is not a string fails the build).
 */
function reachable(referrer: Resource, all: Candidates): Candidates {
  if (referrer.clusterScoped) return all;
  const subjectNamespaces = new Set<string>();
  const subjects = field(referrer.node, 'subjects');
  if (referrer.kind === 'RoleBinding' && isSeq(subjects)) {
    for (const s of subjects.items) {
      if (!isMap(s) || field(s, 'namespace') === undefined || field(s, 'kind') === undefined) continue;
      if (str(field(s, 'kind')) !== 'ServiceAccount') continue;
      const ns = field(s, 'namespace');
      // kustomize reads the subject as typed YAML: a null (blank), number or boolean namespace is refused.
      const value = isScalar(ns) ? scalarValue(ns) : null;
      if (typeof value !== 'string') throw new BlankSubjectNamespaceError();
      subjectNamespaces.add(value);
    }
  }
  const ns = referrer.effectiveNamespace;
  return all.filter((x) => x.clusterScoped || x.effectiveNamespace === ns || subjectNamespaces.has(x.namespace));
}

/** Filter is one (referrer, field spec, referred kind) of kustomize's name reference transformer. */
class Filter {
  readonly referrer: Resource;
  readonly spec: FieldSpec;
  readonly target: NameReference;
  readonly candidates: Candidates;

  constructor(referrer: Resource, spec: FieldSpec, target: NameReference, candidates: Candidates) {
    this.referrer = referrer;
    this.spec = spec;
    this.target = target;
    this.candidates = candidates;
  }

  run(): void {
    visitField(this.referrer.node, splitPath(this.spec.path), false, (parent, key) => this.set(parent, key));
  }

  private set(parent: YAMLMap, key: string): void {
    const v = field(parent, key);
    if (isScalar(v)) {
      if (v.value === null) return;
      this.setScalar(v, (name) => setField(parent, key, scalar(name)));
    } else if (isMap(v)) {
      this.setMapping(v);
    } else if (isSeq(v)) {
      v.items.forEach((it, i) => {
        if (isScalar(it)) {
          if (it.value !== null) this.setScalar(it, (name) => (v.items[i] = scalar(name)));
        } else if (isMap(it)) {
          this.setMapping(it);
        } else if (it !== null && it !== undefined) {
          throw new NameRefError(
            `an entry of '${this.spec.path}' is expected to be either a string or a map of string`,
          );
        }
      });
    }
  }

  private setScalar(node: { value: unknown }, write: (name: string) => void): void {
    const name = str(node) ?? '';
    const referral = this.select(name, this.candidates, (rs) => rs.every((r) => r.name === rs[0]?.name));
    if (referral && referral.name !== name) write(referral.name);
  }

  private setMapping(m: YAMLMap): void {
    const nameNode = field(m, 'name');
    if (nameNode === undefined) throw new NameRefError(`path config error; no 'name' field in node`);
    const oldName = str(nameNode) ?? '';
    const referral = this.select(oldName, this.byNamespace(m), (rs) =>
      rs.every((r) => r.name === rs[0]?.name && r.namespace === rs[0]?.namespace),
    );
    if (!referral) return;
    if (referral.name === oldName && referral.namespace === '') return;
    setField(m, 'name', scalar(referral.name));
    // An empty namespace is a wildcard here, not `default`: it is never written.
    if (referral.namespace !== '') setField(m, 'namespace', scalar(referral.namespace));
  }

  /** byNamespace narrows a mapping's candidates to its namespace: original namespaces first, else current ones. */
  private byNamespace(m: YAMLMap): Candidates {
    const nsNode = field(m, 'namespace');
    if (nsNode === undefined) return this.candidates;
    const ns = str(nsNode) ?? '';
    if (ns === NOT_NAMESPACEABLE) return [];
    const original = this.candidates.filter((r) => r.originalNamespace === ns);
    if (original.length > 0) return original;
    return this.candidates.filter((r) => r.effectiveNamespace === ns);
  }

  private select(oldName: string, candidates: Candidates, identical: Identical): Resource | undefined {
    let c = candidates.filter((r) => r.previousIds.some((id) => id.name === oldName));
    c = c.filter((r) => r.previousIds.some((id) => selectedBy(id, this.target)));
    if (this.spec.path.endsWith('roleRef/name')) {
      const roleRef = field(this.referrer.node, 'roleRef');
      const group = str(field(roleRef, 'apiGroup'));
      const kind = str(field(roleRef, 'kind'));
      if (group !== undefined && kind !== undefined) {
        c = c.filter((r) => r.previousIds.some((id) => selectedBy(id, { group, kind })));
      }
    }
    if (!this.referrer.clusterScoped) {
      const ns = this.referrer.effectiveNamespace;
      c = c.filter((r) => r.clusterScoped || r.kind === 'ServiceAccount' || r.effectiveNamespace === ns);
    }
    if (c.length === 1) return c[0];
    c = c.filter((r) => affixesEqual(r, this.referrer, true));
    if (c.length > 1) c = c.filter((r) => affixesEqual(r, this.referrer, false));
    if (c.length === 1) return c[0];
    if (c.length === 0) return undefined;
    if (identical(c)) return c[0];
    throw new NameRefError(`found multiple possible referrals: ${c.map((r) => r.subject).join(', ')}`);
  }
}

/**
 * fixNameReferences runs kustomize's name reference transformer over the build with the given table (kustomize's
 * built-in one merged with `configurations:` and `crds:`), returning the referrals kustomize refuses.
 */
export function fixNameReferences(resources: readonly Resource[], table: readonly NameReference[]): NameRefProblem[] {
  const problems: NameRefProblem[] = [];
  // Referrers are picked by their original kind (the field is then looked for whatever the kind is now), as
  // kustomize does; their filters run in table order.
  const filters = new Map<Resource, { spec: FieldSpec; target: NameReference }[]>();
  for (const target of table) {
    for (const spec of target.fieldSpecs) {
      for (const r of resources) {
        if (!selects(spec, r, r.originalKind)) continue;
        const list = filters.get(r);
        if (list) list.push({ spec, target });
        else filters.set(r, [{ spec, target }]);
      }
    }
  }
  for (const r of resources) {
    const list = filters.get(r);
    if (!list) continue;
    let candidates: Candidates;
    try {
      candidates = reachable(r, resources);
    } catch (err) {
      if (!(err instanceof BlankSubjectNamespaceError)) throw err;
      problems.push({ resource: r, message: 'Invalid Input: namespace is blank for a ServiceAccount subject' });
      continue;
    }
    for (const { spec, target } of list) {
      try {
        new Filter(r, spec, target, candidates).run();
      } catch (err) {
        if (!(err instanceof NameRefError)) throw err;
        problems.push({ resource: r, message: `updating name reference in '${spec.path}' field: ${err.message}` });
      }
    }
  }
  return problems;
}
