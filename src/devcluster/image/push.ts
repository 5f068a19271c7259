// Pushing an image of the local OCI layout to a registry with Debian's skopeo, which copies a layout unchanged
// (same blobs, same manifest digest) and speaks the distribution API with basic or token auth.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { run } from './build.ts';
import { ImageBuildError } from './layer.ts';

export interface PushOptions {
  layoutDir: string;
  /** The image's full name in the layout. */
  name: string;
  /** Destination reference, `host:port/repository:tag`. */
  destination: string;
  /** Plain HTTP or a certificate the system does not trust (a loopback test registry). */
  insecure?: boolean;
  credentials?: { username: string; password: string };
}

/** pushImage copies an image of the layout to a registry and returns the digest the registry stored. */
export async function pushImage(options: PushOptions): Promise<string> {
  const tag = options.name.slice(options.name.lastIndexOf(':') + 1);
  const args = ['copy', '--quiet', '--preserve-digests'];
  if (options.insecure) args.push('--dest-tls-verify=false');
  if (options.credentials) args.push(`--dest-creds=${options.credentials.username}:${options.credentials.password}`);
  const digestFile = join(options.layoutDir, `.push-digest-${process.pid}-${Date.now()}`);
  args.push(`--digestfile=${digestFile}`, `oci:${options.layoutDir}:${tag}`, `docker://${options.destination}`);
  await run('skopeo', args, { label: `push ${options.name} to ${options.destination}` }).catch((err: unknown) => {
    throw new ImageBuildError(`pushing ${options.name} to ${options.destination} failed`, {
      cause: err,
      hint: 'skopeo comes from Debian (apt-get install skopeo); check the registry address and credentials',
    });
  });
  const digest = (await readFile(digestFile, 'utf8')).trim();
  await rm(digestFile, { force: true });
  return digest;
}
