// A small schema-builder DSL: each builder yields an OpenAPI v3 fragment and, through a phantom type parameter, the
// TypeScript type of the values it accepts. Kind definitions use it once, so the types and the CRDs cannot drift.
import type { CelRule, JsonValue, OpenAPISchema } from './openapi.ts';

/**
 * Node is one schema node: `openapi` is its structural OpenAPI fragment, `T` the TypeScript type of valid values and
 * `Opt` whether the property holding it may be omitted. Nodes are immutable; every method returns a new node.
 *
 * @example s.string({ pattern: '^oci://.*$' }).describe('Registry URL.').optional()
 */
export class Node<T, Opt extends boolean = false> {
  /** __type only carries T for inference; it never exists at run time. */
  declare readonly __type: T;
  readonly openapi: OpenAPISchema;
  readonly isOptional: Opt;

  constructor(openapi: OpenAPISchema, isOptional: Opt) {
    this.openapi = openapi;
    this.isOptional = isOptional;
  }

  /** optional marks the property holding this node as not required. */
  optional(): Node<T, true> {
    return new Node<T, true>(this.openapi, true);
  }

  /** describe sets the description shown by `kubectl explain`. */
  describe(description: string): Node<T, Opt> {
    return new Node<T, Opt>({ ...this.openapi, description }, this.isOptional);
  }

  /** withDefault sets the value the apiserver fills in when the property is absent. */
  withDefault(value: T & JsonValue): Node<T, Opt> {
    return new Node<T, Opt>({ ...this.openapi, default: structuredClone(value) }, this.isOptional);
  }

  /** validate adds CEL rules (x-kubernetes-validations) evaluated on this value. */
  validate(...rules: CelRule[]): Node<T, Opt> {
    const existing = this.openapi['x-kubernetes-validations'] ?? [];
    return new Node<T, Opt>({ ...this.openapi, 'x-kubernetes-validations': [...existing, ...rules] }, this.isOptional);
  }
}

/** AnyNode is a node of any type and optionality. */
// The phantom parameter is erased; `unknown` lets every node fit here.
export type AnyNode = Node<unknown, boolean>;

/** Infer is the TypeScript type of the values a node accepts. */
export type Infer<N> = N extends Node<infer T, boolean> ? T : never;

/** Shape maps property names to nodes. */
export type Shape = { readonly [name: string]: AnyNode };

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends Node<unknown, true> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Node<unknown, true> ? K : never }[keyof S];

/** ObjectOf is the TypeScript object type of a shape: non-optional nodes become required properties. */
export type ObjectOf<S extends Shape> = Simplify<
  { -readonly [K in RequiredKeys<S>]: Infer<S[K]> } & { -readonly [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

interface Common {
  description?: string;
}

interface StringOptions extends Common {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
  default?: string;
}

interface IntegerOptions extends Common {
  format?: 'int32' | 'int64';
  minimum?: number;
  maximum?: number;
  default?: number;
}

interface ArrayOptions extends Common {
  minItems?: number;
  maxItems?: number;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
}

interface ObjectOptions extends Common {
  validations?: CelRule[];
  mapType?: 'atomic' | 'granular';
  minProperties?: number;
  maxProperties?: number;
}

function clean(schema: OpenAPISchema): OpenAPISchema {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (value !== undefined) out[key] = value;
  return out;
}

/** GO_DURATION is Flux's CRD pattern for Go durations with hours; TIMEOUT_DURATION omits hours (source timeouts). */
export const GO_DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
export const TIMEOUT_DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$';

function string(options: StringOptions = {}): Node<string> {
  return new Node(clean({ type: 'string', ...options }), false);
}

/** s is the schema builder namespace used by every kind definition. */
export const s = {
  string,

  /** enum accepts exactly the listed strings. */
  enum<const V extends readonly string[]>(values: V, options: Common & { default?: V[number] } = {}): Node<V[number]> {
    return new Node(clean({ type: 'string', enum: [...values], ...options }), false);
  },

  /** duration is a Go duration string; `hours: false` gives the source-timeout pattern without `h`. */
  duration(options: Common & { default?: string; hours?: boolean } = {}): Node<string> {
    const { hours = true, ...rest } = options;
    return string({ pattern: hours ? GO_DURATION : TIMEOUT_DURATION, ...rest });
  },

  /** time is an RFC 3339 timestamp (metav1.Time). */
  time(options: Common = {}): Node<string> {
    return string({ format: 'date-time', ...options });
  },

  integer(options: IntegerOptions = {}): Node<number> {
    return new Node(clean({ type: 'integer', ...options }), false);
  },

  boolean(options: Common & { default?: boolean } = {}): Node<boolean> {
    return new Node(clean({ type: 'boolean', ...options }), false);
  },

  array<N extends AnyNode>(items: N, options: ArrayOptions = {}): Node<Infer<N>[]> {
    const { listType, listMapKeys, ...rest } = options;
    return new Node(
      clean({
        type: 'array',
        items: items.openapi,
        ...rest,
        'x-kubernetes-list-type': listType,
        'x-kubernetes-list-map-keys': listMapKeys,
      }),
      false,
    );
  },

  /** map is an object with arbitrary keys whose values all follow `values` (Go map[string]T). */
  map<N extends AnyNode>(values: N, options: Common = {}): Node<Record<string, Infer<N>>> {
    return new Node(clean({ type: 'object', additionalProperties: values.openapi, ...options }), false);
  },

  /** object has the given properties; those not marked optional are listed as required. */
  object<S extends Shape>(shape: S, options: ObjectOptions = {}): Node<ObjectOf<S>> {
    const properties: Record<string, OpenAPISchema> = {};
    const required: string[] = [];
    for (const [name, node] of Object.entries(shape)) {
      properties[name] = node.openapi;
      if (!node.isOptional) required.push(name);
    }
    const { validations, mapType, ...rest } = options;
    return new Node(
      clean({
        type: 'object',
        properties,
        required: required.length > 0 ? required.sort() : undefined,
        ...rest,
        'x-kubernetes-map-type': mapType,
        'x-kubernetes-validations': validations,
      }),
      false,
    );
  },

  /** json is any JSON value, kept as sent (apiextensions JSON, e.g. Helm values). */
  json(options: Common = {}): Node<JsonValue> {
    return new Node(clean({ 'x-kubernetes-preserve-unknown-fields': true, ...options }), false);
  },

  /** optional is the functional form of `node.optional()`. */
  optional<T>(node: Node<T, boolean>): Node<T, true> {
    return new Node<T, true>(node.openapi, true);
  },
};
