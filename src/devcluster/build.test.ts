import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { coldBuildNotice, ensureControlPlaneBinaries, stagingReplaces, versionLdflags } from './build.ts';
import { GoBuildError } from './go-build.ts';
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

test('the cold-build notice says what is built, where, how long and why', () => {
  const both = coldBuildNotice({ etcd: true, kubernetes: true }, 2);
  assert.match(both, /etcd v\d+\.\d+\.\d+ and kube-apiserver, kube-controller-manager and kubectl v1\.\d+/);
  assert.match(both, /about 15-30 minutes on 2 cores \(2 cores here\)/);
  assert.match(both, /real Kubernetes API server/);
  assert.match(both, /later runs reuse the cache/);
  const etcdOnly = coldBuildNotice({ etcd: true, kubernetes: false }, 8);
  assert.match(etcdOnly, /building etcd v[\d.]+ from/);
  assert.doesNotMatch(etcdOnly, /kube-apiserver|15-30/);
  assert.match(etcdOnly, /a few minutes \(8 cores here, so likely less\)/);
});

test('a cold cache prints the notice before any build step starts', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'fluxts-cold-cache-'));
  const saved = { path: process.env['PATH'], cache: process.env['FLUXTS_CACHE_DIR'] };
  // No Go on PATH: the build stops at its first step, so the test shows the order without building anything.
  process.env['PATH'] = '/nonexistent';
  process.env['FLUXTS_CACHE_DIR'] = cache;
  const lines: string[] = [];
  try {
    await assert.rejects(
      ensureControlPlaneBinaries((line) => lines.push(line)),
      (err: unknown) => err instanceof GoBuildError && /Go toolchain not found/.test(err.message),
    );
  } finally {
    process.env['PATH'] = saved.path;
    if (saved.cache === undefined) delete process.env['FLUXTS_CACHE_DIR'];
    else process.env['FLUXTS_CACHE_DIR'] = saved.cache;
    await rm(cache, { recursive: true, force: true });
  }
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0] ?? '', /^first run on this machine: building etcd .* into .*fluxts-cold-cache-.*15-30 minutes/);
});
