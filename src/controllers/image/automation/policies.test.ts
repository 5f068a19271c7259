import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ImagePolicy, ImageUpdateAutomation } from '../../../api/index.ts';
import { StepError } from '../../../runtime/index.ts';
import { observedPoliciesChanged, selectPolicies } from './policies.ts';
import { pullRequestModeOf } from './pull-request.ts';

const policy = (name: string, labels: Record<string, string>, tag?: string): ImagePolicy =>
  ({
    metadata: { name, namespace: 'apps', labels },
    spec: { imageRepositoryRef: { name: 'r' }, policy: { semver: { range: '*' } } },
    ...(tag ? { status: { latestRef: { name: 'reg/app', tag } } } : {}),
  }) as ImagePolicy;

test('selectPolicies keeps the resolved policies the selector matches, sorted; observed records them', () => {
  const all = [policy('b', { app: 'web' }, '2.0.0'), policy('a', { app: 'web' }, '1.0.0'), policy('c', {}, '3.0.0')];
  all.push(policy('d', { app: 'web' }));
  const got = selectPolicies(all, { matchLabels: { app: 'web' } });
  assert.deepEqual(
    got.policies.map((p) => p.name),
    ['a', 'b'],
  );
  assert.deepEqual(got.observed, { a: { name: 'reg/app', tag: '1.0.0' }, b: { name: 'reg/app', tag: '2.0.0' } });
  assert.equal(selectPolicies(all, undefined).policies.length, 3);
});

test('observedPoliciesChanged: a new, gone or moved policy is a change; the same record is not', () => {
  const a = { web: { name: 'reg/app', tag: '1.0.0' } };
  assert.equal(observedPoliciesChanged(a, { web: { name: 'reg/app', tag: '1.0.0' } }), false);
  assert.equal(observedPoliciesChanged(undefined, a), true);
  assert.equal(observedPoliciesChanged(a, {}), true);
  assert.equal(observedPoliciesChanged(a, { web: { name: 'reg/app', tag: '1.0.0', digest: 'sha256:1' } }), true);
  assert.equal(observedPoliciesChanged(a, { api: { name: 'reg/app', tag: '1.0.0' } }), true);
});

test('pullRequestModeOf: off without the annotation; a mode that cannot work stalls with its reason', () => {
  const auto = (annotations: Record<string, string>) => ({ metadata: { annotations } }) as ImageUpdateAutomation;
  assert.equal(pullRequestModeOf(auto({}), 'main', 'main'), undefined);
  const on = { 'image.fluxts.io/pull-request': 'github', 'image.fluxts.io/pull-request-secret': 'gh' };
  assert.deepEqual(pullRequestModeOf(auto(on), 'main', 'flux/images'), {
    provider: 'github',
    secretName: 'gh',
    base: 'main',
    head: 'flux/images',
  });
  const refused = (annotations: Record<string, string>, checkout: string | undefined, push: string, re: RegExp) =>
    assert.throws(
      () => pullRequestModeOf(auto(annotations), checkout, push),
      (e: unknown) =>
        e instanceof StepError && e.terminal && e.reason === 'InvalidSourceConfiguration' && re.test(e.message),
    );
  for (const service of ['gitlab', 'gitea']) {
    const mode = pullRequestModeOf(auto({ ...on, 'image.fluxts.io/pull-request': service }), 'main', 'flux/images');
    assert.equal(mode?.provider, service);
  }
  const other = { ...on, 'image.fluxts.io/pull-request': 'bitbucket' };
  refused(other, 'main', 'x', /service 'bitbucket' is not supported: use one of github, gitlab, gitea/u);
  refused({ 'image.fluxts.io/pull-request': 'github' }, 'main', 'x', /must name a Secret/u);
  refused(on, 'main', 'main', /other than the checkout branch 'main'/u);
  refused(on, undefined, 'x', /checkout ref must be a branch/u);
});
