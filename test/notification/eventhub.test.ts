// azureeventhub against a local Event Hubs namespace on AMQP 1.0 (test/support/eventhubs.ts): the CBS put-token
// (SAS signed with the connection string's key, or a JWT), the batch message Flux's producer sends, plain TCP for
// the development emulator, and every refusal (bad key, unknown hub, untrusted certificate, nobody listening).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { marshalEvent } from '../../src/controllers/notification/event.ts';
import { newNotifier, type ProviderSettings } from '../../src/controllers/notification/providers/index.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import type { FluxEvent } from '../../src/runtime/index.ts';
import { BATCH_FORMAT, type EventHubsNamespace, startEventHubs } from '../support/eventhubs.ts';
import { makeTestPki, type TestPki } from '../support/pki.ts';

const KEY = 'c2VjcmV0LWtleS1mb3ItdGhlLWh1Yg=='; // a SharedAccessKey as the portal shows it (used as text)
const NAMESPACE = 'fluxts.servicebus.windows.net';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2V2ZW50aHVicy5henVyZS5uZXQifQ.c2ln';

function event(extra: Partial<FluxEvent> = {}): FluxEvent {
  return {
    involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps', uid: 'u-1' },
    severity: 'error',
    timestamp: '2026-12-08T02:00:00Z',
    message: 'Health check failed <web>',
    reason: 'HealthCheckFailed',
    metadata: { revision: 'main@sha1:0123' },
    reportingController: 'kustomize-controller',
    ...extra,
  };
}

function settings(extra: Partial<ProviderSettings>): ProviderSettings {
  return {
    type: 'azureeventhub',
    address: '',
    channel: '',
    username: '',
    password: '',
    token: '',
    headers: {},
    transport: {},
    commitStatus: '',
    providerUID: 'p-uid',
    providerName: 'hub',
    providerNamespace: 'flux-system',
    secretData: {},
    serviceAccountName: '',
    alert: { name: 'a', namespace: 'flux-system' },
    ...extra,
  };
}

function post(s: ProviderSettings, ev: FluxEvent = event()): Promise<void> {
  return newNotifier(s).post(ev, { signal: AbortSignal.timeout(5000) });
}

let dir: string;
let pki: TestPki;
let local: EventHubsNamespace; // TLS, namespace "localhost", SAS keys
let hosted: EventHubsNamespace; // TLS, the hosted name, JWTs
let emulator: EventHubsNamespace; // plain TCP, like the Event Hubs emulator
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eventhubs-'));
  pki = makeTestPki(dir, 'eventhubs', [NAMESPACE]);
  const tls = { cert: pki.serverCert, key: pki.serverKey };
  local = await startEventHubs({ namespace: 'localhost', hubs: ['flux-events'], tls, sasKeys: { send: KEY } });
  hosted = await startEventHubs({ namespace: NAMESPACE, hubs: ['flux'], tls, acceptJwt: (t) => t === JWT });
  emulator = await startEventHubs({ namespace: 'localhost', hubs: ['flux-events'], sasKeys: { send: KEY } });
});
after(async () => {
  await Promise.all([local.close(), hosted.close(), emulator.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const connectionString = (port: number, extra = ''): string =>
  `Endpoint=sb://localhost:${port}/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=flux-events${extra}`;

describe('azureeventhub', () => {
  test('SAS connection string: put-token signed with the key, then the event in an Event Hubs batch', async () => {
    const arrived = local.next();
    await post(settings({ address: connectionString(local.port), transport: { tls: { ca: pki.ca } } }));
    const batch = await arrived;
    assert.deepEqual(local.hostnames.at(-1), 'localhost', 'the AMQP open hostname is the namespace');
    const put = local.putTokens.at(-1);
    assert.equal(put?.type, 'servicebus.windows.net:sastoken');
    assert.equal(put?.name, 'sb://localhost/flux-events');
    assert.equal(put?.status, 202);
    assert.ok(put?.expiration instanceof Date && put.expiration.getTime() > Date.now(), 'expiration is a timestamp');
    assert.equal(batch.hub, 'flux-events');
    assert.equal(batch.format, BATCH_FORMAT);
    assert.equal(batch.events.length, 1);
    const [inner] = batch.events;
    const body = (inner?.body as { content: Buffer }).content;
    assert.equal(body.toString('utf8'), marshalEvent(event()), 'the event JSON, byte for byte as Go marshals it');
    assert.match(String(inner?.message_id), /^[0-9a-f-]{36}$/u);
    assert.equal(batch.envelope.message_id, inner?.message_id, 'the envelope carries the first message id');
  });

  test('a JWT from the Secret authorises the hub named by address in the namespace named by channel', async () => {
    const arrived = hosted.next();
    await post(
      settings({
        address: 'flux',
        channel: 'fluxts',
        token: JWT,
        transport: { tls: { ca: pki.ca } },
        endpoints: { eventHubs: `127.0.0.1:${hosted.port}` },
      }),
    );
    assert.equal((await arrived).hub, 'flux');
    assert.equal(hosted.hostnames.at(-1), NAMESPACE, 'the bare namespace got the public cloud suffix');
    assert.deepEqual(
      { type: hosted.putTokens.at(-1)?.type, name: hosted.putTokens.at(-1)?.name },
      { type: 'jwt', name: `sb://${NAMESPACE}/flux` },
    );
  });

  test('UseDevelopmentEmulator=true speaks plain AMQP on the given port', async () => {
    const arrived = emulator.next();
    await post(settings({ address: connectionString(emulator.port, ';UseDevelopmentEmulator=true') }));
    const body = ((await arrived).events[0]?.body as { content: Buffer }).content.toString();
    assert.equal((JSON.parse(body) as FluxEvent).reason, 'HealthCheckFailed');
  });

  test('refusals: wrong key (401 from $cbs), unknown hub, untrusted certificate, nobody listening', async () => {
    const before = local.batches.length;
    const wrongKey = connectionString(local.port).replace(KEY, 'd3Jvbmcta2V5');
    const err = await post(settings({ address: wrongKey, transport: { tls: { ca: pki.ca } } })).then(
      () => assert.fail('sent with a wrong key'),
      (e: unknown) => e as Error,
    );
    assert.match(
      err.message,
      /^failed to send msg: authorizing sb:\/\/localhost\/flux-events .*status 401 InvalidSignature/u,
    );
    assert.ok(!err.message.includes('d3Jvbmcta2V5') && !err.message.includes('sig='), 'no key or signature leaks');

    await assert.rejects(
      post(
        settings({
          address: connectionString(local.port).replace('EntityPath=flux-events', 'EntityPath=nope'),
          transport: { tls: { ca: pki.ca } },
        }),
      ),
      /sending to amqps:\/\/localhost\/nope: amqp:not-found: The messaging entity/u,
    );
    await assert.rejects(
      post(settings({ address: connectionString(local.port) })),
      /connecting to amqps:\/\/localhost: .*certificate/iu,
    );
    const closed = await freePort();
    await assert.rejects(
      post(settings({ address: connectionString(closed), transport: { tls: { ca: pki.ca } } })),
      /connecting to amqps:\/\/localhost: .*ECONNREFUSED/u,
    );
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const slow = newNotifier(
      settings({
        address: connectionString((silent.address() as AddressInfo).port),
        transport: { tls: { ca: pki.ca } },
      }),
    ).post(event(), { signal: AbortSignal.timeout(300) });
    await assert.rejects(
      slow,
      /connecting to amqps:\/\/localhost: timed out/u,
      'the Provider timeout bounds a dead peer',
    );
    silent.close();
    assert.equal(local.batches.length, before, 'nothing was delivered');
  });

  test('configuration errors are Flux’s, and commit-status updates are not sent', async () => {
    const cases: [Partial<ProviderSettings>, RegExp][] = [
      [{ address: '' }, /endpoint URL cannot be empty/u],
      [
        { address: connectionString(1), token: JWT },
        /jwt token and SAS authentication cannot be set at the same time/u,
      ],
      [{ address: connectionString(1), serviceAccountName: 'sa' }, /serviceAccountName and SAS authentication/u],
      [{ address: 'flux', channel: 'ns', token: JWT, serviceAccountName: 'sa' }, /serviceAccountName and jwt token/u],
      [{ address: connectionString(1).replace(';EntityPath=flux-events', '') }, /EntityPath is missing/u],
      [{ address: 'flux', token: JWT }, /namespace cannot be empty/u],
    ];
    for (const [extra, message] of cases) {
      assert.throws(
        () => newNotifier(settings(extra)),
        (e: Error) => message.test(e.message) && !e.message.includes(KEY),
      );
    }
    const before = local.batches.length;
    await post(
      settings({ address: connectionString(local.port), transport: { tls: { ca: pki.ca } } }),
      event({ metadata: { commit_status: 'update' } }),
    );
    assert.equal(local.batches.length, before);
  });
});
