// The minio-go bucket fetch reference (bucket-reference/main.go), built once into the cache; the differential test
// and `npm run bench buckets` run it.
import { join } from 'node:path';

import { buildGoReference, JsonLinesProcess } from '../support/go-reference.ts';

export interface RefRequest {
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  dir: string;
}

export interface RefAnswer {
  revision?: string;
  index?: Record<string, string>;
  /** millis is the fetch's wall time inside the reference (process start excluded). */
  millis: number;
  error?: string;
}

/** buildBucketReference builds the minio-go reference once into the cache. */
export function buildBucketReference(): Promise<string> {
  return buildGoReference({
    name: 'bucketref',
    sourceDir: join(import.meta.dirname, 'bucket-reference'),
    files: ['go.mod', 'go.sum', 'main.go'],
    description: 'minio-go v7 bucket fetch reference',
  });
}

/** startBucketReference starts the reference as a JSON-lines process; close() it. */
export async function startBucketReference(): Promise<JsonLinesProcess<RefRequest, RefAnswer>> {
  return new JsonLinesProcess<RefRequest, RefAnswer>(await buildBucketReference());
}
