import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { maskSecret } from '../commands/build-helmrelease.ts';
import { valuesReader } from './helmrelease-build.ts';
import { isSopsEncrypted, LocalManifests, loadLocalManifests } from './local-manifests.ts';

const root = mkdtempSync(join(tmpdir(), 'fluxts-local-manifests-'));
after(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('loadLocalManifests', () => {
  test('reads plain YAML files recursively and builds directories that hold a kustomization', async () => {
    write(
      'plain/a.yaml',
      '# a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: apps\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n',
    );
    write('plain/notes.txt', 'kind: ConfigMap\n');
    write('plain/.hidden/x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hidden\n');
    write('plain/sub/kustomization.yaml', 'namespace: web\nresources:\n  - cm.yaml\n');
    write('plain/sub/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: three\n');
    write('plain/sub/ignored.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-a-resource\n');
    const m = await loadLocalManifests(join(root, 'plain'));
    assert.deepEqual(
      m.objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`),
      ['apps/one', '/two', 'web/three'],
    );
    assert.equal(m.find('ConfigMap', 'apps', 'one')?.metadata.name, 'one');
    // An object without a namespace lands in the namespace asked for; one in another namespace does not match.
    assert.equal(m.find('ConfigMap', 'apps', 'two')?.metadata.namespace, 'apps');
    assert.equal(m.find('ConfigMap', 'apps', 'three'), undefined);
    assert.equal(m.find('Secret', 'apps', 'one'), undefined);
  });

  test('a kustomize error names the problem', async () => {
    write('broken/kustomization.yaml', 'resources:\n  - missing.yaml\n');
    await assert.rejects(
      loadLocalManifests(join(root, 'broken')),
      /kustomize build failed: [^]*missing\.yaml. does not exist/u,
    );
  });
});

describe('valuesReader', () => {
  const secret = (extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'apps' },
    data: { a: Buffer.from('from-data').toString('base64') },
    stringData: { b: 'from-stringData' },
    ...extra,
  });

  test('reads Secrets and ConfigMaps from the manifests as the API server would store them', async () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'apps' },
      data: { 'values.yaml': 'x: 1\n' },
      binaryData: { bin: Buffer.from([1, 2]).toString('base64') },
    };
    const read = valuesReader(new LocalManifests([secret(), cm]), undefined, false);
    const s = await read('Secret', 'apps', 's');
    assert.equal(s?.['a']?.toString(), 'from-data');
    assert.equal(s?.['b']?.toString(), 'from-stringData');
    const c = await read('ConfigMap', 'apps', 'c');
    assert.equal(c?.['values.yaml']?.toString(), 'x: 1\n');
    assert.deepEqual([...(c?.['bin'] ?? [])], [1, 2]);
    assert.equal(await read('Secret', 'apps', 'missing'), undefined);
  });

  test('a SOPS-encrypted Secret is never used as values without the cluster', async () => {
    const encrypted = secret({ sops: { mac: 'ENC[AES256_GCM,data:x]' } });
    assert.ok(isSopsEncrypted(encrypted));
    const read = valuesReader(new LocalManifests([encrypted]), undefined, false);
    await assert.rejects(read('Secret', 'apps', 's'), /SOPS-encrypted/u);
  });
});

test('maskSecret hides every Secret value and leaves other kinds alone', () => {
  const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { b: 'y' } };
  assert.deepEqual(maskSecret(s), { ...s, data: { a: '***' }, stringData: { b: '***' } });
  assert.equal(s.data.a, 'eA==');
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'x' } };
  assert.equal(maskSecret(cm), cm);
});
