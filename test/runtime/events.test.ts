import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';

import { KubeClient, type KubeObject } from '../../src/kube/client/index.ts';
import { EventPoster } from '../../src/runtime/event-poster.ts';
import { EventRecorder } from '../../src/runtime/event-recorder.ts';
import type { FluxEvent } from '../../src/runtime/event-types.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { ensureWidgetCrd, widget, widgetType, type Widget } from './widget.ts';

interface CoreEvent extends KubeObject {
  involvedObject: { kind: string; name: string; namespace: string; uid?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  source: { component: string };
  reportingComponent: string;
}

/** receiver is a stand-in notification-controller: answers each POST with the next scripted status code. */
async function receiver(codes: number[]) {
  const bodies: FluxEvent[] = [];
  const attempts: number[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const code = codes.shift() ?? 200;
      attempts.push(code);
      if (code === 200) bodies.push(JSON.parse(data) as FluxEvent);
      assert.equal(req.headers['content-type'], 'application/json');
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, bodies, attempts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

void test('events are recorded as core/v1 Events, aggregated, and posted to the events address', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  await ensureWidgetCrd(client);
  const ns = await useNamespace(t, cluster);
  const obj = await client.create<Widget>({
    ...widget(ns, 'w'),
    metadata: { name: 'w', namespace: ns, annotations: { 'event.toolkit.fluxcd.io/team': 'platform' } },
  });
  const nc = await receiver([503, 200]);
  t.after(() => nc.close());
  const recorder = new EventRecorder({
    client,
    controller: 'widget-controller',
    poster: new EventPoster({ url: nc.url, backoffMs: 10 }),
  });

  recorder.event(obj, {
    severity: 'info',
    reason: 'NewArtifact',
    message: 'stored artifact for revision main@sha1:abc',
    metadata: { revision: 'main@sha1:abc', token: 't1' },
  });
  recorder.event(obj, {
    severity: 'info',
    reason: 'NewArtifact',
    message: 'stored artifact for revision main@sha1:abc',
  });
  recorder.event(obj, { severity: 'error', reason: 'BuildFailed', message: 'kustomize build failed' });
  recorder.event(obj, { severity: 'trace', reason: 'Progressing', message: 'trace only' });
  await recorder.flush();

  const list = await client.list<CoreEvent>({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
  const byReason = new Map(list.items.map((e) => [e.reason, e]));
  assert.equal(list.items.length, 3, 'the repeat was aggregated into one Event');
  const created = byReason.get('NewArtifact')!;
  assert.equal(created.count, 2);
  assert.equal(created.type, 'Normal');
  assert.equal(created.involvedObject.kind, 'Widget');
  assert.equal(created.involvedObject.uid, obj.metadata.uid);
  assert.equal(created.source.component, 'widget-controller');
  assert.equal(created.reportingComponent, 'widget-controller');
  assert.equal(created.metadata.annotations?.['runtime.fluxts.test/revision'], 'main@sha1:abc');
  assert.equal(byReason.get('BuildFailed')?.type, 'Warning');
  assert.equal(byReason.get('Progressing')?.type, 'Normal');

  // Posted: info, info, error (trace never leaves the cluster); the 503 was retried.
  assert.deepEqual(nc.attempts, [503, 200, 200, 200]);
  const first = nc.bodies.find((b) => b.metadata?.['runtime.fluxts.test/token'] === 't1');
  assert.ok(first, JSON.stringify(nc.bodies));
  assert.deepEqual(first.involvedObject, {
    kind: 'Widget',
    namespace: ns,
    name: 'w',
    uid: obj.metadata.uid,
    apiVersion: widgetType.apiVersion,
    resourceVersion: obj.metadata.resourceVersion,
  });
  assert.equal(first.severity, 'info');
  assert.equal(first.reason, 'NewArtifact');
  assert.equal(first.reportingController, 'widget-controller');
  assert.match(first.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(first.metadata, {
    'event.toolkit.fluxcd.io/team': 'platform',
    'runtime.fluxts.test/revision': 'main@sha1:abc',
    'runtime.fluxts.test/token': 't1',
  });
  assert.deepEqual(nc.bodies.map((b) => b.severity).sort(), ['error', 'info', 'info']);
});

void test('event posting gives up after bounded retries and never retries 429', async (t) => {
  const nc = await receiver([500, 500, 500, 429]);
  t.after(() => nc.close());
  const poster = new EventPoster({ url: nc.url, backoffMs: 5, maxRetries: 2 });
  const event: FluxEvent = {
    involvedObject: { kind: 'Widget', namespace: 'ns', name: 'w' },
    severity: 'info',
    timestamp: '2026-01-01T00:00:00Z',
    message: 'm',
    reason: 'R',
    reportingController: 'c',
  };
  const start = Date.now();
  poster.post(event);
  assert.ok(Date.now() - start < 50, 'post does not block');
  await poster.flush();
  assert.deepEqual(nc.attempts, [500, 500, 500], 'one try plus two retries');
  poster.post(event);
  await poster.flush();
  assert.deepEqual(nc.attempts, [500, 500, 500, 429], '429 is not retried');
});
