// The pull-request mode (beyond Flux) on the real control plane, with a real registry and the real smart-HTTP git
// server; GitHub is the hosted service, so its REST API is a local endpoint that checks every request against
// GitHub's published OpenAPI description (test/support/openapi.ts) and keeps pull requests as GitHub would.
// A new image is pushed to a branch and a pull request opened into the deployed branch, which stays untouched; the
// next image lands on the same branch and updates the same pull request; once it is merged, the next image starts a
// new branch from the base and opens a new pull request.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { imageAutomationController } from '../../src/controllers/image/automation-setup.ts';
import { imagePolicyType, imageRepositoryType, imageUpdateAutomationType } from '../../src/controllers/image/index.ts';
import { gitRepositoryType } from '../../src/controllers/source/index.ts';
import type { KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { git } from '../support/git-repo.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';
import { checkGitHubRequest } from '../support/openapi.ts';
import { startImageHarness, type ImageHarness } from '../image-reflector/harness.ts';
import { startEndpoint, type Endpoint, type Recorded } from '../notification/endpoint.ts';

const TOKEN = 'ghp_fluxts-test-token';
let h: ImageHarness;
let server: GitServer;
let ep: Endpoint;

interface Pr {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
}
const prs: Pr[] = [];
const refused: string[] = [];

// GitHub's pulls API as far as the automation uses it; every request must be a documented operation with a
// conforming body and the bearer token, or it is refused (and recorded, so the test fails).
function github(r: Recorded) {
  try {
    checkGitHubRequest(r.method, r.path, '', r.text || '{}');
    assert.equal(r.headers['authorization'], `Bearer ${TOKEN}`);
    assert.equal(r.headers['x-github-api-version'], '2022-11-28');
  } catch (err) {
    refused.push(`${r.method} ${r.path}: ${(err as Error).message}`);
    return { status: 422, body: JSON.stringify({ message: 'Validation Failed' }) };
  }
  const url = new URL(r.path, 'http://x');
  const [, , owner, repo, , number] = url.pathname.split('/');
  const view = (p: Pr) => ({ ...p, html_url: `https://github.example/${owner}/${repo}/pull/${p.number}` });
  if (r.method === 'GET') {
    const q = url.searchParams;
    const list = prs.filter(
      (p) => p.state === q.get('state') && `${owner}:${p.head}` === q.get('head') && p.base === q.get('base'),
    );
    return { status: 200, body: JSON.stringify(list.map(view)) };
  }
  const body = JSON.parse(r.text) as Partial<Pr>;
  if (r.method === 'POST') {
    const pr: Pr = {
      number: prs.length + 1,
      head: body.head!,
      base: body.base!,
      title: body.title!,
      body: body.body ?? '',
      state: 'open',
    };
    prs.push(pr);
    return { status: 201, body: JSON.stringify(view(pr)) };
  }
  const pr = prs.find((p) => p.number === Number(number))!;
  Object.assign(pr, { title: body.title, body: body.body });
  return { status: 200, body: JSON.stringify(view(pr)) };
}

before(async () => {
  [h, server, ep] = await Promise.all([
    startImageHarness([imageAutomationController({ noCrossNamespaceRefs: false })]),
    startGitServer(),
    startEndpoint(github),
  ]);
});
after(async () => {
  await Promise.all([h?.stop(), server?.close(), ep?.close()]);
});

test('pull-request mode: opens a pull request, updates it while open, starts anew once merged', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  const image = `${h.registry.host}/${ns}/web`;
  await h.credentials(ns, 'creds');
  await h.pushTags(`${ns}/web`, ['1.0.0', '1.1.0']);
  const repo = server.createRepo(`${ns}/app`);
  const base = await repo.commit({
    files: { 'web.yaml': `image: ${image}:1.0.0 # {"$imagepolicy": "${ns}:web"}\n` },
  });
  const create = (o: KubeObject) => h.client.create({ ...o, metadata: { ...o.metadata, namespace: ns } });
  await create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'gh' },
    stringData: { token: TOKEN },
  });
  await create({
    apiVersion: gitRepositoryType.apiVersion,
    kind: 'GitRepository',
    metadata: { name: 'repo' },
    spec: { url: server.repoUrl(`${ns}/app`), interval: '1h', ref: { branch: 'main' } },
  });
  await create({
    apiVersion: imageRepositoryType.apiVersion,
    kind: 'ImageRepository',
    metadata: { name: 'web' },
    spec: { image, interval: '1h', secretRef: { name: 'creds' } },
  });
  await create({
    apiVersion: imagePolicyType.apiVersion,
    kind: 'ImagePolicy',
    metadata: { name: 'web' },
    spec: { imageRepositoryRef: { name: 'web' }, policy: { semver: { range: '1.x' } } },
  });
  await create({
    apiVersion: imageUpdateAutomationType.apiVersion,
    kind: 'ImageUpdateAutomation',
    metadata: {
      name: 'auto',
      annotations: {
        'image.fluxts.io/pull-request': 'github',
        'image.fluxts.io/pull-request-secret': 'gh',
        'image.fluxts.io/pull-request-api': ep.url,
      },
    },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      interval: '1h',
      git: {
        commit: {
          author: { name: 'Flux', email: 'flux@example.com' },
          messageTemplate: 'Update web{{ range .Changed.Changes }} to {{ .NewValue }}{{ end }}\n\nAutomated.',
        },
        push: { branch: 'flux/images' },
      },
    },
  });
  const rescan = (token: string) =>
    h.client.patch(imageRepositoryType, { namespace: ns, name: 'web' }, 'merge', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } },
    });
  const branchAt = (what: string, tag: string) =>
    eventually(
      what,
      () => {
        const tip = repo.tip('flux/images');
        return tip && git(['show', `${tip}:web.yaml`], { cwd: repo.path }).includes(`:${tag} #`) ? tip : undefined;
      },
      { timeoutMs: 60_000 },
    );

  // 1. A pull request from the branch into main; main itself is untouched.
  const first = await branchAt('the branch with 1.1.0', '1.1.0');
  await eventually('pull request #1', () => (prs.length === 1 ? prs : undefined));
  assert.equal(repo.tip('main'), base);
  assert.equal(git(['rev-parse', `${first}^`], { cwd: repo.path }), base);
  assert.deepEqual(
    { ...prs[0], body: prs[0]!.body.split('\n')[0] },
    {
      number: 1,
      head: 'flux/images',
      base: 'main',
      title: `Update web to ${image}:1.1.0`,
      body: 'Automated.',
      state: 'open',
    },
  );
  assert.match(prs[0]!.body, new RegExp(`Opened by fluxts image automation \`${ns}/auto\``, 'u'));

  // 2. The next image goes onto the same branch and updates the same pull request.
  await h.pushTags(`${ns}/web`, ['1.2.0']);
  await rescan('r1');
  const second = await branchAt('the branch with 1.2.0', '1.2.0');
  assert.equal(git(['rev-parse', `${second}^`], { cwd: repo.path }), first);
  await eventually('pull request #1 updated', () => (prs[0]?.title.endsWith(':1.2.0') ? true : undefined));
  assert.equal(prs.length, 1);

  // 3. Merged (main moves to the branch, the pull request closes): the next image starts anew from main.
  git(['update-ref', 'refs/heads/main', second], { cwd: repo.path });
  prs[0]!.state = 'closed';
  await h.pushTags(`${ns}/web`, ['1.3.0']);
  await rescan('r2');
  const third = await branchAt('the branch with 1.3.0', '1.3.0');
  assert.equal(git(['rev-parse', `${third}^`], { cwd: repo.path }), second);
  await eventually('pull request #2', () => (prs.length === 2 ? true : undefined));
  assert.equal(prs[1]!.title, `Update web to ${image}:1.3.0`);
  assert.equal(repo.tip('main'), second);
  assert.deepEqual(refused, []);
  const auto = await h.client.get<KubeObject>(imageUpdateAutomationType, { namespace: ns, name: 'auto' });
  assert.doesNotMatch(JSON.stringify(auto.status), new RegExp(TOKEN, 'u'));
});
