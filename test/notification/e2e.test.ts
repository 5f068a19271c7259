// End to end on the real control plane: source-, kustomize- and notification-controller in this process, a real Git
// server. A Kustomization failing and recovering produces exactly the configured alerts at a generic and a Slack
// endpoint; the applied commit gets a GitHub commit status (requests checked against GitHub's OpenAPI
// description); a GitHub-signed push webhook makes the GitRepository fetch at once.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';

import type { GitRepository } from '../../src/api/index.ts';
import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import {
  configMapYaml,
  type Harness,
  kustomization,
  startHarness,
  waitReady,
} from '../kustomize-controller/harness.ts';
import { type Endpoint, startEndpoint } from './endpoint.ts';
import { create, type NotificationHarness, secret, startNotification } from './harness.ts';
import { checkGitHubRequest } from '../support/openapi.ts';

const PROVIDER = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider' };
const ALERT = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert' };
const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

let nc: NotificationHarness;
let h: Harness;
let generic: Endpoint;
let slack: Endpoint;
let github: Endpoint;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  const port = await freePort();
  nc = await startNotification({ eventsAddr: `127.0.0.1:${port}` });
  h = await startHarness([`--events-addr=http://127.0.0.1:${port}/`]);
  generic = await startEndpoint();
  slack = await startEndpoint();
  github = await startEndpoint((r) => {
    checkGitHubRequest(r.method, r.path, '/api/v3', r.text || '{}');
    return r.method === 'GET' ? { status: 200, body: '[]' } : { status: 201, body: '{}' };
  });
});
after(async () => {
  await h?.stop();
  await nc?.stop();
  await Promise.all([generic, slack, github].map((e) => e?.close()));
});

interface Posted {
  severity: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
}

test('a failing and recovering Kustomization alerts generic and Slack; its commit gets a GitHub status', async (t) => {
  const ns = await useNamespace(t, nc.cluster);
  const repo = h.git.createRepo(`${ns}-app`);
  // A kustomization.yaml naming a file that does not exist: the build fails.
  await repo.commit({ files: { 'deploy/kustomization.yaml': 'resources:\n  - missing.yaml\n' } });
  await create(nc.client, {
    ...GITREPO,
    metadata: { name: 'repo', namespace: ns },
    spec: { url: h.git.repoUrl(`${ns}-app`), interval: '2s', ref: { branch: 'main' } },
  });
  await create(nc.client, secret(ns, 'github', { token: 'ghp_e2e' }));
  for (const [name, spec] of [
    ['generic', { type: 'generic', address: `${generic.url}/hook` }],
    ['slack', { type: 'slack', channel: 'ops', address: `${slack.url}/services/T/B/X` }],
    ['github', { type: 'github', address: `${github.url}/org/app`, secretRef: { name: 'github' } }],
  ] as const) {
    await create(nc.client, { ...PROVIDER, metadata: { name, namespace: ns }, spec });
    await create(nc.client, {
      ...ALERT,
      metadata: { name, namespace: ns },
      spec: {
        providerRef: { name },
        eventSources: [{ kind: 'Kustomization', name: '*' }],
        ...(name === 'slack' ? { eventMetadata: { cluster: 'e2e' } } : {}),
      },
    });
  }
  // Let the notification-controller's caches see the Alerts before anything happens.
  await new Promise((r) => setTimeout(r, 1500));
  await kustomization(h, ns, 'app', { path: './deploy', interval: '1h', retryInterval: '2s', targetNamespace: ns });
  await waitReady(h, ns, 'app', 'False');
  const failed = await eventually('the failure at the generic endpoint', () => {
    const posted = generic.requests.map((r) => JSON.parse(r.text) as Posted);
    return posted.find((p) => p.severity === 'error');
  });
  assert.match(failed.message, /missing\.yaml/);

  const tip = await repo.commit({
    files: {
      'deploy/kustomization.yaml': 'resources:\n  - cm.yaml\n',
      'deploy/cm.yaml': configMapYaml('app', { a: '1' }),
    },
  });
  await waitReady(h, ns, 'app', 'True', 'ReconciliationSucceeded', { timeoutMs: 90_000 }).catch(
    async (err: unknown) => {
      const ks = await h.client.get(kustomizationType, { namespace: ns, name: 'app' });
      throw new Error(`${(err as Error).message}; status: ${JSON.stringify(ks.status)}`, { cause: err });
    },
  );
  const revision = `main@sha1:${tip}`;
  await eventually('the recovery at the generic endpoint', () => {
    const posted = generic.requests.map((r) => JSON.parse(r.text) as Posted);
    return posted.some((p) => p.message.startsWith('Reconciliation finished') && p.metadata?.['revision'] === revision)
      ? true
      : undefined;
  });
  await new Promise((r) => setTimeout(r, 1000));
  const genericPosted = generic.requests.map((r) => JSON.parse(r.text) as Posted);
  const slackPosted = slack.requests.map(
    (r) =>
      JSON.parse(r.text) as {
        attachments: { color: string; text: string; fields: { title: string; value: string }[] }[];
      },
  );
  // Duplicates are suppressed: every message reaches each endpoint once.
  const genericMessages = genericPosted.map((p) => `${p.message}@${p.metadata?.['revision']}`);
  assert.equal(new Set(genericMessages).size, genericMessages.length, genericMessages.join('\n'));
  // Slack gets the failure and the apply change set, never the commit-status-only "Reconciliation finished".
  const slackTexts = slackPosted.map((p) => p.attachments[0]?.text ?? '');
  assert.ok(
    slackPosted.some((p) => p.attachments[0]?.color === 'danger' && /missing\.yaml/.test(p.attachments[0].text)),
  );
  assert.ok(
    slackTexts.some((text) => /ConfigMap\/.*\/app created/.test(text)),
    slackTexts.join('\n'),
  );
  assert.ok(!slackTexts.some((text) => text.startsWith('Reconciliation finished')));
  assert.equal(new Set(slackTexts).size, slackTexts.length);
  for (const p of slackPosted)
    assert.ok(p.attachments[0]?.fields.some((f) => f.title === 'cluster' && f.value === 'e2e'));
  // The applied commit got a success status from the github provider.
  const status = await eventually('a GitHub commit status for the commit', () =>
    github.requests.find(
      (r) => r.method === 'POST' && r.path === `/api/v3/repos/org/app/statuses/${tip}` && r.text.includes('success'),
    ),
  );
  assert.equal(status.headers['authorization'], 'Bearer ghp_e2e');
  const body = JSON.parse(status.text) as { state: string; context: string; description: string };
  assert.equal(body.state, 'success');
  assert.match(body.context, /^kustomization\/app\/[0-9a-f]{8}$/);
});

test('a GitHub-signed push webhook makes the GitRepository fetch at once', async (t) => {
  const ns = await useNamespace(t, nc.cluster);
  const repo = h.git.createRepo(`${ns}-hooked`);
  const first = await repo.commit({ files: { 'a.txt': 'one' } });
  await create(nc.client, {
    ...GITREPO,
    metadata: { name: 'hooked', namespace: ns },
    spec: { url: h.git.repoUrl(`${ns}-hooked`), interval: '1h', ref: { branch: 'main' } },
  });
  await eventually('the first artifact', async () => {
    const gr = await nc.client.get<GitRepository>(GITREPO, { namespace: ns, name: 'hooked' });
    return gr.status?.artifact?.revision === `main@sha1:${first}` ? true : undefined;
  });
  await create(nc.client, secret(ns, 'hook', { token: 'push-secret' }));
  await create(nc.client, {
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    kind: 'Receiver',
    metadata: { name: 'github', namespace: ns },
    spec: {
      type: 'github',
      events: ['push'],
      secretRef: { name: 'hook' },
      resources: [{ kind: 'GitRepository', name: 'hooked' }],
    },
  });
  const path = await eventually('the webhook path', async () => {
    const r = await nc.client.get<{ metadata: { name?: string }; status?: { webhookPath?: string } }>(
      { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver' },
      { namespace: ns, name: 'github' },
    );
    return r.status?.webhookPath || undefined;
  });
  const second = await repo.commit({ files: { 'a.txt': 'two' } });
  const payload = JSON.stringify({ ref: 'refs/heads/main', after: second });
  const signature = `sha256=${createHmac('sha256', 'push-secret').update(payload).digest('hex')}`;
  const sentAt = Date.now();
  await eventually('the webhook to be accepted', async () => {
    const res = await fetch(`${nc.receiverUrl}${path}`, {
      method: 'POST',
      body: payload,
      headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': signature },
    });
    return res.status === 200 ? true : undefined;
  });
  await eventually(
    'the GitRepository to fetch the pushed commit',
    async () => {
      const gr = await nc.client.get<GitRepository>(GITREPO, { namespace: ns, name: 'hooked' });
      return gr.status?.artifact?.revision === `main@sha1:${second}` ? true : undefined;
    },
    { timeoutMs: 20_000 },
  );
  // An interval of 1h: only the webhook can explain a fetch within seconds.
  assert.ok(Date.now() - sentAt < 20_000);
});
