import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

import { NAME_REFERENCES, type NameReference } from '../config.ts';
import { field, scalar, setField, str } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { type FieldSpec, selects, splitPath, visitField } from './fieldspec.ts';
import { isClusterScoped } from './namespace.ts';

interface Rule {
  referral: NameReference;
  spec: FieldSpec;
}

const sameNs = (a: string, b: string): boolean => (a || 'default') === (b || 'default');

/** endsWith is kustomize's SameEndingSubSlice: the shorter list equals the end of the longer. */
function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const off = long.length - short.length;
  return short.every((v, i) => long[off + i] === v);
}

function affixesMatch(a: Resource, b: Resource): boolean {
  const p = a.prefixes.length === 0 || b.prefixes.length === 0 || sameEnding(a.prefixes, b.prefixes);
  const s = a.suffixes.length === 0 || b.suffixes.length === 0 || sameEnding(a.suffixes, b.suffixes);
  return p && s;
}

/**
 * reachableFrom is which objects `referrer` may name, as kustomize narrows the candidates before matching names:
 * anything from a cluster-scoped referrer; else cluster-scoped objects and objects in the same (effective)
 * namespace, plus, for a RoleBinding, ServiceAccounts whose namespace as written (not defaulted: a subject in
 * `default` does not reach an account with no namespace) is one its ServiceAccount subjects name.
 */
function reachableFrom(referrer: Resource): (x: Resource) => boolean {
  if (isClusterScoped(referrer.kind)) return () => true;
  const subjectNamespaces = new Set<string>();
  if (referrer.kind === 'RoleBinding') {
    for (const s of isSeq(field(referrer.node, 'subjects'))
      ? (field(referrer.node, 'subjects') as { items: unknown[] }).items
      : []) {
      const ns = str(field(s, 'namespace'));
      if (str(field(s, 'kind')) === 'ServiceAccount' && ns !== undefined) subjectNamespaces.add(ns);
    }
  }
  return (x) =>
    isClusterScoped(x.kind) ||
    sameNs(x.namespace, referrer.namespace) ||
    (x.kind === 'ServiceAccount' && subjectNamespaces.has(x.namespace));
}

/**
 * fixNameReferences rewrites every field that names another object of the build to that object's final name
 * (after prefixes, suffixes and hash suffixes), as kustomize's nameReference transformer does. Candidates are
 * looked up through an index of every name each object ever had, so the pass is linear in the build size.
 */
export function fixNameReferences(
  resources: readonly Resource[],
  extra: readonly NameReference[] = [],
): { message: string; resource: Resource }[] {
  const problems: { message: string; resource: Resource }[] = [];
  const refs = [...NAME_REFERENCES, ...extra];
  // referrer kind → rules (rules without a kind apply to every kind)
  const byReferrer = new Map<string, Rule[]>();
  const anyReferrer: Rule[] = [];
  for (const referral of refs) {
    for (const spec of referral.fieldSpecs) {
      if (!spec.kind) anyReferrer.push({ referral, spec });
      else byReferrer.set(spec.kind, [...(byReferrer.get(spec.kind) ?? []), { referral, spec }]);
    }
  }
  // referral kind → name (any historical name) → resources
  const index = new Map<string, Map<string, Resource[]>>();
  const kinds = new Set(refs.map((r) => r.kind));
  for (const r of resources) {
    if (!kinds.has(r.kind)) continue;
    let byName = index.get(r.kind);
    if (!byName) index.set(r.kind, (byName = new Map<string, Resource[]>()));
    for (const n of new Set([...r.previousNames, r.name])) {
      const list = byName.get(n);
      if (list) list.push(r);
      else byName.set(n, [r]);
    }
  }
  for (const referrer of resources) {
    const rules = byReferrer.get(referrer.kind);
    if (!rules && anyReferrer.length === 0) continue;
    const reachable = reachableFrom(referrer);
    for (const rule of [...(rules ?? []), ...anyReferrer]) {
      if (!selects(rule.spec, referrer)) continue;
      const byName = index.get(rule.referral.kind);
      if (!byName) continue;
      const pick = (name: string, subjectNs?: string): Resource | undefined => {
        let c = (byName.get(name) ?? []).filter(
          (x) =>
            (!rule.referral.group || x.group === rule.referral.group) &&
            (!rule.referral.version || x.version === rule.referral.version),
        );
        if (rule.spec.path === 'roleRef/name') {
          const rk = str(field(field(referrer.node, 'roleRef'), 'kind'));
          c = c.filter((x) => x.kind === rk);
        }
        c = c.filter((x) => affixesMatch(x, referrer) && reachable(x));
        if (subjectNs !== undefined) {
          c = c.filter((x) => [...x.previousNamespaces, x.namespace].some((n) => sameNs(n, subjectNs)));
        }
        if (c.length === 1) return c[0];
        if (c.length === 0) return undefined;
        const first = c[0];
        if (first && c.every((x) => x.name === first.name)) return first;
        problems.push({
          resource: referrer,
          message: `found multiple possible referrals for ${rule.referral.kind} "${name}": ${c.map((x) => x.subject).join(', ')}`,
        });
        return undefined;
      };
      visitField(referrer.node, splitPath(rule.spec.path), false, (parent, key) => {
        rewrite(parent, key, rule, referrer, pick);
      });
    }
  }
  return problems;
}

function rewrite(
  parent: YAMLMap,
  key: string,
  rule: Rule,
  referrer: Resource,
  pick: (name: string, ns?: string) => Resource | undefined,
): void {
  const v = field(parent, key);
  if (isScalar(v)) {
    const name = str(v);
    if (name === undefined) return;
    const target = pick(name);
    if (target && target.name !== name) setField(parent, key, scalar(target.name));
    return;
  }
  if (isSeq(v)) {
    v.items.forEach((it, i) => {
      if (isScalar(it)) {
        const name = str(it);
        const target = name === undefined ? undefined : pick(name);
        if (target && target.name !== name) v.items[i] = scalar(target.name);
      } else if (isMap(it)) {
        rewriteObject(it, rule, referrer, pick);
      }
    });
    return;
  }
  if (isMap(v)) rewriteObject(v, rule, referrer, pick);
}

/** rewriteObject handles `{name, namespace}` references: role binding subjects and webhook service refs. */
function rewriteObject(
  m: YAMLMap,
  rule: Rule,
  referrer: Resource,
  pick: (name: string, ns?: string) => Resource | undefined,
): void {
  const name = str(field(m, 'name'));
  if (name === undefined) return;
  const kind = str(field(m, 'kind'));
  if (kind !== undefined && kind !== rule.referral.kind) return;
  const ns = str(field(m, 'namespace'));
  const target = pick(name, kind !== undefined ? (ns ?? '') : ns === undefined ? undefined : ns);
  if (!target) return;
  if (target.name !== name) setField(m, 'name', scalar(target.name));
  if (ns !== undefined || target.namespace !== '') {
    if (target.namespace !== '' && target.namespace !== ns) setField(m, 'namespace', scalar(target.namespace));
  }
  void referrer;
}
