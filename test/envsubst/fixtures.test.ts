// Differential test on real manifests: every object in the shared fixture repositories (Flux's own install
// manifests with their CRD schemas, podinfo's bases and overlays) goes through post-build substitution here and in
// Flux's Go code; the resulting objects must be identical. This exercises the go-yaml v2 re-read on real text.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { parseAllDocuments } from 'yaml';

import { substituteResource } from '../../src/engines/envsubst/index.ts';
import { FluxRef } from '../kstatus/fluxref.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';

const FIXTURES = SHARED_FIXTURES;

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'templates' && !e.name.startsWith('.')) out.push(...(await yamlFiles(p)));
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

let ref: FluxRef;
before(async () => {
  ref = await FluxRef.start();
});
after(() => ref.close());

const VARS = { cluster_env: 'staging', namespace: 'apps', replicas: '2', PODINFO_SVC: 'podinfo:9898' };

test('substitution of every fixture object matches Flux', async () => {
  let objects = 0;
  for (const file of await yamlFiles(FIXTURES)) {
    const text = await readFile(file, 'utf8');
    if (text.includes('{{')) continue;
    for (const doc of parseAllDocuments(text)) {
      if (!('contents' in doc) || doc.errors.length > 0) continue;
      const js: unknown = doc.toJS();
      if (typeof js !== 'object' || js === null || !('kind' in js) || !('metadata' in js)) continue;
      const kind = typeof js.kind === 'string' ? js.kind : '?';
      const canonical = await ref.ask({ op: 'varsub', input: doc.toString(), vars: {}, strict: false, always: false });
      if (canonical.error !== undefined) continue;
      const input = canonical.output ?? '';
      for (const strict of [false, true]) {
        const want = await ref.ask({ op: 'varsub', input, vars: VARS, strict, always: true });
        let got: { json?: unknown; error?: string };
        try {
          got = { json: substituteResource(input, new Map(Object.entries(VARS)), { strict, always: true }).object };
        } catch (err) {
          got = { error: (err as Error).message.replace(/^post build failed for '[^']*': /, '') };
        }
        const label: string = `${file} ${kind} strict=${strict}`;
        assert.deepEqual(got, want.error === undefined ? { json: want.json } : { error: want.error }, label);
      }
      objects++;
    }
  }
  assert.ok(objects > 60, `only ${objects} objects compared`);
});
