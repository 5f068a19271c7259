// Requests checked against a Git hosting service's published API description: the operation must exist for the
// method and path, every query parameter must be one the operation documents, and the JSON body must satisfy its
// request schema (the subset of JSON Schema these descriptions use). The descriptions are the parts fluxts talks to,
// each committed with its provenance:
//   github-openapi.json  @octokit/openapi, by scripts/gen-github-openapi.ts (`--check` re-verifies it);
//   gitea-openapi.json   Gitea's swagger from its Go module, by scripts/gen-gitea-openapi.ts (`--check` too);
//   gitlab-api.json      GitLab's merge-request operations, written from its REST docs (see its provenance).
// Add paths to the scripts when a new operation is needed.
import { readFileSync } from 'node:fs';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minProperties?: number;
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

type Description = { paths: Record<string, Record<string, Operation>> };

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
    const count = Object.keys(obj).length;
    if (schema.minProperties !== undefined && count < schema.minProperties) {
      errors.push(`${at}: fewer than ${schema.minProperties} properties`);
    }
    if (schema.maxProperties !== undefined && count > schema.maxProperties) {
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

/** ApiDescription is one service's committed description, loaded on first use. */
export class ApiDescription {
  private loaded: Description | undefined;
  private readonly service: string;
  private readonly file: string;
  constructor(service: string, file: string) {
    this.service = service;
    this.file = file;
  }

  private get paths(): Description['paths'] {
    this.loaded ??= JSON.parse(readFileSync(new URL(this.file, import.meta.url), 'utf8')) as Description;
    return this.loaded.paths;
  }

  /** findOperation matches a concrete path (without query) to a templated path. */
  findOperation(method: string, path: string): { template: string; op: Operation } | undefined {
    for (const [template, ops] of Object.entries(this.paths)) {
      const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const op = ops[method.toLowerCase()];
      if (op && re.test(path)) return { template, op };
    }
    return undefined;
  }

  /**
   * check fails unless the request is a documented operation with documented query parameters and a conforming
   * JSON body; `apiPrefix` is the part of the path before the description's paths (e.g. `/api/v1`). `tolerated`
   * names query parameters a caller sends on purpose although the operation does not document them (say why there).
   */
  check(method: string, pathWithQuery: string, apiPrefix: string, body: string, tolerated: string[] = []): string {
    const [rawPath = '', query = ''] = pathWithQuery.split('?');
    if (!rawPath.startsWith(apiPrefix)) throw new Error(`${method} ${rawPath} is not under ${apiPrefix}`);
    const path = rawPath.slice(apiPrefix.length);
    const found = this.findOperation(method, path);
    if (!found) throw new Error(`${method} ${path} is not an operation of the ${this.service} REST API we describe`);
    const documented = new Set([
      ...(found.op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      ...tolerated,
    ]);
    for (const name of new URLSearchParams(query).keys()) {
      if (!documented.has(name)) throw new Error(`${method} ${found.template}: undocumented query parameter ${name}`);
    }
    const schema = found.op.requestBody?.content?.['application/json']?.schema;
    if (schema) {
      const errors = validate(schema, JSON.parse(body) as unknown);
      if (errors.length > 0) throw new Error(`${method} ${found.template}: ${errors.join('; ')}`);
    }
    return found.template;
  }
}

export const githubApi = new ApiDescription('GitHub', 'github-openapi.json');
export const giteaApi = new ApiDescription('Gitea', 'gitea-openapi.json');
export const gitlabApi = new ApiDescription('GitLab', 'gitlab-api.json');

/** checkGitHubRequest fails unless the request is a documented GitHub operation with a conforming JSON body. */
export const checkGitHubRequest = (method: string, pathWithQuery: string, apiPrefix: string, body: string): string =>
  githubApi.check(method, pathWithQuery, apiPrefix, body);
