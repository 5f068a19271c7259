import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OCIError } from './errors.ts';
import { DockerConfigKeychain, dockerConfigJson, keychainFromSecrets, staticKeychain } from './keychain.ts';

const auth = (u: string, p: string): string => Buffer.from(`${u}:${p}`).toString('base64');

test('docker config entries match by host, Docker Hub aliases, globs and path prefixes, most specific first', () => {
  const k = new DockerConfigKeychain().add(
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: auth('hub', 'h') },
        'ghcr.io': { username: 'gh', password: 'g' },
        'ghcr.io/team': { auth: auth('team', 't') },
        '*.example.com': { identitytoken: 'refresh' },
        'http://127.0.0.1:5000': { registrytoken: 'rt' },
      },
    }),
    'secret ns/pull',
  );
  assert.equal(k.resolve('docker.io', 'library/alpine')?.username, 'hub');
  assert.equal(k.resolve('index.docker.io', 'x/y')?.password, 'h');
  assert.equal(k.resolve('ghcr.io', 'team/app')?.username, 'team');
  assert.equal(k.resolve('ghcr.io', 'teamother/app')?.username, 'gh');
  assert.equal(k.resolve('reg.example.com', 'a')?.identityToken, 'refresh');
  assert.equal(k.resolve('a.b.example.com', 'a'), undefined);
  assert.equal(k.resolve('127.0.0.1:5000', 'a')?.registryToken, 'rt');
  assert.equal(k.resolve('quay.io', 'a'), undefined);
});

test('legacy dockercfg, several Secrets in order, and errors that name the Secret but no value', () => {
  const k = keychainFromSecrets([
    { name: 'ns/new', data: { '.dockerconfigjson': dockerConfigJson('r.io', 'a', 'pw1') } },
    { name: 'ns/old', data: { '.dockercfg': Buffer.from(JSON.stringify({ 'q.io': { auth: auth('b', 'pw2') } })) } },
  ]);
  assert.equal(k.resolve('r.io', 'x')?.password, 'pw1');
  assert.equal(k.resolve('q.io', 'x')?.username, 'b');
  assert.throws(
    () => keychainFromSecrets([{ name: 'ns/opaque', data: { username: 'u' } }]),
    /ns\/opaque.*dockerconfigjson/u,
  );
  assert.throws(
    () =>
      keychainFromSecrets([
        { name: 'ns/bad', data: { '.dockerconfigjson': '{"auths":{"r.io":{"auth":"bm9jb2xvbg=="}}}' } },
      ]),
    (e: unknown) => e instanceof OCIError && e.kind === 'bad-credentials' && !e.message.includes('nocolon'),
  );
  assert.throws(
    () => keychainFromSecrets([{ name: 'ns/json', data: { '.dockerconfigjson': 'not json' } }]),
    /not valid JSON/u,
  );
  assert.equal(staticKeychain('*', { username: 'u' }).resolve('any', 'x')?.username, 'u');
  assert.equal(staticKeychain('r.io', { username: 'u' }).resolve('s.io', 'x'), undefined);
});
