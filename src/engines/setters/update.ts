// Applying setters to a set of files (the checkout under `update.path`): which files are considered, and the
// result grouped as Flux's template data groups it (file → object → changes).
import { rewriteYaml, type Change, type ObjectIdentifier } from './rewrite.ts';
import { SCREENING_TOKEN } from './marker.ts';
import { setterValues, type PolicyRef } from './values.ts';

/** SourceFile is one file of the tree: its path relative to the scanned root, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** FileUpdate is a file whose text changed, with its new text. */
export interface FileUpdate {
  path: string;
  text: string;
}

/** ObjectChanges are the changes made in one object of one file. */
export interface ObjectChanges {
  object: ObjectIdentifier;
  changes: Change[];
}

/** UpdateResult: the files to write, the changes per file (paths sorted), and markers naming no known setter. */
export interface UpdateResult {
  files: FileUpdate[];
  fileChanges: Map<string, ObjectChanges[]>;
  unknownSetters: { path: string; setter: string }[];
}

/**
 * isCandidate says whether Flux would read a file: a `.yaml`/`.yml` name or one called `Kustomization`, whose
 * bytes contain `"$imagepolicy"`.
 */
export function isCandidate(path: string, text: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const named = base.endsWith('.yaml') || base.endsWith('.yml') || base === 'Kustomization';
  return named && text.includes(SCREENING_TOKEN);
}

/** isCandidateName is the name half of isCandidate, to skip reading files that can never qualify. */
export function isCandidateName(path: string): boolean {
  return isCandidate(path, SCREENING_TOKEN);
}

/**
 * updateWithSetters applies the policies' setters to the candidate files. Files that do not parse as YAML are
 * skipped, as Flux skips them; only files with at least one changed value are returned.
 */
export function updateWithSetters(files: Iterable<SourceFile>, policies: Iterable<PolicyRef>): UpdateResult {
  const setters = setterValues(policies);
  const result: UpdateResult = { files: [], fileChanges: new Map(), unknownSetters: [] };
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    if (!isCandidate(file.path, file.text)) continue;
    const r = rewriteYaml(file.text, setters);
    for (const setter of r.unknownSetters) result.unknownSetters.push({ path: file.path, setter });
    if (r.text === undefined) continue;
    result.files.push({ path: file.path, text: r.text });
    const objects: ObjectChanges[] = [];
    for (const c of r.changes) {
      let entry = objects.find((o) => sameObject(o.object, c.object));
      if (!entry) objects.push((entry = { object: c.object, changes: [] }));
      entry.changes.push({ oldValue: c.oldValue, newValue: c.newValue, setter: c.setter });
    }
    result.fileChanges.set(file.path, objects);
  }
  return result;
}

function sameObject(a: ObjectIdentifier, b: ObjectIdentifier): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}
