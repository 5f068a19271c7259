// image-automation-controller on the real control plane, with the image-reflector-controller, a real registry and
// the real smart-HTTP git server (basic auth): a new tag becomes a signed commit (checked with `git verify-commit`)
// that rewrites only the marked values, keeps every comment, carries the rendered message; a run with nothing to
// change commits nothing; a wrong signing passphrase fails with GitOperationFailed, pushes nothing, leaks nothing,
// and the automation recovers once the Secret is fixed; an invalid policySelector stalls.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { spawnSync } from 'node:child_process';

import * as openpgp from 'openpgp';

import type { ImageUpdateAutomation } from '../../src/api/index.ts';
import type { KubeObject } from '../../src/kube/index.ts';
import { imageAutomationController } from '../../src/controllers/image/automation-setup.ts';
import { imagePolicyType, imageRepositoryType, imageUpdateAutomationType } from '../../src/controllers/image/index.ts';
import { gitRepositoryType } from '../../src/controllers/source/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { git, type TestRepo } from '../support/git-repo.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';
import { startImageHarness, type ImageHarness } from '../image-reflector/harness.ts';

const gitAuth = { username: 'flux', password: 'git-push-s3cret' };
const passphrase = 'signing-s3cret-phrase';
let h: ImageHarness;
let server: GitServer;
let key: { privateKey: string; publicKey: string };

before(async () => {
  [h, server, key] = await Promise.all([
    startImageHarness([imageAutomationController({ noCrossNamespaceRefs: false, pushRetryBaseDelayMs: 50 })]),
    startGitServer({ basicAuth: gitAuth }),
    openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'Flux Bot', email: 'bot@example.com' }],
      passphrase,
      format: 'armored',
    }),
  ]);
});
after(async () => {
  await Promise.all([h?.stop(), server?.close()]);
});

// gpg and git verify-commit against a private GNUPGHOME holding only the public key.
const spawnGpg = (args: string[], home: string, input: string) =>
  spawnSync('gpg', args, { input, encoding: 'utf8', env: { ...process.env, GNUPGHOME: home } });
const spawnGit = (args: string[], cwd: string, home: string) =>
  spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GNUPGHOME: home } });

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
const cond = (o: { status?: { conditions?: unknown } }, type: string): Condition | undefined =>
  (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
const getAuto = (ns: string, name = 'auto') =>
  h.client.get<ImageUpdateAutomation>(imageUpdateAutomationType, { namespace: ns, name });

const DEPLOY = `# The web app; its image follows the policy.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # keep this comment
spec:
  template:
    spec:
      containers:
        - name: web
          image: IMAGE:1.0.0 # {"$imagepolicy": "NS:web"}
        - name: sidecar
          image: busybox:1.36   # not marked
`;

async function setup(
  ns: string,
  spec: Record<string, unknown> = {},
  signingPassphrase = passphrase,
  prepare?: (repo: TestRepo) => Promise<void>,
) {
  const repo = server.createRepo(ns);
  const image = `${h.registry.host}/${ns}/web`;
  const deploy = DEPLOY.replace('IMAGE', image).replace('NS', ns);
  const base = await repo.commit({ files: { 'apps/web.yaml': deploy, 'README.md': '# not yaml\n' } });
  await prepare?.(repo);
  await h.credentials(ns, 'creds');
  await h.pushTags(`${ns}/web`, ['1.0.0', '1.1.0', '0.9.0']);
  const secret = (name: string, stringData: Record<string, string>) =>
    h.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData });
  await secret('git-auth', gitAuth);
  await secret('signing', { 'git.asc': key.privateKey, passphrase: signingPassphrase });
  await h.client.create({
    apiVersion: gitRepositoryType.apiVersion,
    kind: 'GitRepository',
    metadata: { name: 'repo', namespace: ns },
    spec: { url: server.repoUrl(ns), interval: '1h', ref: { branch: 'main' }, secretRef: { name: 'git-auth' } },
  });
  await h.client.create({
    apiVersion: imageRepositoryType.apiVersion,
    kind: 'ImageRepository',
    metadata: { name: 'web', namespace: ns },
    spec: { image, interval: '1h', secretRef: { name: 'creds' } },
  });
  await h.client.create({
    apiVersion: imagePolicyType.apiVersion,
    kind: 'ImagePolicy',
    metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
    spec: { imageRepositoryRef: { name: 'web' }, policy: { semver: { range: '>=1.0.0' } } },
  });
  await h.client.create({
    apiVersion: imageUpdateAutomationType.apiVersion,
    kind: 'ImageUpdateAutomation',
    metadata: { name: 'auto', namespace: ns },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      interval: '1h',
      git: {
        commit: {
          author: { name: 'Flux Bot', email: 'bot@example.com' },
          signingKey: { secretRef: { name: 'signing' } },
          messageTemplate:
            '{{ .Values.team }}: update {{ .AutomationObject }}\n{{ range .Changed.Changes }}\n- {{ .OldValue }} -> {{ .NewValue }}{{ end }}',
          messageTemplateValues: { team: 'platform' },
        },
      },
      update: { path: './apps', strategy: 'Setters' },
      policySelector: { matchLabels: { app: 'web' } },
      ...spec,
    },
  });
  return { repo, image, deploy, base };
}

describe('ImageUpdateAutomation', () => {
  test('commits a signed update of the marked value only, then nothing while nothing changes', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const { repo, image, deploy, base } = await setup(ns);
    const auto = await eventually('a pushed commit', async () => {
      const a = await getAuto(ns);
      return a.status?.lastPushCommit ? a : undefined;
    });
    const sha = auto.status!.lastPushCommit!;
    assert.equal(repo.tip('main'), sha);
    assert.equal(git(['rev-parse', `${sha}^`], { cwd: repo.path }), base);
    // Only the marked value changed: every comment, the unmarked image and the untouched lines stay byte for byte.
    assert.equal(git(['show', `${sha}:apps/web.yaml`], { cwd: repo.path }) + '\n', deploy.replace(':1.0.0', ':1.1.0'));
    assert.equal(
      git(['show', '-s', '--format=%an <%ae>%n%B', sha], { cwd: repo.path }),
      `Flux Bot <bot@example.com>\nplatform: update ${ns}/auto\n\n- ${image}:1.0.0 -> ${image}:1.1.0`,
    );
    // The signature verifies with git itself, against a keyring holding only the public key.
    const gnupg = mkdtempSync(join(tmpdir(), 'fluxts-gnupg-'));
    t.after(() => rmSync(gnupg, { recursive: true, force: true }));
    const imported = spawnGpg(['--batch', '--import'], gnupg, key.publicKey);
    assert.equal(imported.status, 0, imported.stderr);
    const verified = spawnGit(['verify-commit', '--raw', sha], repo.path, gnupg);
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stderr, /GOODSIG/u);

    assert.equal(cond(auto, 'Ready')?.status, 'True');
    assert.equal(cond(auto, 'Ready')?.message, 'repository up-to-date');
    assert.equal(auto.status?.observedSourceRevision, `main@sha1:${sha}`);
    assert.deepEqual(auto.status?.observedPolicies, { web: { name: image, tag: '1.1.0' } });
    assert.ok(auto.status?.lastPushTime && auto.status.lastAutomationRunTime);

    // A requested run with nothing new pushes nothing.
    const before = auto.status?.lastAutomationRunTime ?? '';
    await h.client.patch(imageUpdateAutomationType, { namespace: ns, name: 'auto' }, 'merge', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } },
    });
    const again = await eventually('a second run', async () => {
      const a = await getAuto(ns);
      return a.status?.lastHandledReconcileAt === 'now-1' ? a : undefined;
    });
    assert.ok((again.status?.lastAutomationRunTime ?? '') >= before);
    assert.equal(again.status?.lastPushCommit, sha);
    assert.equal(repo.tip('main'), sha);

    // A new tag flows through the policy into a second commit.
    await h.pushTags(`${ns}/web`, ['1.2.0']);
    await h.client.patch(imageRepositoryType, { namespace: ns, name: 'web' }, 'merge', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-2' } },
    });
    await eventually('the second commit', async () => {
      const a = await getAuto(ns);
      return a.status?.lastPushCommit && a.status.lastPushCommit !== sha ? a : undefined;
    });
    assert.match(git(['show', 'main:apps/web.yaml'], { cwd: repo.path }), /:1\.2\.0 # \{"\$imagepolicy"/u);
  });

  test('a wrong passphrase fails with GitOperationFailed, pushes nothing, leaks nothing, and recovers', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const { repo, base } = await setup(ns, {}, 'wrong-phrase-xyz');
    const failed = await eventually('GitOperationFailed', async () => {
      const a = await getAuto(ns);
      return cond(a, 'Ready')?.reason === 'GitOperationFailed' ? a : undefined;
    });
    const ready = cond(failed, 'Ready')!;
    assert.equal(ready.status, 'False');
    assert.equal(
      ready.message,
      'failed to update source: could not decrypt private key of the signing key present in secret signing: incorrect key passphrase',
    );
    assert.doesNotMatch(JSON.stringify(failed.status), /wrong-phrase-xyz|git-push-s3cret/u);
    assert.equal(repo.tip('main'), base);
    assert.equal(failed.status?.lastPushCommit, undefined);

    await h.client.patch({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns, name: 'signing' }, 'merge', {
      stringData: { passphrase },
    });
    await eventually(
      'a commit after the fix',
      async () => {
        const a = await getAuto(ns);
        return a.status?.lastPushCommit && cond(a, 'Ready')?.status === 'True' ? a : undefined;
      },
      { timeoutMs: 90_000 },
    );
    assert.notEqual(repo.tip('main'), base);
  });

  test('a push that loses a race (the branch moved) is retried on the new tip, as Flux retries it', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    // The first push finds the branch moved by another writer: a pre-receive hook moves main to a prepared commit
    // and refuses the push, once. (Ref updates from a hook need the quarantine variables unset.)
    let other = '';
    const { repo } = await setup(ns, {}, passphrase, async (r) => {
      other = await r.commit({ branch: 'other', parent: r.tip('main')!, files: { 'apps/other.yaml': 'a: 2\n' } });
      writeFileSync(
        join(r.path, 'hooks', 'pre-receive'),
        [
          '#!/bin/sh',
          'test -f "$GIT_DIR/raced" && exit 0',
          'touch "$GIT_DIR/raced"',
          'unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES',
          `git update-ref refs/heads/main ${other}`,
          'echo "another writer was faster" >&2',
          'exit 1',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
    });
    const auto = await eventually('a pushed commit after the retry', async () => {
      const a = await getAuto(ns);
      return a.status?.lastPushCommit ? a : undefined;
    });
    const sha = auto.status!.lastPushCommit!;
    assert.equal(repo.tip('main'), sha);
    assert.equal(git(['rev-parse', `${sha}^`], { cwd: repo.path }), other);
    assert.equal(git(['show', `${sha}:apps/other.yaml`], { cwd: repo.path }), 'a: 2');
    assert.match(git(['show', `${sha}:apps/web.yaml`], { cwd: repo.path }), /:1\.1\.0 # /u);
    // Within the one run: no failure was recorded (a retry by the next reconcile would have set GitOperationFailed).
    const reasons = await eventually('the push event', async () => {
      const events = await h.client.list<KubeObject & { reason?: string; type?: string }>(
        { apiVersion: 'v1', kind: 'Event' },
        { namespace: ns },
      );
      const mine = events.items.filter(
        (e) => (e as { involvedObject?: { kind?: string } }).involvedObject?.kind === 'ImageUpdateAutomation',
      );
      const seen = mine.map((e) => `${e.type}/${e.reason}`);
      return seen.includes('Normal/Succeeded') ? seen : undefined;
    });
    assert.deepEqual(
      reasons.filter((r) => r.startsWith('Warning/')),
      [],
    );
  });

  test('an invalid policySelector stalls with InvalidPolicySelector', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await setup(ns, { policySelector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['web'] }] } });
    const a = await eventually('Stalled', async () => {
      const o = await getAuto(ns);
      return cond(o, 'Stalled')?.status === 'True' ? o : undefined;
    });
    assert.equal(cond(a, 'Stalled')?.reason, 'InvalidPolicySelector');
    assert.equal(
      cond(a, 'Ready')?.message,
      'failed to parse policy selector: "Like" is not a valid label selector operator',
    );
  });
});
