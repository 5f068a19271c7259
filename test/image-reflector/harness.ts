// Shared setup of the image controller tests: the image-reflector-controller in this process against the test
// cluster, with its tag store in a temporary folder, and a real CNCF distribution registry with basic auth that
// tests fill with tags.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Command } from 'commander';

import { imageReflectorController } from '../../src/controllers/image/reflector-setup.ts';
import { TagStore } from '../../src/controllers/image/tagstore.ts';
import { dockerConfigJson, MediaType, RegistryClient, staticKeychain } from '../../src/fetchers/oci/index.ts';
import { KubeClient } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  startManager,
  type ControllerSetup,
  type RunningManager,
} from '../../src/runtime/index.ts';
import { type TestCluster, useCluster } from '../support/cluster.ts';
import { DEFAULT_USER, startRegistry, type TestRegistry } from '../support/oci-registry.ts';

export interface ImageHarness {
  cluster: TestCluster;
  client: KubeClient;
  registry: TestRegistry;
  pusher: RegistryClient;
  storageDir: string;
  /** pushTags pushes one small image per tag (distinct digests) to `repository`; returns tag → digest. */
  pushTags(repository: string, tags: readonly string[]): Promise<Record<string, string>>;
  /** credentials creates a dockerconfigjson Secret for the registry in `namespace`. */
  credentials(namespace: string, name: string, password?: string): Promise<void>;
  /** restart stops the controllers and starts them again on the same tag store folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function startControllers(
  cluster: TestCluster,
  storageDir: string,
  extra: ControllerSetup[],
): Promise<RunningManager> {
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--max-retry-delay=3s', '--log-level=error'],
    { from: 'user' },
  );
  return startManager(
    controllerOptionsFrom(flags.opts()),
    [imageReflectorController({ store: new TagStore(storageDir), noCrossNamespaceRefs: false }), ...extra],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('error') },
  );
}

/** startImageHarness starts the registry and the controllers (plus `extra` setups, e.g. the automation). */
export async function startImageHarness(extra: ControllerSetup[] = []): Promise<ImageHarness> {
  const [cluster, registry] = await Promise.all([useCluster(), startRegistry({ auth: 'basic' })]);
  const client = new KubeClient(cluster.kubeConfig);
  const storageDir = await mkdtemp(join(tmpdir(), 'fluxts-image-store-'));
  let running = await startControllers(cluster, storageDir, extra);
  const pusher = new RegistryClient({ registry: registry.host, keychain: staticKeychain(registry.host, DEFAULT_USER) });
  let seq = 0;
  return {
    cluster,
    client,
    registry,
    pusher,
    storageDir,
    async pushTags(repository, tags) {
      const digests: Record<string, string> = {};
      const config = await pusher.pushBlob(
        repository,
        { bytes: Buffer.from('{}') },
        'application/vnd.oci.image.config.v1+json',
      );
      for (const tag of tags) {
        const layer = await pusher.pushBlob(
          repository,
          { bytes: Buffer.from(`layer ${tag} ${++seq}`) },
          'application/vnd.oci.image.layer.v1.tar',
        );
        const manifest = Buffer.from(
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCIManifest, config, layers: [layer] }),
        );
        digests[tag] = (await pusher.putManifest(repository, tag, manifest, MediaType.OCIManifest)).digest;
      }
      return digests;
    },
    async credentials(namespace, name, password = DEFAULT_USER.password) {
      await client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': dockerConfigJson(registry.host, DEFAULT_USER.username, password) },
      });
    },
    async restart() {
      await running.stop();
      running = await startControllers(cluster, storageDir, extra);
    },
    async stop() {
      pusher.close();
      await running.stop();
      await registry.stop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
