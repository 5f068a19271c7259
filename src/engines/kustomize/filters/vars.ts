import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

import type { Problems } from '../errors.ts';
import { field, plainString, setField } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { newScalar } from '../yaml/fast-nodes.ts';
import { applyFieldSpecs, type FieldSpec } from './fieldspec.ts';

/** Var is one legacy `vars:` entry: a name bound to a field of an object of the build. */
export interface Var {
  name: string;
  objref: { kind: string; name: string; apiVersion?: string };
  fieldpath: string;
  file: string;
}

const POD_FIELDS = [
  'containers/args',
  'containers/command',
  'containers/env/value',
  'containers/volumeMounts/mountPath',
];

/** VAR_REFERENCES is kustomize's varReference table: the only fields `$(VAR)` is expanded in. */
const VAR_REFERENCES: FieldSpec[] = (() => {
  const out: FieldSpec[] = [];
  const owners: [string, string][] = [
    ['CronJob', 'spec/jobTemplate/spec/template/spec'],
    ['DaemonSet', 'spec/template/spec'],
    ['Deployment', 'spec/template/spec'],
    ['Job', 'spec/template/spec'],
    ['Pod', 'spec'],
    ['ReplicaSet', 'spec/template/spec'],
    ['StatefulSet', 'spec/template/spec'],
  ];
  for (const [kind, prefix] of owners) {
    for (const f of POD_FIELDS) {
      out.push(
        { kind, path: `${prefix}/${f}` },
        { kind, path: `${prefix}/${f.replace('containers', 'initContainers')}` },
      );
    }
    if (kind !== 'StatefulSet') out.push({ kind, path: `${prefix}/volumes/nfs/server` });
  }
  out.push(
    { kind: 'StatefulSet', path: 'spec/volumeClaimTemplates/spec/nfs/server' },
    { kind: 'Ingress', path: 'spec/rules/host' },
    { kind: 'Ingress', path: 'spec/tls/hosts' },
    { kind: 'Ingress', path: 'spec/tls/secretName' },
    { kind: 'Service', path: 'spec/ports/port' },
    { kind: 'Service', path: 'spec/ports/targetPort' },
    { kind: 'PersistentVolume', path: 'spec/nfs/server' },
    { path: 'metadata/labels' },
    { path: 'metadata/annotations' },
  );
  return out;
})();

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
function expand(s: string, values: Map<string, string>, used: Set<string>): string {
  return s.replace(/\$\$|\$\(([^)]*)\)/g, (m: string, name: string | undefined) => {
    if (m === '$$') return '$';
    const v = name === undefined ? undefined : values.get(name);
    if (v === undefined) return m;
    used.add(name as string);
    return v;
  });
}

/** resolveVars binds each var to its object's field and expands `$(VAR)` in the varReference fields. */
export function resolveVars(
  resources: readonly Resource[],
  vars: readonly Var[],
  problems: Problems,
  extra: readonly FieldSpec[] = [],
): void {
  if (vars.length === 0) return;
  const values = new Map<string, string>();
  const nodes = new Map<string, unknown>();
  for (const v of vars) {
    if (values.has(v.name)) {
      problems.add(v.file, `var '${v.name}' already encountered`);
      continue;
    }
    const group = v.objref.apiVersion?.includes('/')
      ? v.objref.apiVersion.slice(0, v.objref.apiVersion.lastIndexOf('/'))
      : undefined;
    const matches = resources.filter(
      (r) => r.kind === v.objref.kind && r.hadName(v.objref.name) && (group === undefined || r.group === group),
    );
    if (matches.length !== 1) {
      problems.add(v.file, `var '${v.name}' cannot be mapped to a field in the set of known resources`);
      continue;
    }
    const n = fieldAt((matches[0] as Resource).node, v.fieldpath);
    if (!isScalar(n)) {
      problems.add(
        v.file,
        `var '${v.name}': field '${v.fieldpath}' is not a scalar in ${(matches[0] as Resource).subject}`,
      );
      continue;
    }
    values.set(v.name, plainString(n.value));
    nodes.set(v.name, n);
  }
  const used = new Set<string>();
  const sub = (parent: YAMLMap, key: string): void => {
    const n = field(parent, key);
    if (isScalar(n) && typeof n.value === 'string') {
      const whole = /^\$\(([^)]*)\)$/.exec(n.value);
      const src = whole ? nodes.get(whole[1] ?? '') : undefined;
      if (src && isScalar(src)) {
        used.add(whole?.[1] ?? '');
        setField(parent, key, newScalar(src.value, src.type));
        return;
      }
      const next = expand(n.value, values, used);
      if (next !== n.value) setField(parent, key, newScalar(next, n.type === 'PLAIN' ? undefined : n.type));
    } else if (isSeq(n)) {
      n.items = n.items.map((it) => {
        if (!isScalar(it) || typeof it.value !== 'string') return it;
        const next = expand(it.value, values, used);
        return next === it.value ? it : newScalar(next);
      });
    } else if (isMap(n)) {
      for (const p of n.items) {
        const k = (p.key as { value?: unknown }).value;
        if (typeof k === 'string') sub(n, k);
      }
    }
  };
  applyFieldSpecs(resources, [...VAR_REFERENCES, ...extra], (parent, key) => sub(parent, key));
}
