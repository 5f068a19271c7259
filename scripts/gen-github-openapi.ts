/**
 * gen-github-openapi writes the part of GitHub's published REST API description that fluxts's tests check requests
 * against (test/support/github-openapi.json): for every operation under the paths below, its parameters and its JSON
 * request-body schema (already dereferenced). The full description is a 385 MB npm package; the tests need ~1% of it,
 * and a devDependency that size doubled a fresh `npm install`.
 *
 *   node scripts/gen-github-openapi.ts           # fetch the pinned package with `npm pack`, write the subset
 *   node scripts/gen-github-openapi.ts --check   # fail if the committed subset differs from what the package gives
 *
 * To follow a newer description, change PACKAGE, run the script and review the diff.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';

import { format, resolveConfig } from 'prettier';

const PACKAGE = '@octokit/openapi@23.0.2';
const DESCRIPTION = 'package/generated/api.github.com.deref.json';

/** The operations fluxts talks to: commit statuses, dispatches, PR comments, pull requests, repositories, deploy keys. */
const PATHS: RegExp[] = [
  /^\/user$/,
  /^\/user\/repos$/,
  /^\/orgs\/\{org\}\/repos$/,
  /^\/orgs\/\{org\}\/teams\/\{team_slug\}\/repos\/\{owner\}\/\{repo\}$/,
  /^\/users\/\{username\}$/,
  /^\/repos\/\{owner\}\/\{repo\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/statuses\/\{sha\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/commits\/\{ref\}\/statuses$/,
  /^\/repos\/\{owner\}\/\{repo\}\/commits\/\{ref\}\/status$/,
  /^\/repos\/\{owner\}\/\{repo\}\/dispatches$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/comments$/,
  /^\/repos\/\{owner\}\/\{repo\}\/issues\/comments\/\{comment_id\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/pulls$/,
  /^\/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/keys$/,
  /^\/repos\/\{owner\}\/\{repo\}\/keys\/\{key_id\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/branches\/\{branch\}$/,
  /^\/repos\/\{owner\}\/\{repo\}\/branches\/\{branch\}\/protection$/,
];

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'test', 'support', 'github-openapi.json');

function fetchDescription(): { text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'github-openapi-'));
  try {
    execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (tgz === undefined) throw new Error(`npm pack ${PACKAGE} wrote no archive`);
    execFileSync('tar', ['xzf', tgz, DESCRIPTION], { cwd: dir });
    return { text: readFileSync(join(dir, DESCRIPTION), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function subset(text: string): Promise<string> {
  const doc = JSON.parse(text) as { info: { version: string }; paths: Record<string, Record<string, Operation>> };
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [template, ops] of Object.entries(doc.paths)) {
    if (!PATHS.some((re) => re.test(template))) continue;
    const kept: Record<string, Operation> = {};
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      kept[method] = {
        parameters: (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in, required: p.required === true })),
        ...(schema === undefined ? {} : { requestBody: { content: { 'application/json': { schema } } } }),
      };
    }
    paths[template] = kept;
  }
  const missing = PATHS.filter((re) => !Object.keys(paths).some((p) => re.test(p)));
  if (missing.length > 0) throw new Error(`${PACKAGE} has no operation matching ${missing.join(', ')}`);
  const provenance = {
    source: `${PACKAGE} ${DESCRIPTION.replace(/^package\//, '')}`,
    sha256: createHash('sha256').update(text).digest('hex'),
    apiVersion: doc.info.version,
    generatedBy: 'node scripts/gen-github-openapi.ts',
  };
  // Formatted as the repository's prettier would, so regenerating leaves `prettier --check` clean.
  return format(JSON.stringify({ provenance, paths }), { ...(await resolveConfig(out)), parser: 'json' });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const generated = await subset(fetchDescription().text);
  if (values.check) {
    if (readFileSync(out, 'utf8') !== generated) {
      console.error(`${out} differs from ${PACKAGE}; run node scripts/gen-github-openapi.ts`);
      process.exit(1);
    }
    console.log(`${out} matches ${PACKAGE}`);
    return;
  }
  writeFileSync(out, generated);
  console.log(`wrote ${out} (${Object.keys((JSON.parse(generated) as { paths: object }).paths).length} paths)`);
}

await main();
