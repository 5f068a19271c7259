// The source-controller's descriptor (controllers/registry.ts): its flags, install pieces and how it starts: the
// artifact storage and its HTTP server beside the reconcilers.
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { Option } from 'commander';

import { parseDuration, parseListenAddress } from '../../runtime/index.ts';
import type { ControllerDescriptor, FlagValues } from '../registry.ts';

/** StorageFlags are the artifact storage flags (source-controller, source-watcher), as commander names them. */
export interface StorageFlags {
  storagePath: string;
  storageAddr: string;
  storageAdvAddr: string;
  artifactRetentionTtl: number;
  artifactRetentionRecords: number;
}

/**
 * advertisedAddress derives `--storage-adv-addr` as source-controller does when it is empty: the bound address,
 * with `localhost` for an empty host and the hostname for `0.0.0.0`.
 */
export function advertisedAddress(flag: string, bound: { host: string; port: number }): string {
  if (flag) return flag;
  const host = bound.host === '0.0.0.0' ? hostname() : bound.host || 'localhost';
  return `${host}:${bound.port}`;
}

/** storageFlags make the artifact storage flags, shared with the source-watcher (Flux's controllers share them too). */
export function storageFlags(): Option[] {
  return [
    new Option('--storage-path <path>', 'The local storage path.').env('STORAGE_PATH').default('/data'),
    new Option('--storage-addr <addr>', 'The address the static file server binds to.')
      .env('STORAGE_ADDRESS')
      .default(':9090'),
    new Option('--storage-adv-addr <addr>', 'The advertised address of the static file server.')
      .env('STORAGE_ADV_ADDR')
      .default(''),
    new Option('--artifact-retention-ttl <duration>', 'The duration of time that artifacts will be kept in storage.')
      .argParser((v) => parseDuration(v))
      .default(60_000, '1m0s'),
    new Option('--artifact-retention-records <n>', 'The maximum number of artifacts to be kept in storage.')
      .argParser((v) => Number.parseInt(v, 10))
      .default(2),
  ];
}

async function run(values: FlagValues) {
  const flags = values as unknown as StorageFlags;
  const [{ ArtifactStorage, serveStorage }, { sourceController }] = await Promise.all([
    import('../../artifacts/index.ts'),
    import('./setup.ts'),
  ]);
  await mkdir(flags.storagePath, { recursive: true });
  // Go's `:9090` means every interface.
  const parsed = parseListenAddress(flags.storageAddr);
  const listen = { host: parsed.host ?? '0.0.0.0', port: parsed.port };
  const server = await serveStorage(flags.storagePath, listen);
  const port = Number(server.address.slice(server.address.lastIndexOf(':') + 1));
  const storage = new ArtifactStorage({
    root: flags.storagePath,
    advertisedAddress: advertisedAddress(flags.storageAdvAddr, { host: listen.host, port }),
    retention: { ttlMs: flags.artifactRetentionTtl, records: flags.artifactRetentionRecords },
  });
  return { setups: [sourceController({ storage })], close: () => server.close() };
}

/** sourceControllerDescriptor: GitRepository today; the other source kinds plug into this controller. */
export const sourceControllerDescriptor: ControllerDescriptor = {
  name: 'source-controller',
  kinds: ['GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket', 'ExternalArtifact'],
  flags: storageFlags,
  rbac: { clusterAdmin: false },
  install: {
    default: true,
    ports: [{ name: 'http', containerPort: 9090 }],
    args: (o) => [
      '--storage-path=/data',
      `--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.${o.clusterDomain}.`,
    ],
    storage: true,
    readiness: 'http',
    env: [{ name: 'TUF_ROOT', value: '/tmp/.sigstore' }],
    services: [{ name: 'source-controller', targetPort: 'http' }],
  },
  devArgs: (stateDir) => [`--storage-path=${join(stateDir, 'storage')}`, '--storage-addr=127.0.0.1:0'],
  run,
};
