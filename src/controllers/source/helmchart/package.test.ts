import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadFiles } from '../../../engines/helm/index.ts';
import { BuildError } from './build.ts';
import { missingDependencies } from './dependencies.ts';
import { versionMetadataFor } from './local.ts';
import { overwriteDefaultValues, setVersionMetadata } from './package.ts';

const file = (name: string, text: string) => ({ name, data: Buffer.from(text) });

test('versionMetadataFor: 12 hex digits of a Git or Bucket revision, then the generation for values files', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  assert.equal(versionMetadataFor('GitRepository', 'Revision', `main@sha1:${sha}`, 3, false), '0123456789ab');
  assert.equal(versionMetadataFor('GitRepository', 'Revision', `main@sha1:${sha}`, 3, true), '0123456789ab.3');
  assert.equal(versionMetadataFor('Bucket', 'Revision', `sha256:${sha}${sha.slice(0, 24)}`, 1, false), '0123456789ab');
  assert.equal(versionMetadataFor('GitRepository', 'ChartVersion', `main@sha1:${sha}`, 2, true), '2');
  assert.equal(versionMetadataFor('GitRepository', undefined, `main@sha1:${sha}`, 2, false), '');
});

test('setVersionMetadata replaces build metadata and refuses what Masterminds refuses', () => {
  assert.equal(setVersionMetadata('1.2.3', 'abc.4'), '1.2.3+abc.4');
  assert.equal(setVersionMetadata('v1.2.3-rc.1+old', 'new'), '1.2.3-rc.1+new');
  assert.throws(
    () => setVersionMetadata('not-a-version', 'x'),
    (e: unknown) => e instanceof BuildError,
  );
  assert.throws(() => setVersionMetadata('1.2.3', 'a..b'), /invalid metadata string/u);
});

test('overwriteDefaultValues: replaced bytes, unchanged when equal, refused without values.yaml', () => {
  const chart = loadFiles([
    file('Chart.yaml', 'apiVersion: v2\nname: a\nversion: 1.0.0\n'),
    file('values.yaml', 'a: 1\n'),
  ]);
  assert.equal(overwriteDefaultValues(chart, new Map([['a', 1]])), false);
  assert.equal(overwriteDefaultValues(chart, new Map([['b', 'x']])), true);
  assert.equal(Buffer.from(chart.raw.find((f) => f.name === 'values.yaml')!.data).toString(), 'b: x\n');
  const bare = loadFiles([file('Chart.yaml', 'apiVersion: v2\nname: a\nversion: 1.0.0\n')]);
  assert.throws(() => overwriteDefaultValues(bare, new Map()), /failed to locate values file: values.yaml/u);
});

test('missingDependencies: the lock wins, present charts (by name) are not missing, keyed by alias', () => {
  const chart = loadFiles([
    file(
      'Chart.yaml',
      'apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- {name: x, version: 1.x, repository: "file://x"}\n- {name: y, alias: why, version: 1.x, repository: "https://e.com"}\n',
    ),
    file('charts/x/Chart.yaml', 'apiVersion: v2\nname: x\nversion: 1.0.0\n'),
  ]);
  assert.deepEqual([...missingDependencies(chart).keys()], ['why']);
});
