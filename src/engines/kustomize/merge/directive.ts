/**
 * The `$patch` directive as kyaml reads it. On a map it is the field `$patch`; on a list it is an element that is
 * a map with `$patch` as its only field. Reading the directive removes it from the patch. The other directives of
 * apimachinery's strategic merge (`$setElementOrder/…`, `$deleteFromPrimitiveList/…`, `$retainKeys`) are not
 * directives to kyaml: they are merged like ordinary fields and so end up in kustomize's output.
 */
import { isMap, isScalar, isSeq } from 'yaml';

import { elementSetter, items } from './elements.ts';
import { clearField, getField, MergeError, text, type YNode } from './nodes.ts';

/** Directive is what a patch node asks for; `unknown` only comes back for nodes that cannot carry one. */
export type Directive = 'merge' | 'replace' | 'delete' | 'unknown';

export const PATCH_KEY = '$patch';

const DIRECTIVES: ReadonlySet<string> = new Set(['merge', 'replace', 'delete']);

/**
 * takeDirective returns the `$patch` directive of a patch node and removes it from the node. Absent patches merge;
 * an unknown value is an error; scalars have none (`unknown`, an error kyaml's map visitor ignores).
 */
export function takeDirective(patch: YNode | undefined, path: readonly string[]): Directive {
  if (patch === undefined) return 'merge';
  if (isMap(patch)) {
    const value = getField(patch, PATCH_KEY);
    if (value === undefined) return 'merge';
    const v = text(value);
    if (!DIRECTIVES.has(v)) throw unknownStrategy(v, path);
    clearField(patch, PATCH_KEY);
    return v as Directive;
  }
  if (isSeq(patch)) {
    const element = items(patch).find((e) => isMap(e) && getField(e, PATCH_KEY) !== undefined);
    // A `$patch` element with other fields is an element-level directive, not one for the list.
    if (element === undefined || !isMap(element) || element.items.length > 1) return 'merge';
    const v = text(getField(element, PATCH_KEY));
    if (!DIRECTIVES.has(v)) throw unknownStrategy(v, path);
    elementSetter(patch, undefined, [PATCH_KEY], [v]);
    return v as Directive;
  }
  if (isScalar(patch)) return 'unknown';
  return 'merge';
}

function unknownStrategy(v: string, path: readonly string[]): MergeError {
  const where = path.length === 0 ? 'the resource' : path.join('.');
  return new MergeError(`strategic merge patch at ${where}: unknown patch strategy '${v}'`);
}
