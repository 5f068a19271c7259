import assert from 'node:assert/strict';
import { test } from 'node:test';

import { stagingReplaces, versionLdflags } from './build.ts';
import { stagingVersion } from './versions.ts';

test('stagingReplaces maps every ./staging replace to the published module', () => {
  const goMod = [
    'module k8s.io/kubernetes',
    'replace (',
    '\tk8s.io/api => ./staging/src/k8s.io/api',
    '\tk8s.io/cri-streaming => ./staging/src/k8s.io/cri-streaming',
    '\tgithub.com/other/thing => github.com/other/thing v1.0.0',
    ')',
  ].join('\n');
  assert.deepEqual(stagingReplaces(goMod, 'v0.37.2'), [
    '\tk8s.io/api => k8s.io/api v0.37.2',
    '\tk8s.io/cri-streaming => k8s.io/cri-streaming v0.37.2',
  ]);
});

test('stagingVersion follows the v1.MINOR.PATCH to v0.MINOR.PATCH rule', () => {
  assert.equal(stagingVersion('v1.37.2'), 'v0.37.2');
  assert.throws(() => stagingVersion('1.37'), /unsupported Kubernetes version/);
});

test('versionLdflags stamps both version packages with major and minor', () => {
  const flags = versionLdflags('v1.37.2');
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    assert.match(flags, new RegExp(`-X ${pkg}.gitVersion=v1.37.2`));
    assert.match(flags, new RegExp(`-X ${pkg}.gitMajor=1 `));
    assert.match(flags, new RegExp(`-X ${pkg}.gitMinor=37 `));
  }
});
