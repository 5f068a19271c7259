// SigV4 signing (src/engines/sigv4) against the AWS SDK for Go v2 signer: a small Go program (./sigv4-reference,
// built once into the cache) signs the same requests; every header, the Authorization signature included, must be
// equal. local-kms does not check signatures, so this is the reference for the KMS/STS dialect; versitygw checks
// S3 signatures in test/bucket, and the S3 dialect is compared here too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

import { ensureGoToolchain, runGo } from '../../src/devcluster/go-build.ts';
import { sign, uriEncodePath } from '../../src/engines/sigv4/index.ts';
import { withBuildLock } from '../../src/util/build-lock.ts';
import { cacheDir } from '../../src/util/cache-dir.ts';

const source = join(dirname(fileURLToPath(import.meta.url)), 'sigv4-reference');

async function referenceBinary(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(source, f)));
  const dir = cacheDir('tools', `sigv4ref-${hash.digest('hex').slice(0, 16)}`);
  const bin = join(dir, 'sigv4ref');
  return withBuildLock(
    dir,
    () => Promise.resolve(existsSync(bin) ? bin : undefined),
    async () => {
      await ensureGoToolchain();
      await runGo(['build', '-o', `${bin}.tmp`, '.'], { cwd: source, label: 'go build sigv4-reference' });
      await rename(`${bin}.tmp`, bin);
      return bin;
    },
  );
}

const ref = await referenceBinary();

interface Case {
  name: string;
  method?: string;
  url: string;
  payloadHash?: string;
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  sessionToken?: string;
}

const CASES: Case[] = [
  {
    name: 'KMS Decrypt (JSON API)',
    url: 'https://kms.eu-west-2.amazonaws.com/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Decrypt' },
    body: JSON.stringify({ KeyId: 'arn:aws:kms:eu-west-2:111122223333:key/k', CiphertextBlob: 'AQID' }),
    service: 'kms',
    region: 'eu-west-2',
  },
  {
    name: 'KMS Encrypt with a session token and a custom endpoint',
    url: 'http://127.0.0.1:4599/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Encrypt' },
    body: JSON.stringify({ KeyId: 'k', Plaintext: 'AAAA', EncryptionContext: { a: 'b c' } }),
    service: 'kms',
    region: 'us-east-1',
    sessionToken: 'FQoGZXIvYXdzE//////////token+with/special=chars',
  },
  {
    name: 'STS AssumeRole (query API)',
    url: 'https://sts.us-west-2.amazonaws.com/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=sops%40host&Version=2011-06-15',
    service: 'sts',
    region: 'us-west-2',
  },
  {
    name: 'a path and a query string needing escapes',
    url: 'https://example.amazonaws.com/a%20b/c~d?z=1&a=x%2Fy&a=b&empty=',
    headers: { 'x-amz-meta-spaces': '  several   spaces  ' },
    body: '',
    service: 'service',
    region: 'us-east-1',
  },
  {
    name: 'S3 ListObjectsV2 (path style, query signed)',
    method: 'GET',
    url: 'http://127.0.0.1:7070/my-bucket?list-type=2&prefix=apps%2Fprod%2F&continuation-token=a%2Bb%3D%3D',
    headers: {},
    body: '',
    service: 's3',
    region: 'us-east-1',
  },
  {
    name: 'S3 GetObject with a key needing escapes (signed once, as sent)',
    method: 'GET',
    url: `https://s3.eu-central-1.amazonaws.com${uriEncodePath('/bucket/dir with space/ünïcode+plus=eq&amp/~tilde.yaml')}`,
    headers: { 'if-match': '"0123abcd"' },
    body: '',
    service: 's3',
    region: 'eu-central-1',
    sessionToken: 'IQoJb3JpZ2luX2VjE//token',
  },
  {
    name: 'S3 HeadBucket (virtual-hosted style)',
    method: 'HEAD',
    url: 'https://bucket.s3.amazonaws.com/',
    headers: {},
    body: '',
    service: 's3',
    region: 'us-east-1',
  },
  {
    name: 'S3 PutObject with an unsigned payload',
    method: 'PUT',
    url: 'http://127.0.0.1:7070/b/k.txt',
    headers: { 'content-type': 'text/plain' },
    body: 'hello',
    payloadHash: 'UNSIGNED-PAYLOAD',
    service: 's3',
    region: 'us-east-1',
  },
];

describe('SigV4 equals the AWS SDK signer', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const credentials = {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
      };
      const unix = 1_700_000_000;
      const method = c.method ?? 'POST';
      const r = spawnSync(ref, [], {
        input: JSON.stringify({
          method,
          url: c.url,
          headers: c.headers,
          body: c.body,
          service: c.service,
          region: c.region,
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          sessionToken: c.sessionToken ?? '',
          unix,
          payloadHash: c.payloadHash ?? '',
        }),
      });
      assert.equal(r.status, 0, r.stderr.toString());
      const theirs = JSON.parse(r.stdout.toString()) as Record<string, string>;
      const headers: Record<string, string> = { ...c.headers };
      if (c.body.length > 0) headers['content-length'] = String(Buffer.byteLength(c.body));
      const ours = sign({
        method,
        url: new URL(c.url),
        headers,
        body: c.body,
        ...(c.payloadHash ? { payloadHash: c.payloadHash } : {}),
        service: c.service,
        region: c.region,
        credentials,
        now: new Date(unix * 1000),
      });
      assert.equal(ours['authorization'], theirs['authorization']);
      assert.equal(ours['x-amz-date'], theirs['x-amz-date']);
      assert.equal(ours['x-amz-security-token'], theirs['x-amz-security-token']);
      assert.equal(ours['x-amz-content-sha256'], theirs['x-amz-content-sha256']);
    });
  }
});
