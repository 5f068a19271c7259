import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ListenError, parseListenAddress } from './http-server.ts';

void test('Go listen addresses', () => {
  assert.deepEqual(parseListenAddress(':8080'), { host: undefined, port: 8080 });
  assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:9440'), { host: '::1', port: 9440 });
  assert.throws(() => parseListenAddress('8080'), ListenError);
  assert.throws(() => parseListenAddress(':http'), ListenError);
});
