/**
 * gen-gitea-openapi writes the part of Gitea's published REST API description (its swagger document, shipped in the
 * Gitea source module as templates/swagger/v1_json.tmpl) that fluxts's tests check requests against
 * (test/support/gitea-openapi.json): for every operation under the paths below, its parameters and its JSON request
 * body schema, dereferenced and in the same shape as the GitHub subset, so one checker reads both.
 *
 *   node scripts/gen-gitea-openapi.ts           # fetch the pinned module through the Go module proxy, write the subset
 *   node scripts/gen-gitea-openapi.ts --check   # fail if the committed subset differs from what the module gives
 *
 * To follow a newer Gitea, change MODULE, run the script and review the diff.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { format, resolveConfig } from 'prettier';

const MODULE = 'code.gitea.io/gitea@v1.27.3';
const DESCRIPTION = 'templates/swagger/v1_json.tmpl';

/**
 * The operations fluxts talks to: the user, commit statuses, pull requests and their comments, and what bootstrap
 * needs (repositories, deploy keys, teams).
 */
const PATHS: RegExp[] = [
  /^\/user$/,
  /^\/user\/repos$/,
  /^\/orgs\/\{org\}\/repos$/,
  /^\/orgs\/\{org\}\/teams\/search$/,
  /^\/teams\/\{id\}\/repos\/\{org\}\/\{repo\}$/,
  /^\/repos\/\{owner\}\/\{repo\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/keys$/,
  /^\/repos\/\{owner\}\/\{repo\}\/keys\/\{id\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/statuses\/\{sha\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/commits\/\{ref\}\/statuses$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues\/\{index\}\/comments$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues\/comments\/\{id\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/pulls$/,
  /^\/repos\/\{owner\}\/\{repo\}\/pulls\/\{index\}$/,
];

interface SwaggerParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
}
interface SwaggerOperation {
  parameters?: SwaggerParameter[];
}
interface Swagger {
  info: { version: string };
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'test', 'support', 'gitea-openapi.json');

function fetchDescription(): string {
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', MODULE], { encoding: 'utf8' })) as {
    Dir?: string;
    Error?: string;
  };
  if (!info.Dir) throw new Error(`go mod download ${MODULE}: ${info.Error ?? 'no directory'}`);
  return readFileSync(join(info.Dir, DESCRIPTION), 'utf8');
}

/** deref inlines `#/definitions/…` references, dropping the x-go-* annotations the checker does not read. */
function deref(node: unknown, definitions: Record<string, unknown>, depth = 0): unknown {
  if (depth > 20) throw new Error('reference chain deeper than 20: a recursive request schema?');
  if (Array.isArray(node)) return node.map((n) => deref(n, definitions, depth));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const ref = obj['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace(/^#\/definitions\//, '');
    const target = definitions[name];
    if (target === undefined) throw new Error(`unresolved reference ${ref}`);
    return deref(target, definitions, depth + 1);
  }
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    // Annotations only: a property that happens to be named "description" is an object and stays.
    if (k.startsWith('x-') || (k === 'description' && typeof v === 'string')) continue;
    copy[k] = deref(v, definitions, depth);
  }
  return copy;
}

async function subset(text: string): Promise<string> {
  // The template's only placeholders are the version and the sub-URL; neither is part of a path or a schema.
  const doc = JSON.parse(text.replaceAll('{{.SwaggerAppVer}}', 'x').replaceAll('{{.SwaggerAppSubUrl}}', '')) as Swagger;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [template, ops] of Object.entries(doc.paths)) {
    if (!PATHS.some((re) => re.test(template))) continue;
    const kept: Record<string, unknown> = {};
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      const body = params.find((p) => p.in === 'body');
      kept[method] = {
        parameters: params
          .filter((p) => p.in !== 'body')
          .map((p) => ({ name: p.name, in: p.in, required: p.required === true })),
        ...(body?.schema === undefined
          ? {}
          : { requestBody: { content: { 'application/json': { schema: deref(body.schema, doc.definitions) } } } }),
      };
    }
    paths[template] = kept;
  }
  const missing = PATHS.filter((re) => !Object.keys(paths).some((p) => re.test(p)));
  if (missing.length > 0) throw new Error(`${MODULE} has no operation matching ${missing.join(', ')}`);
  const provenance = {
    source: `${MODULE} ${DESCRIPTION}`,
    sha256: createHash('sha256').update(text).digest('hex'),
    basePath: '/api/v1',
    generatedBy: 'node scripts/gen-gitea-openapi.ts',
  };
  return format(JSON.stringify({ provenance, paths }), { ...(await resolveConfig(out)), parser: 'json' });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const generated = await subset(fetchDescription());
  if (values.check) {
    if (readFileSync(out, 'utf8') !== generated) {
      console.error(`${out} differs from ${MODULE}; run node scripts/gen-gitea-openapi.ts`);
      process.exit(1);
    }
    console.log(`${out} matches ${MODULE}`);
    return;
  }
  writeFileSync(out, generated);
  console.log(`wrote ${out} (${Object.keys((JSON.parse(generated) as { paths: object }).paths).length} paths)`);
}

await main();
