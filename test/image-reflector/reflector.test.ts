// image-reflector-controller end to end on the real control plane with a real registry (CNCF distribution, basic
// auth): ImageRepositories scan all tags (paged), drop excluded ones, report Flux's status and conditions, keep
// their tags across a restart; ImagePolicies pick by semver, alphabetical, numerical and filterTags with extract,
// reflect digests, follow new tags, and fail or stall with Flux's reasons.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { ImagePolicy, ImageRepository } from '../../src/api/index.ts';
import { imagePolicyType, imageRepositoryType } from '../../src/controllers/image/index.ts';
import { tagsChecksum } from '../../src/controllers/image/tagstore.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { startImageHarness, type ImageHarness } from './harness.ts';

let h: ImageHarness;
before(async () => {
  h = await startImageHarness();
});
after(async () => {
  await h?.stop();
});

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
const cond = (o: { status?: { conditions?: unknown } }, type: string): Condition | undefined =>
  (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

async function repository(ns: string, name: string, image: string, spec: Partial<ImageRepository['spec']> = {}) {
  await h.client.create({
    apiVersion: imageRepositoryType.apiVersion,
    kind: 'ImageRepository',
    metadata: { name, namespace: ns },
    spec: { image: `${h.registry.host}/${image}`, interval: '1h', secretRef: { name: 'creds' }, ...spec },
  });
}
async function policy(ns: string, name: string, spec: Partial<ImagePolicy['spec']>) {
  await h.client.create({
    apiVersion: imagePolicyType.apiVersion,
    kind: 'ImagePolicy',
    metadata: { name, namespace: ns },
    spec: { imageRepositoryRef: { name: 'repo' }, policy: { semver: { range: '*' } }, ...spec },
  });
}
const getRepo = (ns: string, name: string) =>
  h.client.get<ImageRepository>(imageRepositoryType, { namespace: ns, name });
const getPolicy = (ns: string, name: string) => h.client.get<ImagePolicy>(imagePolicyType, { namespace: ns, name });

function waitFor<T extends { status?: { conditions?: unknown } }>(
  get: () => Promise<T>,
  status: string,
  reason: string,
  extra: (o: T) => boolean = () => true,
): Promise<T> {
  return eventually(
    `Ready=${status} ${reason}`,
    async () => {
      const o = await get();
      const ready = cond(o, 'Ready');
      assert.equal(ready?.status, status, JSON.stringify(o.status));
      assert.equal(ready?.reason, reason, JSON.stringify(o.status));
      assert.ok(extra(o), JSON.stringify(o.status));
      return o;
    },
    { timeoutMs: 60_000 },
  );
}

describe('ImageRepository', () => {
  test('scans every tag, excludes .sig tags by default, keeps them across a restart', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await h.credentials(ns, 'creds');
    const tags = Array.from({ length: 120 }, (_, i) => `1.0.${i}`);
    await h.pushTags(`${ns}/app`, [...tags, 'sha256-abc.sig', 'latest']);
    await repository(ns, 'repo', `${ns}/app`);
    const repo = await waitFor(
      () => getRepo(ns, 'repo'),
      'True',
      'Succeeded',
      (o) => o.status?.lastScanResult !== undefined,
    );
    const sorted = [...tags, 'latest'].sort().reverse();
    assert.equal(repo.status?.lastScanResult?.tagCount, 121);
    assert.deepEqual(repo.status?.lastScanResult?.latestTags, sorted.slice(0, 10));
    assert.equal(repo.status?.lastScanResult?.revision, tagsChecksum(sorted));
    assert.equal(repo.status?.canonicalImageName, `${h.registry.host}/${ns}/app`);
    assert.deepEqual(repo.status?.observedExclusionList, ['^.*\\.sig$']);
    assert.equal(cond(repo, 'Ready')?.message, `successful scan: found 121 tags with checksum ${tagsChecksum(sorted)}`);
    assert.ok(readdirSync(join(h.storageDir, 'imagerepository', ns, 'repo')).length > 0);

    // A restart does not rescan (the interval is an hour): the stored tags serve a new policy at once.
    const scanTime = repo.status?.lastScanResult?.scanTime;
    await h.restart();
    await policy(ns, 'after-restart', { policy: { semver: { range: '1.0.x' } } });
    const p = await waitFor(() => getPolicy(ns, 'after-restart'), 'True', 'Succeeded');
    assert.equal(p.status?.latestRef?.tag, '1.0.119');
    assert.equal((await getRepo(ns, 'repo')).status?.lastScanResult?.scanTime, scanTime);
  });

  test('wrong credentials, an image with a tag or scheme, an unsupported provider', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await h.credentials(ns, 'creds', 'wrong-password');
    await h.pushTags(`${ns}/app`, ['1.0.0']);
    await repository(ns, 'repo', `${ns}/app`);
    const failed = await waitFor(() => getRepo(ns, 'repo'), 'False', 'ReadOperationFailed');
    assert.match(cond(failed, 'Ready')?.message ?? '', /^scan failed: /u);
    assert.doesNotMatch(JSON.stringify(failed.status), /wrong-password/u);

    await repository(ns, 'tagged', `${ns}/app:1.0.0`);
    const tagged = await waitFor(() => getRepo(ns, 'tagged'), 'False', 'ImageURLInvalid');
    assert.equal(cond(tagged, 'Stalled')?.status, 'True');
    assert.equal(cond(tagged, 'Ready')?.message, ".spec.image value should not contain a tag; remove ':1.0.0'");
    await h.client.create({
      apiVersion: imageRepositoryType.apiVersion,
      kind: 'ImageRepository',
      metadata: { name: 'scheme', namespace: ns },
      spec: { image: `https://${h.registry.host}/${ns}/app`, interval: '1h' },
    });
    const scheme = await waitFor(() => getRepo(ns, 'scheme'), 'False', 'ImageURLInvalid');
    await repository(ns, 'aws', `${ns}/app`, { provider: 'aws' });
    const aws = await waitFor(() => getRepo(ns, 'aws'), 'False', 'FeatureGateDisabled');
    assert.equal(cond(aws, 'Stalled')?.status, 'True');
    assert.match(cond(aws, 'Ready')?.message ?? '', /^provider 'aws' is not supported/u);
    assert.equal(
      cond(scheme, 'Ready')?.message,
      ".spec.image value should not start with URL scheme; remove 'https://'",
    );
  });
});

describe('ImagePolicy', () => {
  test('semver, alphabetical, numerical and filterTags with extract over the same repository', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await h.credentials(ns, 'creds');
    await h.pushTags(`${ns}/app`, [
      '1.0.0',
      '1.2.3',
      'v1.10.0',
      '2.0.0-rc.1',
      'main-abc123-1700000100',
      'main-def456-1700000900',
      'pr-7-1800000000',
      'RELEASE.2024-01-02',
      'RELEASE.2024-03-04',
    ]);
    await repository(ns, 'repo', `${ns}/app`, { exclusionList: ['^pr-'] });
    await waitFor(() => getRepo(ns, 'repo'), 'True', 'Succeeded');
    const cases: [string, Partial<ImagePolicy['spec']>, string][] = [
      ['semver', { policy: { semver: { range: '>=1.0.0' } } }, 'v1.10.0'],
      ['semver-pre', { policy: { semver: { range: '>=2.0.0-0' } } }, '2.0.0-rc.1'],
      [
        'alpha',
        { policy: { alphabetical: { order: 'asc' } }, filterTags: { pattern: '^RELEASE\\.' } },
        'RELEASE.2024-03-04',
      ],
      [
        'alpha-desc',
        { policy: { alphabetical: { order: 'desc' } }, filterTags: { pattern: '^RELEASE\\.' } },
        'RELEASE.2024-01-02',
      ],
      [
        'numeric',
        {
          policy: { numerical: { order: 'asc' } },
          filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' },
        },
        'main-def456-1700000900',
      ],
    ];
    for (const [name, spec] of cases) await policy(ns, name, spec);
    for (const [name, , tag] of cases) {
      const p = await waitFor(() => getPolicy(ns, name), 'True', 'Succeeded');
      assert.deepEqual(p.status?.latestRef, { name: `${h.registry.host}/${ns}/app`, tag }, name);
      assert.equal(cond(p, 'Ready')?.message, `Latest image tag for ${h.registry.host}/${ns}/app resolved to ${tag}`);
    }
  });

  test('digests, a new tag moves latestRef and records observedPreviousRef', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await h.credentials(ns, 'creds');
    const first = await h.pushTags(`${ns}/app`, ['1.0.0']);
    await repository(ns, 'repo', `${ns}/app`);
    await policy(ns, 'pinned', { digestReflectionPolicy: 'IfNotPresent' });
    const p1 = await waitFor(() => getPolicy(ns, 'pinned'), 'True', 'Succeeded');
    assert.equal(p1.status?.latestRef?.digest, first['1.0.0']);

    const second = await h.pushTags(`${ns}/app`, ['1.1.0']);
    // A reconcile request rescans at once (the interval is an hour).
    const repo = await getRepo(ns, 'repo');
    await h.client.patch(imageRepositoryType, { namespace: ns, name: 'repo' }, 'merge', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `${Date.now()}` } },
    });
    const p2 = await waitFor(
      () => getPolicy(ns, 'pinned'),
      'True',
      'Succeeded',
      (o) => o.status?.latestRef?.tag === '1.1.0',
    );
    assert.equal(p2.status?.latestRef?.digest, second['1.1.0']);
    assert.deepEqual(p2.status?.observedPreviousRef, {
      name: `${h.registry.host}/${ns}/app`,
      tag: '1.0.0',
      digest: first['1.0.0'],
    });
    assert.match(cond(p2, 'Ready')?.message ?? '', /\(previously .*:1\.0\.0@sha256:/u);
    assert.notEqual(
      repo.status?.lastScanResult?.revision,
      (await getRepo(ns, 'repo')).status?.lastScanResult?.revision,
    );
  });

  test('invalid policies stall; no match and a missing repository fail', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await h.credentials(ns, 'creds');
    await h.pushTags(`${ns}/app`, ['1.0.0', 'latest']);
    await repository(ns, 'repo', `${ns}/app`);
    await waitFor(() => getRepo(ns, 'repo'), 'True', 'Succeeded');
    await policy(ns, 'bad-range', { policy: { semver: { range: 'not a range' } } });
    await policy(ns, 'bad-regex', { policy: { alphabetical: {} }, filterTags: { pattern: '(' } });
    await policy(ns, 'no-match', { policy: { semver: { range: '>=5.0.0' } } });
    await policy(ns, 'not-numeric', { policy: { numerical: {} } });
    await policy(ns, 'missing', { imageRepositoryRef: { name: 'nope' } });
    const badRange = await waitFor(() => getPolicy(ns, 'bad-range'), 'False', 'InvalidPolicy');
    assert.equal(cond(badRange, 'Stalled')?.status, 'True');
    assert.match(cond(badRange, 'Ready')?.message ?? '', /^invalid policy: improper constraint/u);
    const badRegex = await waitFor(() => getPolicy(ns, 'bad-regex'), 'False', 'InvalidPolicy');
    assert.equal(
      cond(badRegex, 'Ready')?.message,
      "failed to filter tags: invalid regular expression pattern '(': error parsing regexp: missing closing ): `(`",
    );
    const noMatch = await waitFor(() => getPolicy(ns, 'no-match'), 'False', 'Failed');
    assert.equal(cond(noMatch, 'Ready')?.message, 'unable to determine latest version from provided list');
    const notNumeric = await waitFor(() => getPolicy(ns, 'not-numeric'), 'False', 'Failed');
    assert.equal(cond(notNumeric, 'Ready')?.message, "failed to parse invalid numeric value 'latest'");
    const missing = await waitFor(() => getPolicy(ns, 'missing'), 'False', 'DependencyNotReady');
    assert.match(cond(missing, 'Ready')?.message ?? '', /^failed to get the referred ImageRepository: /u);
  });
});
