import type { NameReference } from './config.ts';
import type { FieldSpec } from './filters/fieldspec.ts';

/**
 * `crds:` files are not CustomResourceDefinitions but OpenAPI definition maps (the `openapi-gen` output: type name →
 * {Schema, Dependencies}). kustomize reads the vendor extensions of each property of every type that looks like a
 * Kubernetes object and turns them into transformer field specs for that kind:
 * - `x-kubernetes-annotation` → commonAnnotations, `x-kubernetes-label-selector` → commonLabels,
 * - `x-kubernetes-identity` → namePrefix,
 * - `x-kubernetes-object-ref-api-version` + `-kind` (+ `-name-key`, default `name`) → a name reference.
 * `$ref` properties recurse into the referenced definition, extending the path.
 */

/** CrdConfig is the field specs one or more `crds:` files contribute. */
export interface CrdConfig {
  nameReference: NameReference[];
  commonLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  namePrefix: FieldSpec[];
}

/** CrdParseError says why a `crds:` file is not an OpenAPI definition map (kustomize's JSON decoding error). */
export class CrdParseError extends Error {}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * pick reads a struct field the way encoding/json does: an exact key first, else a case-insensitive match
 * (`Schema`, `schema`).
 */
function pick(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : o[key];
}

/** extension reads a string-valued vendor extension; kustomize ignores non-string values. */
function extension(schema: Obj, key: string): string | undefined {
  const found = Object.keys(schema).find((k) => k.toLowerCase() === key);
  const v = found === undefined ? undefined : schema[found];
  return typeof v === 'string' ? v : undefined;
}

function propertiesOf(def: unknown, typeName: string): Obj {
  if (def === null || def === undefined) return {};
  if (!isObj(def)) throw new CrdParseError(`definition "${typeName}" must be a mapping`);
  const schema = pick(def, 'Schema');
  if (schema === null || schema === undefined) return {};
  if (!isObj(schema)) throw new CrdParseError(`definition "${typeName}": Schema must be a mapping`);
  const props = schema['properties'];
  if (props === null || props === undefined) return {};
  if (!isObj(props)) throw new CrdParseError(`definition "${typeName}": properties must be a mapping`);
  return props;
}

/** crdConfig compiles one parsed `crds:` document into field specs. */
export function crdConfig(doc: unknown, into: CrdConfig): void {
  if (doc === null || doc === undefined) return;
  if (!isObj(doc)) throw new CrdParseError('expected a mapping of type names to OpenAPI definitions');
  for (const [name, def] of Object.entries(doc)) {
    const props = propertiesOf(def, name);
    if (!('kind' in props && 'apiVersion' in props && 'metadata' in props)) continue;
    // The kind is the last dot-separated part of the type name (`example.com/pkg/v1.MyKind` → MyKind).
    const kind = name.split('.').pop() ?? name;
    walk(doc, kind, name, [], into, new Set());
  }
}

function walk(defs: Obj, kind: string, typeName: string, path: string[], into: CrdConfig, seen: Set<string>): void {
  if (!(typeName in defs) || seen.has(typeName)) return;
  // A definition reached twice on one path would recurse forever; kustomize would overflow its stack there.
  const inPath = new Set(seen).add(typeName);
  for (const [prop, schema] of Object.entries(propertiesOf(defs[typeName], typeName))) {
    if (!isObj(schema)) continue;
    const at = [...path, prop];
    const spec = (p: string[]): FieldSpec => ({ kind, path: p.join('/') });
    if (extension(schema, 'x-kubernetes-annotation') !== undefined) into.commonAnnotations.push(spec(at));
    if (extension(schema, 'x-kubernetes-label-selector') !== undefined) into.commonLabels.push(spec(at));
    if (extension(schema, 'x-kubernetes-identity') !== undefined) into.namePrefix.push(spec(at));
    const version = extension(schema, 'x-kubernetes-object-ref-api-version');
    const refKind = extension(schema, 'x-kubernetes-object-ref-kind');
    if (version !== undefined && refKind !== undefined) {
      const nameKey = extension(schema, 'x-kubernetes-object-ref-name-key') ?? 'name';
      into.nameReference.push({ kind: refKind, version, fieldSpecs: [spec([...at, nameKey])] });
    }
    const ref = schema['$ref'];
    if (typeof ref === 'string' && ref !== '') walk(defs, kind, ref, at, into, inPath);
  }
}
