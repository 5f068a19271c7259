// The Azure Blob client against a real Azurite (which checks Shared Key signatures, SAS tokens and bearer tokens
// itself) and an Entra ID token endpoint that checks the client-credentials grant: listing over several pages with
// names XML cannot carry verbatim, downloads with the service's ETag, a missing container, refused keys, SAS,
// anonymous access to a public container, client secret and client certificate; no credential in any message.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { AzureBlobClient, type AzureOptions, type BucketError } from '../../src/fetchers/bucket/index.ts';
import {
  AZURITE_ACCOUNT,
  AZURITE_KEY,
  type EntraTokenEndpoint,
  startAzurite,
  startEntraTokenEndpoint,
  type TestAzurite,
} from '../support/azurite.ts';

let az: TestAzurite;
let entra: EntraTokenEndpoint;
let work: string;
const KEYS = ['a.yaml', 'dir/b c.yaml', 'dir/sub/ü+%.txt', 'tab\there.txt', 'z/last.yaml'];

before(async () => {
  az = await startAzurite();
  entra = await startEntraTokenEndpoint(az.pki);
  work = mkdtempSync(join(tmpdir(), 'fluxts-azure-client-'));
  await az.createContainer('private');
  await az.createContainer('public', { publicAccess: true });
  for (const k of KEYS) await az.putBlob('private', k, `content of ${k}`);
  await az.putBlob('public', 'open.yaml', 'open');
});
after(async () => {
  await Promise.all([az?.stop(), entra?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

const sharedKey = { type: 'shared-key' as const, account: AZURITE_ACCOUNT, key: Buffer.from(AZURITE_KEY, 'base64') };

function client(container: string, extra: Partial<AzureOptions> = {}): AzureBlobClient {
  return new AzureBlobClient({ endpoint: az.endpoint, container, tls: { ca: az.pki.ca }, ...extra });
}

async function list(c: AzureBlobClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await c.visitObjects(undefined, (k, e) => out.set(k, e));
  return out;
}

test('Shared Key: existence, every page of the listing, downloads with the quoted ETag', async () => {
  const c = client('private', { credential: sharedKey, pageSize: 2 });
  try {
    assert.equal(await c.bucketExists(), true);
    const objects = await list(c);
    assert.deepEqual([...objects.keys()].sort(), [...KEYS].sort());
    for (const etag of objects.values()) {
      // The listed ETag formatted as source-controller's %x: hex of `0x…`.
      assert.match(Buffer.from(etag, 'hex').toString(), /^"?0x[0-9A-F]+"?$/u);
    }
    const etag = await c.getObject('dir/sub/ü+%.txt', join(work, 'out', 'u.txt'));
    assert.match(etag, /^"0x[0-9A-F]+"$/u);
    assert.equal(readFileSync(join(work, 'out', 'u.txt'), 'utf8'), 'content of dir/sub/ü+%.txt');
    await assert.rejects(c.getObject('nope', join(work, 'nope')), (e: BucketError) => e.kind === 'not-found');
  } finally {
    c.close();
  }
  const missing = client('missing', { credential: sharedKey });
  try {
    assert.equal(await missing.bucketExists(), false);
  } finally {
    missing.close();
  }
});

test('a wrong account key is refused and the key never shows', async () => {
  for (const key of [randomBytes(64), Buffer.from('short')]) {
    const c = client('private', { credential: { ...sharedKey, key } });
    try {
      await assert.rejects(c.bucketExists(), (e: BucketError) => {
        assert.equal(e.kind, 'auth', e.message);
        assert.match(e.message, /AuthorizationFailure|AuthenticationFailed|InvalidAuthenticationInfo/u);
        assert.ok(!e.message.includes(key.toString('base64')));
        return true;
      });
    } finally {
      c.close();
    }
  }
});

test('SAS: an account SAS lists and downloads; a tampered one is refused without showing it', async () => {
  const sas = az.accountSas();
  const c = client('private', { credential: { type: 'sas', query: new URLSearchParams(sas) } });
  try {
    assert.equal(await c.bucketExists(), true);
    assert.equal((await list(c)).size, KEYS.length);
    await c.getObject('a.yaml', join(work, 'sas', 'a.yaml'));
    assert.equal(readFileSync(join(work, 'sas', 'a.yaml'), 'utf8'), 'content of a.yaml');
  } finally {
    c.close();
  }
  const bad = new URLSearchParams(sas);
  bad.set('sig', Buffer.alloc(32, 7).toString('base64'));
  const b = client('private', { credential: { type: 'sas', query: bad } });
  try {
    await assert.rejects(b.bucketExists(), (e: BucketError) => {
      assert.equal(e.kind, 'auth');
      assert.ok(!e.message.includes(bad.get('sig') as string));
      return true;
    });
  } finally {
    b.close();
  }
});

test('anonymous: a public container is readable, a private one is not', async () => {
  const pub = client('public');
  const priv = client('private');
  try {
    assert.equal(await pub.bucketExists(), true);
    assert.deepEqual([...(await list(pub)).keys()], ['open.yaml']);
    await assert.rejects(list(priv), (e: BucketError) => e.kind === 'auth' || e.kind === 'not-found');
  } finally {
    pub.close();
    priv.close();
  }
});

test('Entra ID: client secret and client certificate get tokens Azurite accepts; a wrong secret is refused', async () => {
  const { tenantId, clientId, clientSecret, certificate } = entra.app;
  const authorityHost = entra.authorityHost;
  const before = entra.grants();
  const withSecret = client('private', {
    credential: { type: 'client-secret', tenantId, clientId, clientSecret, authorityHost },
  });
  const withCert = client('private', {
    credential: { type: 'client-certificate', tenantId, clientId, certificate, sendChain: true, authorityHost },
  });
  try {
    assert.equal(await withSecret.bucketExists(), true);
    assert.equal((await list(withSecret)).size, KEYS.length);
    assert.equal(await withCert.bucketExists(), true);
    await withCert.getObject('a.yaml', join(work, 'cert', 'a.yaml'));
    // One token per client, cached across requests.
    assert.equal(entra.grants() - before, 2);
  } finally {
    withSecret.close();
    withCert.close();
  }
  const wrong = client('private', {
    credential: { type: 'client-secret', tenantId, clientId, clientSecret: 'not-the-secret', authorityHost },
  });
  try {
    await assert.rejects(wrong.bucketExists(), (e: BucketError) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, new RegExp(`client '${clientId}' of tenant '${tenantId}' failed: invalid_client`, 'u'));
      assert.ok(!e.message.includes('not-the-secret'));
      return true;
    });
  } finally {
    wrong.close();
  }
  assert.throws(
    () =>
      new AzureBlobClient({
        endpoint: az.endpoint.replace('https:', 'http:'),
        container: 'private',
        credential: { type: 'client-secret', tenantId, clientId, clientSecret },
      }),
    /not permitted for non TLS protected \(https\) endpoints/u,
  );
});
