// Benchmark: fetching one bucket of many small objects from a local S3 server (versitygw) with fluxts's S3 client
// and with minio-go (the library source-controller's generic provider uses, test/bucket/bucket-reference) on the
// same input in the same run, with the ratio and a check that both computed the same revision; then N Buckets
// (default 100) reconciled to Ready by `fluxts controller source-controller` as its own process on a local control
// plane, with the controller's peak RSS.
// Run alone with `node bench/buckets.ts [N] [objects]`; bench/run.ts calls runBucketBench().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fetchEtagIndex, fetchIndexFiles, indexDigest, S3Client } from '../src/fetchers/bucket/index.ts';
import { startBucketReference } from '../test/bucket/bucket-reference.ts';
import { startS3Server } from '../test/support/s3-server.ts';
import { openBenchEnvironment, peakRssMiB, waitAllReady } from './environment.ts';

const bucketType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'Bucket' };

export interface BucketBenchResult {
  objects: number;
  fetch: { fluxtsMs: number; minioGoMs: number };
  n: number;
  allReadyMs: number;
  peakRssMiB: number;
}

/** runBucketBench measures one bucket fetch against minio-go, then n Buckets to Ready, and prints. */
export async function runBucketBench(n = 100, objects = 1000): Promise<BucketBenchResult> {
  const [s3, ref, env] = await Promise.all([startS3Server(), startBucketReference(), openBenchEnvironment()]);
  const work = mkdtempSync(join(tmpdir(), 'fluxts-bench-bucket-'));
  try {
    await s3.createBucket('bench');
    for (let i = 0; i < objects; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, objects - i) }, (_, j) =>
          s3.putObject('bench', `apps/app-${i + j}/deploy.yaml`, `kind: Deployment\nmetadata:\n  name: app-${i + j}\n`),
        ),
      );
    }
    const runs = 3;
    let fluxtsMs = Infinity;
    let minioGoMs = Infinity;
    let fluxtsRevision = '';
    let refRevision = '';
    for (let r = 0; r < runs; r++) {
      const dir = mkdtempSync(join(work, 'fluxts-'));
      const started = performance.now();
      const client = new S3Client({
        endpoint: s3.endpoint,
        bucket: 'bench',
        insecure: true,
        credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
      });
      try {
        const index = await fetchEtagIndex(client, { bucketName: 'bench', dir });
        await fetchIndexFiles(client, index, { bucketName: 'bench', dir });
        fluxtsRevision = indexDigest(index);
      } finally {
        client.close();
      }
      fluxtsMs = Math.min(fluxtsMs, performance.now() - started);
      const answer = await ref.ask({
        endpoint: s3.endpoint,
        bucket: 'bench',
        accessKey: s3.accessKey,
        secretKey: s3.secretKey,
        region: '',
        dir: mkdtempSync(join(work, 'ref-')),
      });
      if (answer.error) throw new Error(`minio-go reference failed: ${answer.error}`);
      minioGoMs = Math.min(minioGoMs, answer.millis);
      refRevision = answer.revision ?? '';
    }
    if (fluxtsRevision !== refRevision) throw new Error(`revisions differ: ${fluxtsRevision} vs ${refRevision}`);

    await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench-bucket' } });
    await env.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'bench-bucket' },
      stringData: { accesskey: s3.accessKey, secretkey: s3.secretKey },
    });
    const small = 'small';
    await s3.createBucket(small);
    for (let i = 0; i < 20; i++)
      await s3.putObject(small, `cm-${i}.yaml`, `kind: ConfigMap\nmetadata:\n  name: c${i}\n`);
    const controller = env.startControllers(['source-controller']);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        env.client.create({
          ...bucketType,
          metadata: { name: `bucket-${i}`, namespace: 'bench-bucket' },
          spec: {
            bucketName: small,
            endpoint: s3.endpoint,
            insecure: true,
            interval: '1h',
            secretRef: { name: 'creds' },
          },
        }),
      ),
    );
    const allReadyMs = await waitAllReady(env.client, bucketType, 'bench-bucket', n, started);
    const rss = peakRssMiB(controller.pid);
    console.log(
      `bucket fetch, ${objects} objects: fluxts ${fluxtsMs.toFixed(0)} ms, minio-go ${minioGoMs.toFixed(0)} ms (fluxts ${(minioGoMs / fluxtsMs).toFixed(2)}x minio-go's speed; best of ${runs}; same revision ${fluxtsRevision.slice(0, 19)}…)`,
    );
    console.log(
      `Buckets: ${n} of 20 objects each Ready in ${(allReadyMs / 1000).toFixed(1)}s; source-controller peak RSS ${rss} MiB`,
    );
    return { objects, fetch: { fluxtsMs, minioGoMs }, n, allReadyMs, peakRssMiB: rss };
  } finally {
    ref.close();
    await env.close();
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) await runBucketBench(Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 1000));
