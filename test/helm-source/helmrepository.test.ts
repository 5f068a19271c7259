// HelmRepository end to end on the real control plane: a Helm HTTP repository made by the real helm (packages and
// index.yaml on a static file server, with basic auth, TLS and mutual TLS variants) is fetched by the
// source-controller, stored as JSON and served; wrong credentials, missing Secrets, a broken index and an oci://
// URL fail with Flux's conditions, reasons and messages while the last good artifact stays; type oci is static.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { HelmRepository } from '../../src/api/index.ts';
import { helmRepositoryType } from '../../src/controllers/source/setup.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import { condition, events, secret, startSourceHarness, waitCondition, type SourceHarness } from './harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');

let h: SourceHarness;
let plain: TestHelmRepository;
let basic: TestHelmRepository;
let tls: TestHelmRepository;

before(async () => {
  [h, plain, basic, tls] = await Promise.all([
    startSourceHarness(),
    startHelmRepository(),
    startHelmRepository({ auth: 'basic' }),
    startHelmRepository({ mtls: true }),
  ]);
  for (const repo of [plain, basic, tls]) repo.addChart(PODINFO, '6.14.1');
});
after(async () => {
  await Promise.all([h?.stop(), plain?.stop(), basic?.stop(), tls?.stop()]);
});

async function helmRepository(ns: string, name: string, spec: Partial<HelmRepository['spec']>): Promise<void> {
  await h.client.create({
    apiVersion: helmRepositoryType.apiVersion,
    kind: 'HelmRepository',
    metadata: { name, namespace: ns },
    spec: { url: plain.url, interval: '2s', ...spec },
  });
}

const get = (ns: string, name: string): Promise<HelmRepository> =>
  h.client.get<HelmRepository>(helmRepositoryType, { namespace: ns, name });

const wait = (
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason: string,
  extra?: (o: HelmRepository) => boolean,
): Promise<HelmRepository> =>
  waitCondition<HelmRepository>(h.client, helmRepositoryType, ns, name, { status, reason }, extra);

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('HelmRepository', () => {
  test('the index becomes a stored JSON artifact, and follows new chart versions', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = await startHelmRepository();
    t.after(() => repo.stop());
    repo.addChart(PODINFO, '6.14.1');
    await helmRepository(ns, 'podinfo', { url: repo.url });
    const revision = sha256(repo.index());
    const ready = await wait(ns, 'podinfo', 'True', 'Succeeded');
    const artifact = ready.status?.artifact;
    assert.equal(artifact?.revision, revision);
    assert.equal(condition(ready, 'Ready')?.message, `stored artifact: revision '${revision}'`);
    assert.equal(condition(ready, 'ArtifactInStorage')?.status, 'True');
    assert.equal(artifact?.path, `helmrepository/${ns}/podinfo/index-${revision.slice(7)}.yaml`);
    assert.match(ready.status?.url ?? '', new RegExp(`/helmrepository/${ns}/podinfo/index\\.yaml$`, 'u'));
    const served = (await (await fetch(artifact?.url ?? '')).json()) as {
      apiVersion: string;
      entries: Record<string, { version: string; urls: string[] }[]>;
    };
    assert.equal(served.apiVersion, 'v1');
    assert.deepEqual(
      served.entries['podinfo']?.map((e) => [e.version, e.urls]),
      [['6.14.1', ['podinfo-6.14.1.tgz']]],
    );
    assert.equal((await fetch(ready.status?.url ?? '')).status, 200);
    const newArtifact = await eventually('NewArtifact event', async () =>
      (await events(h.client, ns, 'HelmRepository', 'podinfo')).find((e) => e.reason === 'NewArtifact'),
    );
    assert.match(
      newArtifact.message ?? '',
      new RegExp(`^stored fetched index of size [0-9.]+k?B from '${repo.url}'$`, 'u'),
    );

    repo.addChart(PODINFO, '6.15.0');
    const next = sha256(repo.index());
    const moved = await wait(ns, 'podinfo', 'True', 'Succeeded', (o) => o.status?.artifact?.revision === next);
    assert.notEqual(moved.status?.artifact?.digest, artifact?.digest);
  });

  test('basic auth from secretRef; a wrong password fails with Helm getter words and keeps the artifact', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await secret(h.client, ns, 'creds', { username: basic.user.username, password: basic.user.password });
    await secret(h.client, ns, 'wrong', { username: basic.user.username, password: 'nope' });
    await secret(h.client, ns, 'half', { username: basic.user.username });
    await helmRepository(ns, 'ok', { url: basic.url, secretRef: { name: 'creds' } });
    await helmRepository(ns, 'wrong', { url: basic.url, secretRef: { name: 'wrong' } });
    await helmRepository(ns, 'anonymous', { url: basic.url });
    await helmRepository(ns, 'half', { url: basic.url, secretRef: { name: 'half' } });
    await helmRepository(ns, 'missing', { url: basic.url, secretRef: { name: 'absent' } });
    const ok = await wait(ns, 'ok', 'True', 'Succeeded');
    assert.equal(ok.status?.artifact?.revision, sha256(basic.index()));

    const message = `failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch ${basic.url}index.yaml : 401 Unauthorized`;
    for (const name of ['wrong', 'anonymous']) {
      const failed = await wait(ns, name, 'False', 'Failed');
      assert.equal(condition(failed, 'Ready')?.message, message);
      assert.equal(condition(failed, 'FetchFailed')?.status, 'True');
      assert.equal(condition(failed, 'FetchFailed')?.reason, 'Failed');
      assert.equal(condition(failed, 'Reconciling')?.reason, 'ProgressingWithRetry');
      assert.equal(condition(failed, 'Stalled'), undefined);
    }
    const half = await wait(ns, 'half', 'False', 'AuthenticationFailed');
    assert.equal(
      condition(half, 'Ready')?.message,
      `failed to detect authentication methods: secret '${ns}/half': malformed basic auth - has 'username' but missing 'password'`,
    );
    const missing = await wait(ns, 'missing', 'False', 'AuthenticationFailed');
    assert.equal(
      condition(missing, 'Ready')?.message,
      `failed to get authentication secret '${ns}/absent': secrets "absent" not found`,
    );

    // Break the working one: the last good artifact stays in status and in storage.
    await h.client.patch({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns, name: 'creds' }, 'merge', {
      stringData: { password: 'rotated-away' },
    });
    const broken = await wait(ns, 'ok', 'False', 'Failed');
    assert.equal(broken.status?.artifact?.digest, ok.status?.artifact?.digest);
    assert.equal((await fetch(broken.status?.artifact?.url ?? '')).status, 200);
    // No event, condition or status carries the password.
    const all = JSON.stringify([broken, await events(h.client, ns, 'HelmRepository', 'ok')]);
    assert.ok(!all.includes(basic.user.password) && !all.includes('rotated-away'));
  });

  test('TLS: the CA from certSecretRef, a client certificate for mutual TLS; an unknown CA fails', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const pki = tls.pki!;
    await secret(h.client, ns, 'tls', { 'ca.crt': pki.ca, 'tls.crt': pki.clientCert, 'tls.key': pki.clientKey });
    await secret(h.client, ns, 'ca-only', { 'ca.crt': pki.ca });
    await secret(h.client, ns, 'half', { 'tls.crt': pki.clientCert });
    await helmRepository(ns, 'mtls', { url: tls.url, certSecretRef: { name: 'tls' } });
    await helmRepository(ns, 'no-client-cert', { url: tls.url, certSecretRef: { name: 'ca-only' } });
    await helmRepository(ns, 'unknown-ca', { url: tls.url });
    await helmRepository(ns, 'half', { url: tls.url, certSecretRef: { name: 'half' } });
    const ok = await wait(ns, 'mtls', 'True', 'Succeeded');
    assert.equal(ok.status?.artifact?.revision, sha256(tls.index()));
    const noCert = await wait(ns, 'no-client-cert', 'False', 'Failed');
    assert.equal(
      condition(noCert, 'Ready')?.message,
      `failed to fetch Helm repository index: failed to cache index to temporary file: Get "${tls.url}index.yaml": remote error: tls: certificate required`,
    );
    const unknown = await wait(ns, 'unknown-ca', 'False', 'Failed');
    assert.equal(
      condition(unknown, 'Ready')?.message,
      `failed to fetch Helm repository index: failed to cache index to temporary file: Get "${tls.url}index.yaml": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    const half = await wait(ns, 'half', 'False', 'AuthenticationFailed');
    assert.equal(
      condition(half, 'Ready')?.message,
      `failed to construct Helm client's TLS config: secret '${ns}/half' contains 'tls.crt' but missing 'tls.key'`,
    );
  });

  test('a broken index is IndexationFailed; an oci:// URL stalls; the last artifact stays', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = await startHelmRepository();
    t.after(() => repo.stop());
    repo.addChart(PODINFO, '6.14.1');
    await helmRepository(ns, 'flaky', { url: repo.url });
    const ready = await wait(ns, 'flaky', 'True', 'Succeeded');
    repo.writeIndex('apiVersion: v1\nentries:\n  podinfo: [\n');
    const broken = await wait(ns, 'flaky', 'False', 'IndexationFailed');
    assert.match(
      condition(broken, 'Ready')?.message ?? '',
      /^failed to load Helm repository from index YAML: failed to load index: error converting YAML to JSON: yaml: line \d+: /u,
    );
    assert.equal(broken.status?.artifact?.digest, ready.status?.artifact?.digest);
    repo.writeIndex('entries: {}\n');
    const noVersion = await wait(ns, 'flaky', 'False', 'IndexationFailed', (o) =>
      (condition(o, 'Ready')?.message ?? '').endsWith('no API version specified'),
    );
    assert.equal(condition(noVersion, 'FetchFailed')?.status, 'True');

    await helmRepository(ns, 'oci-url', { url: 'oci://ghcr.io/stefanprodan/charts' });
    const stalled = await wait(ns, 'oci-url', 'False', 'URLInvalid');
    assert.equal(
      condition(stalled, 'Ready')?.message,
      "invalid Helm repository URL: 'oci' URL scheme cannot be used with 'default' HelmRepository type",
    );
    assert.equal(condition(stalled, 'Stalled')?.status, 'True');
  });

  test('type oci is a static holder: no finalizer, no status, no artifact', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await helmRepository(ns, 'static', { url: 'oci://ghcr.io/stefanprodan/charts', type: 'oci' });
    // Give the controller time to act on it; it must leave it alone.
    await new Promise((r) => setTimeout(r, 1500));
    const obj = await get(ns, 'static');
    assert.deepEqual(obj.metadata.finalizers ?? [], []);
    assert.equal(obj.status?.artifact, undefined);
    assert.equal(obj.status?.conditions, undefined);
    // A repository switched from default to oci is migrated: artifacts removed, finalizer and status gone.
    await helmRepository(ns, 'switched', {});
    const ready = await wait(ns, 'switched', 'True', 'Succeeded');
    await h.client.patch(helmRepositoryType, { namespace: ns, name: 'switched' }, 'merge', {
      spec: { type: 'oci', url: 'oci://ghcr.io/stefanprodan/charts' },
    });
    await eventually('migration to static', async () => {
      const o = await get(ns, 'switched');
      return (o.metadata.finalizers ?? []).length === 0 && o.status?.conditions === undefined ? o : undefined;
    });
    assert.equal(await h.storage.exists(ready.status!.artifact!), false);
  });
});
