import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';

import type { Kustomization } from '../../../api/index.ts';
import { buildObjects } from './build.ts';
import type { Decryptor } from './decrypt.ts';
import { StepError } from '../../../runtime/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'fluxts-ks-build-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: {}, spec: {} };
const noDecryption: Decryptor = (objects) => Promise.resolve(objects);

function run(root: string, dir: string): ReturnType<typeof buildObjects> {
  return buildObjects({
    root,
    dir: join(root, dir),
    ks: ks as unknown as Kustomization,
    allowRemote: false,
    vars: undefined,
    strict: false,
    decrypt: noDecryption,
  });
}

test('a kustomization may read files elsewhere in the source, as Flux builds with LoadRestrictionsNone', async () => {
  const root = join(scratch, 'repo');
  write(root, {
    'apps/prod/kustomization.yaml': 'resources:\n- ../shared/app.yaml\npatches:\n- path: ../shared/scale.yaml\n',
    'apps/shared/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n',
    'apps/shared/scale.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n',
  });
  const objects = await run(root, 'apps/prod');
  assert.equal(objects.length, 1);
  assert.equal((objects[0]?.['spec'] as { replicas: number }).replicas, 4);
});

test('files outside the source root stay out of reach', async () => {
  const root = join(scratch, 'inner');
  write(scratch, { 'outside.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\n' });
  write(root, { 'app/kustomization.yaml': 'resources:\n- ../../outside.yaml\n' });
  await assert.rejects(run(root, 'app'), (err: unknown) => {
    assert.ok(err instanceof StepError);
    assert.match(err.message, /outside\.yaml/);
    return true;
  });
});
