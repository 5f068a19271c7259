// Bucket end to end on the real control plane: objects in a real S3 server (versitygw, SigV4 checked) become an
// artifact whose revision is source-controller's index digest, served and applied by a Kustomization; changes,
// .sourceignore, spec.ignore and prefix; wrong credentials, a missing Secret or bucket, keys that escape the
// artifact root and unsupported providers fail with Flux's conditions while the last good artifact stays.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { Bucket } from '../../src/api/index.ts';
import { fetchArtifact } from '../../src/artifacts/index.ts';
import { bucketType } from '../../src/controllers/source/setup.ts';
import { indexDigest, S3Client } from '../../src/fetchers/bucket/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { AZURITE_KEY, startAzurite, startEntraTokenEndpoint } from '../support/azurite.ts';
import { startGcsServer, startTokenEndpoint } from '../support/gcs-server.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import {
  configMapYaml,
  eventMessages,
  getObject,
  kustomization,
  startHarness,
  waitReady,
  type Condition,
  type Harness,
} from '../kustomize-controller/harness.ts';

let h: Harness;
let s3: TestS3Server;

before(async () => {
  [h, s3] = await Promise.all([startHarness(), startS3Server()]);
});
after(async () => {
  await Promise.all([h?.stop(), s3?.stop()]);
});

async function credentials(ns: string, name = 'creds', secretkey = s3.secretKey): Promise<void> {
  await h.client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    stringData: { accesskey: s3.accessKey, secretkey },
  });
}

async function bucket(ns: string, name: string, spec: Partial<Bucket['spec']>): Promise<void> {
  await h.client.create({
    apiVersion: bucketType.apiVersion,
    kind: 'Bucket',
    metadata: { name, namespace: ns },
    spec: {
      bucketName: name,
      endpoint: s3.endpoint,
      insecure: true,
      interval: '2s',
      secretRef: { name: 'creds' },
      ...spec,
    },
  });
}

const get = (ns: string, name: string): Promise<Bucket> => h.client.get<Bucket>(bucketType, { namespace: ns, name });
const cond = (o: Bucket, type: string): Condition | undefined =>
  (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

function waitFor(
  ns: string,
  name: string,
  status: 'True' | 'False',
  reason: string,
  extra: (o: Bucket) => boolean = () => true,
): Promise<Bucket> {
  return eventually(
    `Bucket ${ns}/${name} Ready=${status} ${reason}`,
    async () => {
      const o = await get(ns, name);
      const ready = cond(o, 'Ready');
      return ready?.status === status && ready.reason === reason && extra(o) ? o : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

/** expectedRevision lists the bucket as the server reports it and digests it independently of the controller. */
async function expectedRevision(name: string, keep: (key: string) => boolean = () => true): Promise<string> {
  const c = new S3Client({
    endpoint: s3.endpoint,
    bucket: name,
    insecure: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  });
  try {
    const index = new Map<string, string>();
    await c.visitObjects(undefined, (k, e) => {
      if (keep(k)) index.set(k, e);
    });
    return indexDigest(index);
  } finally {
    c.close();
  }
}

async function artifactFiles(o: Bucket): Promise<Record<string, string>> {
  const a = o.status?.artifact;
  assert.ok(a, 'artifact');
  const fetched = await fetchArtifact(a.url, a.digest ?? '');
  try {
    const out: Record<string, string> = {};
    const walk = (dir: string, prefix: string): void => {
      for (const e of readdirSync(join(fetched.dir, dir), { withFileTypes: true })) {
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) walk(join(dir, e.name), rel);
        else out[rel] = readFileSync(join(fetched.dir, dir, e.name), 'utf8');
      }
    };
    walk('', '');
    return out;
  } finally {
    await fetched.cleanup();
  }
}

test('a Bucket becomes an artifact applied by a Kustomization, and follows changes', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  await credentials(ns);
  await s3.createBucket('podinfo');
  await s3.putObject('podinfo', 'apps/cm.yaml', configMapYaml('from-bucket', { value: 'one' }));
  await bucket(ns, 'podinfo', {});
  const rev1 = await expectedRevision('podinfo');
  const ready = await waitFor(ns, 'podinfo', 'True', 'Succeeded', (o) => o.status?.artifact?.revision === rev1);
  assert.equal(cond(ready, 'Ready')?.message, `stored artifact: revision '${rev1}'`);
  assert.equal(cond(ready, 'ArtifactInStorage')?.status, 'True');
  assert.equal(ready.status?.artifact?.path, `bucket/${ns}/podinfo/${rev1.slice(7)}.tar.gz`);
  assert.match(ready.status?.url ?? '', new RegExp(`/bucket/${ns}/podinfo/latest\\.tar\\.gz$`));
  assert.ok(
    (await eventMessages(h, ns, 'podinfo')).includes("stored artifact with 1 fetched files from 'podinfo' bucket"),
  );

  await kustomization(h, ns, 'apps', {
    sourceRef: { kind: 'Bucket', name: 'podinfo' },
    path: './apps',
    targetNamespace: ns,
  });
  await waitReady(h, ns, 'apps', 'True', 'ReconciliationSucceeded', { revision: rev1 });
  const cm = await getObject(h, 'v1', 'ConfigMap', ns, 'from-bucket');
  assert.equal((cm?.['data'] as Record<string, string>)['value'], 'one');

  await s3.putObject('podinfo', 'apps/cm.yaml', configMapYaml('from-bucket', { value: 'two' }));
  const rev2 = await expectedRevision('podinfo');
  assert.notEqual(rev2, rev1);
  await waitFor(ns, 'podinfo', 'True', 'Succeeded', (o) => o.status?.artifact?.revision === rev2);
  await waitReady(h, ns, 'apps', 'True', 'ReconciliationSucceeded', { revision: rev2 });
  const cm2 = await getObject(h, 'v1', 'ConfigMap', ns, 'from-bucket');
  assert.equal((cm2?.['data'] as Record<string, string>)['value'], 'two');
});

test('.sourceignore, spec.ignore and prefix decide what is indexed and packed', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  await credentials(ns);
  await s3.createBucket('filtered');
  for (const [key, body] of Object.entries({
    '.sourceignore': '*.md\n',
    'app/deploy.yaml': 'a: 1\n',
    'app/README.md': 'docs',
    'app/keep.md': 'kept by spec.ignore',
    'app/secret.txt': 'ignored by spec.ignore',
    'other/x.yaml': 'outside the prefix',
  })) {
    await s3.putObject('filtered', key, body);
  }
  await bucket(ns, 'filtered', { prefix: 'app/', ignore: '!keep.md\n*.txt\n' });
  const rev = await expectedRevision('filtered', (k) => ['app/deploy.yaml', 'app/keep.md'].includes(k));
  const o = await waitFor(ns, 'filtered', 'True', 'Succeeded', (b) => b.status?.artifact?.revision === rev);
  assert.equal(o.status?.observedIgnore, '!keep.md\n*.txt\n');
  // The ignore file itself is downloaded beside the objects and packed, as source-controller does.
  assert.deepEqual(Object.keys(await artifactFiles(o)).sort(), ['.sourceignore', 'app/deploy.yaml', 'app/keep.md']);
});

test('wrong credentials, a missing Secret and a missing bucket fail in Flux words; the artifact stays', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  await credentials(ns);
  await credentials(ns, 'wrong', 'not-the-secret-value');
  await s3.createBucket('kept');
  await s3.putObject('kept', 'cm.yaml', configMapYaml('kept', { value: 'x' }));
  await bucket(ns, 'kept', {});
  const good = await waitFor(ns, 'kept', 'True', 'Succeeded');

  await h.client.patch(bucketType, { namespace: ns, name: 'kept' }, 'merge', {
    spec: { secretRef: { name: 'wrong' } },
  });
  const failed = await waitFor(ns, 'kept', 'False', 'BucketOperationFailed');
  const message = cond(failed, 'Ready')?.message ?? '';
  assert.match(message, /^failed to confirm existence of 'kept' bucket: /);
  assert.doesNotMatch(message, /not-the-secret-value/);
  assert.equal(cond(failed, 'FetchFailed')?.status, 'True');
  assert.deepEqual(failed.status?.artifact, good.status?.artifact, 'the last good artifact stays');
  assert.ok(await fetchArtifact(good.status?.artifact?.url ?? '', good.status?.artifact?.digest ?? ''));

  await bucket(ns, 'nosecret', { secretRef: { name: 'absent' } });
  const noSecret = await waitFor(ns, 'nosecret', 'False', 'AuthenticationFailed');
  assert.match(cond(noSecret, 'Ready')?.message ?? '', /secret '.*\/absent'/);

  await bucket(ns, 'nobucket', {});
  const missing = await waitFor(ns, 'nobucket', 'False', 'BucketOperationFailed');
  assert.equal(cond(missing, 'Ready')?.message, "bucket 'nobucket' not found");

  await bucket(ns, 'irsa', { provider: 'aws', secretRef: undefined });
  const irsa = await waitFor(
    ns,
    'irsa',
    'False',
    'InvalidProviderConfiguration',
    (o) => cond(o, 'Stalled')?.status === 'True',
  );
  assert.match(cond(irsa, 'Ready')?.message ?? '', /AWS credentials from the environment/);
});

/** A hostile S3 endpoint: a bucket whose listing holds a key that climbs out of the artifact root. */
async function hostileServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'HEAD') return void res.writeHead(200).end();
    if (url.searchParams.get('list-type') === '2') {
      res.writeHead(200, { 'content-type': 'application/xml' });
      return void res.end(
        '<ListBucketResult><IsTruncated>false</IsTruncated>' +
          '<Contents><Key>ok.yaml</Key><ETag>"1"</ETag></Contents>' +
          '<Contents><Key>../../escape.yaml</Key><ETag>"2"</ETag></Contents></ListBucketResult>',
      );
    }
    res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return server;
}

test('an object key that escapes the artifact root is refused', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  const server = await hostileServer();
  try {
    const port = (server.address() as AddressInfo).port;
    await bucket(ns, 'evil', { endpoint: `127.0.0.1:${port}`, secretRef: undefined });
    const o = await waitFor(ns, 'evil', 'False', 'BucketOperationFailed');
    assert.equal(
      cond(o, 'Ready')?.message,
      "indexation of objects from bucket 'evil' failed: object key '../../escape.yaml' escapes the artifact root ('..' path segment)",
    );
    assert.equal(o.status?.artifact, undefined);
  } finally {
    server.close();
  }
});

test('provider gcp reads a GCS bucket with a service-account key', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  const [gcs, tokens] = await Promise.all([startGcsServer(), startTokenEndpoint()]);
  try {
    await gcs.createBucket('gcs-apps');
    await gcs.putObject('gcs-apps', 'cm.yaml', configMapYaml('from-gcs', { value: 'g' }));
    await h.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'gcs-creds', namespace: ns },
      stringData: { serviceaccount: tokens.key },
    });
    await bucket(ns, 'gcs-apps', { provider: 'gcp', endpoint: gcs.endpoint, secretRef: { name: 'gcs-creds' } });
    const o = await waitFor(ns, 'gcs-apps', 'True', 'Succeeded');
    assert.deepEqual(Object.keys(await artifactFiles(o)), ['cm.yaml']);
    assert.ok(tokens.grants() >= 1);
    assert.deepEqual(tokens.refusals(), []);

    await h.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's3-style', namespace: ns },
      stringData: { accesskey: 'a', secretkey: 'b' },
    });
    await bucket(ns, 'gcs-wrong', { provider: 'gcp', endpoint: gcs.endpoint, secretRef: { name: 's3-style' } });
    const wrong = await waitFor(ns, 'gcs-wrong', 'False', 'AuthenticationFailed');
    assert.equal(cond(wrong, 'Ready')?.message, "invalid 's3-style' secret data: required fields 'serviceaccount'");
  } finally {
    await Promise.all([gcs.stop(), tokens.close()]);
  }
});

test('provider azure reads an Azure Blob container (Azurite) with Shared Key, SAS and Entra ID credentials', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  const az = await startAzurite();
  const entra = await startEntraTokenEndpoint(az.pki);
  try {
    await az.createContainer('apps');
    await az.putBlob('apps', 'deploy/cm.yaml', configMapYaml('from-azure', { value: 'a' }));
    await az.putBlob('apps', 'notes/readme.md', 'ignored');
    const secret = async (name: string, stringData: Record<string, string>): Promise<void> => {
      await h.client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData });
    };
    const { tenantId, clientId, clientSecret } = entra.app;
    await secret('az-ca', { 'ca.crt': az.pki.ca });
    await secret('az-key', { accountKey: AZURITE_KEY });
    await secret('az-sas', { sasKey: `?${az.accountSas()}` });
    await secret('az-app', { tenantId, clientId, clientSecret, authorityHost: entra.authorityHost });
    await secret('az-mi', { clientId });
    await secret('az-bad', { accountKey: Buffer.alloc(64, 1).toString('base64') });
    await secret('az-none', { accesskey: 'a', secretkey: 'b' });
    const azure = (name: string, secretName: string, extra: Partial<Bucket['spec']> = {}): Promise<void> =>
      bucket(ns, name, {
        provider: 'azure',
        bucketName: 'apps',
        endpoint: az.endpoint,
        insecure: false,
        secretRef: { name: secretName },
        certSecretRef: { name: 'az-ca' },
        ignore: 'notes/',
        ...extra,
      });
    // The revision as source-controller computes it: its index ends with the ETag headers of the downloads.
    const revision = indexDigest(new Map([['deploy/cm.yaml', await az.etag('apps', 'deploy/cm.yaml')]]));
    await azure('by-key', 'az-key');
    await azure('by-sas', 'az-sas');
    await azure('by-app', 'az-app');
    for (const name of ['by-key', 'by-sas', 'by-app']) {
      const o = await waitFor(ns, name, 'True', 'Succeeded');
      assert.equal(o.status?.artifact?.revision, revision, name);
      assert.deepEqual(Object.keys(await artifactFiles(o)), ['deploy/cm.yaml'], name);
    }
    assert.ok(entra.grants() >= 1);
    assert.deepEqual(entra.refusals(), []);
    await kustomization(h, ns, 'from-azure', {
      sourceRef: { kind: 'Bucket', name: 'by-key' },
      path: './deploy',
      targetNamespace: ns,
    });
    await waitReady(h, ns, 'from-azure', 'True', 'ReconciliationSucceeded', { revision });
    const cm = await getObject(h, 'v1', 'ConfigMap', ns, 'from-azure');
    assert.equal((cm?.['data'] as Record<string, string>)['value'], 'a');

    await azure('wrong-key', 'az-bad');
    const wrong = await waitFor(ns, 'wrong-key', 'False', 'BucketOperationFailed');
    assert.match(
      cond(wrong, 'Ready')?.message ?? '',
      /^failed to confirm existence of 'apps' bucket: .*(AuthorizationFailure|InvalidAuthenticationInfo)/u,
    );
    assert.doesNotMatch(cond(wrong, 'Ready')?.message ?? '', /AQEBAQEB/u);

    await azure('no-fields', 'az-none');
    const noFields = await waitFor(ns, 'no-fields', 'False', 'AuthenticationFailed');
    assert.match(
      cond(noFields, 'Ready')?.message ?? '',
      /^invalid 'az-none' secret data: requires a 'clientId' or 'accountKey' field/u,
    );

    await azure('managed', 'az-mi');
    const mi = await waitFor(
      ns,
      'managed',
      'False',
      'InvalidProviderConfiguration',
      (o) => cond(o, 'Stalled')?.status === 'True',
    );
    assert.match(cond(mi, 'Ready')?.message ?? '', /Azure managed identity .* Instance Metadata Service/u);
  } finally {
    await Promise.all([az.stop(), entra.close()]);
  }
});
