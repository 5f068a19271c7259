import { posix } from 'node:path';

import { isMap, isScalar, type YAMLMap } from 'yaml';

import { ensureMap, field, plainString, scalar, setField } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { compileSelector, type Selector } from '../selector.ts';
import { setNamespace } from './namespace.ts';

/**
 * kustomize's ValueAddTransformer (a built-in plugin no kustomization field configures): writes one value into a
 * field of the selected objects, creating the field, or inserts it as a path segment of the field's current value.
 */

/** ValueAddTarget is one `targets:` entry. */
export interface ValueAddTarget {
  selector?: Selector;
  fieldPath: string;
  /** 1-based position at which the value is inserted as a path segment; 0 replaces the whole value. */
  filePathPosition: number;
}

/** pathSplit splits a file path into segments as kustomize's filesys.PathSplit does ('/a/b' → ['', 'a', 'b']). */
export function pathSplit(p: string): string[] {
  if (p === '') return [];
  const i = p.lastIndexOf('/');
  const dir = p.slice(0, i + 1);
  const base = p.slice(i + 1);
  if (dir === '/') return base === '' ? [''] : ['', base];
  const rest = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return rest === '' ? [base] : [...pathSplit(rest), base];
}

/** goJoin is Go's filepath.Join: empty parts dropped, the result cleaned, '' when nothing is left. */
function goJoin(parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== '');
  if (kept.length === 0) return '';
  const joined = posix.normalize(kept.join('/'));
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
}

/** insertPathPart puts `part` at segment `pos` of `path` (kustomize's filesys.InsertPathPart). */
export function insertPathPart(path: string, pos: number, part: string): string {
  if (part === '') return path;
  const parts = pathSplit(path);
  let at = Math.min(Math.max(pos, 0), parts.length);
  // A leading '' marks an absolute path: positions count from the first real segment.
  if (parts.length > 0 && parts[0] === '' && at < parts.length) at++;
  const out = [...parts.slice(0, at), part, ...parts.slice(at)];
  return out[0] === '' ? `/${goJoin(out.slice(1))}` : goJoin(out);
}

/** splitFieldPath splits at '/', where a segment ending in a backslash joins the next (`a\/b` is one key). */
function splitFieldPath(path: string): string[] {
  const fields: string[] = [];
  for (const f of path.split('/')) {
    const last = fields[fields.length - 1];
    if (last !== undefined && last.endsWith('\\')) fields[fields.length - 1] = `${last.slice(0, -1)}/${f}`;
    else fields.push(f);
  }
  return fields;
}

/** valueAdd applies the targets in order; returns a message where kustomize fails. */
export function valueAdd(
  resources: readonly Resource[],
  value: string,
  targets: readonly ValueAddTarget[],
): string | undefined {
  for (const t of targets) {
    const selected = t.selector ? resources.filter(compileSelector(t.selector)) : resources;
    for (const r of selected) {
      if (t.fieldPath === 'metadata/namespace') {
        // kustomize hands this path to its namespace filter, with no further field specs.
        const problem = setNamespace([r], value, { fieldSpecs: [], storePrevious: false });
        if (problem) return problem;
        continue;
      }
      const keys = splitFieldPath(t.fieldPath);
      let parent: YAMLMap = r.node;
      for (const key of keys.slice(0, -1)) {
        const next = field(parent, key);
        if (next !== undefined && !isMap(next))
          return `${r.subject}: field '${key}' of '${t.fieldPath}' is not a mapping`;
        parent = ensureMap(parent, key);
      }
      const key = keys[keys.length - 1] ?? '';
      const current = field(parent, key);
      if (current !== undefined && !isScalar(current)) return `${r.subject}: field '${t.fieldPath}' is not a scalar`;
      const old = isScalar(current) ? plainString(current.value) : '';
      const next = t.filePathPosition > 0 ? insertPathPart(old, t.filePathPosition - 1, value) : value;
      setField(parent, key, scalar(next));
      r.refresh();
    }
  }
  return undefined;
}
