import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OCIError } from './errors.ts';
import { formatReference, isLocalRegistry, isValidDigest, parseOCIUrl, parseReference } from './reference.ts';

const D = `sha256:${'a'.repeat(64)}`;

test('parseReference applies Docker Hub defaults and splits tags and digests', () => {
  assert.deepEqual(parseReference('alpine'), { registry: 'index.docker.io', repository: 'library/alpine' });
  assert.deepEqual(parseReference('docker.io/fluxcd/flux:v2'), {
    registry: 'index.docker.io',
    repository: 'fluxcd/flux',
    tag: 'v2',
  });
  assert.deepEqual(parseReference(`localhost:5000/a/b:1.0@${D}`), {
    registry: 'localhost:5000',
    repository: 'a/b',
    tag: '1.0',
    digest: D,
  });
  assert.deepEqual(parseReference('ghcr.io/org/app'), { registry: 'ghcr.io', repository: 'org/app' });
  assert.equal(formatReference(parseReference(`ghcr.io/org/app:v1@${D}`)), `ghcr.io/org/app:v1@${D}`);
});

test('parseReference refuses bad components, tags and digests', () => {
  for (const bad of ['', 'Upper/case', 'ghcr.io/org/app:-bad', 'ghcr.io/org/app@sha256:short', 'ghcr.io//x']) {
    assert.throws(() => parseReference(bad), OCIError, bad);
  }
});

test("parseOCIUrl needs oci:// and a host, and refuses a tag where Flux's spec.url does", () => {
  assert.deepEqual(parseOCIUrl('oci://127.0.0.1:5000/app/manifests'), {
    registry: '127.0.0.1:5000',
    repository: 'app/manifests',
  });
  assert.deepEqual(parseOCIUrl('oci://ghcr.io/org/app:v1', { allowRef: true }), {
    registry: 'ghcr.io',
    repository: 'org/app',
    tag: 'v1',
  });
  assert.throws(() => parseOCIUrl('https://ghcr.io/org/app'), /oci:\/\//u);
  assert.throws(() => parseOCIUrl('oci://ghcr.io'), /oci:\/\//u);
  assert.throws(() => parseOCIUrl('oci://org/app'), /oci:\/\//u);
  assert.throws(() => parseOCIUrl('oci://ghcr.io/org/app:v1'), /must not contain a tag/u);
});

test('isValidDigest checks lengths of known algorithms; isLocalRegistry matches what may use plain HTTP', () => {
  assert.equal(isValidDigest(D), true);
  assert.equal(isValidDigest('sha256:abc'), false);
  assert.equal(isValidDigest(`sha512:${'b'.repeat(128)}`), true);
  for (const h of [
    'localhost:5000',
    '127.0.0.1:5000',
    '10.1.2.3',
    '192.168.0.1:80',
    'registry.local:5000',
    '172.20.0.1',
  ]) {
    assert.equal(isLocalRegistry(h), true, h);
  }
  for (const h of ['ghcr.io', '172.32.0.1', '8.8.8.8:443']) assert.equal(isLocalRegistry(h), false, h);
});
