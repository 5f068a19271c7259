/**
 * Merge schema: the part of the Kubernetes OpenAPI document that strategic merge needs, compiled into a compact
 * table. kyaml walks the full OpenAPI schema alongside the resource; what changes the merge is only, per list
 * field, its `x-kubernetes-patch-strategy` and merge keys, and, for unknown kinds, that no schema exists at all.
 * So the table keeps the named types from which a patch strategy is reachable and drops the rest.
 */

/**
 * SchemaNode is one compiled schema position. `s` is the raw `x-kubernetes-patch-strategy` (e.g. `merge`,
 * `merge,retainKeys`), `k` the merge keys kyaml uses (`x-kubernetes-list-map-keys` when present, otherwise the
 * single `x-kubernetes-patch-merge-key`), `p` the properties, `a` the value schema of a map
 * (additionalProperties), `i` the element schema of an array. A string is a reference into `types`. A property
 * that is absent from `p` is a known position below which nothing merges specially.
 */
export interface SchemaNode {
  s?: string;
  k?: string[];
  p?: Record<string, SchemaRef>;
  a?: SchemaRef;
  i?: SchemaRef;
}

/** SchemaRef is a named type (a key of {@link MergeTable.types}) or an inline node. */
export type SchemaRef = string | SchemaNode;

/**
 * MergeTable is the compiled, JSON-serialisable merge schema: `kinds` maps `apiVersion/kind` (core kinds as
 * `v1/Pod`, others as `apps/v1/Deployment`) to a type, `types` holds the named types.
 *
 * @example
 * const table = compileOpenApi(JSON.parse(readFileSync('swagger.json', 'utf8')), 'kube-apiserver v1.37.2');
 * table.kinds['apps/v1/Deployment']; // 'io.k8s.api.apps.v1.Deployment'
 */
export interface MergeTable {
  source: string;
  kinds: Record<string, string>;
  types: Record<string, SchemaNode>;
}

/** OPAQUE is the node for a known position where nothing below merges specially (lists replace, maps merge). */
export const OPAQUE: SchemaNode = Object.freeze({});

/**
 * MergeSchema answers the walker's questions against a table: the root schema of a kind, and the schema of a
 * field, map value or list element. `undefined` means "no schema", which is what kyaml has for unknown kinds.
 */
export class MergeSchema {
  readonly table: MergeTable;

  constructor(table: MergeTable) {
    this.table = table;
  }

  /** MergeSchema.forType returns the root schema of `apiVersion` + `kind`, or undefined for unknown kinds. */
  forType(apiVersion: string, kind: string): SchemaNode | undefined {
    const name = this.table.kinds[`${apiVersion}/${kind}`];
    return name === undefined ? undefined : this.resolve(name);
  }

  /** MergeSchema.field is kyaml's `ResourceSchema.Field`: a property, else the map value schema. */
  field(node: SchemaNode, name: string): SchemaNode {
    const ref = (node.p !== undefined && Object.hasOwn(node.p, name) ? node.p[name] : undefined) ?? node.a;
    return ref === undefined ? OPAQUE : this.resolve(ref);
  }

  /** MergeSchema.elements is kyaml's `ResourceSchema.Elements`: the schema of a list's elements. */
  elements(node: SchemaNode): SchemaNode {
    return node.i === undefined ? OPAQUE : this.resolve(node.i);
  }

  private resolve(ref: SchemaRef): SchemaNode {
    if (typeof ref !== 'string') return ref;
    return this.table.types[ref] ?? OPAQUE;
  }
}

/** isAssociative is kyaml's test for a list merged element by element: the strategy includes `merge`. */
export function isAssociative(node: SchemaNode | undefined): boolean {
  return node?.s !== undefined && node.s.split(',').includes('merge');
}

/** mergeKeys returns the merge keys of an associative list (empty for lists of primitives). */
export function mergeKeys(node: SchemaNode): string[] {
  return node.k ?? [];
}
