// The OCI client against a real registry (CNCF distribution on loopback): plain HTTP, htpasswd basic auth, Docker
// token auth, TLS and mutual TLS, a forward proxy, tag paging, the referrers tag-schema fallback, and a registry
// that serves corrupted blob bytes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import {
  DockerConfigKeychain,
  dockerConfigJson,
  MediaType,
  OCIError,
  RegistryClient,
  referrersTag,
  staticKeychain,
  type Descriptor,
} from '../../src/fetchers/oci/index.ts';
import { startProxy } from '../support/git-server.ts';
import { DEFAULT_USER, startRegistry, type TestRegistry } from '../support/oci-registry.ts';

const EMPTY = Buffer.from('{}');

/** pushImage pushes a one-layer artifact and tags it; returns the manifest descriptor and layer. */
async function pushImage(
  c: RegistryClient,
  repo: string,
  tag: string,
  content: string,
  extra: Partial<{ subject: Descriptor; artifactType: string }> = {},
): Promise<{ manifest: Descriptor; layer: Descriptor }> {
  const config = await c.pushBlob(repo, { bytes: EMPTY }, MediaType.OCIEmpty);
  const layer = await c.pushBlob(repo, { bytes: Buffer.from(content) }, MediaType.FluxContent);
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.OCIManifest,
    ...(extra.artifactType ? { artifactType: extra.artifactType } : {}),
    config,
    layers: [layer],
    ...(extra.subject ? { subject: extra.subject } : {}),
  };
  const manifest = await c.putManifest(repo, tag, Buffer.from(JSON.stringify(doc)), MediaType.OCIManifest);
  return { manifest, layer };
}

async function rejectsKind(p: Promise<unknown>, kind: string, check?: (e: OCIError) => void): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof OCIError, `expected OCIError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    check?.(err);
    return true;
  });
}

describe('OCI client, anonymous plain HTTP registry', () => {
  let reg: TestRegistry;
  let c: RegistryClient;
  before(async () => {
    reg = await startRegistry();
    c = new RegistryClient({ registry: reg.host });
  });
  after(async () => {
    c.close();
    await reg.stop();
  });

  test('falls back to plain HTTP for a loopback registry and round-trips manifests and blobs', async () => {
    assert.equal(await c.ping(), `http://${reg.host}`);
    const { manifest, layer } = await pushImage(c, 'app/manifests', 'v1.0.0', 'hello');
    const resolved = await c.resolve('app/manifests', 'v1.0.0');
    assert.deepEqual(resolved, manifest);
    const fetched = await c.getManifest('app/manifests', manifest.digest);
    assert.equal(fetched.manifest.kind, 'manifest');
    assert.equal(fetched.descriptor.digest, manifest.digest);
    assert.equal((await c.readBlob('app/manifests', layer)).toString(), 'hello');
    assert.equal(await c.blobExists('app/manifests', layer.digest), true);
  });

  test('lists tags across pages following Link headers', async () => {
    for (const t of ['a', 'b', 'c', 'd', 'e']) await pushImage(c, 'paged', t, `content ${t}`);
    assert.deepEqual(await c.listTags('paged', { pageSize: 2 }), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(await c.listTags('paged'), ['a', 'b', 'c', 'd', 'e']);
  });

  test('unknown tags, repositories and blobs are not-found errors with the registry code', async () => {
    await pushImage(c, 'known', 'v1', 'x');
    await rejectsKind(c.resolve('known', 'v9'), 'not-found', (e) => assert.match(e.message, /MANIFEST_UNKNOWN|404/u));
    await rejectsKind(c.listTags('never/pushed'), 'not-found', (e) => assert.match(e.message, /NAME_UNKNOWN/u));
    await rejectsKind(c.readBlob('known', { digest: `sha256:${'0'.repeat(64)}`, size: 1 }), 'not-found');
  });

  test('referrers fall back to the sha256-<hex> tag schema on a registry without the referrers API', async () => {
    const { manifest } = await pushImage(c, 'signed', 'v1', 'payload');
    assert.deepEqual(await c.referrers('signed', manifest.digest), []);
    const sig = await pushImage(c, 'signed', 'sig-tmp', 'signature', {
      subject: manifest,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    });
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.OCIIndex,
      manifests: [{ ...sig.manifest, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }],
    };
    await c.putManifest(
      'signed',
      referrersTag(manifest.digest),
      Buffer.from(JSON.stringify(index)),
      MediaType.OCIIndex,
    );
    const found = await c.referrers('signed', manifest.digest);
    assert.deepEqual(
      found.map((d) => d.digest),
      [sig.manifest.digest],
    );
    assert.deepEqual(await c.referrers('signed', manifest.digest, { artifactType: 'application/other' }), []);
  });

  test('a registry serving corrupted blob bytes is caught by digest verification', async () => {
    const { layer } = await pushImage(c, 'hostile', 'v1', 'the real content');
    writeFileSync(reg.blobPath(layer.digest), 'the evil content');
    await rejectsKind(c.readBlob('hostile', layer), 'digest-mismatch', (e) =>
      assert.match(e.message, /expected sha256:/u),
    );
    writeFileSync(reg.blobPath(layer.digest), 'the real content, longer than declared');
    await rejectsKind(c.readBlob('hostile', layer), 'digest-mismatch');
  });

  test('blobs over the size limit are refused before download', async () => {
    const { layer } = await pushImage(c, 'big', 'v1', 'x'.repeat(1000));
    await rejectsKind(c.readBlob('big', layer, { maxBytes: 100 }), 'too-large');
  });

  test('an unreachable registry is an unreachable error', async () => {
    const dead = new RegistryClient({ registry: '127.0.0.1:1' });
    try {
      await rejectsKind(dead.listTags('x'), 'unreachable');
    } finally {
      dead.close();
    }
  });
});

describe('OCI client, htpasswd basic auth', () => {
  let reg: TestRegistry;
  before(async () => (reg = await startRegistry({ auth: 'basic' })));
  after(async () => reg.stop());

  test('docker config credentials push and pull; none or wrong ones are refused without leaking', async () => {
    const keychain = new DockerConfigKeychain().add(
      dockerConfigJson(reg.host, DEFAULT_USER.username, DEFAULT_USER.password),
      'secret test',
    );
    const c = new RegistryClient({ registry: reg.host, keychain });
    const anon = new RegistryClient({ registry: reg.host });
    const wrong = new RegistryClient({
      registry: reg.host,
      keychain: staticKeychain(reg.host, { username: 'flux', password: 'not-the-password' }),
    });
    try {
      await pushImage(c, 'private/app', 'v1', 'secret manifests');
      assert.deepEqual(await c.listTags('private/app'), ['v1']);
      await rejectsKind(anon.listTags('private/app'), 'auth', (e) => assert.match(e.message, /401/u));
      await rejectsKind(wrong.listTags('private/app'), 'auth', (e) => {
        assert.doesNotMatch(e.message, /not-the-password/u);
        assert.match(e.message, /credentials were refused/u);
      });
    } finally {
      for (const x of [c, anon, wrong]) x.close();
    }
  });
});

describe('OCI client, Docker token auth', () => {
  let reg: TestRegistry;
  before(
    async () =>
      (reg = await startRegistry({
        auth: 'token',
        users: [DEFAULT_USER, { username: 'reader', password: 'reader-pw', push: [] }],
      })),
  );
  after(async () => reg.stop());

  test('bearer tokens per repository scope, cached, refused for wrong credentials and missing push rights', async () => {
    const c = new RegistryClient({ registry: reg.host, keychain: staticKeychain(reg.host, DEFAULT_USER) });
    const reader = new RegistryClient({
      registry: reg.host,
      keychain: staticKeychain(reg.host, { username: 'reader', password: 'reader-pw' }),
    });
    const wrong = new RegistryClient({
      registry: reg.host,
      keychain: staticKeychain(reg.host, { username: 'flux', password: 'wrong-pw' }),
    });
    try {
      await pushImage(c, 'team/app', 'v1', 'token content');
      const before = reg.tokenRequests();
      assert.deepEqual(await c.listTags('team/app'), ['v1']);
      assert.deepEqual(await c.listTags('team/app'), ['v1']);
      assert.ok(reg.tokenRequests() - before <= 1, 'pull token is cached across requests');
      assert.deepEqual(await reader.listTags('team/app'), ['v1']);
      await rejectsKind(pushImage(reader, 'team/app', 'v2', 'nope'), 'auth');
      await rejectsKind(wrong.listTags('team/app'), 'auth', (e) => assert.doesNotMatch(e.message, /wrong-pw/u));
    } finally {
      for (const x of [c, reader, wrong]) x.close();
    }
  });
});

describe('OCI client, TLS, mutual TLS and proxies', () => {
  let tls: TestRegistry;
  let mtls: TestRegistry;
  before(async () => {
    [tls, mtls] = await Promise.all([startRegistry({ tls: true }), startRegistry({ mtls: true })]);
  });
  after(async () => Promise.all([tls.stop(), mtls.stop()]));

  test('a registry certificate is trusted only with the CA; insecure does not skip verification', async () => {
    const trusted = new RegistryClient({ registry: tls.host, tls: { ca: tls.caPem ?? '' } });
    const untrusted = new RegistryClient({ registry: tls.host.replace('127.0.0.1', 'localhost') });
    try {
      assert.equal(await trusted.ping(), `https://${tls.host}`);
      await pushImage(trusted, 'secure', 'v1', 'over tls');
      // Without the CA the https handshake fails; the plain-HTTP fallback reaches a TLS port and fails too.
      await assert.rejects(
        untrusted.listTags('secure'),
        (e: unknown) => e instanceof OCIError && (e.kind === 'tls' || e.kind === 'protocol'),
      );
    } finally {
      trusted.close();
      untrusted.close();
    }
  });

  test('mutual TLS needs the client certificate', async () => {
    const withCert = new RegistryClient({
      registry: mtls.host,
      tls: { ca: mtls.caPem ?? '', cert: mtls.clientCertPem ?? '', key: mtls.clientKeyPem ?? '' },
    });
    const without = new RegistryClient({ registry: mtls.host, tls: { ca: mtls.caPem ?? '' } });
    try {
      await pushImage(withCert, 'mtls', 'v1', 'client cert');
      assert.deepEqual(await withCert.listTags('mtls'), ['v1']);
      await assert.rejects(without.listTags('mtls'), OCIError);
    } finally {
      withCert.close();
      without.close();
    }
  });

  test('requests go through an authenticating proxy, tunnelled for https', async () => {
    const proxy = await startProxy({ username: 'p', password: 'proxy-pw' });
    const plain = await startRegistry();
    const viaTls = new RegistryClient({
      registry: tls.host,
      tls: { ca: tls.caPem ?? '' },
      proxy: { url: proxy.url, username: 'p', password: 'proxy-pw' },
    });
    const viaPlain = new RegistryClient({
      registry: plain.host,
      insecure: true,
      proxy: { url: proxy.url, username: 'p', password: 'proxy-pw' },
    });
    const badProxy = new RegistryClient({
      registry: tls.host,
      tls: { ca: tls.caPem ?? '' },
      proxy: { url: proxy.url, username: 'p', password: 'wrong' },
    });
    try {
      await pushImage(viaTls, 'proxied', 'v1', 'via connect');
      assert.deepEqual(await viaTls.listTags('proxied'), ['v1']);
      await pushImage(viaPlain, 'proxied', 'v2', 'via absolute-form');
      assert.deepEqual(await viaPlain.listTags('proxied'), ['v2']);
      assert.ok(proxy.requests >= 2);
      await assert.rejects(badProxy.listTags('proxied'), OCIError);
    } finally {
      for (const x of [viaTls, viaPlain, badProxy]) x.close();
      await plain.stop();
      await proxy.close();
    }
  });
});
