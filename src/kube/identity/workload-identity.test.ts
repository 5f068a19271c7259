import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KubeConfigConfigMapError, parseAudiences, parseClusterAddress } from './workload-identity.ts';

void test('audiences: one a line, a YAML block list or a flow list; blanks and quotes dropped', () => {
  assert.deepEqual(parseAudiences('https://a.example\n\n  sts.example  \n'), ['https://a.example', 'sts.example']);
  assert.deepEqual(parseAudiences('- "https://a.example"\n- b'), ['https://a.example', 'b']);
  assert.deepEqual(parseAudiences("[a, 'b', ]"), ['a', 'b']);
  assert.deepEqual(parseAudiences('  '), []);
});

void test('cluster address: https added and required, port 443 by default, host lower-cased', () => {
  assert.equal(parseClusterAddress('API.Example.com'), 'https://api.example.com:443');
  assert.equal(parseClusterAddress('https://127.0.0.1:6443/'), 'https://127.0.0.1:6443');
  assert.throws(() => parseClusterAddress('http://api.example.com'), /must use https scheme/);
  assert.throws(() => parseClusterAddress(''), KubeConfigConfigMapError);
  assert.throws(() => parseClusterAddress('https://exa mple'), /failed to parse Kubernetes API server address/);
});
