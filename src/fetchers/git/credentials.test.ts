import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsFromSecret, proxyFromSecret } from './credentials.ts';
import { GitBadSecretError } from './errors.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

void test('credentialsFromSecret accepts the HTTPS shapes Flux documents', () => {
  assert.deepEqual(credentialsFromSecret('ns/s', { username: 'u', password: 'p' }, 'https:'), {
    username: 'u',
    password: 'p',
  });
  assert.deepEqual(credentialsFromSecret('ns/s', { bearerToken: Buffer.from('t') }, 'https:'), { bearerToken: 't' });
  assert.deepEqual(credentialsFromSecret('ns/s', { caFile: CA }, 'https:'), { caCert: CA });
});

void test('credentialsFromSecret rejects garbage with messages that name keys, never values', () => {
  const cases: Record<string, string>[] = [
    { username: 'u' },
    { password: 'hunter2-secret' },
    { username: 'u', password: 'p', bearerToken: 't' },
    { 'tls.crt': CA },
    { 'ca.crt': 'hunter2-not-a-cert' },
    { username: 'u', password: 'line\nbreak-secret' },
  ];
  for (const data of cases) {
    const e = (() => {
      try {
        credentialsFromSecret('ns/git-auth', data, 'https:');
        return undefined;
      } catch (x) {
        return x;
      }
    })();
    assert.ok(e instanceof GitBadSecretError, JSON.stringify(Object.keys(data)));
    assert.ok(e.message.startsWith('Secret ns/git-auth is invalid: '));
    assert.ok(!/hunter2|secret$/u.test(e.message), e.message);
    assert.equal(e.reason, 'AuthenticationFailed');
  }
  assert.throws(() => credentialsFromSecret('ns/s', { known_hosts: 'x' }, 'ssh:'), GitBadSecretError);
});

void test('proxyFromSecret needs an http, https or socks5 address', () => {
  assert.deepEqual(proxyFromSecret('ns/p', { address: 'http://proxy:3128', username: 'a', password: 'b' }), {
    address: 'http://proxy:3128',
    username: 'a',
    password: 'b',
  });
  assert.throws(() => proxyFromSecret('ns/p', {}), GitBadSecretError);
  assert.throws(() => proxyFromSecret('ns/p', { address: 'ftp://x' }), GitBadSecretError);
});
