// Requests checked against GitHub's published OpenAPI description: the operation must exist for the method and path,
// and the JSON body must satisfy its request schema (the subset of JSON Schema GitHub uses). The description is the
// part of @octokit/openapi that fluxts talks to, extracted with its provenance by scripts/gen-github-openapi.ts
// (`--check` re-verifies it against the published package); add paths there when a new operation is needed.
import { readFileSync } from 'node:fs';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  maxProperties?: number;
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  parameters?: { name: string; in: string; required?: boolean }[];
}

type Spec = { paths: Record<string, Record<string, Operation>> };

let spec: Spec | undefined;

function load(): Spec {
  spec ??= JSON.parse(readFileSync(new URL('github-openapi.json', import.meta.url), 'utf8')) as Spec;
  return spec;
}

/** findOperation matches a concrete path (without query) to a templated OpenAPI path. */
export function findOperation(method: string, path: string): { template: string; op: Operation } | undefined {
  const paths = load().paths;
  for (const [template, ops] of Object.entries(paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const op = ops[method.toLowerCase()];
    if (op && re.test(path)) return { template, op };
  }
  return undefined;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** validate returns the schema violations of a value (empty when it conforms). */
export function validate(schema: Schema, value: unknown, at = '$'): string[] {
  if (value === null && schema.nullable) return [];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives)
    return alternatives.some((s) => validate(s, value, at).length === 0) ? [] : [`${at}: no alternative matches`];
  const errors: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = typeOf(value);
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    return [`${at}: expected ${types.join('|')}, got ${actual}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errors.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      errors.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
    if (schema.maxProperties !== undefined && Object.keys(obj).length > schema.maxProperties) {
      errors.push(`${at}: more than ${schema.maxProperties} properties`);
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) errors.push(...validate(sub, v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unexpected property ${k}`);
    }
  }
  if (actual === 'array' && schema.items) {
    (value as unknown[]).forEach((v, i) => errors.push(...validate(schema.items as Schema, v, `${at}[${i}]`)));
  }
  return errors;
}

/** checkGitHubRequest fails unless the request is a documented operation with a conforming JSON body. */
export function checkGitHubRequest(method: string, pathWithQuery: string, apiPrefix: string, body: string): string {
  const path = pathWithQuery.split('?')[0]?.slice(apiPrefix.length) ?? '';
  const found = findOperation(method, path);
  if (!found) {
    throw new Error(
      `${method} ${path} is not an operation of the GitHub REST API (or not among scripts/gen-github-openapi.ts's paths)`,
    );
  }
  const schema = found.op.requestBody?.content?.['application/json']?.schema;
  if (schema) {
    const errors = validate(schema, JSON.parse(body) as unknown);
    if (errors.length > 0) throw new Error(`${method} ${found.template}: ${errors.join('; ')}`);
  }
  return found.template;
}
