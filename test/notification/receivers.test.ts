// Webhook Receivers on the real control plane: each type is hit with requests signed as the sending service signs
// them and with forged ones; valid ones annotate the targets, forged ones trigger nothing and get Flux's codes.
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import type { KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { type Endpoint, startEndpoint } from './endpoint.ts';
import { create, type NotificationHarness, secret, startNotification } from './harness.ts';

const RECEIVER = { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver' };
const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

let h: NotificationHarness;
let idp: Endpoint;
let signingKey: KeyObject;
let jwk: Record<string, unknown>;

before(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  signingKey = pair.privateKey;
  jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  idp = await startEndpoint((req) => {
    if (req.path === '/.well-known/openid-configuration') {
      return { status: 200, body: JSON.stringify({ issuer: idp.url, jwks_uri: `${idp.url}/keys` }) };
    }
    if (req.path === '/keys' || req.path === '/google/certs')
      return { status: 200, body: JSON.stringify({ keys: [jwk] }) };
    return { status: 404 };
  });
  h = await startNotification({ googleCertsUrl: `${idp.url}/google/certs` });
});
after(async () => {
  await h.stop();
  await idp.close();
});

function jwt(claims: Record<string, unknown>, key: KeyObject = signingKey): string {
  const head = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

function gitRepository(ns: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    ...GITREPO,
    metadata: { name, namespace: ns, labels },
    spec: { url: 'https://example.invalid/repo.git', interval: '10m' },
  };
}

async function requestedAt(ns: string, name: string): Promise<string | undefined> {
  const obj = await h.client.get(GITREPO, { namespace: ns, name });
  return obj.metadata.annotations?.[REQUESTED_AT];
}

/** readyReceiver creates a Receiver and waits for its webhook path. */
async function readyReceiver(ns: string, name: string, spec: Record<string, unknown>): Promise<string> {
  await create(h.client, { ...RECEIVER, metadata: { name, namespace: ns }, spec });
  const path = await eventually(`Receiver ${name} to be Ready`, async () => {
    const r = await h.client.get<
      KubeObject<unknown, { webhookPath?: string; conditions?: { type: string; status: string }[] }>
    >(RECEIVER, { namespace: ns, name });
    const ready = r.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    return ready ? r.status?.webhookPath : undefined;
  });
  // The server finds Receivers through its cache: wait until it knows the path (404 until then).
  await eventually('the receiver server to know the path', async () => {
    const res = await fetch(`${h.receiverUrl}${path}`, {
      method: 'POST',
      body: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    return res.status !== 404 ? true : undefined;
  });
  return path;
}

async function hit(path: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${h.receiverUrl}${path}`, { method: 'POST', body, headers });
  await res.arrayBuffer();
  return res.status;
}

describe('receivers', () => {
  test('github: a signed push triggers the GitRepository, forged and foreign requests trigger nothing', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await create(h.client, secret(ns, 'token', { token: 'gh-webhook-token' }));
    await create(h.client, gitRepository(ns, 'podinfo'));
    const path = await readyReceiver(ns, 'github', {
      type: 'github',
      events: ['push'],
      secretRef: { name: 'token' },
      resources: [{ kind: 'GitRepository', name: 'podinfo' }],
    });
    const expected = `/hook/${createHash('sha256').update(`gh-webhook-tokengithub${ns}`).digest('hex')}`;
    assert.equal(path, expected);
    // The readiness probe above posted text/plain: GitHub receivers refuse that (400) and trigger nothing.
    assert.equal(await requestedAt(ns, 'podinfo'), undefined);

    const payload = JSON.stringify({ ref: 'refs/heads/main', after: '0123456789abcdef0123456789abcdef01234567' });
    const forged = `sha256=${createHmac('sha256', 'wrong-token').update(payload).digest('hex')}`;
    assert.equal(
      await hit(path, payload, {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'push',
        'X-Hub-Signature-256': forged,
      }),
      400,
    );
    assert.equal(await hit(path, payload, { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' }), 400);
    const good = `sha256=${createHmac('sha256', 'gh-webhook-token').update(payload).digest('hex')}`;
    assert.equal(
      await hit(path, payload, {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'ping',
        'X-Hub-Signature-256': good,
      }),
      400,
    );
    // Another Receiver's path (a token for another Receiver) and an unknown path are 404.
    const other = `/hook/${createHash('sha256').update(`gh-webhook-tokengithub${ns}x`).digest('hex')}`;
    assert.equal(
      await hit(other, payload, {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'push',
        'X-Hub-Signature-256': good,
      }),
      404,
    );
    assert.equal(await hit(path, 'x'.repeat(3 * 1024 * 1024 + 1), { 'Content-Type': 'application/json' }), 413);
    assert.equal(await requestedAt(ns, 'podinfo'), undefined);

    const sha1 = `sha1=${createHmac('sha1', 'gh-webhook-token').update(payload).digest('hex')}`;
    assert.equal(
      await hit(path, payload, {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'push',
        'X-Hub-Signature-256': good,
      }),
      200,
    );
    const first = await requestedAt(ns, 'podinfo');
    assert.match(first ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/);
    assert.equal(
      await hit(path, payload, {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'PUSH',
        'X-Hub-Signature': sha1,
      }),
      200,
    );
    assert.notEqual(await requestedAt(ns, 'podinfo'), first);
    // gotk_receiver_* metrics name the handler pattern, never the hook path (a credential).
    const metrics = await h.metrics();
    assert.match(
      metrics,
      /^gotk_receiver_http_request_duration_seconds_count\{service="",handler="\/hook\/",method="POST",code="200"\} [1-9]\d*$/m,
    );
    assert.match(
      metrics,
      /^gotk_receiver_http_request_duration_seconds_count\{service="",handler="\/hook\/",method="POST",code="400"\} [1-9]\d*$/m,
    );
    assert.doesNotMatch(metrics, /\/hook\/[0-9a-f]{8}/);
  });

  test('gitlab, generic-hmac, harbor, nexus, bitbucket, cdevents and payload types check what their senders send', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await create(h.client, secret(ns, 'token', { token: 'tok3n' }));
    await create(h.client, gitRepository(ns, 'app'));
    const resources = [{ kind: 'GitRepository', name: 'app' }];
    const paths: Record<string, string> = {};
    for (const type of [
      'gitlab',
      'generic-hmac',
      'harbor',
      'nexus',
      'bitbucket',
      'cdevents',
      'dockerhub',
      'quay',
      'acr',
      'generic',
    ]) {
      paths[type] = await readyReceiver(ns, type, { type, secretRef: { name: 'token' }, resources });
    }
    const body = '{"push_data":{"tag":"v1"},"repository":{"repo_url":"https://hub.docker.com/r/x/y"}}';
    const hmac = (alg: string, text: string) => createHmac(alg, 'tok3n').update(text).digest('hex');
    const cases: [string, Record<string, string>, number, string?][] = [
      ['gitlab', { 'X-Gitlab-Token': 'nope', 'X-Gitlab-Event': 'Push Hook' }, 400],
      ['gitlab', { 'X-Gitlab-Token': 'tok3n', 'X-Gitlab-Event': 'Push Hook' }, 200],
      ['generic-hmac', { 'X-Signature': `sha256=${hmac('sha256', body + ' ')}` }, 400],
      ['generic-hmac', { 'X-Signature': `sha512=${hmac('sha512', body)}` }, 200],
      ['harbor', { Authorization: 'Bearer tok3n' }, 400],
      ['harbor', { Authorization: 'tok3n' }, 200],
      ['nexus', { 'X-Nexus-Webhook-Signature': hmac('sha256', body) }, 400],
      ['nexus', { 'X-Nexus-Webhook-Signature': hmac('sha1', body) }, 200],
      [
        'bitbucket',
        {
          'Content-Type': 'application/json',
          'X-Event-Key': 'repo:refs_changed',
          'X-Hub-Signature': `sha256=${hmac('sha256', 'x')}`,
        },
        400,
      ],
      [
        'bitbucket',
        {
          'Content-Type': 'application/json',
          'X-Event-Key': 'repo:refs_changed',
          'X-Hub-Signature': `sha256=${hmac('sha256', body)}`,
        },
        200,
      ],
      ['cdevents', { 'Ce-Type': 'dev.cdevents.artifact.published.0.1.1' }, 400],
      ['dockerhub', {}, 400, 'not json'],
      ['dockerhub', {}, 200],
      ['quay', {}, 200, '{"docker_url":"quay.io/x/y","updated_tags":["v1"]}'],
      ['acr', {}, 200, '{"action":"push","target":{"repository":"x","tag":"v1"}}'],
      ['generic', {}, 200],
    ];
    for (const [type, headers, status, payload] of cases) {
      const before = await requestedAt(ns, 'app');
      const got = await hit(paths[type] ?? '', payload ?? body, { 'Content-Type': 'application/json', ...headers });
      assert.equal(got, status, `${type} ${JSON.stringify(headers)}`);
      const afterValue = await requestedAt(ns, 'app');
      if (status === 200) assert.notEqual(afterValue, before, `${type} must trigger`);
      else assert.equal(afterValue, before, `${type} must not trigger`);
    }
    const cdevent = JSON.stringify({
      context: {
        specversion: '0.4.1',
        id: '271069a8-fc18-44f1-b38f-9d70a1695819',
        source: '/event/source/123',
        type: 'dev.cdevents.artifact.published.0.2.0',
        timestamp: '2026-12-07T16:00:00Z',
      },
      subject: { id: 'pkg:oci/app@sha256:0b8f', content: {} },
    });
    assert.equal(
      await hit(paths['cdevents'] ?? '', cdevent, {
        'Content-Type': 'application/json',
        'Ce-Type': 'dev.cdevents.artifact.published.0.2.0',
      }),
      200,
    );
  });

  test('generic-oidc verifies the token against the issuer and the CEL validations; gcr checks the Google token', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await create(h.client, gitRepository(ns, 'a', { team: 'x' }));
    await create(h.client, gitRepository(ns, 'b', { team: 'x' }));
    const path = await readyReceiver(ns, 'oidc', {
      type: 'generic-oidc',
      oidcProviders: [
        {
          issuerURL: idp.url,
          variables: [{ name: 'repo', expression: 'claims.repository' }],
          validations: [{ expression: "vars.repo == 'org/app'", message: 'wrong repository' }],
        },
      ],
      resources: [{ kind: 'GitRepository', name: '*', matchLabels: { team: 'x' } }],
      resourceFilter: 'res.metadata.name == req.target',
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: idp.url, aud: 'notification-controller', exp: now + 300, iat: now, repository: 'org/app' };
    const send = (token: string) =>
      hit(path, JSON.stringify({ target: 'b' }), {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    assert.equal(await send(jwt(claims, other)), 400, 'signed by another key');
    assert.equal(await send(jwt({ ...claims, exp: now - 60 })), 400, 'expired');
    assert.equal(await send(jwt({ ...claims, aud: 'someone-else' })), 400, 'other audience');
    assert.equal(await send(jwt({ ...claims, repository: 'org/other' })), 400, 'validation fails');
    assert.equal(await requestedAt(ns, 'b'), undefined);
    assert.equal(await send(jwt(claims)), 200);
    assert.ok(await requestedAt(ns, 'b'));
    assert.equal(await requestedAt(ns, 'a'), undefined, 'the resourceFilter keeps only req.target');

    await create(
      h.client,
      secret(ns, 'gcr', { token: 't', email: 'push@proj.iam.gserviceaccount.com', audience: 'https://hook' }),
    );
    const gcrPath = await readyReceiver(ns, 'gcr', {
      type: 'gcr',
      secretRef: { name: 'gcr' },
      resources: [{ kind: 'GitRepository', name: 'a' }],
    });
    const data = Buffer.from(
      JSON.stringify({ action: 'INSERT', digest: 'gcr.io/p/i@sha256:00', tag: 'gcr.io/p/i:v1' }),
    ).toString('base64');
    const push = JSON.stringify({
      message: { data, messageId: '1', publishTime: '2026-12-07T16:00:00Z' },
      subscription: 's',
    });
    const google = {
      iss: 'https://accounts.google.com',
      aud: 'https://hook',
      exp: now + 300,
      email: 'push@proj.iam.gserviceaccount.com',
      email_verified: true,
    };
    const gcr = (token: string) =>
      hit(gcrPath, push, { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });
    assert.equal(await gcr(jwt({ ...google, email: 'attacker@evil.iam.gserviceaccount.com' })), 400);
    assert.equal(await gcr(jwt({ ...google, email_verified: false })), 400);
    assert.equal(await gcr(jwt({ ...google, aud: 'https://other' })), 400);
    assert.equal(await requestedAt(ns, 'a'), undefined);
    assert.equal(await gcr(jwt(google)), 200);
    assert.ok(await requestedAt(ns, 'a'));
  });

  test('a Receiver without its token Secret is not Ready and its path serves nothing', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await create(h.client, {
      ...RECEIVER,
      metadata: { name: 'orphan', namespace: ns },
      spec: { type: 'generic', secretRef: { name: 'missing' }, resources: [{ kind: 'GitRepository', name: 'x' }] },
    });
    const ready = await eventually('Ready=False TokenNotFound', async () => {
      const r = await h.client.get<
        KubeObject<unknown, { conditions?: { type: string; status: string; reason: string }[] }>
      >(RECEIVER, { namespace: ns, name: 'orphan' });
      return r.status?.conditions?.find((c) => c.type === 'Ready' && c.reason === 'TokenNotFound');
    });
    assert.equal(ready.status, 'False');
  });
});
