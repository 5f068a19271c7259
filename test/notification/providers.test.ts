// Every Provider type against a local endpoint that checks the request as the service documents it (method,
// path, auth, body) and answers as the service does, errors and rate limits included.
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { marshalEvent } from '../../src/controllers/notification/event.ts';
import { newNotifier, type ProviderSettings } from '../../src/controllers/notification/providers/index.ts';
import { nkeyFromSeed } from '../../src/controllers/notification/providers/nats.ts';
import type { FluxEvent } from '../../src/runtime/index.ts';
import { type Endpoint, type Recorded, startEndpoint } from './endpoint.ts';
import { checkGitHubRequest, giteaApi } from '../support/openapi.ts';
import { startNatsServer } from '../support/nats-server.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function event(extra: Partial<FluxEvent> = {}): FluxEvent {
  return {
    involvedObject: {
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'apps',
      uid: '0b7c2d3e-1111-2222-3333-444455556666',
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    },
    severity: 'info',
    timestamp: '2026-12-07T16:00:00Z',
    message: 'Applied revision: main@sha1:0123 <ok> & done',
    reason: 'ReconciliationSucceeded',
    metadata: { revision: `main@sha1:${SHA}`, summary: 'prod cluster' },
    reportingController: 'kustomize-controller',
    reportingInstance: 'kc-1',
    ...extra,
  };
}

let ep: Endpoint;
before(async () => {
  ep = await startEndpoint();
});
after(() => ep.close());

function settings(type: string, extra: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    type,
    address: ep.url,
    channel: '',
    username: '',
    password: '',
    token: '',
    headers: {},
    transport: {},
    commitStatus: '',
    providerUID: 'a1b2c3d4-0000-0000-0000-000000000000',
    providerName: 'p',
    providerNamespace: 'flux-system',
    secretData: {},
    serviceAccountName: '',
    alert: { name: 'on-call', namespace: 'flux-system', uid: '9f9f9f9f-0000-0000-0000-000000000000' },
    retry: { retries: 2, minWaitMs: 20, maxWaitMs: 50 },
    ...extra,
  };
}

async function send(s: ProviderSettings, ev: FluxEvent = event(), timeoutMs = 5000): Promise<Recorded[]> {
  ep.requests.length = 0;
  await newNotifier(s).post(ev, { signal: AbortSignal.timeout(timeoutMs) });
  return [...ep.requests];
}

function json(r: Recorded | undefined): Record<string, unknown> {
  assert.ok(r, 'a request was made');
  return JSON.parse(r.text) as Record<string, unknown>;
}

describe('chat and alerting providers', () => {
  test('generic posts the event as Go marshals it; generic-hmac signs exactly those bytes', async () => {
    const [plain] = await send(settings('generic', { headers: { Authorization: 'Bearer x' } }));
    assert.equal(plain?.method, 'POST');
    assert.equal(plain?.text, marshalEvent(event()));
    assert.match(plain?.text ?? '', /\\u003cok\\u003e \\u0026 done/);
    assert.equal(plain?.headers['gotk-component'], 'kustomize-controller');
    assert.equal(plain?.headers['authorization'], 'Bearer x');
    const [signed] = await send(settings('generic-hmac', { token: 'key' }));
    assert.equal(
      signed?.headers['x-signature'],
      `sha256=${createHmac('sha256', 'key')
        .update(signed?.body ?? '')
        .digest('hex')}`,
    );
    assert.throws(() => newNotifier(settings('generic-hmac')), /HMAC key is empty/);
    assert.throws(() => newNotifier(settings('generic', { address: 'not a url' })), /invalid hook URL/);
  });

  test('slack: Slack-format attachment, bearer token; chat.postMessage errors come from the answer body', async () => {
    const [r] = await send(settings('slack', { channel: '#ops', token: 'xoxb-1' }));
    assert.equal(r?.headers['authorization'], 'Bearer xoxb-1');
    const body = json(r);
    assert.equal(body['channel'], '#ops');
    assert.deepEqual((body['attachments'] as { fields: unknown[] }[])[0]?.fields, [
      { title: 'revision', value: `main@sha1:${SHA}`, short: false },
      { title: 'summary', value: 'prod cluster', short: false },
    ]);
    ep.respond(() => ({ status: 404, body: 'no_service' }));
    await assert.rejects(send(settings('slack')), /request failed with status code 404: no_service/);
    ep.respond(() => ({ status: 200, body: 'ok' }));
  });

  test('discord posts to the /slack endpoint; rocket uses its colours and no default username', async () => {
    const [d] = await send(settings('discord', { address: `${ep.url}/api/webhooks/1/abc` }));
    assert.equal(d?.path, '/api/webhooks/1/abc/slack');
    assert.equal(json(d)['username'], 'kustomize-controller');
    const [r] = await send(settings('rocket', { channel: 'ops' }), event({ severity: 'error' }));
    const body = json(r);
    assert.equal(body['username'], '');
    assert.equal((body['attachments'] as { color: string }[])[0]?.color, '#FF0000');
  });

  test('msteams: Adaptive Card for Workflows, MessageCard for office connectors', async () => {
    const body = json((await send(settings('msteams')))[0]);
    assert.equal(body['type'], 'message');
    const card = (
      body['attachments'] as {
        contentType: string;
        content: { version: string; body: { items: { type: string; facts?: { title: string }[] }[] }[] };
      }[]
    )[0];
    assert.equal(card?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(card?.content.version, '1.4');
    const facts = card?.content.body[0]?.items[2]?.facts?.map((f) => f.title);
    assert.deepEqual(facts, ['summary', 'revision']);
  });

  test('googlechat, webex, lark, telegram, matrix, zulip', async () => {
    const gc = json((await send(settings('googlechat')))[0]);
    assert.equal((gc['cards'] as { header: { title: string } }[])[0]?.header.title, 'kustomization/apps.flux-system');
    const [wx] = await send(settings('webex', { channel: 'room-1', token: 'wt' }));
    assert.equal(wx?.headers['authorization'], 'Bearer wt');
    assert.equal(json(wx)['roomId'], 'room-1');
    assert.match(String(json(wx)['markdown']), /^✅ \*\*kustomization\/apps.flux-system\*\*\n/);
    assert.equal(json((await send(settings('lark')))[0])['msg_type'], 'interactive');
    const [tg] = await send(
      settings('telegram', { channel: '-100123:42', token: '123:ABC', endpoints: { telegram: ep.url } }),
    );
    assert.equal(tg?.path, '/bot123:ABC/sendMessage');
    const tgBody = json(tg);
    assert.equal(tgBody['chat_id'], '-100123');
    assert.equal(tgBody['message_thread_id'], '42');
    assert.equal(tgBody['parse_mode'], 'MarkdownV2');
    assert.match(String(tgBody['text']), /^\*💫 kustomization\/apps\/flux\\-system\*\n/);
    const [mx] = await send(settings('matrix', { channel: '!room:example.org', token: 'mt' }));
    assert.equal(mx?.method, 'PUT');
    const txn = createHash('sha1').update(marshalEvent(event())).digest('hex');
    assert.equal(mx?.path, `/_matrix/client/r0/rooms/!room:example.org/send/m.room.message/${txn}`);
    assert.equal(json(mx)['msgtype'], 'm.text');
    const [zl] = await send(settings('zulip', { channel: 'ops/flux', username: 'bot@x', password: 'key' }));
    assert.equal(zl?.path, '/api/v1/messages');
    assert.equal(zl?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(zl?.headers['authorization'], `Basic ${Buffer.from('bot@x:key').toString('base64')}`);
    const form = new URLSearchParams(zl?.text);
    assert.equal(form.get('type'), 'stream');
    assert.equal(form.get('to'), 'ops');
    assert.equal(form.get('topic'), 'flux');
    assert.match(form.get('content') ?? '', /^## Flux Status\n\nℹ️ Kustomization\/flux-system\/apps/);
  });

  test('opsgenie, alertmanager, grafana, pagerduty, datadog', async () => {
    const [og] = await send(settings('opsgenie', { token: 'og' }));
    assert.equal(og?.headers['authorization'], 'GenieKey og');
    assert.deepEqual(json(og)['details'], { revision: `main@sha1:${SHA}`, severity: 'info', summary: 'prod cluster' });
    const am = json(
      (await send(settings('alertmanager', { username: 'u', password: 'p', token: 't' })))[0],
    ) as unknown as Record<string, unknown>[];
    assert.equal(ep.requests[0]?.headers['authorization'], `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(am[0]?.['status'], 'firing');
    assert.equal(
      (am[0]?.['labels'] as Record<string, string>)['alertname'],
      'FluxKustomizationReconciliationsucceeded',
    );
    assert.equal((am[0]?.['annotations'] as Record<string, string>)['summary'], 'prod cluster');
    assert.equal(am[0]?.['startsAt'], '2026-12-07T16:00:00Z');
    const gf = json((await send(settings('grafana', { token: 'g' })))[0]);
    assert.equal(gf['when'], Date.parse('2026-12-07T16:00:00Z') / 1000);
    assert.deepEqual((gf['tags'] as string[]).slice(0, 3), [
      'flux',
      'kustomize-controller',
      'revision: main@sha1|' + SHA,
    ]);
    const pd = await send(settings('pagerduty', { channel: 'routing-key', address: `${ep.url}/ignored` }));
    assert.deepEqual(
      pd.map((r) => r.path),
      ['/v2/enqueue', '/v2/change/enqueue'],
    );
    assert.deepEqual(json(pd[0]), {
      routing_key: 'routing-key',
      event_action: 'resolve',
      dedup_key: event().involvedObject.uid,
    });
    const trig = json(
      (
        await send(settings('pagerduty', { channel: 'rk' }), event({ severity: 'error', reason: 'HealthCheckFailed' }))
      )[0],
    );
    assert.equal((trig['payload'] as Record<string, unknown>)['summary'], 'health check failed: kustomization/apps');
    assert.equal((await send(settings('pagerduty', { channel: 'rk' }), event({ reason: 'Progressing' }))).length, 0);
    const [dd] = await send(settings('datadog', { token: 'dd-key' }));
    assert.equal(dd?.path, '/api/v1/events');
    assert.equal(dd?.headers['dd-api-key'], 'dd-key');
    assert.deepEqual(Object.keys(json(dd)), [
      'alert_type',
      'date_happened',
      'source_type_name',
      'tags',
      'text',
      'title',
    ]);
  });

  test('zoom: full-format message with the raw verification token; incident.io: fire, resolve, dedup by UID', async () => {
    // Zoom's Incoming Webhook app: POST <endpoint>?format=full, `Authorization: <verification token>`, no scheme.
    ep.respond((r) =>
      r.headers['authorization'] === 'zoom-token'
        ? { status: 200, body: '' }
        : { status: 401, body: '{"code":401,"message":"Invalid authorization token."}' },
    );
    const [zm] = await send(settings('zoom', { address: `${ep.url}/inbound/hook/abc?b=2&a=1`, token: 'zoom-token' }));
    assert.equal(zm?.path, '/inbound/hook/abc?a=1&b=2&format=full');
    assert.equal(zm?.headers['content-type'], 'application/json');
    assert.deepEqual(json(zm), {
      content: {
        head: { text: 'kustomization/apps.flux-system', sub_head: { text: 'info' } },
        body: [
          { type: 'message', text: event().message },
          {
            type: 'fields',
            items: [
              { key: 'revision', value: `main@sha1:${SHA}` },
              { key: 'summary', value: 'prod cluster' },
            ],
          },
        ],
      },
    });
    const [pinned] = await send(settings('zoom', { address: `${ep.url}/h?format=message`, token: 'zoom-token' }));
    assert.equal(pinned?.path, '/h?format=message', 'a format the address names is kept');
    const [bare] = await send(settings('zoom', { token: 'zoom-token' }), event({ metadata: {} }));
    assert.deepEqual((json(bare)['content'] as { body: unknown[] }).body, [{ type: 'message', text: event().message }]);
    await assert.rejects(send(settings('zoom', { token: 'wrong' })), /status code 401: .*Invalid authorization token/);
    assert.throws(() => newNotifier(settings('zoom')), /empty Zoom verification token/);

    // incident.io HTTP alert source: bearer API key, 202 Accepted; errors fire, other events resolve.
    ep.respond((r) =>
      r.headers['authorization'] === 'Bearer inc-key'
        ? { status: 202, body: '{"status":"success","message":"Event accepted for processing"}' }
        : { status: 401, body: '{"type":"authentication_error"}' },
    );
    const source = `${ep.url}/v2/alert_events/http/01HQZ5XGJ8`;
    const failed = event({ severity: 'error', reason: 'HealthCheckFailed', message: 'timeout <waiting>' });
    const [fire] = await send(settings('incident.io', { address: source, token: 'inc-key' }), failed);
    assert.equal(fire?.path, '/v2/alert_events/http/01HQZ5XGJ8');
    assert.equal(
      fire?.text,
      '{"title":"kustomization/apps.flux-system: HealthCheckFailed","status":"firing",' +
        `"deduplication_key":"${event().involvedObject.uid}","description":"timeout \\u003cwaiting\\u003e",` +
        `"metadata":{"reason":"HealthCheckFailed","reportingController":"kustomize-controller",` +
        `"revision":"main@sha1:${SHA}","severity":"error","summary":"prod cluster"}}`,
    );
    const resolve = json((await send(settings('incident.io', { address: source, token: 'inc-key' })))[0]);
    assert.equal(resolve['status'], 'resolved');
    assert.equal(resolve['deduplication_key'], fire && json(fire)['deduplication_key']);
    assert.equal(
      (await send(settings('incident.io', { address: source, token: 'inc-key' }), event({ reason: 'Progressing' })))
        .length,
      0,
      'progressing events neither fire nor resolve',
    );
    await assert.rejects(send(settings('incident.io', { address: source, token: 'x' })), /status code 401/);
    assert.throws(() => newNotifier(settings('incident.io', { address: source })), /empty incident.io API token/);
    ep.respond(() => ({ status: 200 }));
  });

  test('a provider answering 429 with Retry-After, then 200, is retried; 400 is not retried', async () => {
    let calls = 0;
    ep.respond(() =>
      ++calls === 1 ? { status: 429, headers: { 'Retry-After': '0' }, body: 'slow down' } : { status: 200 },
    );
    assert.equal((await send(settings('generic'))).length, 2);
    calls = 0;
    ep.respond(() => (++calls, { status: 400, body: 'bad' }));
    await assert.rejects(send(settings('generic')), /status code 400: bad/);
    assert.equal(calls, 1);
    ep.respond(() => ({ status: 500, body: 'boom' }));
    await assert.rejects(send(settings('generic')), /giving up after 3 attempt\(s\): unexpected HTTP status 500/);
    ep.respond(() => ({ status: 200 }));
    // A provider slower than the timeout is abandoned at the deadline.
    ep.respond(() => new Promise((r) => setTimeout(() => r({ status: 200 }), 2000)));
    const started = Date.now();
    await assert.rejects(send(settings('generic'), event(), 300), /context deadline exceeded/);
    assert.ok(Date.now() - started < 1500);
    ep.respond(() => ({ status: 200 }));
  });

  test('sentry sends an envelope with the DSN key; otel sends an OTLP protobuf span', async () => {
    const dsn = `http://publickey@${ep.url.slice(7)}/42`;
    const [sn] = await send(settings('sentry', { address: dsn, channel: 'prod' }), event({ severity: 'error' }));
    assert.equal(sn?.path, '/api/42/envelope/');
    assert.match(String(sn?.headers['x-sentry-auth']), /sentry_key=publickey/);
    const [head, item, payload] = (sn?.text ?? '').split('\n');
    assert.ok((JSON.parse(head ?? '') as Record<string, unknown>)['event_id']);
    assert.equal((JSON.parse(item ?? '') as Record<string, unknown>)['type'], 'event');
    assert.equal((JSON.parse(payload ?? '') as Record<string, unknown>)['level'], 'error');
    assert.equal((JSON.parse(payload ?? '') as Record<string, unknown>)['environment'], 'prod');
    const [ot] = await send(settings('otel', { headers: { 'X-Tenant': 't' }, token: 'ot' }));
    assert.equal(ot?.path, '/v1/traces');
    assert.equal(ot?.headers['content-type'], 'application/x-protobuf');
    assert.equal(ot?.headers['authorization'], 'Bearer ot');
    const traceId = createHash('sha256')
      .update(`9f9f9f9f-0000-0000-0000-000000000000:main@sha1:${SHA}`)
      .digest()
      .subarray(0, 16);
    assert.ok(ot?.body.includes(traceId), 'the span carries the trace id derived from the Alert UID and revision');
    assert.ok(ot?.body.includes(Buffer.from('Kustomization: flux-system/apps')));
  });

  test('googlepubsub exchanges the service-account key for a token and publishes the event', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = {
      type: 'service_account',
      client_email: 'flux@proj.iam.gserviceaccount.com',
      private_key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      private_key_id: 'kid1',
      token_uri: `${ep.url}/token`,
    };
    ep.respond((r) =>
      r.path === '/token'
        ? { status: 200, body: '{"access_token":"ya29.x","expires_in":3600}' }
        : { status: 200, body: '{"messageIds":["1"]}' },
    );
    const reqs = await send(
      settings('googlepubsub', {
        address: 'proj',
        channel: 'flux',
        token: JSON.stringify(key),
        headers: { env: 'prod' },
        endpoints: { pubsub: ep.url },
      }),
    );
    ep.respond(() => ({ status: 200 }));
    const form = new URLSearchParams(reqs[0]?.text);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [h, c, s] = (form.get('assertion') ?? '').split('.');
    assert.ok(verify('sha256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s ?? '', 'base64url')));
    assert.equal(
      (JSON.parse(Buffer.from(c ?? '', 'base64url').toString()) as Record<string, unknown>)['scope'],
      'https://www.googleapis.com/auth/pubsub',
    );
    assert.equal(reqs[1]?.path, '/v1/projects/proj/topics/flux:publish');
    assert.equal(reqs[1]?.headers['authorization'], 'Bearer ya29.x');
    const msg = (json(reqs[1])['messages'] as { data: string; attributes: Record<string, string> }[])[0];
    assert.equal(Buffer.from(msg?.data ?? '', 'base64').toString(), marshalEvent(event()));
    assert.deepEqual(msg?.attributes, { env: 'prod' });
  });

  test('nats: the event published to the subject on a real nats-server, with user/password and with an nkey', async () => {
    const seed = 'SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU';
    const server = await startNatsServer(
      `users: [ { user: "sub", password: "sub-pass" }, { user: "flux", password: "flux-pass" }, { nkey: "${nkeyFromSeed(seed).publicKey}" } ]`,
    );
    try {
      const sub = await server.subscribe('flux.events', { user: 'sub', pass: 'sub-pass' });
      await send(
        settings('nats', { address: server.url, channel: 'flux.events', username: 'flux', password: 'flux-pass' }),
      );
      const msg = await sub.next();
      assert.equal(msg.subject, 'flux.events');
      assert.equal(msg.data, marshalEvent(event()));
      await send(
        settings('nats', { address: server.url, channel: 'flux.events', secretData: { nkey: Buffer.from(seed) } }),
        event({ reason: 'Signed' }),
      );
      assert.equal(
        (JSON.parse((await sub.next()).data) as { reason: string }).reason,
        'Signed',
        'the server accepted the nkey signature',
      );
      await assert.rejects(
        send(settings('nats', { address: server.url, channel: 'flux.events', username: 'flux', password: 'wrong' })),
        /error publishing event to subject flux\.events: .*Authorization Violation/,
      );
      sub.close();
    } finally {
      await server.stop();
    }
  });

  test('nats nkey seeds decode to the key nkeys derives', () => {
    // A user seed and its public key from the nkeys documentation.
    const pair = nkeyFromSeed('SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU');
    assert.match(pair.publicKey, /^U[A-Z2-7]{55}$/);
    assert.throws(
      () => nkeyFromSeed('SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU'.replace('NL35', 'NL36')),
      /invalid seed/,
    );
  });
});

describe('git providers', () => {
  test('github: commit status checked against the GitHub OpenAPI description, duplicates not re-posted', async () => {
    let statuses: unknown[] = [];
    ep.respond((r) => {
      checkGitHubRequest(r.method, r.path, '/api/v3', r.text || '{}');
      if (r.method === 'GET') return { status: 200, body: JSON.stringify(statuses) };
      return { status: 201, body: '{}' };
    });
    const s = settings('github', {
      address: `${ep.url}/org/app.git`,
      token: 'ghp',
      commitStatus: 'kustomization/apps/a1b2c3d4',
    });
    // The checker itself refuses what GitHub would refuse.
    assert.throws(
      () => checkGitHubRequest('POST', `/api/v3/repos/o/r/statuses/${SHA}`, '/api/v3', '{"state":"fine"}'),
      /"fine" not in enum/,
    );
    assert.throws(() => checkGitHubRequest('POST', '/api/v3/repos/o/r/status', '/api/v3', '{}'), /not an operation/);
    const reqs = await send(s);
    assert.equal(reqs[0]?.path, `/api/v3/repos/org/app/commits/${SHA}/statuses?per_page=50`);
    assert.equal(reqs[1]?.path, `/api/v3/repos/org/app/statuses/${SHA}`);
    assert.equal(reqs[1]?.headers['authorization'], 'Bearer ghp');
    assert.equal(reqs[1]?.headers['x-github-api-version'], '2022-11-28');
    assert.deepEqual(json(reqs[1]), {
      state: 'success',
      description: 'reconciliation succeeded',
      context: 'kustomization/apps/a1b2c3d4',
    });
    statuses = [{ context: 'kustomization/apps/a1b2c3d4', state: 'success', description: 'reconciliation succeeded' }];
    assert.equal((await send(s)).length, 1, 'an identical status is not posted again');
    assert.equal((await send(s, event({ reason: 'Progressing' }))).length, 0);
    await assert.rejects(send(s, event({ metadata: {} })), /missing revision metadata/);
    const dispatch = await send(settings('githubdispatch', { address: `${ep.url}/org/app`, token: 'ghp' }));
    assert.equal(dispatch[0]?.path, '/api/v3/repos/org/app/dispatches');
    assert.equal(json(dispatch[0])['event_type'], 'Kustomization/apps.flux-system');
    ep.respond(() => ({ status: 401, body: '{"message":"Bad credentials"}' }));
    await assert.rejects(send(s), /401 Bad credentials/);
    ep.respond(() => ({ status: 200 }));
  });

  test('githubpullrequestcomment edits its own comment found by the marker', async () => {
    const marker = '<!-- flux-pr-comment-key:a1b2c3d4-0000-0000-0000-000000000000/Kustomization/flux-system/apps -->';
    ep.respond((r) => {
      checkGitHubRequest(r.method, r.path, '/api/v3', r.text || '{}');
      if (r.path === '/api/v3/user') return { status: 200, body: '{"login":"flux-bot"}' };
      if (r.method === 'GET') {
        return {
          status: 200,
          body: JSON.stringify([
            { id: 7, user: { login: 'someone' }, body: marker },
            { id: 9, user: { login: 'flux-bot' }, body: `${marker}\nold` },
          ]),
        };
      }
      return { status: 200, body: '{}' };
    });
    const reqs = await send(
      settings('githubpullrequestcomment', { address: `${ep.url}/org/app`, token: 'ghp' }),
      event({ metadata: { change_request: '12', revision: `main@sha1:${SHA}` } }),
    );
    ep.respond(() => ({ status: 200 }));
    assert.equal(reqs.at(-1)?.method, 'PATCH');
    assert.equal(reqs.at(-1)?.path, '/api/v3/repos/org/app/issues/comments/9');
    assert.match(String(json(reqs.at(-1))['body']), /^<!-- flux-pr-comment-key:[^\n]+-->\n\n## Flux Status\n/);
  });

  test('gitea: commit status in Gitea states, the newest status of our context decides duplicates', async () => {
    let statuses: unknown[] = [];
    ep.respond((r) => {
      // Gitea REST API v1: token auth; statuses listed newest first with the state under "status".
      giteaApi.check(r.method, r.path, '/api/v1', r.text || '{}');
      if (r.headers['authorization'] !== 'token gt') return { status: 401, body: '{"message":"token is required"}' };
      if (r.method === 'GET') return { status: 200, body: JSON.stringify(statuses) };
      return { status: 201, body: '{}' };
    });
    const s = settings('gitea', {
      address: `${ep.url}/org/app.git`,
      token: 'gt',
      commitStatus: 'kustomization/apps/a1',
    });
    const reqs = await send(s);
    assert.equal(reqs[0]?.method, 'GET');
    assert.equal(reqs[0]?.path, `/api/v1/repos/org/app/commits/${SHA}/statuses?limit=50&page=1`);
    assert.equal(reqs[1]?.method, 'POST');
    assert.equal(reqs[1]?.path, `/api/v1/repos/org/app/statuses/${SHA}`);
    assert.equal(
      reqs[1]?.text,
      '{"state":"success","target_url":"","description":"reconciliation succeeded","context":"kustomization/apps/a1"}',
    );
    statuses = [
      { context: 'kustomization/apps/a1', status: 'success', description: 'reconciliation succeeded' },
      { context: 'kustomization/apps/a1', status: 'failure', description: 'reconciliation failed' },
    ];
    assert.equal((await send(s)).length, 1, 'the same state as the newest status is not posted again');
    const failed = await send(s, event({ severity: 'error', reason: 'ReconciliationFailed' }));
    assert.equal(json(failed[1])['state'], 'failure', 'an older status of the same state does not count');
    const pending = await send(s, event({ reason: 'Progressing' }));
    assert.equal(json(pending[1])['state'], 'pending');
    await assert.rejects(send({ ...s, token: 'wrong' }), /401/);
    assert.throws(() => newNotifier(settings('gitea', { address: `${ep.url}/org/app`, commitStatus: 'c' })), /token/);
    ep.respond(() => ({ status: 200 }));
  });

  test('giteapullrequestcomment and gitlabmergerequestcomment create their comment once, then edit it', async () => {
    const uid = 'a1b2c3d4-0000-0000-0000-000000000000';
    const cr = event({ metadata: { change_request: '12', revision: `main@sha1:${SHA}` } });
    let comments: unknown[] = [];
    ep.respond((r) => {
      // Flux lists comments through the Gitea SDK, whose list options always carry page and limit; this operation
      // does not document them (Gitea returns every comment), so they are tolerated here and nowhere else.
      giteaApi.check(r.method, r.path, '/api/v1', r.text || '{}', ['page', 'limit']);
      if (r.headers['authorization'] !== 'token gt') return { status: 401, body: '{}' };
      if (r.path === '/api/v1/user') return { status: 200, body: '{"id":3,"login":"flux-bot"}' };
      if (r.method === 'GET') return { status: 200, body: JSON.stringify(comments) };
      return { status: r.method === 'POST' ? 201 : 200, body: '{"id":21}' };
    });
    const gt = settings('giteapullrequestcomment', { address: `${ep.url}/org/app`, token: 'gt' });
    const created = await send(gt, cr);
    assert.deepEqual(
      created.map((r) => `${r.method} ${r.path}`),
      [
        'GET /api/v1/user',
        'GET /api/v1/repos/org/app/issues/12/comments?limit=100&page=1',
        'POST /api/v1/repos/org/app/issues/12/comments',
      ],
    );
    const body = String(json(created[2])['body']);
    const marker = `<!-- flux-pr-comment-key:${uid}/Kustomization/flux-system/apps -->`;
    assert.ok(body.startsWith(`${marker}\n\n## Flux Status\n\nℹ️ Kustomization/flux-system/apps\n`), body);
    assert.doesNotMatch(body, /change_request/, 'the change request number is not repeated as metadata');
    comments = [
      { id: 20, user: { login: 'someone' }, body: marker },
      { id: 21, user: { login: 'flux-bot' }, body },
    ];
    const edited = await send(gt, cr);
    assert.equal(`${edited[2]?.method} ${edited[2]?.path}`, 'PATCH /api/v1/repos/org/app/issues/comments/21');
    await assert.rejects(send(gt, event({ metadata: { change_request: 'x' } })), /invalid "change_request"/);

    let notes: unknown[] = [];
    ep.respond((r) => {
      if (r.headers['private-token'] !== 'glpat') return { status: 401, body: '{"message":"401 Unauthorized"}' };
      if (r.path === '/api/v4/user') return { status: 200, body: '{"id":5,"username":"flux-bot"}' };
      if (r.method === 'GET') return { status: 200, body: JSON.stringify(notes) };
      return { status: r.method === 'POST' ? 201 : 200, body: '{"id":31}' };
    });
    const gl = settings('gitlabmergerequestcomment', { address: `${ep.url}/group/sub/app.git`, token: 'glpat' });
    const notesPath = '/api/v4/projects/group%2Fsub%2Fapp/merge_requests/12/notes';
    const first = await send(gl, cr);
    assert.deepEqual(
      first.map((r) => `${r.method} ${r.path}`),
      ['GET /api/v4/user', `GET ${notesPath}?order_by=created_at&per_page=100&sort=asc`, `POST ${notesPath}`],
    );
    const note = String(json(first[2])['body']);
    assert.ok(note.startsWith(`<!-- flux-mr-comment-key:${uid}/Kustomization/flux-system/apps -->\n\n## Flux Status`));
    notes = [{ id: 31, author: { username: 'flux-bot' }, body: note }];
    const again = await send(gl, cr);
    assert.equal(`${again[2]?.method} ${again[2]?.path}`, `PUT ${notesPath}/31`);
    await assert.rejects(send({ ...gl, token: 'other' }, cr), /401/);
    ep.respond(() => ({ status: 200 }));
  });

  test('gitlab, bitbucket, bitbucketserver, azuredevops: endpoints, auth and bodies', async () => {
    ep.respond(() => ({ status: 200, body: '[]' }));
    const gl2 = await send(
      settings('gitlab', { address: `${ep.url}/group/sub/app.git`, token: 'glpat', commitStatus: 'cs' }),
    );
    assert.equal(gl2[0]?.path, `/api/v4/projects/group%2Fsub%2Fapp/repository/commits/${SHA}/statuses?name=cs`);
    assert.equal(gl2[1]?.path, `/api/v4/projects/group%2Fsub%2Fapp/statuses/${SHA}`);
    assert.equal(gl2[1]?.headers['private-token'], 'glpat');
    assert.deepEqual(json(gl2[1]), { state: 'success', name: 'cs', description: 'reconciliation succeeded' });

    ep.respond((r) => (r.method === 'GET' ? { status: 404, body: '{"type":"error"}' } : { status: 201, body: '{}' }));
    const bb = await send(
      settings('bitbucket', {
        address: 'https://bitbucket.org/team/repo.git',
        token: 'user:app-pass',
        commitStatus: 'cs',
        endpoints: { bitbucket: `${ep.url}/2.0` },
      }),
    );
    const key = createHash('sha1').update('cs').digest('hex');
    assert.equal(bb[0]?.path, `/2.0/repositories/team/repo/commit/${SHA}/statuses/build/${key}`);
    assert.equal(bb[1]?.headers['authorization'], `Basic ${Buffer.from('user:app-pass').toString('base64')}`);
    assert.deepEqual(json(bb[1]), {
      description: 'reconciliation succeeded',
      key,
      name: 'kustomization/apps',
      state: 'SUCCESSFUL',
      url: 'https://bitbucket.org',
    });

    const bbs = await send(
      settings('bitbucketserver', { address: `${ep.url}/ctx/scm/proj/repo.git`, token: 'bbs', commitStatus: 'cs' }),
    );
    assert.equal(bbs[0]?.path, `/ctx/rest/api/latest/projects/proj/repos/repo/commits/${SHA}/builds?key=${key}`);
    assert.equal(bbs[1]?.headers['x-atlassian-token'], 'no-check');
    assert.equal(json(bbs[1])['name'], 'kustomization/apps [reconciliation succeeded]');

    ep.respond((r) =>
      r.method === 'GET' ? { status: 200, body: '{"value":[],"count":0}' } : { status: 201, body: '{}' },
    );
    const az = await send(
      settings('azuredevops', { address: `${ep.url}/org/proj/_git/repo`, token: 'pat', commitStatus: 'cs' }),
    );
    assert.equal(
      az[1]?.path,
      `/org/proj/_apis/git/repositories/repo/commits/${SHA}/statuses?api-version=6.0-preview.1`,
    );
    assert.equal(az[1]?.headers['authorization'], `Basic ${Buffer.from(':pat').toString('base64')}`);
    assert.deepEqual(json(az[1]), {
      context: { genre: 'fluxcd:prod cluster', name: 'cs' },
      description: 'reconciliation succeeded',
      state: 'succeeded',
    });
    ep.respond(() => ({ status: 200 }));
  });
});
