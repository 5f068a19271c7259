// The web UI in a real browser (Debian's headless Chromium driven by playwright-core) against the run's control
// plane, with the real source-controller and kustomize-controller running in this process and a real Git server.
// Every assertion reads what the page shows (and, for actions, what the cluster then holds).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import type { KubeClient, KubeObject } from '../../src/kube/index.ts';
import { startUi, type RunningUiApp } from '../../src/ui/index.ts';
import { axeViolations } from '../support/axe.ts';
import { launchChromium, openPage as openBrowserPage } from '../support/browser.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import {
  configMapYaml,
  FIXTURES,
  fixtureFiles,
  gitRepository,
  type Harness,
  kustomization,
  startHarness,
  waitReady,
} from '../kustomize-controller/harness.ts';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };
const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
/** SCREENSHOTS, when set, is where the tests save the README's screenshots. */
const SCREENSHOTS = process.env['FLUXTS_UI_SCREENSHOTS'];

let h: Harness;
let ui: RunningUiApp;
let browser: Browser;

before(async () => {
  h = await startHarness();
  ui = await startUi({ kubeConfig: h.cluster.kubeConfig, address: '127.0.0.1:0' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await h?.stop();
});

const openPage = (t: { after(fn: () => Promise<void>): void }, url: string): Promise<Page> =>
  openBrowserPage(browser, t, url);

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

const deploymentYaml = (name: string, replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: app
          image: ghcr.io/stefanprodan/podinfo:6.7.0
`;

describe('web UI', () => {
  test('the overview shows a failing Kustomization first and turns it green after a fix, without reload', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-app`);
    await repo.commit({
      files: {
        'good/kustomization.yaml': 'resources: [cm.yaml]\n',
        'good/cm.yaml': configMapYaml('good', { a: '1' }),
        'app/kustomization.yaml': 'resources: [cm.yaml, missing.yaml]\n',
        'app/cm.yaml': configMapYaml('app', { a: '1' }),
      },
    });
    await gitRepository(h, ns, 'repo', `${ns}-app`);
    await kustomization(h, ns, 'good', { path: './good', targetNamespace: ns });
    await kustomization(h, ns, 'broken', { path: './app', targetNamespace: ns });
    await waitReady(h, ns, 'broken', 'False', 'BuildFailed');
    await waitReady(h, ns, 'good', 'True');

    const page = await openPage(t, `${ui.url}?namespace=${ns}`);
    // The first row of the page is the failing Kustomization, under "Needs attention".
    const first = page.locator('tbody tr').first();
    await first.waitFor();
    await eventually('the broken Kustomization first, failed', async () =>
      (await first.getAttribute('data-id')) === `${ui.cache.clusters[0]!.name}/Kustomization/${ns}/broken` &&
      (await first.getAttribute('data-state')) === 'failed'
        ? true
        : undefined,
    );
    assert.match(await first.innerText(), /BuildFailed/);
    assert.equal(await page.locator('#attention-title').innerText(), 'Needs attention (1)');
    await screenshot(page, 'overview-failing');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    await repo.commit({ files: { 'app/kustomization.yaml': 'resources: [cm.yaml]\n' }, message: 'fix' });
    const started = Date.now();
    const row = page.locator(`tr[data-id$="/Kustomization/${ns}/broken"]`);
    await row.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 60_000 });
    t.diagnostic(`fix shown green ${((Date.now() - started) / 1000).toFixed(1)}s after the commit`);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, 'no reload');
    assert.equal(await page.locator('#attention-title').count(), 0);
  });

  test("podinfo's object page lists its Deployment, Service and HPA with their health, in a graph", async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-podinfo`);
    await repo.commit({ files: fixtureFiles(join(FIXTURES, 'podinfo/kustomize'), 'kustomize') });
    await gitRepository(h, ns, 'repo', `${ns}-podinfo`);
    await kustomization(h, ns, 'podinfo', {
      path: './kustomize',
      targetNamespace: ns,
      wait: true,
      timeout: '2m',
      // The pod simulator cannot report pods with resource requests yet (see test/kustomize-controller).
      patches: [
        {
          patch: '- op: remove\n  path: /spec/template/spec/containers/0/resources\n',
          target: { kind: 'Deployment', name: 'podinfo' },
        },
      ],
    });
    await waitReady(h, ns, 'podinfo', 'True', 'ReconciliationSucceeded', { timeoutMs: 120_000 });

    const page = await openPage(t, `${ui.url}?namespace=${ns}`);
    await page.getByRole('link', { name: 'podinfo', exact: true }).click();
    await page.locator('table.inventory tbody tr').first().waitFor();
    assert.match(new URL(page.url()).pathname, new RegExp(`/object/[^/]+/Kustomization/${ns}/podinfo$`));
    const health = async (id: string): Promise<string | null> =>
      page.locator(`tr[data-inventory="${id}"]`).getAttribute('data-health');
    assert.equal(await health(`Deployment/${ns}/podinfo`), 'Current');
    assert.equal(await health(`Service/${ns}/podinfo`), 'Current');
    assert.equal(await health(`HorizontalPodAutoscaler/${ns}/podinfo`), 'Current');
    assert.match(await page.locator(`tr[data-inventory="Deployment/${ns}/podinfo"]`).innerText(), /healthy/);
    // The graph: the source, the Kustomization, and its three objects, with health.
    for (const node of ['GitRepository', 'Deployment', 'Service', 'HorizontalPodAutoscaler']) {
      const id = node === 'GitRepository' ? `${node}/${ns}/repo` : `${node}/${ns}/podinfo`;
      assert.equal(await page.locator(`g[data-node="${id}"]`).count(), 1, `graph node ${id}`);
    }
    assert.equal(await page.locator(`g[data-node="Deployment/${ns}/podinfo"]`).getAttribute('data-health'), 'Current');
    assert.match(await page.locator('#history-title').innerText(), /History/);
    assert.match(await page.locator('section[aria-labelledby="history-title"]').innerText(), /main@sha1:/);
    await screenshot(page, 'object-podinfo');

    // A click on the source node opens the GitRepository's page.
    await page.locator(`a:has(g[data-node="GitRepository/${ns}/repo"])`).click();
    await page.getByRole('heading', { name: /GitRepository/ }).waitFor();
    assert.match(await page.locator('section[aria-labelledby="artifact-title"]').innerText(), /sha256:/);
  });

  test('the main views pass axe-core (WCAG 2.1 A/AA) in both themes and both widths, and work by keyboard', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-app`);
    await repo.commit({ files: { 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': configMapYaml('a', {}) } });
    await gitRepository(h, ns, 'repo', `${ns}-app`);
    await kustomization(h, ns, 'app', { path: './', targetNamespace: ns });
    await waitReady(h, ns, 'app', 'True');
    const object = `${ui.url}object/${encodeURIComponent(ui.cache.clusters[0]!.name)}/Kustomization/${ns}/app`;
    const views: [string, string, string][] = [
      ['overview', `${ui.url}?namespace=${ns}`, `tr[data-id$="/Kustomization/${ns}/app"]`],
      ['object page', object, 'table.inventory tbody tr'],
      ['diff', `${object}/diff`, 'text=unchanged'],
    ];
    const page = await openPage(t, `${ui.url}?namespace=${ns}`);
    const found: string[] = [];
    for (const theme of ['light', 'dark']) {
      await page.evaluate(`localStorage.setItem('fluxts-theme', '${theme}')`);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, url, ready] of views) {
          await page.goto(url);
          await page.locator(ready).first().waitFor({ timeout: 60_000 });
          for (const v of await axeViolations(page)) found.push(`${name}, ${theme}, ${width}px: ${v}`);
        }
      }
    }
    assert.deepEqual(found, []);

    // By keyboard alone: the skip link comes first, then the row's link opens the object page, with a visible focus.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${ui.url}?namespace=${ns}`);
    const link = page.getByRole('link', { name: 'app', exact: true });
    await link.waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent.trim()'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    let tabs = 0;
    // A script string: it runs in the page (DOM types are not this Node process's).
    const focused = `document.activeElement === document.querySelector('tr[data-id$="/Kustomization/${ns}/app"] a')`;
    while (!(await page.evaluate<boolean>(focused))) {
      assert.ok(++tabs < 40, 'the row link is reachable with Tab');
      await page.keyboard.press('Tab');
    }
    assert.notEqual(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), 'none');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/object/[^/]+/Kustomization/${ns}/app$`));
    // The actions are buttons reachable and usable from the keyboard.
    const suspend = page.getByRole('button', { name: 'Suspend' });
    await suspend.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal(
      ((await h.client.get(KS, { namespace: ns, name: 'app' })).spec as { suspend?: boolean }).suspend,
      true,
    );
  });

  test('reconcile, suspend and resume work from the page, and are refused for a user without RBAC', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-app`);
    await repo.commit({ files: { 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': configMapYaml('a', {}) } });
    await gitRepository(h, ns, 'repo', `${ns}-app`);
    await kustomization(h, ns, 'app', { path: './', targetNamespace: ns });
    await waitReady(h, ns, 'app', 'True');
    const get = (): Promise<KubeObject> => h.client.get(KS, { namespace: ns, name: 'app' });
    const href = `${ui.url}object/${encodeURIComponent(ui.cache.clusters[0]!.name)}/Kustomization/${ns}/app`;

    const page = await openPage(t, href);
    const status = page.locator('.action-result');
    await page.getByRole('button', { name: 'Reconcile', exact: true }).click();
    await status.and(page.locator('.ok')).waitFor();
    const requested = (await get()).metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    assert.ok(requested, 'requestedAt annotation set');
    await eventually('the controller to handle the request', async () =>
      ((await get()).status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt === requested
        ? true
        : undefined,
    );

    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal(((await get()).spec as { suspend?: boolean }).suspend, true);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Suspend' }).waitFor();
    assert.equal(((await get()).spec as { suspend?: boolean }).suspend, false);

    await page.getByRole('button', { name: 'Reconcile with source' }).click();
    await status.and(page.locator('.ok')).waitFor();
    assert.match(await status.innerText(), new RegExp(`GitRepository/${ns}/repo`));
    assert.ok(
      (await h.client.get(GIT, { namespace: ns, name: 'repo' })).metadata.annotations?.[
        'reconcile.fluxcd.io/requestedAt'
      ],
    );

    // A user who may read but not patch: signed in with their ServiceAccount token, their actions are refused.
    const token = await viewerToken(h.client, ns);
    const shared = await startUi({ kubeConfig: h.cluster.kubeConfig, address: '127.0.0.1:0', auth: 'token' });
    t.after(() => shared.stop());
    const viewer = await openPage(
      t,
      `${shared.url}object/${encodeURIComponent(shared.cache.clusters[0]!.name)}/Kustomization/${ns}/app`,
    );
    await viewer.getByLabel('Token').fill(token);
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('button', { name: 'Suspend' }).click();
    const refusal = viewer.locator('.action-result.refused');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /refused by the cluster's RBAC/);
    assert.match(await refusal.innerText(), new RegExp(`system:serviceaccount:${ns}:viewer`));
    assert.equal(((await get()).spec as { suspend?: boolean }).suspend, false, 'still not suspended');
    await viewer.getByRole('button', { name: 'Reconcile', exact: true }).click();
    await viewer.locator('.action-result.refused').waitFor();
  });

  test('the diff view shows a changed replica count and masks a Secret', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-app`);
    const secret = (value: string): string =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ntype: Opaque\nstringData:\n  password: ${value}\n`;
    await repo.commit({
      files: {
        'kustomization.yaml': 'resources: [deploy.yaml, secret.yaml]\n',
        'deploy.yaml': deploymentYaml('web', 1),
        'secret.yaml': secret('first-s3cr3t-value'),
      },
    });
    await gitRepository(h, ns, 'repo', `${ns}-app`);
    await kustomization(h, ns, 'app', { path: './', targetNamespace: ns });
    await waitReady(h, ns, 'app', 'True');
    await h.client.patch(KS, { namespace: ns, name: 'app' }, 'merge', { spec: { suspend: true } });
    const tip = await repo.commit({
      files: { 'deploy.yaml': deploymentYaml('web', 3), 'secret.yaml': secret('second-s3cr3t-value') },
    });
    await eventually('the source to fetch the change', async () => {
      const src = await h.client.get(GIT, { namespace: ns, name: 'repo' });
      return (src.status as { artifact?: { revision?: string } }).artifact?.revision === `main@sha1:${tip}`
        ? true
        : undefined;
    });

    const page = await openPage(
      t,
      `${ui.url}object/${encodeURIComponent(ui.cache.clusters[0]!.name)}/Kustomization/${ns}/app/diff`,
    );
    const deployment = page.locator(`section[data-subject="Deployment/${ns}/web"]`);
    await deployment.waitFor({ timeout: 60_000 });
    const text = await deployment.innerText();
    assert.match(text, /^- {3}replicas: 1$/m);
    assert.match(text, /^\+ {3}replicas: 3$/m);
    const secretView = await page.locator(`section[data-subject="Secret/${ns}/creds"]`).innerText();
    assert.match(secretView, /\*\*\* \(before\)/);
    assert.match(secretView, /\*\*\* \(after\)/);
    const body = await page.content();
    for (const value of ['first-s3cr3t-value', 'second-s3cr3t-value']) {
      assert.ok(!body.includes(value), `${value} is not on the page`);
      assert.ok(!body.includes(Buffer.from(value).toString('base64')), `${value} (base64) is not on the page`);
    }
    assert.match(await page.locator('body').innerText(), new RegExp(`main@sha1:${tip}`));
    await screenshot(page, 'diff');
  });

  test('an exposed server refuses unauthenticated requests; a loopback one refuses forged ones', async (t) => {
    const exposed = await startUi({ kubeConfig: h.cluster.kubeConfig, address: '0.0.0.0:0' });
    t.after(() => exposed.stop());
    assert.equal(exposed.auth, 'token');
    const port = new URL(exposed.url).port;
    const base = `http://127.0.0.1:${port}`;
    for (const path of ['/api/rows', '/api/session', '/api/stream', '/api/object/x/Kustomization/a/b']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 401, path);
      assert.ok(!(await res.text()).includes('"rows"'));
    }
    const post = await fetch(`${base}/api/action/x/Kustomization/a/b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"action":"suspend"}',
    });
    assert.equal(post.status, 401);
    const bad = await fetch(`${base}/api/rows`, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(bad.status, 401);
    const page = await fetch(`${base}/`);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');

    // The loopback server: a state change without the CSRF token, from another origin, or for another Host.
    const local = new URL(ui.url);
    const action = `${ui.url}api/action/${encodeURIComponent(ui.cache.clusters[0]!.name)}/Kustomization/x/y`;
    const noCsrf = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"action":"suspend"}',
    });
    assert.equal(noCsrf.status, 403);
    const crossSite = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: '{"action":"suspend"}',
    });
    assert.equal(crossSite.status, 403);
    // fetch() may not set Host: a plain request does, as a DNS-rebinding page would arrive.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: local.port, path: '/api/rows', headers: { host: `evil.example:${local.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(rebound, 421);
  });
});

/** viewerToken creates a ServiceAccount that may read everything in the namespace but change nothing. */
async function viewerToken(client: KubeClient, ns: string): Promise<string> {
  await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'viewer', namespace: ns } });
  await client.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'viewer', namespace: ns },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
  });
  await client.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'viewer', namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'viewer' },
    subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: ns }],
  });
  const answer = await client.transport.request<{ status?: { token?: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${ns}/serviceaccounts/viewer/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const token = answer.status?.token;
  assert.ok(token, 'a token for the viewer');
  return token;
}
