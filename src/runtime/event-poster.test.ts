import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eventsUrl } from './event-poster.ts';

test('eventsUrl keeps URLs and turns notification-controller listen addresses into local URLs', () => {
  assert.equal(
    eventsUrl('http://notification-controller.flux-system.svc./'),
    'http://notification-controller.flux-system.svc./',
  );
  assert.equal(eventsUrl(':9090'), 'http://localhost:9090/');
  assert.equal(eventsUrl('0.0.0.0:9090'), 'http://localhost:9090/');
  assert.equal(eventsUrl('127.0.0.1:9690'), 'http://127.0.0.1:9690/');
  assert.equal(eventsUrl('[::1]:9090'), 'http://[::1]:9090/');
  assert.equal(eventsUrl('not an address'), 'not an address');
});
