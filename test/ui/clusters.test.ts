// The web UI over two clusters, served over HTTPS: the run's control plane ("east") and a second one started here
// ("west"), as two contexts of one kubeconfig. Headless Chromium reads the overview (a cluster column, rows of both,
// the failing one first, a cluster filter), opens an object of the second cluster, and sees the second cluster
// reported unreachable, with the first still live, once its control plane stops.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser } from 'playwright-core';

import { startDevCluster, stopDevCluster } from '../../src/devcluster/cluster.ts';
import { KubeClient, KubeConfig } from '../../src/kube/index.ts';
import { startUi, type RunningUiApp } from '../../src/ui/index.ts';
import { launchChromium } from '../support/browser.ts';
import { useCluster } from '../support/cluster.ts';

const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

let work: string;
let westDir: string;
let westStopped = false;
let east: KubeClient;
let west: KubeClient;
let ui: RunningUiApp;
let browser: Browser;
let ca: Buffer;
const ns = `ui-clusters-${process.pid}`;

/** renamed copies a one-context kubeconfig under a new context, cluster and user name. */
function renamed(from: KubeConfig, name: string, into: KubeConfig): void {
  const context = from.getContextObject(from.currentContext)!;
  const cluster = from.clusters.find((c) => c.name === context.cluster)!;
  const user = from.users.find((u) => u.name === context.user)!;
  into.clusters.push({ ...cluster, name });
  into.users.push({ ...user, name });
  into.contexts.push({ ...context, name, cluster: name, user: name });
}

/** selfSignedCertificate makes a CA-less certificate for 127.0.0.1 with openssl; the certificate is its own CA. */
async function selfSignedCertificate(dir: string): Promise<{ cert: Buffer; key: Buffer }> {
  const [cert, key] = [join(dir, 'ui.crt'), join(dir, 'ui.key')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert: await readFile(cert), key: await readFile(key) };
}

async function gitRepository(client: KubeClient, name: string, ready: boolean): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch(() => undefined);
  await client.create({
    ...GIT,
    metadata: { name, namespace: ns },
    spec: { url: 'https://example.invalid/repo.git', interval: '10m', ref: { branch: 'main' } },
  });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.patch(
    GIT,
    { namespace: ns, name },
    'merge',
    {
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: ready ? 'True' : 'False',
            reason: ready ? 'Succeeded' : 'GitOperationFailed',
            message: ready ? 'stored artifact for revision main@sha1:0123456789ab' : 'failed to checkout: unreachable',
            lastTransitionTime: now,
            observedGeneration: 1,
          },
        ],
      },
    },
    { subresource: 'status' },
  );
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'fluxts-ui-clusters-'));
  westDir = join(work, 'west');
  const eastCluster = await useCluster();
  const westState = await startDevCluster({ stateDir: westDir, ownerPid: process.pid, progress: () => undefined });
  const westConfig = new KubeConfig();
  westConfig.loadFromFile(westState.kubeconfig);
  const merged = new KubeConfig();
  renamed(eastCluster.kubeConfig, 'east', merged);
  renamed(westConfig, 'west', merged);
  merged.setCurrentContext('east');
  east = new KubeClient(eastCluster.kubeConfig);
  west = new KubeClient(westConfig);
  await gitRepository(east, 'podinfo', true);
  await gitRepository(west, 'podinfo', false);
  const tls = await selfSignedCertificate(work);
  ca = tls.cert;
  ui = await startUi({ kubeConfig: merged, allContexts: true, address: '127.0.0.1:0', tls });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await east?.delete({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns }).catch(() => undefined);
  if (!westStopped) await stopDevCluster(westDir).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

describe('web UI over two clusters', () => {
  test('serves HTTPS with the given certificate and HSTS; plain HTTP gets no answer', async () => {
    assert.match(ui.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    const { status, headers } = await new Promise<{ status: number; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        // Verified against the certificate itself: a wrong certificate fails the handshake.
        const req = httpsRequest(`${ui.url}api/session`, { ca }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on('error', reject);
        req.end();
      },
    );
    assert.equal(status, 200);
    assert.equal(headers['strict-transport-security'], 'max-age=31536000');
    // Plain HTTP to the HTTPS port gets no answer from the UI.
    await assert.rejects(fetch(ui.url.replace('https:', 'http:') + 'api/rows').then((r) => r.json()));
  });

  test('the overview shows both clusters in a cluster column, failing first, and filters by cluster', async (t) => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${ui.url}?namespace=${ns}`);
    const rows = page.locator('tbody tr');
    await page.locator(`tr[data-id="east/GitRepository/${ns}/podinfo"]`).waitFor();
    await page.locator(`tr[data-id="west/GitRepository/${ns}/podinfo"]`).waitFor();
    assert.equal(await rows.first().getAttribute('data-id'), `west/GitRepository/${ns}/podinfo`);
    assert.equal(await rows.first().getAttribute('data-state'), 'failed');
    assert.deepEqual(await page.locator('table.rows').first().locator('th').allInnerTexts(), [
      'Cluster',
      'Kind',
      'Namespace',
      'Name',
      'State',
      'Message',
      'Revision',
      'Age',
    ]);
    assert.equal(await rows.first().locator('td').first().innerText(), 'west');

    await page.getByLabel('Cluster', { exact: true }).selectOption('east');
    await page.waitForURL(/cluster=east/);
    await page.locator(`tr[data-id="west/GitRepository/${ns}/podinfo"]`).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);

    // The second cluster's object opens its own page.
    await page.goto(`${ui.url}?namespace=${ns}&cluster=west`);
    await page.getByRole('link', { name: 'podinfo' }).click();
    await page.waitForURL(new RegExp(`/object/west/GitRepository/${ns}/podinfo$`));
    await page.getByText('GitOperationFailed').first().waitFor();
  });

  test('a cluster that stops answering is reported; the other stays live', async (t) => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${ui.url}?namespace=${ns}`);
    await page.locator(`tr[data-id="west/GitRepository/${ns}/podinfo"]`).waitFor();
    await stopDevCluster(westDir);
    westStopped = true;
    const notice = page.getByRole('alert').filter({ hasText: 'Cluster west is unreachable' });
    await notice.waitFor({ timeout: 30_000 });
    // Its objects keep their last known state; the first cluster still updates live.
    assert.equal(await page.locator(`tr[data-id="west/GitRepository/${ns}/podinfo"]`).count(), 1);
    await gitRepository(east, 'second', false);
    await page.locator(`tr[data-id="east/GitRepository/${ns}/second"][data-state="failed"]`).waitFor();
  });
});
