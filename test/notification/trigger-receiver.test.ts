// `fluxts trigger receiver` against the real webhook receiver server on the control plane, and the real flux CLI
// (v2.9.5) against the same Receivers: the same lines, the same refusals, targets annotated.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { runCli } from '../cli/support.ts';
import { buildFluxCli } from '../cli-create/flux-cli.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { type Endpoint, startEndpoint } from './endpoint.ts';
import { create, type NotificationHarness, secret, startNotification } from './harness.ts';

const RECEIVER = { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver' };
const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

let h: NotificationHarness;
let flux: string;
let idp: Endpoint;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };

before(async () => {
  // The issuer of the OIDC tokens, and the Actions token endpoint handing them out (GET ?audience=…, bearer).
  idp = await startEndpoint((req) => {
    const url = new URL(req.path, idp.url);
    if (url.pathname === '/.well-known/openid-configuration') {
      return { status: 200, body: JSON.stringify({ issuer: idp.url, jwks_uri: `${idp.url}/keys` }) };
    }
    if (url.pathname === '/keys') return { status: 200, body: JSON.stringify({ keys: [jwk] }) };
    if (url.pathname === '/actions/token') {
      if (req.method !== 'GET' || req.headers['authorization'] !== 'bearer actions-request-token') {
        return { status: 401, body: '{"message":"bad request token"}' };
      }
      return { status: 200, body: JSON.stringify({ value: jwt(url.searchParams.get('audience') ?? '') }) };
    }
    return { status: 404 };
  });
  [h, flux] = await Promise.all([startNotification(), buildFluxCli()]);
});
after(async () => {
  await h.stop();
  await idp.close();
});

function jwt(audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: idp.url, aud: audience, exp: now + 300, iat: now, repository: 'org/app' };
  const head = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), keys.privateKey).toString('base64url')}`;
}

function runFlux(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(flux, args, { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (err, _out, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
    );
  });
}

async function gitRepository(ns: string, name: string): Promise<void> {
  await create(h.client, {
    ...GITREPO,
    metadata: { name, namespace: ns },
    spec: { url: 'https://example.invalid/repo.git', interval: '10m' },
  });
}

async function requestedAt(ns: string, name: string): Promise<string | undefined> {
  const obj = await h.client.get(GITREPO, { namespace: ns, name });
  return obj.metadata.annotations?.[REQUESTED_AT];
}

async function receiver(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await create(h.client, { ...RECEIVER, metadata: { name, namespace: ns }, spec });
}

/** cleared removes the annotation so the next trigger is seen anew. */
async function cleared(ns: string, name: string): Promise<void> {
  await h.client.patch(GITREPO, { namespace: ns, name }, 'merge', {
    metadata: { annotations: { [REQUESTED_AT]: null } },
  });
}

describe('trigger receiver', () => {
  test('generic and generic-hmac: retried until the Receiver serves, targets annotated, lines as flux prints them', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await gitRepository(ns, 'app');
    await create(h.client, secret(ns, 'hook-token', { token: 's3cret-token' }));
    const common = ['-n', ns, '--token=s3cret-token', `--url=${h.receiverUrl}/`, '--retry-delay=200ms'];
    // Started before the Receiver exists: 404 until it is reconciled and cached, then 200.
    const run = runCli(['trigger', 'receiver', 'hook', ...common, '--retries=100']);
    await receiver(ns, 'hook', {
      type: 'generic',
      secretRef: { name: 'hook-token' },
      resources: [{ kind: 'GitRepository', name: 'app' }],
    });
    const first = await run;
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stderr.trimEnd().split('\n');
    assert.equal(lines[0], `► triggering Receiver ${ns}/hook`);
    assert.equal(lines.at(-1), `✔ Receiver ${ns}/hook triggered`);
    for (const waiting of lines.slice(1, -1)) {
      // The hook digest is shortened: for a generic Receiver the path is the credential.
      assert.match(
        waiting,
        /^◎ request to http:\/\/127\.0\.0\.1:\d+\/hook\/[0-9a-f]{8}… failed with status 404 Not Found; retrying in 200ms \(\d+\/100\)$/,
      );
    }
    assert.ok(await requestedAt(ns, 'app'), 'the GitRepository was annotated');

    // The reference CLI, on the same Receiver: the same two lines.
    await cleared(ns, 'app');
    const ref = await runFlux(['trigger', 'receiver', 'hook', ...common]);
    assert.equal(ref.code, 0, ref.stderr);
    assert.equal(ref.stderr, `► triggering Receiver ${ns}/hook\n✔ Receiver ${ns}/hook triggered\n`);
    assert.ok(await requestedAt(ns, 'app'));

    // generic-hmac: the body signed with the token; a github Receiver with the same token refuses it (400, final).
    await receiver(ns, 'signed', {
      type: 'generic-hmac',
      secretRef: { name: 'hook-token' },
      resources: [{ kind: 'GitRepository', name: 'app' }],
    });
    await cleared(ns, 'app');
    const hmacArgs = ['trigger', 'receiver', 'signed', ...common, '--type=generic-hmac', '--payload={"image":"x:v1"}'];
    const signed = await runCli([...hmacArgs, '--retries=100']);
    assert.equal(signed.code, 0, signed.stderr);
    assert.ok(await requestedAt(ns, 'app'));
    await receiver(ns, 'gh', {
      type: 'github',
      secretRef: { name: 'hook-token' },
      resources: [{ kind: 'GitRepository', name: 'app' }],
    });
    await eventually('the github Receiver to be served', async () => {
      const r = await runCli(['trigger', 'receiver', 'gh', ...common, '--type=generic-hmac', '--retries=0']);
      return r.stderr.includes('404 Not Found') ? undefined : r;
    }).then((r) => {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /✗ request to .*\/hook\/[0-9a-f]{8}… failed with status 400 Bad Request\n$/);
      assert.doesNotMatch(r.stderr, /retrying/, 'a refused signature is not retried');
    });
  });

  test('generic-oidc: the token fetched from the Actions endpoint for the audience, or given', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await gitRepository(ns, 'app');
    await receiver(ns, 'ci', {
      type: 'generic-oidc',
      oidcProviders: [
        {
          issuerURL: idp.url,
          audience: 'my-flux',
          validations: [{ expression: "claims.repository == 'org/app'", message: 'wrong repository' }],
        },
      ],
      resources: [{ kind: 'GitRepository', name: 'app' }],
    });
    const base = ['trigger', 'receiver', 'ci', '-n', ns, '--type=generic-oidc', `--url=${h.receiverUrl}`];
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${idp.url}/actions/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'actions-request-token',
    };
    const ok = await runCli([...base, '--oidc-provider=github', '--oidc-audience=my-flux', '--retry-delay=200ms'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(await requestedAt(ns, 'app'));
    // A token for the default audience is refused by the Receiver (400), and not retried.
    const wrongAudience = await runCli([...base, '--oidc-provider=forgejo', '--retries=0'], env);
    assert.equal(wrongAudience.code, 1);
    assert.match(wrongAudience.stderr, /failed with status 400 Bad Request/);
    await cleared(ns, 'app');
    const given = await runCli([...base, '--retries=0'], { FLUX_TRIGGER_RECEIVER_OIDC_TOKEN: jwt('my-flux') });
    assert.equal(given.code, 0, given.stderr);
    assert.ok(await requestedAt(ns, 'app'));
    const noEndpoint = await runCli([...base, '--oidc-provider=github'], { ACTIONS_ID_TOKEN_REQUEST_URL: '' });
    assert.match(noEndpoint.stderr, /ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN must be set/);
  });

  test('flag errors are refused as flux refuses them, before any request', async () => {
    for (const args of [
      ['--url=http://x', '--type=github', '--token=t'],
      ['--url=http://x', '--token=t', '--oidc-token=x'],
      ['--url=http://x', '--type=generic-oidc', '--token=t'],
      ['--url=http://x', '--type=generic-oidc', '--oidc-provider=gitlab'],
    ]) {
      const [ours, theirs] = await Promise.all([
        runCli(['trigger', 'receiver', 'r', ...args]),
        runFlux(['trigger', 'receiver', 'r', ...args]),
      ]);
      assert.equal(ours.code, 1, args.join(' '));
      assert.equal(theirs.code, 1, args.join(' '));
      assert.equal(ours.stderr, theirs.stderr, args.join(' '));
    }
  });
});
