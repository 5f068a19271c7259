import { isClusterScoped } from './filters/namespace.ts';
import { field, stringMap } from './nodes.ts';
import { anchoredRe2 } from './regex.ts';
import type { Resource } from './resource.ts';

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

/**
 * compileSelector returns a predicate over resources: group, version, kind, name and namespace are RE2 patterns
 * anchored at both ends (patch and replacement targets), or with `exact` plain strings (replacement sources).
 * Throws RegexSyntaxError for a pattern Go would not compile.
 */
export function compileSelector(s: Selector, exact = false): (r: Resource) => boolean {
  const anchored: (p: string) => Matcher = exact ? exactly : anchoredRe2;
  const kindRe = s.kind ? anchored(s.kind) : undefined;
  const groupRe = s.group ? anchored(s.group) : undefined;
  const versionRe = s.version ? anchored(s.version) : undefined;
  const nameRe = s.name ? anchored(s.name) : undefined;
  const nsRe = s.namespace ? anchored(s.namespace) : undefined;
  const labels = s.labelSelector ? parseLabelSelector(s.labelSelector) : [];
  const annotations = s.annotationSelector ? parseLabelSelector(s.annotationSelector) : [];
  const effNs = (r: Resource, ns: string): string => (isClusterScoped(r.kind) ? '' : ns || 'default');
  return (r) => {
    if (kindRe && !kindRe.test(r.kind)) return false;
    if (groupRe && !groupRe.test(r.group)) return false;
    if (versionRe && !versionRe.test(r.version)) return false;
    if (nsRe && !nsRe.test(effNs(r, r.originalNamespace)) && !nsRe.test(effNs(r, r.namespace))) return false;
    if (nameRe && !nameRe.test(r.originalName) && !nameRe.test(r.name)) return false;
    if (labels.length) {
      const l = stringMap(field(field(r.node, 'metadata'), 'labels'));
      if (!labels.every((req) => req(l))) return false;
    }
    if (annotations.length) {
      const a = stringMap(field(field(r.node, 'metadata'), 'annotations'));
      if (!annotations.every((req) => req(a))) return false;
    }
    return true;
  };
}
