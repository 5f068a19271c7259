// The committed kustomize merge table (src/engines/kustomize/merge/tables/) is exactly what scripts/gen-merge-keys.ts
// makes of the OpenAPI schema the reference kustomize embeds (through its kyaml module).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import kustomizeTable from '../../src/engines/kustomize/merge/tables/kustomize-v1.21.2.json' with { type: 'json' };
import { kustomizeBinary } from './reference.ts';

const REPO = join(import.meta.dirname, '../..');

describe('the committed kustomize table', () => {
  test('is what scripts/gen-merge-keys.ts makes of the schema embedded in the reference kustomize', async () => {
    const bin = await kustomizeBinary();
    const modules = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8' });
    const kyaml = /sigs\.k8s\.io\/kustomize\/kyaml\s+(v\S+)/.exec(modules)?.[1];
    assert.ok(kyaml, 'the reference kustomize names its kyaml version');
    const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    const data = join(cache, 'sigs.k8s.io', 'kustomize', `kyaml@${kyaml}`, 'openapi', 'kubernetesapi', 'data');
    const bundle = readdirSync(data).find((f) => f.endsWith('.json.gz'));
    assert.ok(bundle, `kyaml ${kyaml} ships its OpenAPI bundle in ${data}`);
    // The script regenerates the committed file byte for byte.
    const out = join(mkdtempSync(join(tmpdir(), 'merge-keys-')), 'table.json');
    const script = join(REPO, 'scripts/gen-merge-keys.ts');
    const args = ['--from-file', join(data, bundle), '--source', kustomizeTable.source, '--out', out];
    execFileSync(process.execPath, [script, ...args], { stdio: 'pipe' });
    const committed = join(REPO, 'src/engines/kustomize/merge/tables/kustomize-v1.21.2.json');
    assert.equal(readFileSync(out, 'utf8'), readFileSync(committed, 'utf8'));
  });
});
