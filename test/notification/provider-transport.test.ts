// A Provider's certSecretRef and proxySecretRef, from the Secrets to the wire: the settings are resolved as the
// controller resolves them (events/provider-settings.ts), then a generic notifier delivers through them. TLS: a server
// whose certificate only the Secret's CA trusts, and that asks for the client certificate the Secret holds. Proxy: a
// real forward proxy with basic auth that the request must cross. Secrets never appear in the errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { Alert, Provider } from '../../src/api/index.ts';
import { resolveProvider } from '../../src/controllers/notification/events/provider-settings.ts';
import { newNotifier } from '../../src/controllers/notification/providers/index.ts';
import type { FluxEvent } from '../../src/runtime/index.ts';
import { startProxy, type TestProxy } from '../support/git-server.ts';
import { makeTestPki, type TestPki } from '../support/pki.ts';
import { startEndpoint, type Endpoint } from './endpoint.ts';

const event: FluxEvent = {
  involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps', uid: 'u-1', apiVersion: 'v1' },
  severity: 'info',
  timestamp: '2026-12-08T04:00:00Z',
  message: 'Applied revision',
  reason: 'ReconciliationSucceeded',
  metadata: {},
  reportingController: 'kustomize-controller',
  reportingInstance: 'kc-1',
};
const alert = { metadata: { name: 'a', namespace: 'flux-system', uid: 'alert-uid' }, spec: {} } as unknown as Alert;

let dir: string;
let pki: TestPki;
let tls: Server;
let tlsUrl: string;
const received: string[] = [];
let plain: Endpoint;
let proxy: TestProxy;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fluxts-provider-tls-'));
  pki = makeTestPki(dir, 'provider');
  tls = createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end('ok');
      });
    },
  );
  await new Promise<void>((ok) => tls.listen(0, '127.0.0.1', ok));
  tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/hook`;
  plain = await startEndpoint(() => ({ status: 200, body: 'ok' }));
  proxy = await startProxy({ username: 'proxy-user', password: 'proxy-s3cret' });
});
after(async () => {
  await new Promise<void>((ok) => tls.close(() => ok()));
  await plain.close();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

function provider(spec: Partial<Provider['spec']>): Provider {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name: 'hook', namespace: 'flux-system', uid: 'provider-uid' },
    spec: { type: 'generic', ...spec },
  };
}

const secrets: Record<string, Record<string, Buffer>> = {};
const readSecret = (_ns: string, name: string): Promise<Record<string, Buffer>> => {
  const data = secrets[name];
  return data ? Promise.resolve(data) : Promise.reject(new Error(`secret ${name} not found`));
};
const deliver = async (p: Provider): Promise<void> => {
  const settings = await resolveProvider(p, {
    readSecret,
    alert,
    commitStatus: '',
    retry: { retries: 0, minWaitMs: 1, maxWaitMs: 1 },
  });
  await newNotifier(settings).post(event, { signal: AbortSignal.timeout(5000) });
};

test('certSecretRef: the CA and the client certificate of the Secret reach a server only they satisfy', async () => {
  secrets['tls'] = {
    'ca.crt': Buffer.from(pki.ca),
    'tls.crt': Buffer.from(pki.clientCert),
    'tls.key': Buffer.from(pki.clientKey),
  };
  await deliver(provider({ address: tlsUrl, certSecretRef: { name: 'tls' } }));
  assert.equal(received.length, 1);
  assert.match(received[0] ?? '', /"reason":"ReconciliationSucceeded"/u);

  // Without the Secret the server's certificate is not trusted; with the CA only, the server refuses the client.
  await assert.rejects(deliver(provider({ address: tlsUrl })), /certificate/iu);
  secrets['ca-only'] = { 'ca.crt': Buffer.from(pki.ca) };
  await assert.rejects(deliver(provider({ address: tlsUrl, certSecretRef: { name: 'ca-only' } })), (err: unknown) => {
    assert.doesNotMatch(String(err), /BEGIN/u, 'no PEM in the error');
    return true;
  });
  assert.equal(received.length, 1, 'nothing else was delivered');
  secrets['half'] = { 'tls.crt': Buffer.from(pki.clientCert) };
  await assert.rejects(
    deliver(provider({ address: tlsUrl, certSecretRef: { name: 'half' } })),
    /must contain both tls\.crt and tls\.key/u,
  );
});

test('proxySecretRef: the request crosses the proxy with its credentials; wrong ones are refused without leaking', async () => {
  secrets['proxy'] = {
    address: Buffer.from(proxy.url),
    username: Buffer.from('proxy-user'),
    password: Buffer.from('proxy-s3cret'),
  };
  const before = proxy.requests;
  plain.requests.length = 0;
  await deliver(provider({ address: `${plain.url}/hook`, proxySecretRef: { name: 'proxy' } }));
  assert.equal(plain.requests.length, 1, 'delivered');
  assert.ok(proxy.requests > before, 'through the proxy');

  secrets['bad-proxy'] = { ...secrets['proxy'], password: Buffer.from('wrong-s3cret') };
  await assert.rejects(
    deliver(provider({ address: `${plain.url}/hook`, proxySecretRef: { name: 'bad-proxy' } })),
    (err: unknown) => {
      assert.match(String(err), /407/u);
      assert.doesNotMatch(String(err), /s3cret/u, 'no proxy password in the error');
      return true;
    },
  );
  assert.equal(plain.requests.length, 1, 'a refused proxy delivered nothing');
});
