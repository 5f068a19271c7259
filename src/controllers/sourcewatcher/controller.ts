// The source-watcher's descriptor (controllers/registry.ts): its own artifact storage and HTTP server (the
// ExternalArtifacts it generates are served from it, as Flux's source-watcher does), the storage flags it shares
// with the source-controller, and `--no-cross-namespace-refs`.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Option } from 'commander';

import { parseListenAddress } from '../../runtime/index.ts';
import type { ControllerDescriptor, FlagValues } from '../registry.ts';
import { advertisedAddress, storageFlags, type StorageFlags } from '../source/index.ts';

function flags(): Option[] {
  return [
    ...storageFlags(),
    new Option(
      '--no-cross-namespace-refs',
      'When set, references between objects are only allowed within one namespace.',
    ),
  ];
}

async function run(values: FlagValues) {
  const f = values as unknown as StorageFlags & { crossNamespaceRefs?: boolean };
  const [{ ArtifactStorage, serveStorage }, { sourceWatcher }] = await Promise.all([
    import('../../artifacts/index.ts'),
    import('./setup.ts'),
  ]);
  await mkdir(f.storagePath, { recursive: true });
  const parsed = parseListenAddress(f.storageAddr);
  const listen = { host: parsed.host ?? '0.0.0.0', port: parsed.port };
  const server = await serveStorage(f.storagePath, listen);
  const port = Number(server.address.slice(server.address.lastIndexOf(':') + 1));
  const storage = new ArtifactStorage({
    root: f.storagePath,
    advertisedAddress: advertisedAddress(f.storageAdvAddr, { host: listen.host, port }),
    retention: { ttlMs: f.artifactRetentionTtl, records: f.artifactRetentionRecords },
  });
  return {
    setups: [sourceWatcher({ storage, noCrossNamespaceRefs: f.crossNamespaceRefs === false })],
    close: () => server.close(),
  };
}

/** sourceWatcherDescriptor: ArtifactGenerators, serving the ExternalArtifacts it produces. */
export const sourceWatcherDescriptor: ControllerDescriptor = {
  name: 'source-watcher',
  kinds: ['ArtifactGenerator'],
  flags,
  rbac: { clusterAdmin: false },
  install: {
    default: false,
    ports: [{ name: 'http', containerPort: 9090 }],
    args: (o) => [
      '--storage-path=/data',
      `--storage-adv-addr=source-watcher.$(RUNTIME_NAMESPACE).svc.${o.clusterDomain}.`,
    ],
    storage: true,
    readiness: 'http',
    services: [{ name: 'source-watcher', targetPort: 'http' }],
  },
  devArgs: (stateDir) => [`--storage-path=${join(stateDir, 'storage')}`, '--storage-addr=127.0.0.1:0'],
  run,
};
