import { isMap, isScalar, isSeq, type Scalar, type YAMLMap } from 'yaml';

import type { Problems } from '../errors.ts';
import { field, plainString, setField } from '../nodes.ts';
import { resIdEquals, type Resource, type ResId } from '../resource.ts';
import { newScalar } from '../yaml/fast-nodes.ts';
import { applyFieldSpecs, type FieldSpec } from './fieldspec.ts';

/** Var is one legacy `vars:` entry: a name bound to a field of an object of the build. */
export interface Var {
  name: string;
  /** the object: kind and name, group and version (from `apiVersion`, or `group`/`version`), namespace or ''. */
  objref: { kind: string; name: string; group: string; version: string; namespace: string };
  fieldpath: string;
  file: string;
}

/**
 * bindVars is kustomize's MergeVars at the end of one kustomization: each var is bound to the one object, among
 * those this kustomization accumulated, that has (now or before a rename) its kind, group, version and name, and its
 * namespace when it names one. Binding there, not at the end of the build, is what keeps apart the vars of a base
 * reached twice (a diamond) or of objects of one name in two namespaces. The vars then join the accumulator's set.
 */
export function bindVars(resources: readonly Resource[], vars: readonly Var[], into: Var[], problems: Problems): void {
  for (const v of vars) {
    const target: ResId = { ...v.objref, clusterScoped: false };
    const named = (id: ResId): boolean =>
      id.name === target.name && id.kind === target.kind && id.group === target.group && id.version === target.version;
    const matches = resources.filter((r) =>
      [...r.previousIds, r.currentId].some((id) => (v.objref.namespace !== '' ? resIdEquals(target, id) : named(id))),
    );
    if (matches.length > 1) {
      problems.add(v.file, `found ${matches.length} resId matches for var '${v.name}' (unable to disambiguate)`);
      continue;
    }
    matches[0]?.refVarNames.push(v.name);
  }
  mergeVars(into, vars, problems);
}

/** mergeVars adds vars to an accumulator's set; a name already there fails, as in kustomize. */
export function mergeVars(into: Var[], vars: readonly Var[], problems: Problems): void {
  for (const v of vars) {
    if (into.some((x) => x.name === v.name)) {
      problems.add(v.file, `var '${v.name}' already encountered`);
      continue;
    }
    into.push(v);
  }
}

/** fieldAt reads a dotted field path with optional `[index]` steps (`spec.containers[0].image`). */
function fieldAt(node: unknown, path: string): unknown {
  let cur = node;
  for (const raw of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(raw);
    if (!m) return undefined;
    if (m[1]) cur = field(cur, m[1]);
    for (const idx of (m[2] ?? '').match(/\d+/g) ?? []) cur = isSeq(cur) ? cur.items[Number(idx)] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** expand replaces `$(NAME)` with known values; `$$` escapes a dollar; unknown names stay as written. */
function expand(s: string, values: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([^)]*)\)/g, (m: string, name: string | undefined) => {
    if (m === '$$') return '$';
    const v = name === undefined ? undefined : values.get(name);
    return v === undefined ? m : v;
  });
}

/**
 * resolveVars gives each var of the build the value of its field in the object it was bound to, then expands
 * `$(VAR)` in the fields of kustomize's varReference table (`table`: the built-in one merged with configurations):
 * scalar fields, and the string entries of lists and maps there.
 */
export function resolveVars(
  resources: readonly Resource[],
  vars: readonly Var[],
  problems: Problems,
  table: readonly FieldSpec[],
): void {
  if (vars.length === 0) return;
  const values = new Map<string, string>();
  const nodes = new Map<string, Scalar>();
  for (const v of [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const owner = resources.find((r) => r.refVarNames.includes(v.name));
    if (!owner) {
      problems.add(v.file, `var '${v.name}' cannot be mapped to a field in the set of known resources`);
      continue;
    }
    const n = fieldAt(owner.node, v.fieldpath);
    if (n === undefined) {
      problems.add(v.file, `field specified in var '${v.name}' not found in corresponding resource ${owner.subject}`);
      continue;
    }
    // Only a scalar can replace a reference; kustomize leaves `$(VAR)` of a map or list value as written.
    if (!isScalar(n)) continue;
    values.set(v.name, plainString(n.value));
    nodes.set(v.name, n);
  }
  // A field that is exactly `$(VAR)` takes the value with its type (a port stays a number).
  const replace = (n: Scalar): Scalar | undefined => {
    if (typeof n.value !== 'string') return undefined;
    const whole = /^\$\(([^)]*)\)$/.exec(n.value);
    const src = whole ? nodes.get(whole[1] ?? '') : undefined;
    if (src) return newScalar(src.value, src.type);
    const next = expand(n.value, values);
    return next === n.value ? undefined : newScalar(next, n.type === 'PLAIN' ? undefined : n.type);
  };
  applyFieldSpecs(resources, table, (parent: YAMLMap, key: string) => {
    const n = field(parent, key);
    if (isScalar(n)) {
      const next = replace(n);
      if (next) setField(parent, key, next);
    } else if (isSeq(n)) {
      n.items = n.items.map((it) => (isScalar(it) ? (replace(it) ?? it) : it));
    } else if (isMap(n)) {
      for (const p of n.items) if (isScalar(p.value)) p.value = replace(p.value) ?? p.value;
    }
  });
}
