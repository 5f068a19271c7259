import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseChallenge } from './auth.ts';
import { nextLink } from './client.ts';
import { parseManifest } from './manifest.ts';
import { MediaType } from './media-types.ts';

test('parseChallenge reads bearer parameters, quoted commas included; other schemes mean basic', () => {
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
    ),
    {
      scheme: 'bearer',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:a/b:pull,push',
    },
  );
  assert.equal(parseChallenge(['Basic realm="x"', 'Bearer realm="https://t"']).realm, 'https://t');
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic' });
  assert.deepEqual(parseChallenge(undefined), { scheme: 'basic' });
  assert.equal(parseChallenge('bearer realm=https://t,error="insufficient_scope"').error, 'insufficient_scope');
});

test('nextLink finds rel="next" among several links', () => {
  assert.equal(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"'), '/v2/a/tags/list?n=2&last=b');
  assert.equal(nextLink('<https://x/prev>; rel="prev", <https://x/next?a=1,2>; rel=next'), 'https://x/next?a=1,2');
  assert.equal(nextLink(undefined), undefined);
  assert.equal(nextLink('<https://x>; rel="last"'), undefined);
});

test('parseManifest tells manifests from indexes and refuses malformed documents', () => {
  const d = { mediaType: MediaType.OCIEmpty, digest: `sha256:${'1'.repeat(64)}`, size: 2 };
  const m = parseManifest(
    Buffer.from(JSON.stringify({ schemaVersion: 2, config: d, layers: [d] })),
    MediaType.DockerManifest,
    't',
  );
  assert.equal(m.kind, 'manifest');
  assert.equal(m.mediaType, MediaType.DockerManifest);
  const i = parseManifest(
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCIIndex, manifests: [d] })),
    '',
    't',
  );
  assert.equal(i.kind, 'index');
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}'), '', 't'), /schemaVersion 1/u);
  assert.throws(
    () =>
      parseManifest(
        Buffer.from(JSON.stringify({ schemaVersion: 2, config: { ...d, digest: 'x' }, layers: [] })),
        MediaType.OCIManifest,
        't',
      ),
    /invalid digest/u,
  );
  assert.throws(() => parseManifest(Buffer.from('nope'), '', 't'), /not valid JSON/u);
});
