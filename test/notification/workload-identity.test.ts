// Workload identity for azuredevops, azureeventhub and googlepubsub on the real control plane: the Provider's
// ServiceAccount token (TokenRequest API) exchanged at local Entra ID, Google STS and IAM Credentials endpoints
// that verify it against the API server's keys, then the provider's request made with the cloud token.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Provider } from '../../src/api/index.ts';
import { marshalEvent } from '../../src/controllers/notification/event.ts';
import { identityFor } from '../../src/controllers/notification/events/identity.ts';
import { DEVOPS_SCOPE } from '../../src/controllers/notification/providers/azuredevops.ts';
import { EVENT_HUBS_SCOPE } from '../../src/controllers/notification/providers/eventhub.ts';
import { newNotifier, type ProviderSettings } from '../../src/controllers/notification/providers/index.ts';
import { type CloudEndpoints, KubeClient } from '../../src/kube/index.ts';
import type { FluxEvent } from '../../src/runtime/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { clusterVerifier, startEntraId, startGoogle, type TokenServer } from '../support/cloud-token-servers.ts';
import { type EventHubsNamespace, startEventHubs } from '../support/eventhubs.ts';
import { makeTestPki, type TestPki } from '../support/pki.ts';
import { type Endpoint, startEndpoint } from './endpoint.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const WIP = 'projects/123456/locations/global/workloadIdentityPools/flux/providers/k8s';
const GSA = 'flux-notify@proj.iam.gserviceaccount.com';

const event: FluxEvent = {
  involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps', uid: 'u-1' },
  severity: 'info',
  timestamp: '2026-12-08T03:00:00Z',
  message: 'Applied revision: main@sha1:0123',
  reason: 'ReconciliationSucceeded',
  metadata: { revision: `main@sha1:${SHA}` },
  reportingController: 'kustomize-controller',
};

let client: KubeClient;
let ns: string;
let entra: TokenServer;
let google: TokenServer;
let api: Endpoint;
let hub: EventHubsNamespace;
let dir: string;
let pki: TestPki;
let endpoints: CloudEndpoints;
const cleanups: (() => Promise<void> | void)[] = [];

function provider(type: string, serviceAccountName?: string): Provider {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name: type, namespace: ns },
    spec: { type, ...(serviceAccountName ? { serviceAccountName } : {}) },
  } as Provider;
}

function settings(p: Provider, extra: Partial<ProviderSettings>): ProviderSettings {
  return {
    type: p.spec.type,
    address: '',
    channel: '',
    username: '',
    password: '',
    token: '',
    headers: {},
    transport: {},
    commitStatus: 'kustomization/apps/0c9c2e41',
    providerUID: 'uid',
    providerName: p.metadata.name ?? '',
    providerNamespace: ns,
    secretData: {},
    serviceAccountName: p.spec.serviceAccountName ?? '',
    identity: identityFor({ client, endpoints }, p, undefined),
    alert: { name: 'a', namespace: ns },
    retry: { retries: 0, minWaitMs: 10, maxWaitMs: 10 },
    ...extra,
  };
}

function post(s: ProviderSettings): Promise<void> {
  return newNotifier(s).post(event, { signal: AbortSignal.timeout(10_000) });
}

describe('workload identity', () => {
  before(async () => {
    const cluster = await useCluster();
    client = new KubeClient(cluster.kubeConfig);
    ns = await useNamespace({ name: 'workload-identity', after: (fn) => cleanups.push(fn) }, cluster);
    const sa = (name: string, annotations: Record<string, string>) =>
      client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, annotations } });
    await sa('azure-sa', {
      'azure.workload.identity/client-id': 'c-1',
      'azure.workload.identity/tenant-id': 't-1',
    });
    await sa('azure-other', {
      'azure.workload.identity/client-id': 'c-1',
      'azure.workload.identity/tenant-id': 't-1',
    });
    await sa('azure-bare', {});
    await sa('gcp-sa', { 'gcp.auth.fluxcd.io/workload-identity-provider': WIP, 'iam.gke.io/gcp-service-account': GSA });
    await sa('gcp-direct', { 'gcp.auth.fluxcd.io/workload-identity-provider': WIP });
    const verifier = await clusterVerifier(cluster);
    entra = await startEntraId(verifier, { 't-1/c-1': { subject: `system:serviceaccount:${ns}:azure-sa` } });
    google = await startGoogle(
      verifier,
      `//iam.googleapis.com/${WIP}`,
      { subject: `system:serviceaccount:${ns}:gcp-sa` },
      [GSA],
    );
    endpoints = {
      azureAuthorityHost: entra.url,
      googleSts: `${google.url}/v1/token`,
      googleIamCredentials: google.url,
    };
    api = await startEndpoint();
    dir = mkdtempSync(join(tmpdir(), 'wi-'));
    pki = makeTestPki(dir, 'wi', ['fluxwi.servicebus.windows.net']);
    hub = await startEventHubs({
      namespace: 'fluxwi.servicebus.windows.net',
      hubs: ['flux'],
      tls: { cert: pki.serverCert, key: pki.serverKey },
      acceptJwt: (token) => entra.issued.includes(token),
    });
  });
  after(async () => {
    await Promise.all([entra.close(), google.close(), api.close(), hub.close(), ...cleanups.map((c) => c())]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('azuredevops: the ServiceAccount token becomes an Entra ID token for Azure DevOps (Bearer)', async () => {
    api.respond((r) =>
      r.method === 'GET' ? { status: 200, body: '{"count":0,"value":[]}' } : { status: 201, body: '{}' },
    );
    api.requests.length = 0;
    const p = provider('azuredevops', 'azure-sa');
    await post(settings(p, { address: `${api.url}/org/proj/_git/repo` }));
    const form = entra.requests.at(-1)?.form ?? {};
    assert.equal(entra.requests.at(-1)?.path, '/t-1/oauth2/v2.0/token');
    assert.deepEqual({ client_id: form['client_id'], scope: form['scope'] }, { client_id: 'c-1', scope: DEVOPS_SCOPE });
    const token = entra.issued.at(-1);
    assert.ok(token);
    assert.deepEqual(
      api.requests.map((r) => [r.method, r.headers['authorization']]),
      [
        ['GET', `Bearer ${token}`],
        ['POST', `Bearer ${token}`],
      ],
    );
    const before = entra.requests.length;
    await post(settings(p, { address: `${api.url}/org/proj/_git/repo` }));
    assert.equal(entra.requests.length, before, 'the token is reused until it nears expiry');
  });

  test('azureeventhub: put-token carries the workload identity JWT for Event Hubs', async () => {
    const arrived = hub.next();
    arrived.catch(() => undefined); // awaited below; a failed send must not leave it unhandled
    await post(
      settings(provider('azureeventhub', 'azure-sa'), {
        address: 'flux',
        channel: 'fluxwi',
        transport: { tls: { ca: pki.ca } },
        endpoints: { eventHubs: `127.0.0.1:${hub.port}` },
      }),
    );
    const batch = await arrived;
    assert.equal((batch.events[0]?.body as { content: Buffer }).content.toString(), marshalEvent(event));
    assert.equal(entra.requests.at(-1)?.form['scope'], EVENT_HUBS_SCOPE);
    assert.deepEqual(
      { type: hub.putTokens.at(-1)?.type, status: hub.putTokens.at(-1)?.status },
      { type: 'jwt', status: 202 },
    );
  });

  test('googlepubsub: STS exchange, then IAM impersonation of the annotated service account', async () => {
    api.respond(() => ({ status: 200, body: '{"messageIds":["1"]}' }));
    api.requests.length = 0;
    await post(
      settings(provider('googlepubsub', 'gcp-sa'), {
        address: 'proj',
        channel: 'flux',
        endpoints: { pubsub: api.url },
      }),
    );
    const [sts, iam] = google.requests.slice(-2);
    assert.equal(sts?.form['audience'], `//iam.googleapis.com/${WIP}`);
    assert.equal(sts?.form['scope'], 'https://www.googleapis.com/auth/cloud-platform');
    assert.equal(iam?.path, `/v1/projects/-/serviceAccounts/${encodeURIComponent(GSA)}:generateAccessToken`);
    assert.equal(
      iam?.form['scope'],
      'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email',
    );
    assert.equal(api.requests[0]?.path, '/v1/projects/proj/topics/flux:publish');
    assert.equal(api.requests[0]?.headers['authorization'], `Bearer ${google.issued.at(-1) ?? ''}`);
    assert.match(google.issued.at(-1) ?? '', /^ya29\./u, 'the impersonated token, not the federated one');
  });

  test('refusals name the account and the reason, never a token', async () => {
    api.respond(() => ({ status: 200, body: '{"count":0,"value":[]}' }));
    const cases: [Provider, RegExp][] = [
      [
        provider('azuredevops', 'azure-other'),
        /AADSTS70021: No matching federated identity record found .*azure-other/u,
      ],
      [
        provider('azuredevops', 'azure-bare'),
        /client ID not found in the annotation 'azure.workload.identity\/client-id'/u,
      ],
      [provider('azuredevops', 'missing'), /failed to get service account '.*\/missing': not found/u],
      [provider('azuredevops'), /no Azure identity: set spec.serviceAccountName/u],
    ];
    for (const [p, message] of cases) {
      const err = await post(settings(p, { address: `${api.url}/org/proj/_git/repo` })).then(
        () => assert.fail(`${p.spec.serviceAccountName ?? 'no account'} got a token`),
        (e: unknown) => e as Error,
      );
      assert.match(err.message, message);
      assert.ok(!/eyJ[\w-]+\.eyJ/u.test(err.message), 'no ServiceAccount token in the message');
    }
    // gcp-direct is not federated with the pool's subject: STS refuses it.
    await assert.rejects(
      post(
        settings(provider('googlepubsub', 'gcp-direct'), {
          address: 'proj',
          channel: 'flux',
          endpoints: { pubsub: api.url },
        }),
      ),
      /token exchange at http:\/\/127\.0\.0\.1:\d+ for '.*\/gcp-direct' failed: invalid_grant: The principal is not federated/u,
    );
    assert.throws(
      () =>
        newNotifier(settings(provider('azuredevops', 'azure-sa'), { address: `${api.url}/o/p/_git/r`, token: 'pat' })),
      /serviceAccountName and token authentication cannot be set at the same time/u,
    );
  });
});
