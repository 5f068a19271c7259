// fluxts bootstrap git end to end on the control plane: real Git servers (smart HTTP with basic auth, sshd), the
// CLI as a user runs it, and the source- and kustomize-controllers running in this process the way `fluxts dev`
// runs them (npm test has no real pods; test/image runs the same flow's install as pods). After a bootstrap the
// cluster reconciles itself from the repository: the flux-system Kustomization's inventory holds the controllers'
// own Deployments, and a change to gotk-sync.yaml pushed to Git is applied by the controllers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PROVIDER_SERVICES, providerTarget } from '../../src/cli/shared/bootstrap/provider.ts';
import { BootstrapRepo } from '../../src/cli/shared/bootstrap/repo.ts';
import { Logger } from '../../src/cli/shared/terminal.ts';
import { GitPushRejectedError } from '../../src/fetchers/git/index.ts';
import type { KubeObject } from '../../src/kube/index.ts';
import { eventually } from '../support/eventually.ts';
import { git } from '../support/git-repo.ts';
import { type GitServer, startGitServer } from '../support/git-server.ts';
import { SSH_USER, type SshGitServer, startSshGitServer } from '../support/ssh-server.ts';
import { type Harness, startHarness } from '../kustomize-controller/harness.ts';
import { checkGitHubRequest } from '../support/openapi.ts';
import { runCli } from './support.ts';

const COMPONENTS = '--components=source-controller,kustomize-controller';
const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const kustomizationType = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
const rbac = 'rbac.authorization.k8s.io/v1';

interface SyncStatus {
  lastAppliedRevision?: string;
  inventory?: { entries?: { id: string }[] };
}

let h: Harness;
let http: GitServer;
let ssh: SshGitServer;
let kc: string;
let scratch: string;
const namespaces: string[] = [];

const newNamespace = (): string => {
  const ns = `fluxts-boot-${randomBytes(3).toString('hex')}`;
  namespaces.push(ns);
  return ns;
};

before(async () => {
  h = await startHarness();
  http = await startGitServer({ basicAuth: { username: 'alice', password: 's3cret-pass' } });
  ssh = await startSshGitServer();
  kc = `--kubeconfig=${h.cluster.kubeconfigPath}`;
  scratch = mkdtempSync(join(tmpdir(), 'fluxts-bootstrap-test-'));
});

after(async () => {
  // Controllers first: a flux-system Kustomization deleted while they run would prune the CRDs it applied.
  await h?.stop();
  for (const ns of namespaces) {
    for (const type of [kustomizationType, gitRepositoryType]) {
      await h.client
        .patch(type, { namespace: ns, name: 'flux-system' }, 'merge', { metadata: { finalizers: null } })
        .catch(() => undefined);
    }
    await h.client.delete({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns }).catch(() => undefined);
    for (const name of [`crd-controller-${ns}`, `flux-edit-${ns}`, `flux-view-${ns}`]) {
      await h.client.delete({ apiVersion: rbac, kind: 'ClusterRole' }, { name }).catch(() => undefined);
    }
    for (const name of [`crd-controller-${ns}`, `cluster-reconciler-${ns}`]) {
      await h.client.delete({ apiVersion: rbac, kind: 'ClusterRoleBinding' }, { name }).catch(() => undefined);
    }
  }
  await http?.close();
  await ssh?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function kustomizationStatus(ns: string): Promise<SyncStatus> {
  const ks = await h.client.get<KubeObject<unknown, SyncStatus>>(kustomizationType, {
    namespace: ns,
    name: 'flux-system',
  });
  return ks.status ?? {};
}

describe('bootstrap git', () => {
  test('a branch that moved meanwhile refuses the push: nothing is written over it', async () => {
    const repo = http.createRepo('moving');
    await repo.commit({ message: 'first', files: { 'README.md': 'one\n' } });
    const wc = await BootstrapRepo.open({
      url: http.repoUrl('moving'),
      branch: 'main',
      credentials: { username: 'alice', password: 's3cret-pass' },
      timeoutMs: 30_000,
    });
    try {
      const moved = await repo.commit({ message: 'someone else', files: { 'README.md': 'two\n' } });
      await wc.write('flux-system/gotk-sync.yaml', 'x: 1\n');
      assert.ok(await wc.commit({ name: 'Flux', email: '' }, 'Add Flux sync manifests'));
      await assert.rejects(wc.push(), (err: unknown) => {
        assert.ok(err instanceof GitPushRejectedError);
        assert.match(
          err.message,
          /push to branch "main" of http:\/\/127\.0\.0\.1:\d+\/moving\.git rejected: the branch moved/,
        );
        return true;
      });
      assert.equal(repo.tip('main'), moved);
    } finally {
      await wc.close();
    }
    // A branch the repository does not have is named with the ones it has.
    await assert.rejects(
      BootstrapRepo.open({
        url: http.repoUrl('moving'),
        branch: 'prod',
        credentials: { username: 'alice', password: 's3cret-pass' },
        timeoutMs: 30_000,
      }),
      /branch "prod" not found in http:\/\/127\.0\.0\.1:\d+\/moving\.git \(it has: main\)/,
    );
  });

  test('over HTTP with basic auth into a fresh repository: the cluster then syncs itself; re-runs change nothing', async () => {
    const ns = newNamespace();
    const repo = http.createRepo(`fleet-${ns}`);
    const args = [
      'bootstrap',
      'git',
      `--url=${http.repoUrl(`fleet-${ns}`)}`,
      '--allow-insecure-http',
      '-u',
      'alice',
      '-p',
      's3cret-pass',
      '--path=clusters/dev',
      COMPONENTS,
      '--silent',
      '--timeout=3m',
      '-n',
      ns,
      kc,
    ];
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cret-pass/, 'the password is never printed');
    assert.match(r.stderr, /✔ initialized a new branch \(the repository was empty\)/);
    assert.match(r.stderr, /✔ committed component manifests to "main" \("[0-9a-f]{40}"\)/);
    assert.match(r.stderr, /✔ Kustomization reconciled successfully\n► confirming components are healthy/);
    assert.match(r.stderr, /✔ all components are healthy\n$/);

    const tip = repo.tip('main') ?? '';
    const log = git(['log', '--format=%an|%s', 'main'], { cwd: repo.path }).split('\n');
    assert.equal(log.length, 2, log.join('\n'));
    assert.equal(log[0], 'Flux|Add Flux sync manifests');
    assert.match(log[1] ?? '', /^Flux\|Add fluxts v\d+\.\d+\.\d+\S* component manifests$/);
    const files = git(['ls-tree', '-r', '--name-only', 'main'], { cwd: repo.path }).split('\n');
    assert.deepEqual(files, [
      'clusters/dev/flux-system/gotk-components.yaml',
      'clusters/dev/flux-system/gotk-sync.yaml',
      'clusters/dev/flux-system/kustomization.yaml',
    ]);
    const sync = git(['show', 'main:clusters/dev/flux-system/gotk-sync.yaml'], { cwd: repo.path });
    assert.match(sync, /url: http:\/\/127\.0\.0\.1:\d+\/fleet-/);
    assert.doesNotMatch(sync, /alice|s3cret/);
    assert.match(sync, /path: \.\/clusters\/dev\n/);

    const secret = await h.client.get<KubeObject>(
      { apiVersion: 'v1', kind: 'Secret' },
      { namespace: ns, name: 'flux-system' },
    );
    const data = secret['data'] as Record<string, string>;
    assert.equal(Buffer.from(data['username'] ?? '', 'base64').toString(), 'alice');
    assert.equal(Buffer.from(data['password'] ?? '', 'base64').toString(), 's3cret-pass');

    // The cluster manages itself: the controllers' own Deployments are in the flux-system Kustomization.
    const st = await kustomizationStatus(ns);
    assert.equal(st.lastAppliedRevision, `main@sha1:${tip}`);
    const ids = (st.inventory?.entries ?? []).map((e) => e.id);
    assert.ok(ids.includes(`${ns}_source-controller_apps_Deployment`), ids.join(', '));
    assert.ok(ids.includes(`${ns}_flux-system_kustomize.toolkit.fluxcd.io_Kustomization`), ids.join(', '));

    // A re-run is idempotent: no commit, the Secret kept.
    const again = await runCli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /✔ component manifests are up to date/);
    assert.match(again.stderr, /✔ source secret up to date/);
    assert.match(again.stderr, /✔ sync manifests are up to date/);
    assert.equal(repo.tip('main'), tip);

    // A change to gotk-sync.yaml committed to Git is applied by the controllers in the cluster.
    const changed = sync.replace('interval: 10m0s', 'interval: 7m0s');
    assert.notEqual(changed, sync);
    await repo.commit({ message: 'sync less often', files: { 'clusters/dev/flux-system/gotk-sync.yaml': changed } });
    await h.client.patch(gitRepositoryType, { namespace: ns, name: 'flux-system' }, 'merge', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'edit-1' } },
    });
    await eventually(
      'the Kustomization applied its own new interval from Git',
      async () => {
        const ks = await h.client.get<KubeObject>(kustomizationType, { namespace: ns, name: 'flux-system' });
        return (ks.spec as { interval?: string }).interval === '7m0s' ? true : undefined;
      },
      { timeoutMs: 90_000 },
    );
  });

  test('over SSH into a repository with other content, with a generated ed25519 deploy key', async () => {
    const ns = newNamespace();
    const repo = ssh.createRepo(`fleet-${ns}`);
    const app = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: ${ns}\ndata:\n  colour: blue\n`;
    await repo.commit({ message: 'apps', files: { 'README.md': '# fleet\n', 'apps/app.yaml': app } });
    // The SSH user pushes into the repository.
    execFileSync('chown', ['-R', SSH_USER, repo.path]);
    const keyFile = join(scratch, `key-${ns}`);
    writeFileSync(keyFile, ssh.clientKey.privateKey, { mode: 0o600 });
    const run = runCli([
      'bootstrap',
      'git',
      `--url=${ssh.repoUrl(`fleet-${ns}`)}`,
      `--private-key-file=${keyFile}`,
      '--ssh-key-algorithm=ed25519',
      '--branch=main',
      COMPONENTS,
      '--silent',
      '--timeout=80s',
      '-n',
      ns,
      kc,
    ]);
    // The operator adds the generated deploy key to the server while bootstrap waits for the first sync.
    const publicKey = await eventually(
      'the deploy key Secret',
      async () => {
        const s = await h.client.get<KubeObject>(
          { apiVersion: 'v1', kind: 'Secret' },
          { namespace: ns, name: 'flux-system' },
        );
        return Buffer.from((s['data'] as Record<string, string>)['identity.pub'] ?? '', 'base64').toString();
      },
      { timeoutMs: 120_000 },
    );
    assert.match(publicKey, /^ssh-ed25519 /);
    assert.notEqual(publicKey.trim(), ssh.clientKey.publicKey.trim());
    ssh.authorizeKey(publicKey);
    const r = await run;
    // Back to root, so that this process's git may read what was pushed.
    execFileSync('chown', ['-R', 'root', repo.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✔ cloned repository/);
    assert.match(r.stderr, new RegExp(`✔ public key: ${publicKey.trim().replace(/[+/]/g, '\\$&')}`));
    const files = git(['ls-tree', '-r', '--name-only', 'main'], { cwd: repo.path }).split('\n');
    assert.deepEqual(files, [
      'README.md',
      'apps/app.yaml',
      'flux-system/gotk-components.yaml',
      'flux-system/gotk-sync.yaml',
      'flux-system/kustomization.yaml',
    ]);
    const secret = await h.client.get<KubeObject>(
      { apiVersion: 'v1', kind: 'Secret' },
      { namespace: ns, name: 'flux-system' },
    );
    const knownHosts = Buffer.from(
      (secret['data'] as Record<string, string>)['known_hosts'] ?? '',
      'base64',
    ).toString();
    assert.equal(knownHosts.trim(), ssh.knownHosts.trim());
    const st = await kustomizationStatus(ns);
    assert.equal(st.lastAppliedRevision, `main@sha1:${repo.tip('main') ?? ''}`);
    // The repository's own content is synced too (the path is the repository root).
    const cm = await h.client.get<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: ns, name: 'app' });
    assert.deepEqual(cm['data'], { colour: 'blue' });
  });

  test('wrong credentials, an unreachable host, or Flux already installed: a clear error and nothing changed', async () => {
    const ns = newNamespace();
    const repo = http.createRepo(`fleet-${ns}`);
    const base = ['bootstrap', 'git', '--allow-insecure-http', '-u', 'alice', COMPONENTS, '--silent', '-n', ns, kc];
    const wrong = await runCli([...base, `--url=${http.repoUrl(`fleet-${ns}`)}`, '-p', 'wrong-pass']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /✗ git repository http:\/\/127\.0\.0\.1:\d+\/fleet-\S+: authentication required/);
    assert.match(wrong.stderr, /hint: check -u\/--username and -p\/--password/);
    assert.doesNotMatch(wrong.stderr, /wrong-pass/);
    const unreachable = await runCli([...base, '--url=http://127.0.0.1:1/fleet.git', '-p', 'x-pass']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /✗ .*(Failed to connect|Connection refused)/);
    const insecure = await runCli([
      ...base.filter((a) => a !== '--allow-insecure-http'),
      '--url=http://h/r.git',
      '-p',
      'x',
    ]);
    assert.match(insecure.stderr, /✗ scheme http is insecure, pass --allow-insecure-http=true to allow it/);
    await assert.rejects(h.client.get({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns }), /not ?found/i);
    assert.equal(repo.tip('main'), undefined, 'nothing was pushed');

    // A Flux installation (its own controller binaries, not fluxts) is not replaced without --force.
    await h.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await h.client.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'source-controller', namespace: ns, labels: { 'app.kubernetes.io/version': 'v2.9.5' } },
      spec: {
        selector: { matchLabels: { app: 'source-controller' } },
        template: {
          metadata: { labels: { app: 'source-controller' } },
          spec: {
            containers: [
              { name: 'manager', image: 'ghcr.io/fluxcd/source-controller:v1.8.0', args: ['--events-addr=x'] },
            ],
          },
        },
      },
    });
    const flux = await runCli([...base, `--url=${http.repoUrl(`fleet-${ns}`)}`, '-p', 's3cret-pass']);
    assert.equal(flux.code, 1);
    assert.match(
      flux.stderr,
      /✗ Flux v2\.9\.5 \(ghcr\.io\/fluxcd\/source-controller:v1\.8\.0\) is installed in the fluxts-boot-\w+ namespace/,
    );
    assert.equal(repo.tip('main'), undefined, 'nothing was pushed');
  });
});

// `bootstrap github` against a stand-in for github.com: one HTTPS host serving GitHub's REST API under /api/v3 (every
// request checked against GitHub's published description, with the bearer token) and the repositories over smart
// HTTP with the token as password, as GitHub Enterprise serves both from one host.
describe('bootstrap github', () => {
  const TOKEN = 'ghp_bootstrap-test-token-7788';
  let host: GitServer;
  let caFile: string;
  const calls: string[] = [];
  const refused: string[] = [];
  const existing = new Set<string>();
  const deployKeys: { id: number; title: string; key: string; read_only: boolean }[] = [];

  const answer = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
  };

  before(async () => {
    host = await startGitServer({
      tls: true,
      basicAuth: { username: 'git', password: TOKEN },
      route(req, res) {
        const url = req.url ?? '';
        if (!url.startsWith('/api/v3/')) return false;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const method = req.method ?? '';
          const text = Buffer.concat(chunks).toString('utf8');
          const path = url.split('?')[0] ?? '';
          calls.push(`${method} ${path}`);
          try {
            checkGitHubRequest(method, url, '/api/v3', text || '{}');
          } catch (err) {
            refused.push((err as Error).message);
            answer(res, 422, { message: 'Validation Failed' });
            return;
          }
          if (req.headers.authorization !== `Bearer ${TOKEN}`) return answer(res, 401, { message: 'Bad credentials' });
          const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
          const repoMatch = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)(\/.*)?$/u.exec(path);
          if (method === 'POST' && /^\/api\/v3\/orgs\/[^/]+\/repos$/u.test(path)) {
            const owner = path.split('/')[4] ?? '';
            host.createRepo(`${owner}/${String(body['name'])}`);
            existing.add(`${owner}/${String(body['name'])}`);
            return answer(res, 201, { name: body['name'], visibility: body['visibility'] });
          }
          if (method === 'PUT' && path.startsWith('/api/v3/orgs/acme/teams/')) return answer(res, 204);
          if (repoMatch) {
            const [, owner, name, rest = ''] = repoMatch;
            if (!existing.has(`${owner}/${name}`)) return answer(res, 404, { message: 'Not Found' });
            if (rest === '') return answer(res, 200, { full_name: `${owner}/${name}` });
            if (rest === '/keys' && method === 'GET') return answer(res, 200, deployKeys);
            if (rest === '/keys' && method === 'POST') {
              const k = {
                id: deployKeys.length + 1,
                title: String(body['title']),
                key: String(body['key']),
                read_only: body['read_only'] === true,
              };
              deployKeys.push(k);
              return answer(res, 201, k);
            }
          }
          answer(res, 404, { message: 'Not Found' });
        });
        return true;
      },
    });
    caFile = join(scratch, 'github-ca.crt');
    writeFileSync(caFile, host.caPem ?? '');
  });
  after(() => host?.close());

  test('with --token-auth: the organization repository is created, the team granted, the cluster syncs over HTTPS', async () => {
    const ns = newNamespace();
    const hostname = new URL(host.baseUrl).host;
    const args = [
      'bootstrap',
      'github',
      '--owner=acme',
      `--repository=fleet-${ns}`,
      `--hostname=${hostname}`,
      `--ca-file=${caFile}`,
      '--token-auth',
      '--team=platform',
      '--path=clusters/dev',
      COMPONENTS,
      '--silent',
      '--timeout=3m',
      '-n',
      ns,
      kc,
    ];
    const r = await runCli(args, { GITHUB_TOKEN: TOKEN });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(refused, [], 'every API request matches GitHub’s published description');
    assert.doesNotMatch(r.stderr + r.stdout, new RegExp(TOKEN, 'u'), 'the token is never printed');
    assert.match(
      r.stderr,
      new RegExp(`► connecting to ${hostname}\n✔ repository "https://${hostname}/acme/fleet-${ns}" created\n`, 'u'),
    );
    assert.match(r.stderr, /✔ granted "maintain" permissions to "platform"\n✔ reconciled repository permissions\n/u);
    assert.match(
      r.stderr,
      new RegExp(`► cloning branch "main" from Git repository "https://${hostname}/acme/fleet-${ns}\\.git"`, 'u'),
    );
    assert.ok(calls.includes(`POST /api/v3/orgs/acme/repos`), calls.join('\n'));
    assert.ok(calls.includes(`PUT /api/v3/orgs/acme/teams/platform/repos/acme/fleet-${ns}`), calls.join('\n'));

    const st = await kustomizationStatus(ns);
    assert.match(st.lastAppliedRevision ?? '', /^main@sha1:[0-9a-f]{40}$/u);
    const secret = await h.client.get<KubeObject>(
      { apiVersion: 'v1', kind: 'Secret' },
      { namespace: ns, name: 'flux-system' },
    );
    const data = secret['data'] as Record<string, string>;
    const decoded = (k: string) => Buffer.from(data[k] ?? '', 'base64').toString();
    assert.equal(decoded('username'), 'git');
    assert.equal(decoded('password'), TOKEN);
    assert.equal(decoded('ca.crt'), host.caPem);
    const gitRepo = await h.client.get<KubeObject<{ url: string }>>(gitRepositoryType, {
      namespace: ns,
      name: 'flux-system',
    });
    assert.equal(gitRepo.spec?.url, `https://${hostname}/acme/fleet-${ns}.git`);

    // A re-run finds the repository and changes nothing.
    calls.length = 0;
    const again = await runCli(args, { GITHUB_TOKEN: TOKEN });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /created/u);
    assert.match(again.stderr, /✔ sync manifests are up to date/u);
    assert.ok(!calls.some((c) => c.startsWith('POST')), calls.join('\n'));

    // Without a token: a clear error before anything is touched.
    const none = await runCli(args, { GITHUB_TOKEN: '' });
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /GITHUB_TOKEN is not set/u);
  });

  test('without --token-auth: a generated deploy key is registered read-only under flux’s name, once', async () => {
    existing.add('acme/keys-repo');
    const lines: string[] = [];
    const log = new Logger({ out: (t) => void lines.push(t), err: (t) => void lines.push(t), tty: false });
    const hostname = new URL(host.baseUrl).host;
    const flags = {
      owner: 'acme',
      repository: 'keys-repo',
      private: true,
      hostname,
      sshHostname: `127.0.0.1:${ssh.port}`,
      team: [],
      caFile,
      sshKeyAlgorithm: 'ed25519',
      sshRsaBits: 2048,
      sshEcdsaCurve: 'p384',
    };
    const opts = {
      token: TOKEN,
      namespace: 'flux-system',
      branch: 'main',
      secretName: 'flux-system',
      path: 'clusters/dev',
    };
    const target = await providerTarget(PROVIDER_SERVICES.github, flags, opts, log);
    assert.equal(target.syncUrl, `ssh://git@127.0.0.1:${ssh.port}/acme/keys-repo`);
    assert.equal(target.url, `https://${hostname}/acme/keys-repo.git`);
    const made = await target.makeSecret();
    const data = made.secret['stringData'] as Record<string, string>;
    assert.equal(data['known_hosts']?.trim(), ssh.knownHosts.trim());
    await target.secretMade?.(made);
    assert.equal(deployKeys.length, 1);
    assert.deepEqual(
      { title: deployKeys[0]?.title, key: deployKeys[0]?.key, read_only: deployKeys[0]?.read_only },
      { title: 'flux-system-main-flux-system-./clusters/dev', key: data['identity.pub']?.trim(), read_only: true },
    );
    await target.secretMade?.(made);
    assert.equal(deployKeys.length, 1, 'the same key is not registered twice');
    assert.match(
      lines.join(''),
      /✔ configured deploy key "flux-system-main-flux-system-\.\/clusters\/dev" for "https:\/\/[^"]+\/acme\/keys-repo"\n/u,
    );
    assert.deepEqual(refused, []);
  });
});
