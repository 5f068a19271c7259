// GitRepository end to end: the source-controller runs in this process against the real apiserver and real Git
// servers (smart HTTP with basic auth, SSH), stores artifacts, serves them over HTTP, and reports failures with
// their own reasons while the last good artifact stays served.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as openpgp from 'openpgp';

import { SourceConditionType, type GitRepository } from '../../src/api/index.ts';
import { ArtifactStorage, extractTarGz, serveStorage, type StorageServer } from '../../src/artifacts/index.ts';
import { gitRepositoryType, sourceController } from '../../src/controllers/source/setup.ts';
import { KubeClient } from '../../src/kube/index.ts';
import { Command } from 'commander';

import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  type RunningManager,
  startManager,
} from '../../src/runtime/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import type { Signer } from '../support/git-repo.ts';
import { type GitServer, startGitServer } from '../support/git-server.ts';
import { type SshGitServer, startSshGitServer } from '../support/ssh-server.ts';

const PASSWORD = 'correct-horse-battery';

let cluster: TestCluster;
let client: KubeClient;
let git: GitServer;
let ssh: SshGitServer;
let storageDir: string;
let server: StorageServer;
let running: RunningManager;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  git = await startGitServer({ basicAuth: { username: 'flux', password: PASSWORD } });
  ssh = await startSshGitServer();
  storageDir = await mkdtemp(join(tmpdir(), 'fluxts-source-storage-'));
  server = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
  const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: server.address });
  // The flags as the command line would parse them, so every default is Flux's.
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--max-retry-delay=5s', '--log-level=error'],
    { from: 'user' },
  );
  const options = controllerOptionsFrom(flags.opts());
  running = await startManager(options, [sourceController({ storage })], {
    kubeConfig: cluster.kubeConfig,
    logger: createLogger('error'),
  });
});

after(async () => {
  await running?.stop();
  await server?.close();
  await git?.close();
  await ssh?.close();
  await rm(storageDir, { recursive: true, force: true });
});

async function create(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await client.create({
    apiVersion: gitRepositoryType.apiVersion,
    kind: 'GitRepository',
    metadata: { name, namespace: ns },
    spec,
  });
}

async function secret(ns: string, name: string, data: Record<string, string>): Promise<void> {
  const body = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
  try {
    await client.create(body);
  } catch {
    await client.update(body);
  }
}

async function get(ns: string, name: string): Promise<GitRepository> {
  return client.get<GitRepository>(gitRepositoryType, { namespace: ns, name });
}

function condition(obj: GitRepository, type: string): Condition | undefined {
  return (obj.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** waitFor waits until the object's Ready condition has the status (and, if given, the reason). */
function waitFor(
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason?: string,
  timeoutMs = 60_000,
): Promise<GitRepository> {
  return eventually(
    `GitRepository ${ns}/${name} Ready=${status}${reason ? ` (${reason})` : ''}`,
    async () => {
      const obj = await get(ns, name);
      const ready = condition(obj, 'Ready');
      const current = obj.status?.observedGeneration === obj.metadata.generation || status === 'False';
      return ready?.status === status && (!reason || ready.reason === reason) && current ? obj : undefined;
    },
    { timeoutMs },
  );
}

async function requestReconcile(ns: string, name: string): Promise<string> {
  const token = new Date().toISOString() + Math.random();
  await client.patch(gitRepositoryType, { namespace: ns, name }, 'merge', {
    metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } },
  });
  return token;
}

/** fetchArtifact downloads the artifact over HTTP, checks its digest, and lists the files inside. */
async function fetchArtifact(obj: GitRepository): Promise<string[]> {
  const artifact = obj.status?.artifact;
  assert.ok(artifact, 'status.artifact is set');
  const res = await fetch(artifact.url);
  assert.equal(res.status, 200, `GET ${artifact.url}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, artifact.digest);
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-artifact-'));
  try {
    await writeFile(join(dir, 'a.tar.gz'), bytes);
    const out = await extractTarGz(join(dir, 'a.tar.gz'));
    try {
      return (await readdir(out, { recursive: true })).map(String).sort();
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function pgpSigner(): Promise<{ publicKey: string; keyId: string; sign: Signer }> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Flux Test', email: 'test@example.com' }],
    format: 'armored',
  });
  const key = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const sign: Signer = async (payload) => {
    const message = await openpgp.createMessage({ binary: new TextEncoder().encode(payload) });
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
    const signature: string = await openpgp.sign({ message, signingKeys: key, detached: true, format: 'armored' });
    return signature;
  };
  return { publicKey, keyId: key.getKeyID().toHex().toUpperCase(), sign };
}

describe('GitRepository', { concurrency: 4 }, () => {
  test('a branch over HTTP with basic auth becomes an artifact shaped by .sourceignore and spec.ignore', async (t) => {
    const ns = await useNamespace(t, cluster);
    const repo = git.createRepo(`${ns}-app`);
    const tip = await repo.commit({
      files: {
        'deploy/app.yaml': 'kind: ConfigMap\n',
        'deploy/logo.png': 'png',
        'docs/README.md': '# docs\n',
        'secrets/.sourceignore': '*.key\n',
        'secrets/tls.key': 'private',
        'secrets/keep.yaml': 'kind: Secret\n',
        '.github/workflows/ci.yaml': 'on: push\n',
      },
    });
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    await create(ns, 'app', {
      url: git.repoUrl(`${ns}-app`),
      interval: '10m',
      ref: { branch: 'main' },
      secretRef: { name: 'git-auth' },
      ignore: 'docs/\n',
    });
    const obj = await waitFor(ns, 'app', 'True');
    assert.equal(obj.status?.artifact?.revision, `main@sha1:${tip}`);
    assert.equal(condition(obj, 'Ready')?.message, `stored artifact for revision 'main@sha1:${tip}'`);
    assert.equal(condition(obj, SourceConditionType.ArtifactInStorage)?.status, 'True');
    assert.match(obj.status?.artifact?.path ?? '', new RegExp(`^gitrepository/${ns}/app/${tip}\\.tar\\.gz$`));
    const files = await fetchArtifact(obj);
    // spec.ignore replaces the default list, so the .png and .github/ stay; docs/ and *.key are excluded.
    assert.deepEqual(files, [
      '.github',
      '.github/workflows',
      '.github/workflows/ci.yaml',
      'deploy',
      'deploy/app.yaml',
      'deploy/logo.png',
      'secrets',
      'secrets/.sourceignore',
      'secrets/keep.yaml',
    ]);
    assert.equal(obj.status?.observedIgnore, 'docs/\n');
  });

  test('a new commit is picked up at once on requestedAt, and on the interval', async (t) => {
    const ns = await useNamespace(t, cluster);
    const repo = git.createRepo(`${ns}-moving`);
    await repo.commit({ files: { 'a.yaml': 'a: 1\n' } });
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    await create(ns, 'slow', {
      url: git.repoUrl(`${ns}-moving`),
      interval: '1h',
      secretRef: { name: 'git-auth' },
      ref: { branch: 'main' },
    });
    await create(ns, 'fast', {
      url: git.repoUrl(`${ns}-moving`),
      interval: '2s',
      secretRef: { name: 'git-auth' },
      ref: { branch: 'main' },
    });
    await waitFor(ns, 'slow', 'True');
    await waitFor(ns, 'fast', 'True');
    const second = await repo.commit({ files: { 'b.yaml': 'b: 2\n' } });
    const token = await requestReconcile(ns, 'slow');
    const slow = await eventually('slow at the new commit', async () => {
      const o = await get(ns, 'slow');
      return o.status?.artifact?.revision === `main@sha1:${second}` ? o : undefined;
    });
    assert.equal(slow.status?.lastHandledReconcileAt, token);
    await eventually('fast at the new commit on its interval', async () => {
      const o = await get(ns, 'fast');
      return o.status?.artifact?.revision === `main@sha1:${second}` ? o : undefined;
    });
  });

  test('tags, semver ranges and commit pins resolve to their revisions', async (t) => {
    const ns = await useNamespace(t, cluster);
    const repo = git.createRepo(`${ns}-tags`);
    const c1 = await repo.commit({ files: { 'v.txt': '1.0.0' } });
    await repo.tag('v1.0.0', c1);
    const c2 = await repo.commit({ files: { 'v.txt': '1.2.0' } });
    await repo.tag('v1.2.0', c2);
    const c3 = await repo.commit({ files: { 'v.txt': '2.0.0' } });
    await repo.tag('v2.0.0', c3);
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    const url = git.repoUrl(`${ns}-tags`);
    const common = { url, interval: '10m', secretRef: { name: 'git-auth' } };
    await create(ns, 'tag', { ...common, ref: { tag: 'v1.0.0' } });
    await create(ns, 'semver', { ...common, ref: { semver: '>=1.0.0 <2.0.0' } });
    await create(ns, 'pin', { ...common, ref: { commit: c2 } });
    assert.equal((await waitFor(ns, 'tag', 'True')).status?.artifact?.revision, `v1.0.0@sha1:${c1}`);
    assert.equal((await waitFor(ns, 'semver', 'True')).status?.artifact?.revision, `v1.2.0@sha1:${c2}`);
    assert.equal((await waitFor(ns, 'pin', 'True')).status?.artifact?.revision, `sha1:${c2}`);
  });

  test('include copies another artifact into a path, and follows its changes', async (t) => {
    const ns = await useNamespace(t, cluster);
    const lib = git.createRepo(`${ns}-lib`);
    await lib.commit({ files: { 'config/base.yaml': 'base: 1\n', 'README.md': 'lib\n' } });
    const app = git.createRepo(`${ns}-app`);
    await app.commit({ files: { 'app.yaml': 'app: 1\n' } });
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    await create(ns, 'lib', {
      url: git.repoUrl(`${ns}-lib`),
      interval: '10m',
      secretRef: { name: 'git-auth' },
      ref: { branch: 'main' },
    });
    await create(ns, 'app', {
      url: git.repoUrl(`${ns}-app`),
      interval: '10m',
      secretRef: { name: 'git-auth' },
      ref: { branch: 'main' },
      include: [{ repository: { name: 'lib' }, fromPath: 'config', toPath: 'vendor/lib' }],
    });
    const obj = await waitFor(ns, 'app', 'True');
    assert.deepEqual(await fetchArtifact(obj), ['app.yaml', 'vendor', 'vendor/lib', 'vendor/lib/base.yaml']);
    assert.equal(obj.status?.includedArtifacts?.length, 1);
    await lib.commit({ files: { 'config/extra.yaml': 'extra: 1\n' } });
    await requestReconcile(ns, 'lib');
    const updated = await eventually('app re-packed with the new include', async () => {
      const o = await get(ns, 'app');
      return o.status?.artifact?.digest !== obj.status?.artifact?.digest && condition(o, 'Ready')?.status === 'True'
        ? o
        : undefined;
    });
    assert.ok((await fetchArtifact(updated)).includes('vendor/lib/extra.yaml'));
  });

  test('a wrong password fails with AuthenticationFailed while the last artifact stays served', async (t) => {
    const ns = await useNamespace(t, cluster);
    const repo = git.createRepo(`${ns}-auth`);
    await repo.commit({ files: { 'a.yaml': 'a: 1\n' } });
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    await create(ns, 'auth', {
      url: git.repoUrl(`${ns}-auth`),
      interval: '10m',
      secretRef: { name: 'git-auth' },
      ref: { branch: 'main' },
    });
    const good = await waitFor(ns, 'auth', 'True');
    await secret(ns, 'git-auth', { username: 'flux', password: 'wrong-password-value' });
    await requestReconcile(ns, 'auth');
    const failed = await waitFor(ns, 'auth', 'False', 'AuthenticationFailed');
    const ready = condition(failed, 'Ready');
    assert.doesNotMatch(ready?.message ?? '', /wrong-password-value|correct-horse/);
    assert.equal(condition(failed, SourceConditionType.FetchFailed)?.status, 'True');
    assert.deepEqual(failed.status?.artifact, good.status?.artifact);
    await fetchArtifact(failed);
  });

  test('a missing branch, an unreachable host and garbage in the secret each give their own reason', async (t) => {
    const ns = await useNamespace(t, cluster);
    const repo = git.createRepo(`${ns}-errs`);
    await repo.commit({ files: { 'a.yaml': 'a: 1\n' } });
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    await secret(ns, 'garbage', { identity: 'this is not a private key', known_hosts: 'nonsense' });
    await create(ns, 'nobranch', {
      url: git.repoUrl(`${ns}-errs`),
      interval: '10m',
      secretRef: { name: 'git-auth' },
      ref: { branch: 'does-not-exist' },
    });
    await create(ns, 'unreachable', { url: 'http://127.0.0.1:9/nothing.git', interval: '10m', timeout: '10s' });
    await create(ns, 'badsecret', {
      url: `ssh://${'git'}@127.0.0.1:${ssh.port}/repo.git`,
      interval: '10m',
      secretRef: { name: 'garbage' },
    });
    await create(ns, 'nosecret', { url: git.repoUrl(`${ns}-errs`), interval: '10m', secretRef: { name: 'missing' } });
    const nobranch = condition(await waitFor(ns, 'nobranch', 'False', 'GitOperationFailed'), 'Ready');
    assert.match(nobranch?.message ?? '', /does-not-exist/);
    const unreachable = condition(await waitFor(ns, 'unreachable', 'False', 'GitOperationFailed'), 'Ready');
    assert.match(unreachable?.message ?? '', /127\.0\.0\.1:9/);
    const bad = condition(await waitFor(ns, 'badsecret', 'False', 'AuthenticationFailed'), 'Ready');
    assert.match(bad?.message ?? '', /garbage/);
    assert.doesNotMatch(bad?.message ?? '', /this is not a private key/);
    const missing = condition(await waitFor(ns, 'nosecret', 'False', 'AuthenticationFailed'), 'Ready');
    assert.match(missing?.message ?? '', /missing.*not found/);
  });

  test('SSH with identity and known_hosts works, and an unknown host key is refused', async (t) => {
    const ns = await useNamespace(t, cluster);
    const repo = ssh.createRepo(`${ns}-ssh`);
    const tip = await repo.commit({ files: { 'a.yaml': 'a: 1\n' } });
    await secret(ns, 'ssh-auth', { identity: ssh.clientKey.privateKey, known_hosts: ssh.knownHosts });
    const wrongHost = ssh.knownHosts.replace(
      /(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) \S+/,
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC8LmJ2fRzGqOCGvOiPuY9qQe1ZqVt9xZrE4QyM8ypYH',
    );
    await secret(ns, 'ssh-wrong-host', { identity: ssh.clientKey.privateKey, known_hosts: wrongHost });
    await create(ns, 'ssh', {
      url: ssh.repoUrl(`${ns}-ssh`),
      interval: '10m',
      secretRef: { name: 'ssh-auth' },
      ref: { branch: 'main' },
    });
    await create(ns, 'hostkey', {
      url: ssh.repoUrl(`${ns}-ssh`),
      interval: '10m',
      secretRef: { name: 'ssh-wrong-host' },
      ref: { branch: 'main' },
    });
    assert.equal((await waitFor(ns, 'ssh', 'True')).status?.artifact?.revision, `main@sha1:${tip}`);
    const refused = condition(await waitFor(ns, 'hostkey', 'False'), 'Ready');
    assert.match(refused?.message ?? '', /host key/i);
  });

  test('PGP verification passes for a commit signed by a trusted key and fails otherwise', async (t) => {
    const ns = await useNamespace(t, cluster);
    const trusted = await pgpSigner();
    const stranger = await pgpSigner();
    const repo = git.createRepo(`${ns}-signed`);
    await repo.commit({ branch: 'good', files: { 'a.yaml': 'a: 1\n' }, sign: trusted.sign });
    await repo.commit({ branch: 'bad', files: { 'b.yaml': 'b: 1\n' }, sign: stranger.sign });
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    await secret(ns, 'pgp', { 'author.asc': trusted.publicKey });
    const common = {
      url: git.repoUrl(`${ns}-signed`),
      interval: '10m',
      secretRef: { name: 'git-auth' },
      verify: { mode: 'HEAD', secretRef: { name: 'pgp' } },
    };
    await create(ns, 'good', { ...common, ref: { branch: 'good' } });
    await create(ns, 'bad', { ...common, ref: { branch: 'bad' } });
    const good = await waitFor(ns, 'good', 'True');
    assert.equal(condition(good, SourceConditionType.SourceVerified)?.status, 'True');
    assert.match(condition(good, SourceConditionType.SourceVerified)?.message ?? '', new RegExp(trusted.keyId));
    const bad = await waitFor(ns, 'bad', 'False', 'VerificationError');
    assert.equal(condition(bad, SourceConditionType.SourceVerified)?.status, 'False');
    assert.equal(bad.status?.artifact, undefined);
  });

  test('deleting a GitRepository removes its stored artifacts', async (t) => {
    const ns = await useNamespace(t, cluster);
    const repo = git.createRepo(`${ns}-gone`, 'master');
    await repo.commit({ branch: 'master', files: { 'a.yaml': 'a: 1\n' } });
    await secret(ns, 'git-auth', { username: 'flux', password: PASSWORD });
    // No ref: Flux's default branch is master.
    await create(ns, 'gone', { url: git.repoUrl(`${ns}-gone`), interval: '10m', secretRef: { name: 'git-auth' } });
    const obj = await waitFor(ns, 'gone', 'True');
    assert.deepEqual(obj.metadata.finalizers, ['finalizers.fluxcd.io']);
    await client.delete(gitRepositoryType, { namespace: ns, name: 'gone' });
    await eventually('object gone', async () => {
      try {
        await get(ns, 'gone');
        return undefined;
      } catch {
        return true;
      }
    });
    const res = await fetch(obj.status?.artifact?.url ?? '');
    assert.equal(res.status, 404);
  });
});
