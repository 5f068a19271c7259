/**
 * gen-merge-keys writes the strategic-merge table (per kind: which lists merge, by which keys) that
 * `src/engines/kustomize/merge` uses, from the OpenAPI v2 document a Kubernetes apiserver publishes.
 *
 *   node scripts/gen-merge-keys.ts --kubeconfig /tmp/fluxts-dev/kubeconfig [--out FILE]
 *   node scripts/gen-merge-keys.ts --from-file swagger.json --source "kube-apiserver v1.37.2" [--out FILE]
 *
 * Only built-in types (definitions named `io.k8s.…`) are kept unless `--with-crds` is given.
 * `--from-file` also reads gzip-compressed documents and kyaml's built-in bundle (`{definitions: …}`), which is
 * how the table kustomize itself uses (Kubernetes v1.21.2) is produced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

import { format, resolveConfig } from 'prettier';

import { compileOpenApi } from '../src/engines/kustomize/merge/compile.ts';
import { KubeClient, loadKubeConfig } from '../src/kube/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const defaultOut = join(here, '..', 'src', 'engines', 'kustomize', 'merge', 'tables', 'kubernetes.json');

async function fromCluster(kubeconfig: string): Promise<{ doc: unknown; source: string }> {
  const client = new KubeClient(loadKubeConfig(kubeconfig));
  const version = await client.transport.request<{ gitVersion: string }>({ method: 'GET', path: '/version' });
  const doc = await client.transport.request<unknown>({ method: 'GET', path: '/openapi/v2' });
  return { doc, source: `kube-apiserver ${version.gitVersion} /openapi/v2` };
}

function fromFile(path: string, source: string | undefined): { doc: unknown; source: string } {
  let data = readFileSync(path);
  if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  return { doc: JSON.parse(data.toString('utf8')) as unknown, source: source ?? path };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      'from-file': { type: 'string' },
      source: { type: 'string' },
      out: { type: 'string' },
      'with-crds': { type: 'boolean' },
    },
  });
  const input =
    values['from-file'] !== undefined
      ? fromFile(values['from-file'], values.source)
      : values.kubeconfig !== undefined
        ? await fromCluster(values.kubeconfig)
        : undefined;
  if (input === undefined) throw new Error('usage: gen-merge-keys (--kubeconfig PATH | --from-file FILE) [--out FILE]');
  // A live cluster also publishes its CRDs (test fixtures among them); the table is for built-in kinds only.
  const builtin = (name: string): boolean => name.startsWith('io.k8s.');
  const table = compileOpenApi(input.doc, input.source, values['with-crds'] === true ? {} : { include: builtin });
  const out = values.out ?? defaultOut;
  // Formatted as the repository's prettier would, so regenerating leaves `prettier --check` clean.
  writeFileSync(out, await format(JSON.stringify(table), { ...(await resolveConfig(defaultOut)), parser: 'json' }));
  const kinds = Object.keys(table.kinds).length;
  const types = Object.keys(table.types).length;
  console.log(`wrote ${out}: ${kinds} kinds, ${types} types with merge strategies, from ${table.source}`);
}

try {
  await main();
} catch (err) {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  console.error(`gen-merge-keys: ${err instanceof Error ? err.message : String(err)}${cause}`);
  process.exitCode = 1;
}
