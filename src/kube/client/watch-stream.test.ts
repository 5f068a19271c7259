import assert from 'node:assert/strict';
import { test } from 'node:test';

import { resourcePath } from './rest-mapper.ts';
import { objectKeyString, parseObjectKey, splitApiVersion } from './types.ts';
import { readWatchEvents } from './watch-stream.ts';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

void test('watch lines split across chunks are reassembled; blank and broken lines are skipped', async () => {
  const events = [];
  const body = streamOf([
    '{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI',
    'FIED","object":{"metadata":{"name":"a","resourceVersion":"2"}}}\n\n',
    'not json\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}',
  ]);
  for await (const e of readWatchEvents(body)) events.push(`${e.type} ${e.object.metadata.name}`);
  assert.deepEqual(events, ['ADDED a', 'MODIFIED a', 'DELETED a']);
});

void test('multi-byte characters split between chunks decode correctly', async () => {
  const bytes = new TextEncoder().encode('{"type":"ADDED","object":{"metadata":{"name":"ü"}}}\n');
  const split = bytes.indexOf(0xc3) + 1;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.slice(0, split));
      c.enqueue(bytes.slice(split));
      c.close();
    },
  });
  for await (const e of readWatchEvents(body)) assert.equal(e.object.metadata.name, 'ü');
});

void test('resource paths for core, grouped, namespaced and cluster-scoped kinds', () => {
  const pods = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };
  const crds = {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    kind: 'X',
    namespaced: false,
  };
  assert.equal(resourcePath(pods), '/api/v1/pods');
  assert.equal(resourcePath(pods, 'ns', 'p', 'status'), '/api/v1/namespaces/ns/pods/p/status');
  assert.equal(resourcePath(crds, 'ignored', 'a.b'), '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.b');
});

void test('apiVersion and object keys round-trip', () => {
  assert.deepEqual(splitApiVersion('v1'), { group: '', version: 'v1' });
  assert.deepEqual(splitApiVersion('source.toolkit.fluxcd.io/v1'), {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
  });
  assert.equal(objectKeyString({ namespace: 'ns', name: 'n' }), 'ns/n');
  assert.deepEqual(parseObjectKey('ns/n'), { namespace: 'ns', name: 'n' });
  assert.deepEqual(parseObjectKey('cluster-scoped'), { name: 'cluster-scoped' });
});
