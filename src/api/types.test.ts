// Compile-time checks of the inferred types: `npx tsc -p .` fails if an @ts-expect-error line stops being an error
// or a valid object stops type-checking. The runtime test only makes sure the file is loaded.
import assert from 'node:assert/strict';
import { it } from 'node:test';

import type { Condition, GitRepository, HelmRelease, Kustomization, Provider } from './index.ts';

const kustomization: Kustomization = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system' },
  spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
};

const badEnum: Kustomization = {
  ...kustomization,
  // @ts-expect-error HelmRepository is not a Kustomization source kind
  spec: { ...kustomization.spec, sourceRef: { kind: 'HelmRepository', name: 'x' } },
};

// @ts-expect-error prune is required
const missingPrune: Kustomization['spec'] = { interval: '1m', sourceRef: { kind: 'GitRepository', name: 'x' } };

const release: HelmRelease['spec'] = {
  interval: '1h',
  chartRef: { kind: 'OCIRepository', name: 'podinfo' },
  values: { replicaCount: 2, nested: { list: [1, 'a', null] } },
};

// @ts-expect-error Provider has no status
const providerStatus: Provider['status'] = { observedGeneration: 1 };

const condition: Condition = {
  type: 'Ready',
  status: 'True',
  reason: 'Succeeded',
  message: 'ok',
  lastTransitionTime: '2024-01-01T00:00:00Z',
};

// @ts-expect-error status must be True, False or Unknown
const badCondition: Condition = { ...condition, status: 'Yes' };

const repoStatus: NonNullable<GitRepository['status']> = { conditions: [condition], observedGeneration: 3 };

void it('type fixtures are well-formed at run time too', () => {
  assert.equal(kustomization.spec.prune, true);
  assert.ok([badEnum, missingPrune, release, providerStatus, badCondition, repoStatus].length === 6);
});
