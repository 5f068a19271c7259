// kustomize's output as sigs.k8s.io/yaml prints it (engines/goyaml, go-yaml v2 preset), read straight from the
// `yaml` nodes of a resource: scalars typed as kustomize's go-yaml v3 decode types them, `metadata.annotations`
// values kept as text (kustomize treats them as strings), and an empty or null `metadata.annotations` dropped.
import { type Document, isAlias, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

import { emitV2, formatRoundTripped, keyLess, valueTree, type V2Tree } from '../../goyaml/index.ts';
import { formatFloatG } from '../../../util/go-float.ts';
import { plainString } from '../nodes.ts';
import type { Typed } from './resolve.ts';
import { scalarText, scalarValue } from './to-value.ts';

/**
 * Value is a resource after kustomize's JSON round trip: typed scalars, arrays and string-keyed maps (in any order;
 * the emitter sorts keys as go-yaml v2 does).
 */
export type Value = Typed | Value[] | Map<string, Value>;

/** renderNonString prints integers, floats, booleans and null as go-yaml v2 does after a JSON round trip. */
export const renderNonString = formatRoundTripped;

/** goFormatG is Go's strconv.FormatFloat(f, 'g', -1, 64). */
export const goFormatG = (f: number): string => formatFloatG(f);

export { keyLess };

/** sortedKeys orders map keys with go-yaml v2's key comparison: digits compare as numbers, letters after others. */
export function sortedKeys(map: Map<string, Value>): string[] {
  return [...map.keys()].sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
}

function isEmptyOrNull(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (isMap(v)) return v.items.length === 0;
  return (
    isScalar(v) &&
    (v.value === null || ((v.value === '' || v.value === '~' || v.value === 'null') && v.type === 'PLAIN'))
  );
}

/** Place is where a node sits, for the few places that print differently. */
type Place = 'root' | 'metadata' | 'annotations' | 'annotation';

/** At marks a node at such a place; every other node is passed as the bare `yaml` node. */
class At {
  readonly node: unknown;
  readonly place: Place;

  constructor(node: unknown, place: Place) {
    this.node = node;
    this.place = place;
  }
}

/** childPlace is the place of the value under `key` in a mapping at `place`. */
function childPlace(place: Place | undefined, key: string): Place | undefined {
  if (place === 'root') return key === 'metadata' ? 'metadata' : undefined;
  if (place === 'metadata') return key === 'annotations' ? 'annotations' : undefined;
  return place === 'annotations' ? 'annotation' : undefined;
}

/** nodeTree reads `yaml` nodes for the v2 emitter with kustomize's typing. */
function nodeTree(doc: Document | undefined): V2Tree<unknown> {
  return (n) => {
    let node = n;
    let place: Place | undefined;
    if (node instanceof At) ({ node, place } = node);
    if (isAlias(node)) node = node.resolve(doc as Document);
    if (isMap(node)) {
      const entries: [string, unknown][] = [];
      for (const it of node.items) {
        const key = scalarText(it.key) ?? plainString(it.key);
        const at = childPlace(place, key);
        // kustomize drops an empty or null metadata.annotations (its annotation bookkeeping rewrites the field).
        if (at === 'annotations' && isEmptyOrNull(it.value)) continue;
        entries.push([key, at ? new At(it.value, at) : it.value]);
      }
      return { map: entries };
    }
    if (isSeq(node)) return { seq: node.items };
    if (isScalar(node)) return { scalar: place === 'annotation' ? (scalarText(node) ?? '') : scalarValue(node) };
    if (node === undefined || node === null) return { scalar: null };
    return { scalar: typeof node === 'object' ? plainString(node) : (node as Typed) };
  };
}

/** emitNodeDocument renders one resource straight from its `yaml` mapping node, as kustomize prints it. */
export function emitNodeDocument(node: YAMLMap, doc?: Document): string {
  return emitV2<unknown>(new At(node, 'root'), nodeTree(doc));
}

/** emitDocument renders one resource as kustomize prints it (without the `---` separator). */
export function emitDocument(v: Value): string {
  return emitV2(v, valueTree);
}
