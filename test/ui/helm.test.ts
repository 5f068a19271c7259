// The HelmRelease views in a real browser (Debian's headless Chromium driven by playwright-core) against the run's
// control plane, with the real source-controller and helm-controller in this process and podinfo's chart served by
// a real Helm HTTP repository: the release summary, the history snapshots and the inventory of a release the
// controller installed and then upgraded.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import type { HelmRelease } from '../../src/api/index.ts';
import { helmReleaseType } from '../../src/controllers/helm/index.ts';
import { startUi, type RunningUiApp } from '../../src/ui/index.ts';
import { launchChromium, openPage as openBrowserPage } from '../support/browser.ts';
import { useNamespace } from '../support/cluster.ts';
import { SHARED_FIXTURES } from '../support/fixtures.ts';
import { startHelmRepository, type TestHelmRepository } from '../support/helm-repository.ts';
import { createPodinfoRelease, type HelmHarness, startHelmHarness, waitRelease } from '../helm-controller/harness.ts';

const PODINFO = join(SHARED_FIXTURES, 'podinfo', 'charts', 'podinfo');

let h: HelmHarness;
let repo: TestHelmRepository;
let ui: RunningUiApp;
let browser: Browser;

before(async () => {
  [h, repo] = await Promise.all([startHelmHarness(), startHelmRepository()]);
  repo.addChart(PODINFO, '6.14.1');
  ui = await startUi({ kubeConfig: h.cluster.kubeConfig, address: '127.0.0.1:0' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await repo?.stop();
  await h?.stop();
});

const openPage = (t: { after(fn: () => Promise<void>): void }, url: string): Promise<Page> =>
  openBrowserPage(browser, t, url);

/** installAndUpgrade installs podinfo with one replica and upgrades it to two: revisions 1 and 2. */
async function installAndUpgrade(ns: string, values: Record<string, unknown> = {}): Promise<HelmRelease> {
  await createPodinfoRelease(h.client, ns, repo.url, { values: { replicaCount: 1, ...values } });
  await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
  const live = await h.client.get<HelmRelease>(helmReleaseType, { namespace: ns, name: 'podinfo' });
  live.spec.values = { replicaCount: 2, ...values };
  await h.client.update(live);
  return waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'UpgradeSucceeded' });
}

describe('web UI: HelmRelease', () => {
  test('the object page shows the chart, source, release, Helm conditions, history and inventory', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const hr = await installAndUpgrade(ns);
    const href = `${ui.url}object/${encodeURIComponent(ui.cache.clusters[0]!.name)}/HelmRelease/${ns}/podinfo`;
    const page = await openPage(t, href);
    const history = page.locator('table.release-history tbody tr');
    // The page may have loaded before the cache saw the upgrade; it reloads on the change by itself.
    await history.nth(1).waitFor({ timeout: 30_000 });

    const field = (name: string): Promise<string> => page.locator(`dd[data-field="${name}"]`).innerText();
    assert.equal(await field('chart'), 'podinfo 6.x');
    assert.equal(await field('source'), `HelmRepository/${ns}/podinfo`);
    assert.equal(await field('release'), `${ns}/podinfo`);
    assert.equal(await field('deployed'), 'chart 6.14.1, app 6.14.1 (deployed)');
    const cond = (type: string) => page.locator(`li[data-condition="${type}"]`);
    assert.equal(await cond('Ready').getAttribute('data-status'), 'True');
    assert.equal(await cond('Released').getAttribute('data-status'), 'True');
    assert.match(await cond('Released').innerText(), /UpgradeSucceeded/);
    assert.equal(await cond('Remediated').count(), 0, 'never remediated');

    // status.history, newest first: revision 2 deployed, revision 1 superseded, each with its config digest.
    // A script string: it runs in the page (DOM types are not this Node process's).
    const rows = await page.evaluate<string[][]>(
      `[...document.querySelectorAll('table.release-history tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent))`,
    );
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[3]]),
      [
        ['2', 'deployed', 'podinfo@6.14.1', '6.14.1'],
        ['1', 'superseded', 'podinfo@6.14.1', '6.14.1'],
      ],
    );
    const digests = hr.status!.history!.map((s) => s.configDigest.slice(0, 19));
    assert.deepEqual(
      rows.map((r) => r[6]),
      digests,
    );
    assert.notEqual(digests[0], digests[1], 'the upgrade changed the values');

    // The inventory the release applied (status.inventory), in the table and in the graph.
    for (const id of [`Deployment/${ns}/podinfo`, `Service/${ns}/podinfo`]) {
      assert.equal(await page.locator(`tr[data-inventory="${id}"]`).count(), 1, `inventory ${id}`);
      assert.equal(await page.locator(`g[data-node="${id}"]`).count(), 1, `graph node ${id}`);
    }
    assert.equal(await page.locator(`g[data-node="HelmRepository/${ns}/podinfo"]`).count(), 1, 'source node');
  });
});

describe('web UI: HelmRelease values diff', () => {
  test('the values diff of the last two revisions, with values from a Secret masked', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const secretValue = 'hunter2-n0t-for-the-browser';
    await h.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ui-values', namespace: ns },
      stringData: { 'values.yaml': `ui:\n  message: ${secretValue}\n` },
    });
    await createPodinfoRelease(h.client, ns, repo.url, {
      values: { replicaCount: 1 },
      valuesFrom: [{ kind: 'Secret', name: 'ui-values' }],
    });
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'InstallSucceeded' });
    const live = await h.client.get<HelmRelease>(helmReleaseType, { namespace: ns, name: 'podinfo' });
    live.spec.values = { replicaCount: 3 };
    await h.client.update(live);
    await waitRelease(h.client, ns, 'podinfo', { status: 'True', reason: 'UpgradeSucceeded' });

    const href = `${ui.url}object/${encodeURIComponent(ui.cache.clusters[0]!.name)}/HelmRelease/${ns}/podinfo`;
    const page = await openPage(t, href);
    const diff = page.locator('.values-diff[data-from="1"][data-to="2"] pre.diff');
    await diff.waitFor({ timeout: 30_000 });
    const text = await diff.innerText();
    assert.match(text, /^- replicaCount: 1$/m);
    assert.match(text, /^\+ replicaCount: 3$/m);
    assert.match(await page.locator('.values-diff').innerText(), /ui\.message/);
    // The Secret's value went into the release, but never to the browser: not on the page, not in the API answer.
    const api = await page.evaluate<string>(
      `fetch('/api/values/${encodeURIComponent(ui.cache.clusters[0]!.name)}/HelmRelease/${ns}/podinfo').then((r) => r.text())`,
    );
    const revisions = (JSON.parse(api) as { revisions: { values: string }[] }).revisions;
    assert.equal(revisions.length, 2);
    for (const r of revisions) assert.match(r.values, /^ {2}message: "\*\*\*"$/m);
    for (const shown of [api, await page.content()]) {
      assert.ok(!shown.includes(secretValue), 'the Secret value is not sent');
      assert.ok(!shown.includes(Buffer.from(secretValue).toString('base64')), 'nor its base64');
    }
    // Picking revision 1 on both sides: the same values.
    await page.getByRole('combobox', { name: 'To revision' }).selectOption('1');
    await page.locator('.values-diff').getByText('The values are the same.').waitFor();
  });
});
