import assert from 'node:assert/strict';
import { test } from 'node:test';

import { hasDrifted } from './diff.ts';
import { ignoredPaths, ignorePayload, otherApplyOwner, selects } from './ignore.ts';
import { getPointer, parsePointer, removePointer, setPointer } from './json-pointer.ts';
import type { KubeObject } from '../client/index.ts';

void test('parsePointer decodes RFC 6901 escapes, ~1 before ~0', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/'), ['']);
  assert.deepEqual(parsePointer('/metadata/annotations/example.com~1a'), ['metadata', 'annotations', 'example.com/a']);
  assert.deepEqual(parsePointer('/a~01'), ['a~1']);
  assert.throws(() => parsePointer('spec/replicas'), /must be empty or start with "\/"/);
});

void test('get, set and remove walk maps and array indices; missing paths are no-ops', () => {
  const doc = { spec: { list: [{ a: 1 }, { a: 2 }] } };
  assert.deepEqual(getPointer(doc, ['spec', 'list', '1', 'a']), { found: true, value: 2 });
  assert.equal(getPointer(doc, ['spec', 'list', '2']).found, false);
  assert.equal(getPointer(doc, ['spec', 'list', '01']).found, false, 'leading zeros name no element');
  removePointer(doc, ['spec', 'missing', 'x']);
  removePointer(doc, ['spec', 'list', '0']);
  assert.deepEqual(doc, { spec: { list: [{ a: 2 }] } });
  assert.equal(setPointer(doc, ['spec', 'new', 'deep'], 3), true);
  assert.equal(setPointer(doc, ['spec', 'list', '5'], 3), false, 'an element cannot be created');
  assert.deepEqual(doc, { spec: { list: [{ a: 2 }], new: { deep: 3 } } });
});

const deploy = (meta: Partial<KubeObject['metadata']> = {}, replicas = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps', labels: { tier: 'front' }, annotations: { team: 'a' }, ...meta },
  spec: { replicas, selector: { matchLabels: { app: 'web' } } },
});

void test('targets are anchored regexes on group, version, kind, name, namespace plus label and annotation selectors', () => {
  const obj = deploy();
  assert.equal(selects(undefined, obj), true);
  assert.equal(selects({ kind: 'Deployment', group: 'apps', version: 'v1' }, obj), true);
  assert.equal(selects({ kind: 'Deploy' }, obj), false, 'anchored: a prefix does not match');
  assert.equal(selects({ name: 'w.*', namespace: 'apps|other' }, obj), true);
  assert.equal(selects({ group: '' }, obj), true, 'an empty pattern selects all');
  assert.equal(selects({ labelSelector: 'tier in (front,back)' }, obj), true);
  assert.equal(selects({ labelSelector: 'tier=back' }, obj), false);
  assert.equal(selects({ annotationSelector: 'team=a' }, obj), true);
  assert.equal(selects({ kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), true);
  assert.deepEqual(
    ignoredPaths(
      [
        { paths: ['/spec/replicas'], target: { kind: 'Deployment' } },
        { paths: ['/data'], target: { kind: 'ConfigMap' } },
        { paths: ['/spec/replicas', '/metadata/annotations/team'] },
      ],
      obj,
    ),
    [
      ['spec', 'replicas'],
      ['metadata', 'annotations', 'team'],
    ],
  );
});

void test('hasDrifted leaves ignored paths out, including labels and annotations', () => {
  const live = deploy({ resourceVersion: '1' }, 5);
  const dryRun = deploy({ resourceVersion: '1', annotations: { team: 'b' } }, 2);
  assert.equal(hasDrifted(live, dryRun), true);
  assert.equal(hasDrifted(live, dryRun, [['spec', 'replicas']]), true);
  assert.equal(
    hasDrifted(live, dryRun, [
      ['spec', 'replicas'],
      ['metadata', 'annotations', 'team'],
    ]),
    false,
  );
  assert.equal(hasDrifted(live, dryRun, [[]]), false, 'the whole-document pointer ignores everything');
  assert.equal(hasDrifted(undefined, dryRun, [[]]), true, 'a missing object is always created');
});

const managed = (manager: string, operation: string, fieldsV1: Record<string, unknown>, subresource?: string) => ({
  manager,
  operation,
  fieldsV1,
  ...(subresource ? { subresource } : {}),
});

void test('another Apply owner of an ignored path strips it from the payload', () => {
  const live = deploy(
    {
      resourceVersion: '1',
      managedFields: [
        managed('kustomize-controller', 'Apply', { 'f:spec': { 'f:selector': {} } }),
        managed('vpa', 'Apply', { 'f:spec': { 'f:replicas': {} } }),
      ],
    },
    5,
  );
  assert.equal(otherApplyOwner(live, ['spec', 'replicas'], 'kustomize-controller'), true);
  assert.equal(otherApplyOwner(live, ['spec', 'selector'], 'kustomize-controller'), false);
  const desired = deploy({}, 2);
  const out = ignorePayload(
    desired,
    live,
    deploy({ resourceVersion: '1' }, 2),
    [['spec', 'replicas']],
    'kustomize-controller',
  );
  assert.equal(getPointer(out, ['spec', 'replicas']).found, false);
  assert.equal(getPointer(desired, ['spec', 'replicas']).value, 2, 'the desired object is not modified');
});

void test('without another Apply owner the live value is adopted; Update managers and subresources do not count', () => {
  const live = deploy(
    {
      resourceVersion: '1',
      managedFields: [
        managed('kustomize-controller', 'Apply', { 'f:spec': { 'f:replicas': {}, 'f:selector': {} } }),
        managed('kubectl', 'Update', { 'f:spec': { 'f:replicas': {} } }, 'scale'),
        managed('hpa', 'Update', { 'f:spec': { 'f:replicas': {} } }),
      ],
    },
    5,
  );
  const out = ignorePayload(
    deploy({}, 2),
    live,
    deploy({ resourceVersion: '1' }, 2),
    [['spec', 'replicas']],
    'kustomize-controller',
  );
  assert.equal(getPointer(out, ['spec', 'replicas']).value, 5);
});

void test('paths the apply would not change, missing live paths and the whole-document pointer', () => {
  const live = deploy({ resourceVersion: '1', managedFields: [] }, 2);
  const desired = deploy({}, 2);
  assert.equal(
    ignorePayload(
      desired,
      live,
      deploy({ resourceVersion: '1' }, 2),
      [['spec', 'replicas'], []],
      'kustomize-controller',
    ),
    desired,
    'unchanged values stay in the payload (an immutable selector must be sent)',
  );
  const withExtra: KubeObject = { ...desired, spec: { ...(desired.spec as object), paused: true } };
  const out = ignorePayload(withExtra, live, withExtra, [['spec', 'paused']], 'kustomize-controller');
  assert.deepEqual(out, withExtra, 'a value absent from the live object keeps the desired value');
});

void test('an owned list element counts for a pointer into the list', () => {
  const live: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      managedFields: [
        managed('sidecar-injector', 'Apply', {
          'f:spec': { 'f:containers': { 'k:{"name":"proxy"}': { '.': {}, 'f:image': {} } } },
        }),
      ],
    },
    spec: {
      containers: [
        { name: 'app', image: 'a' },
        { name: 'proxy', image: 'p' },
      ],
    },
  };
  assert.equal(otherApplyOwner(live, ['spec', 'containers', '1', 'image'], 'kustomize-controller'), true);
  assert.equal(otherApplyOwner(live, ['spec', 'containers', '1', 'name'], 'kustomize-controller'), false);
});
