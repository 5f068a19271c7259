// Checks the rules of a structural schema (Kubernetes docs, "Specifying a structural schema") before the apiserver
// sees it, so a bad kind definition fails in a unit test with a path instead of at install time.
import type { OpenAPISchema } from './openapi.ts';

// ALLOWED are the JSONSchemaProps keys our schemas may use; $ref, definitions, uniqueItems and friends are not
// allowed in CRD schemas at all.
const ALLOWED = new Set([
  'description',
  'type',
  'format',
  'enum',
  'pattern',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'nullable',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-map-type',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-validations',
]);

/**
 * structuralProblems lists every violation of the structural-schema rules found in `schema`, each prefixed with the
 * JSON path of the offending node. An empty list means the schema is structural.
 */
export function structuralProblems(schema: OpenAPISchema, path = '', root = true): string[] {
  const problems: string[] = [];
  const at = path === '' ? '<root>' : path;
  for (const key of Object.keys(schema)) if (!ALLOWED.has(key)) problems.push(`${at}: forbidden key ${key}`);
  if (schema.additionalProperties === false || schema.additionalProperties === true) {
    problems.push(`${at}: additionalProperties must be a schema`);
  }
  if (root) problems.push(...metadataProblems(schema));
  const freeForm = schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-int-or-string'];
  if (schema.type === undefined && !freeForm) problems.push(`${at}: type is missing`);
  if (root && schema.type !== 'object') problems.push(`${at}: root must be of type object`);
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) {
    problems.push(`${at}: properties and additionalProperties are mutually exclusive`);
  }
  if (schema.properties !== undefined && schema.type !== 'object') problems.push(`${at}: properties on a non-object`);
  if (schema.items !== undefined && schema.type !== 'array') problems.push(`${at}: items on a non-array`);
  if (schema.type === 'array' && schema.items === undefined) problems.push(`${at}: array without items`);
  for (const name of schema.required ?? []) {
    if (schema.properties?.[name] === undefined) problems.push(`${at}: required property ${name} is not declared`);
  }
  if (schema.enum !== undefined && schema.enum.length === 0) problems.push(`${at}: empty enum`);
  if (schema.pattern !== undefined) {
    try {
      new RegExp(schema.pattern, 'u');
    } catch (err) {
      problems.push(`${at}: pattern does not compile: ${String(err)}`);
    }
  }
  if (schema.default !== undefined && schema.enum !== undefined && !schema.enum.includes(schema.default)) {
    problems.push(`${at}: default is not one of the enum values`);
  }
  if (schema['x-kubernetes-list-type'] === 'map' && (schema['x-kubernetes-list-map-keys'] ?? []).length === 0) {
    problems.push(`${at}: list-type map needs list-map-keys`);
  }
  if (schema.description !== undefined && schema.description.trim() === '') problems.push(`${at}: empty description`);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    problems.push(...structuralProblems(child, `${path}.${name}`, false));
  }
  if (schema.items !== undefined) problems.push(...structuralProblems(schema.items, `${path}[]`, false));
  if (typeof schema.additionalProperties === 'object') {
    problems.push(...structuralProblems(schema.additionalProperties, `${path}.*`, false));
  }
  return problems;
}

// At the root, metadata may only be `type: object` (the apiserver validates ObjectMeta itself) and nothing but
// apiVersion, kind, metadata, spec and status may be declared.
function metadataProblems(schema: OpenAPISchema): string[] {
  const problems: string[] = [];
  const metadata = schema.properties?.['metadata'];
  if (metadata === undefined) return problems;
  const extra = Object.keys(metadata).filter((k) => k !== 'type');
  if (metadata.type !== 'object' || extra.length > 0) problems.push('.metadata: must be exactly {type: object}');
  for (const name of Object.keys(schema.properties ?? {})) {
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(name))
      problems.push(`<root>: unexpected ${name}`);
  }
  return problems;
}
