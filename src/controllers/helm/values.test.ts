import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { toJs, type ValueMap } from '../../engines/helm/index.ts';
import { composeValues, type ValuesObject, type ValuesReader } from './values.ts';

const objects: Record<string, ValuesObject> = {
  'ConfigMap/apps/base': { 'values.yaml': Buffer.from('replicaCount: 1\nui:\n  color: red\n  message: base\n') },
  'Secret/apps/creds': {
    'values.yaml': Buffer.from('auth:\n  password: s3cret\n'),
    token: Buffer.from('1234'),
    quoted: Buffer.from('"00042"'),
    bad: Buffer.from('a: [\n'),
  },
  'ConfigMap/apps/override': { 'prod.yaml': Buffer.from('replicaCount: 3\nui:\n  message: prod\n') },
};

const read: ValuesReader = (kind, namespace, name) => Promise.resolve(objects[`${kind}/${namespace}/${name}`]);
const js = (v: ValueMap): unknown => toJs(v);

describe('composeValues', () => {
  test('references merge in order, targetPath sets a value as --set does, inline values win', async () => {
    const inline: ValueMap = new Map([['ui', new Map([['color', 'blue']])]]);
    const values = await composeValues(
      'apps',
      [
        { kind: 'ConfigMap', name: 'base' },
        { kind: 'Secret', name: 'creds' },
        { kind: 'ConfigMap', name: 'override', valuesKey: 'prod.yaml' },
        { kind: 'Secret', name: 'creds', valuesKey: 'token', targetPath: 'auth.token' },
        { kind: 'Secret', name: 'creds', valuesKey: 'quoted', targetPath: 'auth.id' },
        { kind: 'Secret', name: 'creds', valuesKey: 'token', targetPath: 'auth.raw', literal: true },
      ],
      inline,
      read,
    );
    assert.deepEqual(js(values), {
      replicaCount: 3,
      ui: { color: 'blue', message: 'prod' },
      // --set types integers as int64.
      auth: { password: 's3cret', token: 1234n, id: '00042', raw: '1234' },
    });
  });

  test('missing objects and keys fail unless optional, in Flux words', async () => {
    const logged: string[] = [];
    const values = await composeValues(
      'apps',
      [
        { kind: 'Secret', name: 'absent', optional: true },
        { kind: 'ConfigMap', name: 'base', valuesKey: 'nope.yaml', optional: true },
        { kind: 'ConfigMap', name: 'base' },
      ],
      undefined,
      read,
      (m) => logged.push(m),
    );
    assert.equal(values.get('replicaCount'), 1);
    assert.deepEqual(logged, [
      `could not resolve optional Secret chart values reference 'apps/absent' with key 'values.yaml': secrets "absent" not found`,
      `could not resolve optional ConfigMap chart values reference 'apps/base' with key 'nope.yaml': key not found`,
    ]);
    await assert.rejects(composeValues('apps', [{ kind: 'ConfigMap', name: 'absent' }], undefined, read), {
      message: `could not resolve ConfigMap chart values reference 'apps/absent' with key 'values.yaml': configmaps "absent" not found`,
    });
    await assert.rejects(composeValues('apps', [{ kind: 'Secret', name: 'creds', valuesKey: 'x' }], undefined, read), {
      message: `could not resolve Secret chart values reference 'apps/creds' with key 'x': key not found`,
    });
    await assert.rejects(
      composeValues('apps', [{ kind: 'Secret', name: 'creds', valuesKey: 'bad' }], undefined, read),
      (err: Error) =>
        err.message.startsWith(
          `could not resolve Secret chart values reference 'apps/creds' with key 'bad': error converting YAML to JSON: yaml: line`,
        ) && !err.message.includes('s3cret'),
    );
  });
});
