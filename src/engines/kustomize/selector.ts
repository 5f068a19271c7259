import { field, stringMap } from './nodes.ts';
import { anchoredRe2 } from './regex.ts';
import type { Resource, ResId } from './resource.ts';

/** Selector is a patch or replacement target: anchored regular expressions on group, version, kind, name and namespace, plus label and annotation selectors. */
export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

type Requirement = (m: Map<string, string>) => boolean;

/** parseLabelSelector parses Kubernetes label-selector text (`a=b,c!=d,e in (x,y),!f,g`). */
export function parseLabelSelector(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const [, key = '', op, list = ''] = m;
      const vals = new Set(list.split(',').map((s) => s.trim()));
      reqs.push(op === 'in' ? (l) => vals.has(l.get(key) ?? '\0') : (l) => !vals.has(l.get(key) ?? '\0'));
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(p))) {
      const [, key = '', op, val = ''] = m;
      reqs.push(op === '!=' ? (l) => l.get(key) !== val : (l) => l.get(key) === val);
    } else if (p.startsWith('!')) {
      const key = p.slice(1).trim();
      reqs.push((l) => !l.has(key));
    } else {
      reqs.push((l) => l.has(p));
    }
  }
  return reqs;
}

/** Matcher tests one identifying field against a selector field. */
interface Matcher {
  test(value: string): boolean;
}

/** exactly is the matcher of a replacement source, which kustomize compares verbatim, not as a pattern. */
const exactly = (want: string): Matcher => ({ test: (v) => v === want });

interface Compiled {
  kind?: Matcher;
  group?: Matcher;
  version?: Matcher;
  name?: Matcher;
  namespace?: Matcher;
  labels: Requirement[];
  annotations: Requirement[];
}

function compile(s: Selector, anchored: (p: string) => Matcher): Compiled {
  const c: Compiled = {
    labels: s.labelSelector ? parseLabelSelector(s.labelSelector) : [],
    annotations: s.annotationSelector ? parseLabelSelector(s.annotationSelector) : [],
  };
  if (s.kind) c.kind = anchored(s.kind);
  if (s.group) c.group = anchored(s.group);
  if (s.version) c.version = anchored(s.version);
  if (s.name) c.name = anchored(s.name);
  if (s.namespace) c.namespace = anchored(s.namespace);
  return c;
}

/** metadataMatches tests the label and annotation selectors against the object as it is now. */
function metadataMatches(c: Compiled, r: Resource): boolean {
  if (c.labels.length) {
    const l = stringMap(field(field(r.node, 'metadata'), 'labels'));
    if (!c.labels.every((req) => req(l))) return false;
  }
  if (c.annotations.length) {
    const a = stringMap(field(field(r.node, 'metadata'), 'annotations'));
    if (!c.annotations.every((req) => req(a))) return false;
  }
  return true;
}

function gvkMatches(c: Compiled, id: { group: string; version: string; kind: string }): boolean {
  return (
    (!c.kind || c.kind.test(id.kind)) &&
    (!c.group || c.group.test(id.group)) &&
    (!c.version || c.version.test(id.version))
  );
}

/**
 * compileSelector returns kustomize's patch target selection (ResMap.Select) as a predicate: group, version and
 * kind of the object now, name and namespace of its original or current identity, as RE2 patterns anchored at both
 * ends; label and annotation selectors on the object now. Throws RegexSyntaxError for a pattern Go would not
 * compile.
 */
export function compileSelector(s: Selector): (r: Resource) => boolean {
  const c = compile(s, anchoredRe2);
  return (r) => {
    if (!gvkMatches(c, r)) return false;
    if (c.namespace && !c.namespace.test(r.originalNamespace) && !c.namespace.test(r.effectiveNamespace)) {
      return false;
    }
    if (c.name && !c.name.test(r.originalName) && !c.name.test(r.name)) return false;
    return metadataMatches(c, r);
  };
}

/** idNamespace: replacements compare ids without knowing cluster scope, so none means `default`. */
const idNamespace = (id: ResId): string => id.namespace || 'default';

/**
 * compileSourceSelector is kustomize's replacement source selection: some identity of the object, now or earlier,
 * has the selector's group, version, kind and name verbatim and the same effective namespace.
 */
export function compileSourceSelector(s: Selector): (r: Resource) => boolean {
  const c = compile(s, exactly);
  const ns = s.namespace ? s.namespace : undefined;
  return (r) =>
    r.ids.some(
      (id) => gvkMatches(c, id) && (!c.name || c.name.test(id.name)) && (ns === undefined || idNamespace(id) === ns),
    );
}

/**
 * compileTargetSelector is kustomize's replacement target selection: some identity of the object, now or earlier,
 * matches the selector's patterns (namespace as written, not defaulted), and the label and annotation selectors
 * match the object now. Throws RegexSyntaxError for a pattern Go would not compile.
 */
export function compileTargetSelector(s: Selector): {
  selects: (r: Resource) => boolean;
  /** rejects: kustomize skips an id-less reject selector here (its label/annotation part is checked apart). */
  rejects: (r: Resource) => boolean;
  metadata: (r: Resource) => boolean;
} {
  const c = compile(s, anchoredRe2);
  const idEmpty = !s.kind && !s.group && !s.version && !s.name && !s.namespace;
  const idMatches = (id: ResId): boolean =>
    gvkMatches(c, id) && (!c.name || c.name.test(id.name)) && (!c.namespace || c.namespace.test(id.namespace));
  return {
    selects: (r) => r.ids.some(idMatches),
    rejects: (r) => !idEmpty && r.ids.some(idMatches),
    metadata: (r) => metadataMatches(c, r),
  };
}
