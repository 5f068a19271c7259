import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  GitRepositoryKind,
  HelmChartKind,
  HelmReleaseKind,
  ImagePolicyKind,
  ImageRepositoryKind,
  ImageUpdateAutomationKind,
  ReceiverKind,
  UnknownKindError,
  withDefaults,
  type GitRepository,
  type HelmRelease,
} from './index.ts';

const meta = { name: 'x', namespace: 'ns' };

// Expected values are Flux's documented CRD defaults (spec docs of each controller).
void describe('withDefaults', () => {
  void it('fills GitRepository timeout and verify.mode, not absent objects', () => {
    const repo: GitRepository = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: meta,
      spec: { url: 'https://example.com/repo', interval: '1m' },
    };
    const got = withDefaults(GitRepositoryKind, repo);
    assert.equal(got.spec.timeout, '60s');
    assert.equal(got.spec.verify, undefined);
    assert.equal(got.spec.ref, undefined);
    assert.equal(repo.spec.timeout, undefined, 'input untouched');
    const verified = withDefaults(GitRepositoryKind, {
      ...repo,
      spec: { ...repo.spec, timeout: '5s', verify: { secretRef: { name: 'keys' } } },
    });
    assert.equal(verified.spec.verify?.mode, 'HEAD');
    assert.equal(verified.spec.timeout, '5s');
  });

  void it('fills HelmRelease chart template defaults', () => {
    const hr: HelmRelease = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: meta,
      spec: {
        interval: '5m',
        chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
        uninstall: {},
      },
    };
    const got = withDefaults(HelmReleaseKind, hr);
    assert.equal(got.spec.chart?.spec.version, '*');
    assert.equal(got.spec.chart?.spec.reconcileStrategy, 'ChartVersion');
    assert.equal(got.spec.uninstall?.deletionPropagation, 'background');
  });

  void it('fills source, image and notification defaults', () => {
    const chart = withDefaults(HelmChartKind, {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata: meta,
      spec: { chart: 'c', interval: '1m', sourceRef: { kind: 'HelmRepository', name: 'r' } },
    });
    assert.equal(chart.spec.version, '*');
    assert.equal(chart.spec.reconcileStrategy, 'ChartVersion');

    const repo = withDefaults(ImageRepositoryKind, {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageRepository',
      metadata: meta,
      spec: { image: 'ghcr.io/org/app', interval: '1h' },
    });
    assert.deepEqual(repo.spec.exclusionList, ['^.*\\.sig$']);
    assert.equal(repo.spec.provider, 'generic');

    const policy = withDefaults(ImagePolicyKind, {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImagePolicy',
      metadata: meta,
      spec: { imageRepositoryRef: { name: 'app' }, policy: { alphabetical: {} } },
    });
    assert.equal(policy.spec.digestReflectionPolicy, 'Never');
    assert.equal(policy.spec.policy.alphabetical?.order, 'asc');

    const iua = withDefaults(ImageUpdateAutomationKind, {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageUpdateAutomation',
      metadata: meta,
      spec: { sourceRef: { kind: 'GitRepository', name: 'repo' }, interval: '30m' },
    });
    assert.deepEqual(iua.spec.update, { strategy: 'Setters' });

    const receiver = withDefaults(ReceiverKind, {
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata: meta,
      spec: { type: 'github', resources: [{ kind: 'GitRepository', name: 'repo' }], secretRef: { name: 's' } },
    });
    assert.equal(receiver.spec.interval, '10m');
  });

  void it('looks the kind up from apiVersion and kind, and rejects unknown kinds', () => {
    const got = withDefaults({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: meta,
      spec: { url: 'oci://ghcr.io/org/app', interval: '1m' },
    });
    assert.deepEqual(got.spec, { url: 'oci://ghcr.io/org/app', interval: '1m', provider: 'generic', timeout: '60s' });
    assert.throws(
      () => withDefaults({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: {} }),
      UnknownKindError,
    );
  });
});
