// OCIRepository end to end on the real control plane: artifacts pushed to a real registry (CNCF distribution with
// basic auth) are pulled by the source-controller, stored and served, and applied by a Kustomization (Flux's OCI
// GitOps flow); tag, semver and digest refs; wrong credentials, unknown tags, a corrupted blob and hostile layers
// fail with Flux's reasons while the last good artifact stays served; symlinks are left out as Flux's untar does.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { OCIRepository } from '../../src/api/index.ts';
import { buildArtifactLayer, fetchArtifact } from '../../src/artifacts/index.ts';
import { ociRepositoryType } from '../../src/controllers/source/setup.ts';
import { dockerConfigJson, pushFluxArtifact, RegistryClient, staticKeychain } from '../../src/fetchers/oci/index.ts';
import type { KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { DEFAULT_USER, startRegistry, type TestRegistry } from '../support/oci-registry.ts';
import {
  kustomization,
  startHarness,
  waitReady,
  type Condition,
  type Harness,
} from '../kustomize-controller/harness.ts';

let h: Harness;
let reg: TestRegistry;
let pusher: RegistryClient;
const work = mkdtempSync(join(tmpdir(), 'fluxts-ocirepo-test-'));

before(async () => {
  [h, reg] = await Promise.all([startHarness(), startRegistry({ auth: 'basic' })]);
  pusher = new RegistryClient({ registry: reg.host, keychain: staticKeychain(reg.host, DEFAULT_USER) });
});
after(async () => {
  pusher?.close();
  await Promise.all([h?.stop(), reg?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

let seq = 0;
/** push packs `files` and pushes them as a Flux artifact under `repo:tag`; returns the manifest digest. */
async function push(repo: string, tag: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, `src-${++seq}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const layer = join(work, `layer-${seq}.tgz`);
  const packed = await buildArtifactLayer(dir, layer);
  return (
    await pushFluxArtifact(pusher, repo, tag, layer, packed, {
      source: 'https://example.com/repo.git',
      revision: `${tag}@sha1:${'a'.repeat(40)}`,
    })
  ).digest;
}

/** pushTarball pushes a tar.gz made by GNU tar from `args` (run in `cwd`) as the layer. */
async function pushTarball(repo: string, tag: string, cwd: string, args: string[]): Promise<void> {
  const file = join(work, `raw-${++seq}.tgz`);
  execFileSync('tar', ['-czf', file, ...args], { cwd, stdio: 'ignore' });
  const digest = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
  await pushFluxArtifact(
    pusher,
    repo,
    tag,
    file,
    { digest, size: statSync(file).size },
    { source: 'x', revision: 'y' },
  );
}

const configMap = (name: string, value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

async function secret(ns: string, name: string, password: string): Promise<void> {
  await h.client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'kubernetes.io/dockerconfigjson',
    stringData: { '.dockerconfigjson': dockerConfigJson(reg.host, DEFAULT_USER.username, password) },
  });
}

async function ocirepo(ns: string, name: string, spec: Partial<OCIRepository['spec']>): Promise<void> {
  await h.client.create({
    apiVersion: ociRepositoryType.apiVersion,
    kind: 'OCIRepository',
    metadata: { name, namespace: ns },
    spec: { url: `${reg.url}/apps/podinfo`, interval: '2s', secretRef: { name: 'creds' }, ...spec },
  });
}

const get = (ns: string, name: string): Promise<OCIRepository> =>
  h.client.get<OCIRepository>(ociRepositoryType, { namespace: ns, name });
const cond = (o: OCIRepository, type: string): Condition | undefined =>
  (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

function waitFor(
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason: string,
  extra: (o: OCIRepository) => boolean = () => true,
): Promise<OCIRepository> {
  return eventually(
    `OCIRepository ${ns}/${name} Ready=${status} (${reason})`,
    async () => {
      const o = await get(ns, name);
      const r = cond(o, 'Ready');
      return r?.status === status && r.reason === reason && extra(o) ? o : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

describe('OCIRepository', () => {
  test('a pushed artifact becomes a stored artifact a Kustomization applies, and follows the tag', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await secret(ns, 'creds', DEFAULT_USER.password);
    const d1 = await push('apps/podinfo', 'production', {
      'deploy/cm.yaml': configMap('podinfo', 'one'),
      'deploy/notes.png': 'ignored',
    });
    await ocirepo(ns, 'podinfo', { ref: { tag: 'production' } });
    const ready = await waitFor(ns, 'podinfo', 'True', 'Succeeded');
    const artifact = ready.status?.artifact;
    assert.equal(artifact?.revision, `production@${d1}`);
    assert.equal(cond(ready, 'Ready')?.message, `stored artifact for digest 'production@${d1}'`);
    assert.equal(cond(ready, 'ArtifactInStorage')?.status, 'True');
    assert.equal(artifact?.metadata?.['org.opencontainers.image.source'], 'https://example.com/repo.git');
    assert.match(ready.status?.url ?? '', /\/ocirepository\/.*\/podinfo\/latest\.tar\.gz$/u);
    assert.ok(artifact?.path.endsWith(`${d1.slice(7)}.tar.gz`));
    const fetched = await fetchArtifact(artifact?.url ?? '', artifact?.digest ?? '');
    try {
      execFileSync('test', ['-f', join(fetched.dir, 'deploy', 'cm.yaml')]);
    } finally {
      await fetched.cleanup();
    }

    await kustomization(h, ns, 'apps', {
      targetNamespace: ns,
      path: './deploy',
      sourceRef: { kind: 'OCIRepository', name: 'podinfo' },
      interval: '2s',
    });
    await waitReady(h, ns, 'apps', 'True', 'ReconciliationSucceeded', { revision: `production@${d1}` });
    const cm = await h.client.get<KubeObject & { data: Record<string, string> }>(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: ns, name: 'podinfo' },
    );
    assert.equal(cm.data['value'], 'one');

    const d2 = await push('apps/podinfo', 'production', { 'deploy/cm.yaml': configMap('podinfo', 'two') });
    await waitReady(h, ns, 'apps', 'True', 'ReconciliationSucceeded', { revision: `production@${d2}` });
    const cm2 = await h.client.get<KubeObject & { data: Record<string, string> }>(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: ns, name: 'podinfo' },
    );
    assert.equal(cm2.data['value'], 'two');
  });

  test('semver picks the highest matching tag (with semverFilter); a digest ref pins', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await secret(ns, 'creds', DEFAULT_USER.password);
    await push('apps/semver', '1.0.0', { 'cm.yaml': configMap('a', '1.0.0') });
    const d11 = await push('apps/semver', '1.1.0', { 'cm.yaml': configMap('a', '1.1.0') });
    await push('apps/semver', '2.0.0', { 'cm.yaml': configMap('a', '2.0.0') });
    const dRc = await push('apps/semver', '1.2.0-rc.1', { 'cm.yaml': configMap('a', 'rc') });
    await ocirepo(ns, 'semver', { url: `${reg.url}/apps/semver`, ref: { semver: '1.x' } });
    await ocirepo(ns, 'pre', {
      url: `${reg.url}/apps/semver`,
      ref: { semver: '>=1.2.0-0 <2.0.0', semverFilter: '.*-rc.*' },
    });
    await ocirepo(ns, 'pinned', { url: `${reg.url}/apps/semver`, ref: { digest: d11, tag: '2.0.0' } });
    await ocirepo(ns, 'nomatch', { url: `${reg.url}/apps/semver`, ref: { semver: '>=5.0.0' } });
    assert.equal((await waitFor(ns, 'semver', 'True', 'Succeeded')).status?.artifact?.revision, `1.1.0@${d11}`);
    assert.equal((await waitFor(ns, 'pre', 'True', 'Succeeded')).status?.artifact?.revision, `1.2.0-rc.1@${dRc}`);
    assert.equal((await waitFor(ns, 'pinned', 'True', 'Succeeded')).status?.artifact?.revision, d11);
    const none = await waitFor(ns, 'nomatch', 'False', 'OCIArtifactPullFailed');
    assert.equal(
      cond(none, 'Ready')?.message,
      `failed to determine the artifact tag for '${reg.url}/apps/semver': no match found for semver: >=5.0.0`,
    );
    assert.equal(cond(none, 'FetchFailed')?.status, 'True');
  });

  test('wrong credentials, an unknown tag, a bad URL and a cloud provider fail with their reasons', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await secret(ns, 'creds', DEFAULT_USER.password);
    await secret(ns, 'wrong', 'not-the-registry-password');
    await push('apps/errors', 'v1', { 'cm.yaml': configMap('e', 'x') });
    await ocirepo(ns, 'wrong', { url: `${reg.url}/apps/errors`, ref: { tag: 'v1' }, secretRef: { name: 'wrong' } });
    await ocirepo(ns, 'nosecret', {
      url: `${reg.url}/apps/errors`,
      ref: { tag: 'v1' },
      secretRef: { name: 'missing' },
    });
    await ocirepo(ns, 'unknown', { url: `${reg.url}/apps/errors`, ref: { tag: 'v404' } });
    await ocirepo(ns, 'aws', { url: `${reg.url}/apps/errors`, provider: 'aws' });
    const wrong = await waitFor(ns, 'wrong', 'False', 'AuthenticationFailed');
    assert.match(cond(wrong, 'Ready')?.message ?? '', /^failed to determine artifact digest: .*401/u);
    assert.doesNotMatch(JSON.stringify(wrong.status), /not-the-registry-password/u);
    const nosecret = await waitFor(ns, 'nosecret', 'False', 'AuthenticationFailed');
    assert.match(cond(nosecret, 'Ready')?.message ?? '', /failed to get secret '.*\/missing'/u);
    const unknown = await waitFor(ns, 'unknown', 'False', 'OCIArtifactPullFailed');
    assert.match(
      cond(unknown, 'Ready')?.message ?? '',
      /^failed to determine artifact digest: .*(MANIFEST_UNKNOWN|404)/u,
    );
    const aws = await waitFor(ns, 'aws', 'False', 'InvalidProviderConfiguration');
    assert.equal(cond(aws, 'Stalled')?.status, 'True');
  });

  test('hostile layers and corrupted blobs are refused while the last good artifact stays served', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await secret(ns, 'creds', DEFAULT_USER.password);
    const good = await push('apps/hostile', 'live', { 'cm.yaml': configMap('h', 'good') });
    await ocirepo(ns, 'hostile', { url: `${reg.url}/apps/hostile`, ref: { tag: 'live' } });
    const first = await waitFor(ns, 'hostile', 'True', 'Succeeded');
    let kept = first.status?.artifact;
    assert.equal(kept?.revision, `live@${good}`);

    const evil = mkdtempSync(join(work, 'evil-'));
    mkdirSync(join(evil, 'inner'));
    writeFileSync(join(evil, 'outside.yaml'), 'escaped');
    symlinkSync('/etc', join(evil, 'inner', 'etc-link'));
    const cases: [string, string[], RegExp][] = [
      ['dotdot', ['-P', '-C', join(evil, 'inner'), '../outside.yaml'], /parent-traversal/u],
      ['absolute', ['-P', join(evil, 'outside.yaml')], /absolute-path/u],
    ];
    for (const [tag, args, pattern] of cases) {
      await pushTarball('apps/hostile', `evil-${tag}`, evil, args);
      await h.client.patch(ociRepositoryType, { namespace: ns, name: 'hostile' }, 'merge', {
        spec: { ref: { tag: `evil-${tag}` } },
      });
      const bad = await waitFor(ns, 'hostile', 'False', 'OCIArtifactLayerOperationFailed', (o) => {
        const m = cond(o, 'Ready')?.message ?? '';
        return m.startsWith('failed to extract layer contents') && pattern.test(m);
      });
      assert.match(cond(bad, 'Ready')?.message ?? '', pattern, tag);
      assert.deepEqual(bad.status?.artifact, kept, `${tag}: last good artifact kept in status`);
      const served = await fetchArtifact(kept?.url ?? '', kept?.digest ?? '');
      await served.cleanup();
    }

    // A symlink leading out of the root is left out, as Flux's untar skips symlinks: the rest is stored.
    await pushTarball('apps/hostile', 'evil-symlink', evil, [
      '-C',
      join(evil, 'inner'),
      'etc-link',
      '-C',
      evil,
      'outside.yaml',
    ]);
    await h.client.patch(ociRepositoryType, { namespace: ns, name: 'hostile' }, 'merge', {
      spec: { ref: { tag: 'evil-symlink' } },
    });
    const linked = await waitFor(
      ns,
      'hostile',
      'True',
      'Succeeded',
      (o) => o.status?.artifact?.revision.startsWith('evil-symlink@') === true,
    );
    kept = linked.status?.artifact;
    const content = await fetchArtifact(kept?.url ?? '', kept?.digest ?? '');
    try {
      assert.deepEqual(readdirSync(content.dir).sort(), ['outside.yaml']);
    } finally {
      await content.cleanup();
    }

    // A registry that serves other bytes than the digest it advertises.
    const d = await push('apps/hostile', 'next', { 'cm.yaml': configMap('h', 'next') });
    const { manifest } = await pusher.getManifest('apps/hostile', d);
    if (manifest.kind !== 'manifest') throw new Error('expected a manifest');
    const layer = manifest.layers[0];
    // Same length, one byte flipped: only the digest can tell.
    const blob = readFileSync(reg.blobPath(layer?.digest ?? ''));
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 0xff;
    writeFileSync(reg.blobPath(layer?.digest ?? ''), blob);
    await h.client.patch(ociRepositoryType, { namespace: ns, name: 'hostile' }, 'merge', {
      spec: { ref: { tag: 'next' } },
    });
    const mismatch = await waitFor(ns, 'hostile', 'False', 'OCIArtifactPullFailed', (o) =>
      /content digest is/u.test(cond(o, 'Ready')?.message ?? ''),
    );
    assert.match(cond(mismatch, 'Ready')?.message ?? '', /content digest is sha256:.*expected/u);
    assert.deepEqual(mismatch.status?.artifact, kept);
  });
});
