// Secret stringData before apply: a decrypted sops Secret keeps the YAML types of its values (an unquoted `port:
// 5432` is a number), and Flux's normalisation (fluxcd/pkg ssa/normalize) only moves stringData into data when the
// Secret converts to its typed form, i.e. when every value is a string. Otherwise the object goes to the apiserver
// as it is, and the apiserver refuses it. Checked against the real apiserver: what it stores for string values
// equals our normalised data, and it rejects the non-string values we leave alone.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import { normalizeObject } from '../../src/kube/ssa/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';

const secret = (ns: string, name: string, stringData: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: ns },
  data: { kept: Buffer.from('k').toString('base64') },
  stringData,
});

describe('normalizeObject: Secret stringData', () => {
  test('string values (and null, read as empty) move into data as base64', () => {
    const out = normalizeObject(secret('ns', 's', { a: 'x', b: null }));
    assert.deepEqual(out['data'], { kept: 'aw==', a: 'eA==', b: '' });
    assert.equal(out['stringData'], undefined);
  });

  for (const [what, value] of [
    ['a number', 5432],
    ['a boolean', true],
    ['a map', { nested: 'x' }],
    ['a list', ['x']],
  ] as const) {
    test(`${what} is left in stringData, never stringified`, () => {
      const input = secret('ns', 's', { a: 'x', bad: value });
      const out = normalizeObject(input);
      assert.deepEqual(out['stringData'], input['stringData']);
      assert.deepEqual(out['data'], input['data']);
    });
  }
});

describe('the apiserver agrees', () => {
  let cluster: TestCluster;
  let client: KubeClient;
  before(async () => {
    cluster = await useCluster();
    client = new KubeClient(cluster.kubeConfig);
  });

  test('stores string stringData as our normalised data', async (t) => {
    const ns = await useNamespace(t, cluster);
    const input = secret(ns, 'ok', { a: 'x', b: null });
    await client.apply(input, { fieldManager: 'test', force: true });
    const stored = await client.get<KubeObject>({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns, name: 'ok' });
    assert.deepEqual(stored['data'], normalizeObject(input)['data']);
  });

  for (const [what, value] of [
    ['a number', 5432],
    ['a map', { nested: 'x' }],
  ] as const) {
    test(`rejects stringData holding ${what}, which normalizeObject leaves for it to reject`, async (t) => {
      const ns = await useNamespace(t, cluster);
      const out = normalizeObject(secret(ns, 'bad', { bad: value }));
      await assert.rejects(client.apply(out, { fieldManager: 'test', force: true, dryRun: true }), (err: Error) => {
        assert.match(err.message, /stringData/);
        return true;
      });
    });
  }
});
