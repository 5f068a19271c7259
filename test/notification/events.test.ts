// The event server on the real control plane: events posted as the controllers post them reach exactly the
// Providers of the matching Alerts, with Flux's payloads, metadata merge, duplicate suppression and answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { marshalEvent } from '../../src/controllers/notification/event.ts';
import type { FluxEvent } from '../../src/runtime/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { type Endpoint, startEndpoint } from './endpoint.ts';
import { create, type NotificationHarness, secret, startNotification } from './harness.ts';

const ALERT = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert' };
const PROVIDER = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider' };

let h: NotificationHarness;
let hook: Endpoint;

before(async () => {
  h = await startNotification();
  hook = await startEndpoint();
});
after(async () => {
  await h.stop();
  await hook.close();
});

function event(namespace: string, message: string, extra: Partial<FluxEvent> = {}): FluxEvent {
  return {
    involvedObject: {
      kind: 'Kustomization',
      namespace,
      name: 'apps',
      uid: '7d0cdc51-ddcd-4735-a1c1-33a3aa6e8e63',
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    },
    severity: 'info',
    timestamp: '2026-12-07T16:00:00Z',
    message,
    reason: 'ReconciliationSucceeded',
    metadata: {
      'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:0123456789abcdef0123456789abcdef01234567',
      'kustomize.toolkit.fluxcd.io/checksum': 'dropped',
      'kustomize.toolkit.fluxcd.io/token': 'rate-limit-only',
      'event.toolkit.fluxcd.io/env': 'from-annotation',
      'other.group/ignored': 'x',
    },
    reportingController: 'kustomize-controller',
    reportingInstance: 'kustomize-controller-abc',
    ...extra,
  };
}

async function post(body: unknown): Promise<Response> {
  return fetch(h.eventsUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** settle posts probes until the controller's caches hold the test's Alerts (a probe reaches the endpoint). */
async function settle(ns: string): Promise<void> {
  let n = 0;
  await eventually('the Alert to be cached', async () => {
    const before = hook.requests.length;
    await post(event(ns, `probe ${n++}`));
    await new Promise((r) => setTimeout(r, 200));
    return hook.requests.slice(before).some((r) => r.text.includes('probe')) ? true : undefined;
  });
  await new Promise((r) => setTimeout(r, 300));
  hook.requests.length = 0;
}

describe('event server', () => {
  test('forwards a matching event to a generic-hmac provider with merged metadata, once', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await create(
      h.client,
      secret(ns, 'hook', { address: `${hook.url}/flux`, token: 's3cr3t', headers: 'X-Env: test\n' }),
    );
    await create(h.client, {
      ...PROVIDER,
      metadata: { name: 'generic', namespace: ns },
      spec: { type: 'generic-hmac', secretRef: { name: 'hook' } },
    });
    await create(h.client, {
      ...ALERT,
      metadata: { name: 'all', namespace: ns },
      spec: {
        providerRef: { name: 'generic' },
        eventSources: [{ kind: 'Kustomization', name: '*' }],
        eventMetadata: { cluster: 'prod', env: 'from-alert' },
        exclusionList: ['^ignore me'],
      },
    });
    await settle(ns);

    const sent = event(ns, 'Reconciliation finished in 1s, next run in 10m');
    const res = await post(sent);
    assert.equal(res.status, 202);
    const got = await hook.next();
    assert.equal(got.method, 'POST');
    assert.equal(got.path, '/flux');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['gotk-component'], 'kustomize-controller');
    assert.equal(got.headers['x-env'], 'test');
    const expected = {
      ...sent,
      // Controller metadata wins over the Alert, the Alert over annotations; checksum and token never leave.
      metadata: {
        cluster: 'prod',
        env: 'from-alert',
        revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
      },
    };
    assert.equal(got.text, marshalEvent(expected));
    const { createHmac } = await import('node:crypto');
    assert.equal(got.headers['x-signature'], `sha256=${createHmac('sha256', 's3cr3t').update(got.body).digest('hex')}`);

    // The same event again within the interval is a duplicate: 429 with the rate-limit headers, nothing sent.
    const dup = await post(sent);
    assert.equal(dup.status, 429);
    assert.equal(await dup.text(), 'Too Many Requests\n');
    assert.equal(dup.headers.get('x-ratelimit-limit'), '1');
    assert.ok(dup.headers.get('retry-after'));
    // A new revision is a new event.
    const next = event(ns, sent.message, {
      metadata: { 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:1111111111111111111111111111111111111111' },
    });
    assert.equal((await post(next)).status, 202);
    await hook.next();

    // Excluded messages and events of other kinds are accepted but not forwarded.
    assert.equal((await post(event(ns, 'ignore me please'))).status, 202);
    assert.equal(
      (
        await post({
          ...event(ns, 'other kind'),
          involvedObject: { ...event(ns, '').involvedObject, kind: 'HelmRelease' },
        })
      ).status,
      202,
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(hook.requests.length, 2);
  });

  test('answers 400 to a body that is not an event and 413 to one over 3 MiB', async () => {
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post({ message: 42 })).status, 400);
    assert.equal((await post({ timestamp: 'yesterday' })).status, 400);
    const huge = JSON.stringify({ message: 'x'.repeat(3 * 1024 * 1024) });
    assert.equal((await post(huge)).status, 413);
    // The server is still serving.
    assert.equal((await post({ involvedObject: { kind: 'Bucket', name: 'x', namespace: 'none' } })).status, 202);
    // Every answer is measured as Flux's go-http-metrics middleware measures it (prefix gotk_event, handler /).
    const metrics = await h.metrics();
    const count = (code: number) =>
      Number(
        new RegExp(
          `^gotk_event_http_request_duration_seconds_count\\{service="",handler="/",method="POST",code="${code}"\\} (\\d+)$`,
          'm',
        ).exec(metrics)?.[1] ?? 0,
      );
    assert.ok(count(400) >= 3, metrics);
    assert.ok(count(413) >= 1);
    assert.ok(count(202) >= 1);
    assert.match(
      metrics,
      /^gotk_event_http_response_size_bytes_bucket\{le="100",service="",handler="\/",method="POST",code="202"\} \d+$/m,
    );
    assert.match(metrics, /^gotk_event_http_requests_inflight\{service="",handler="\/"\} 0$/m);
  });

  test('a slack provider gets the Slack payload; an error-only Alert ignores info events', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await create(h.client, {
      ...PROVIDER,
      metadata: { name: 'slack', namespace: ns },
      spec: { type: 'slack', channel: 'general', address: `${hook.url}/services/T000/B000/XXX` },
    });
    await create(h.client, {
      ...ALERT,
      metadata: { name: 'errors', namespace: ns },
      spec: {
        providerRef: { name: 'slack' },
        eventSeverity: 'error',
        eventSources: [{ kind: 'Kustomization', name: 'apps' }],
      },
    });
    await eventually('the error Alert to be cached', async () => {
      await post(event(ns, `probe error ${Math.random()}`, { severity: 'error' }));
      await new Promise((r) => setTimeout(r, 200));
      return hook.requests.length > 0 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    hook.requests.length = 0;
    assert.equal((await post(event(ns, 'all good'))).status, 202);
    assert.equal(
      (await post(event(ns, 'health check failed\ndetails', { severity: 'error', reason: 'HealthCheckFailed' })))
        .status,
      202,
    );
    const got = await hook.next();
    assert.equal(got.path, '/services/T000/B000/XXX');
    const body = JSON.parse(got.text) as Record<string, unknown>;
    assert.deepEqual(body, {
      channel: 'general',
      username: 'kustomize-controller',
      icon_url: '',
      icon_emoji: '',
      attachments: [
        {
          fallback: `kustomization/apps.${ns}: health check failed`,
          color: 'danger',
          author_name: `kustomization/apps.${ns}`,
          text: 'health check failed\ndetails',
          mrkdwn_in: ['text'],
          fields: [
            { title: 'env', value: 'from-annotation', short: false },
            { title: 'revision', value: 'main@sha1:0123456789abcdef0123456789abcdef01234567', short: false },
          ],
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(hook.requests.length, 1, 'the info event must not reach an error-only Alert');
  });

  test('a failing provider is retried, then reported on the Alert; the server keeps answering at once', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const down = await startEndpoint(() => ({ status: 503, body: 'down' }));
    t.after(() => down.close());
    await create(h.client, {
      ...PROVIDER,
      metadata: { name: 'down', namespace: ns },
      spec: { type: 'generic', address: `${down.url}/hook?token=secret-in-url` },
    });
    await create(h.client, {
      ...ALERT,
      metadata: { name: 'down', namespace: ns },
      spec: { providerRef: { name: 'down' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
    });
    await eventually('the failing provider to be called', async () => {
      const started = Date.now();
      const res = await post(event(ns, `failing ${Math.random()}`));
      assert.equal(res.status, 202);
      assert.ok(Date.now() - started < 1000, 'the answer must not wait for the provider');
      await new Promise((r) => setTimeout(r, 200));
      return down.requests.length > 0 ? true : undefined;
    });
    const warning = await eventually('a NotificationDispatchFailed event on the Alert', async () => {
      const list = await h.client.list<{
        metadata: { name?: string };
        reason?: string;
        message?: string;
        involvedObject?: { name?: string };
      }>({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
      return list.items.find((e) => e.reason === 'NotificationDispatchFailed' && e.involvedObject?.name === 'down');
    });
    assert.match(warning.message ?? '', /giving up after 3 attempt\(s\): unexpected HTTP status 503/);
    assert.doesNotMatch(warning.message ?? '', /secret-in-url/);
    assert.ok(down.requests.length >= 3);
  });
});
